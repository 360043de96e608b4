"""/api/v1/: the phone app's JSON API (docs/api.md). The schema is at /api/v1/schema/."""

from django.urls import path, re_path
from django.utils.cache import patch_cache_control
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from . import views
from .exceptions import not_found

app_name = "api"

_schema = SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny])


def schema(request, *args, **kwargs):
    """The OpenAPI schema, open to all. Answered "private, no-store" like every API answer: without an
    authenticator DRF sets the request's user to anonymous, so PrivateResponsesMiddleware would not mark
    a logged-in visitor's answer itself."""
    response = _schema(request, *args, **kwargs)
    patch_cache_control(response, private=True, no_store=True)
    return response


urlpatterns = [
    path("schema/", schema, name="schema"),
    path("auth/login/", views.LoginView.as_view(), name="login"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.TokenListView.as_view(), name="tokens"),
    path("tokens/<int:token_id>/", views.TokenDetailView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("home/", views.HomeView.as_view(), name="home"),
    path("children/", views.ChildrenView.as_view(), name="children"),
    path("classes/", views.ClassListView.as_view(), name="classes"),
    path("classes/<int:class_id>/posts/", views.ClassPostsView.as_view(), name="class_posts"),
    path("classes/<int:class_id>/galleries/", views.ClassGalleriesView.as_view(), name="class_galleries"),
    path("posts/<int:post_id>/", views.PostView.as_view(), name="post"),
    path("galleries/<int:gallery_id>/", views.GalleryView.as_view(), name="gallery"),
    path("files/images/<int:image_id>/", views.ImageFileView.as_view(), name="image"),
    path("files/documents/<int:document_id>/", views.DocumentFileView.as_view(), name="document"),
    path("homework/", views.HomeworkView.as_view(), name="homework"),
    path("notes/", views.NoteListView.as_view(), name="notes"),
    path("notes/<int:note_id>/", views.NoteView.as_view(), name="note"),
    path("notes/<int:note_id>/acknowledge/", views.NoteAcknowledgeView.as_view(), name="note_acknowledge"),
    path("consents/", views.ConsentView.as_view(), name="consents"),
    path("resources/", views.ResourceListView.as_view(), name="resources"),
    path("search/", views.SearchView.as_view(), name="search"),
    re_path(r"^.*$", not_found),
]
