"""Admin URLs of the périscolaire app (under /admin/periscolaire/, admin access required by Wagtail)."""

from django.urls import path

from . import views

app_name = "periscolaire_admin"

urlpatterns = [
    path("galeries/<int:page_id>/photos/", views.gallery_upload, name="gallery_upload"),
    path("droit-a-l-image/", views.consent_classes, name="consent_classes"),
    path("droit-a-l-image/classe/<int:class_id>/", views.consent_table, name="consent_table"),
]
