"""Wagtail seams of ent_pages: the access policy on page serving, admin for people and roles."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils.cache import patch_cache_control
from wagtail import hooks

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
