"""Family-facing URLs of the périscolaire app (included before Wagtail's page serving)."""

from django.urls import path

from . import views

app_name = "periscolaire"

urlpatterns = [
    path("mon-espace/droit-a-l-image/", views.my_image_consents, name="my_image_consents"),
]
