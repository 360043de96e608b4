"""Push notification settings (French URLs), mounted at /notifications/."""

from django.urls import path

from . import views

app_name = "push"

urlpatterns = [
    path("appareils/", views.subscribe, name="subscribe"),
    path("appareils/<int:pk>/", views.update, name="update"),
    path("appareils/<int:pk>/retirer/", views.revoke, name="revoke"),
    path("page/<int:page_id>/", views.open_page, name="open_page"),
]
