"""Private answers are never cacheable: what a logged-in user is sent is theirs alone.

`PrivateResponsesMiddleware` marks every response to an authenticated user
``Cache-Control: private, no-store`` with ``Vary: Cookie``, whatever the view said, so that neither a
shared proxy nor the browser's back/forward cache keeps a family's page, note or photo. A view
whose answer is the same for everyone (a public file, a public page's assets) says so with the
`public_response` decorator, or `mark_public(response)` when only some of its answers are.
"""

from functools import wraps

from django.conf import settings
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty

PRIVATE_CACHE_CONTROL = "private, no-store"
_PUBLIC_ATTR = "preau_cache_public"


def mark_public(response):
    """Let this response keep the cache headers its view set (it does not depend on who asks)."""
    setattr(response, _PUBLIC_ATTR, True)
    return response


def public_response(view):
    """Decorator for views whose answers are the same for everyone, logged in or not."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return mark_public(view(request, *args, **kwargs))

    return wrapped


class PrivateResponsesMiddleware:
    """After AuthenticationMiddleware: responses to logged-in users are private unless marked public."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Cache-Control") == PRIVATE_CACHE_CONTROL:
            # Already private (a private file, a pupil's page): no need to ask who is logged in.
            patch_vary_headers(response, ("Cookie",))
            return response
        user = request.__dict__.get("user")
        if isinstance(user, SimpleLazyObject) and user._wrapped is empty and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return response  # no session cookie and nobody logged in on the way: anonymous, no session read

        if user is not None and user.is_authenticated and not getattr(response, _PUBLIC_ATTR, False):
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
            response.headers.pop("Expires", None)
            patch_vary_headers(response, ("Cookie",))
        return response
