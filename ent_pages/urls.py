"""Accounts (login, password) and "my space", with French URLs and the site's look."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import accessibility, views
from .media import views as media_views
from .second_factor import views as second_factor
from .webapp import views as webapp

app_name = "ent_pages"

urlpatterns = [
    path("connexion/", second_factor.LoginView.as_view(), name="login"),
    path("connexion/code/", second_factor.verify, name="second_factor_verify"),
    path("connexion/double-facteur/", second_factor.enrol, name="second_factor_enrol"),
    path("mon-compte/securite/", second_factor.security, name="security"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/",
        auth_views.PasswordChangeView.as_view(
            template_name="ent_pages/accounts/password_change.html", success_url=reverse_lazy("ent_pages:password_change_done")
        ),
        name="password_change",
    ),
    path("mot-de-passe/modifie/", auth_views.PasswordChangeDoneView.as_view(template_name="ent_pages/accounts/password_change_done.html"), name="password_change_done"),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            template_name="ent_pages/accounts/password_reset.html",
            email_template_name="ent_pages/accounts/password_reset_email.txt",
            subject_template_name="ent_pages/accounts/password_reset_subject.txt",
            success_url=reverse_lazy("ent_pages:password_reset_done"),
        ),
        name="password_reset",
    ),
    path("mot-de-passe/oubli/envoye/", auth_views.PasswordResetDoneView.as_view(template_name="ent_pages/accounts/password_reset_done.html"), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="ent_pages/accounts/password_reset_confirm.html", success_url=reverse_lazy("ent_pages:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/nouveau/fait/", auth_views.PasswordResetCompleteView.as_view(template_name="ent_pages/accounts/password_reset_complete.html"), name="password_reset_complete"),
    path("mon-espace/", views.my_space, name="my_space"),
    path("theme.css", views.theme_css, name="theme_css"),
    # The installable app (ent_pages.webapp): the worker at the root, so that its scope is the whole site.
    path("manifest.webmanifest", webapp.manifest, name="webmanifest"),
    path("sw.js", webapp.service_worker, name="service_worker"),
    path("hors-ligne/", webapp.offline, name="offline"),
    # Private media: every file through the access policy (ent_pages.media.views).
    path("fichiers/images/<int:image_id>/<str:filename>", media_views.rendition, name="private_rendition"),
    path("fichiers/originaux/<int:image_id>/<str:filename>", media_views.image_original, name="private_image_original"),
    path("fichiers/documents/<int:document_id>/<str:filename>", media_views.document, name="private_document"),
    path("activation/", views.activation, name="activation"),
    path("accessibilite/", accessibility.statement, name="accessibility"),
]
