"""Wagtail seams of ent_pages: the access policy on page serving, admin for people, roles and activation letters."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from .access import policy


@hooks.register("on_serve_page")
def enforce_access_policy(next_serve_page):
    """Every page served goes through the access policy; private answers are never cached."""

    def serve(page, request, args, kwargs):
        if not policy.can_view(request.user, page):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise Http404
        response = next_serve_page(page, request, args, kwargs)
        if policy.is_private(page):
            patch_cache_control(response, private=True, no_store=True)
        return response

    return serve


@hooks.register("register_admin_urls")
def register_activation_urls():
    from . import admin_views

    return [
        path("preau/lettres/<int:page_id>/", admin_views.activation_letters, name="ent_pages_activation_letters"),
        path("preau/activations/<int:page_id>/", admin_views.activation_report, name="ent_pages_activation_report"),
    ]


def _activation_buttons(page, user, priority):
    from .models import ClassPage, SchoolPage

    if page.specific_class not in (ClassPage, SchoolPage) or not policy.can_edit(user, page):
        return []
    return [
        Button(_("Activation letters"), reverse("ent_pages_activation_letters", args=[page.pk]), icon_name="mail", priority=priority),
        Button(_("Who has activated?"), reverse("ent_pages_activation_report", args=[page.pk]), icon_name="user", priority=priority + 1),
    ]


@hooks.register("register_page_listing_more_buttons")
def activation_listing_buttons(page, user, next_url=None):
    yield from _activation_buttons(page, user, 80)


@hooks.register("register_page_header_buttons")
def activation_header_buttons(page, user, view_name, next_url=None):
    yield from _activation_buttons(page, user, 80)
