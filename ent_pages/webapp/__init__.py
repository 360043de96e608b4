"""The installable web app: manifest, service worker, offline reading of family pages (docs/webapp.md).

- ``/manifest.webmanifest`` and ``/sw.js`` (views: ``ent_pages.webapp.views``): the worker lives at
  the site root so that its scope is the whole site; it keeps the app shell (CSS, scripts, icons, the
  offline page) and, network first, the family pages a view marks with `keep_offline`.
- A page is kept only if its response carries ``Preau-Offline-Key``: the opaque key of the user it
  was built for (an HMAC of the user id, never the id), set by `keep_offline` when the access policy
  says the user's pages may stay on the device (`policy.may_keep_offline`: families only). The worker
  stores it in the cache ``preau-user-<key>`` and deletes every other user's cache first.
- Every page says who it was built for (``<meta name="preau-offline-key">``, empty for a visitor who
  is not signed in): the page script deletes the caches of anyone else, so a visitor or another
  account never reads a previous user's pages, even without a logout.
- At logout (any logout: the site's, the admin's, a pupil's) the response carries
  ``Clear-Site-Data: "cache", "storage"``: the browser drops its caches, storage and the worker.
"""

from functools import wraps

from django.contrib.auth.signals import user_logged_out
from django.utils.crypto import salted_hmac

#: The response header naming the cache a page may be kept in (read by the service worker).
OFFLINE_KEY_HEADER = "Preau-Offline-Key"
#: What a logout response asks the browser to forget (https://www.w3.org/TR/clear-site-data/).
CLEAR_SITE_DATA = '"cache", "storage"'
_LOGGED_OUT_ATTR = "_preau_logged_out"


def offline_key(user) -> str:
    """The opaque per-user key of the user's offline cache: stable for the user, meaningless to others."""
    return salted_hmac("preau.webapp.offline-key", str(user.pk), algorithm="sha256").hexdigest()[:32]


def page_offline_key(user) -> str:
    """What a page says about who it was built for: the user's key, or "" for a visitor not signed in."""
    return offline_key(user) if user is not None and user.is_authenticated else ""


def keep_offline(view):
    """Decorator: a successful HTML answer of this view may be kept for offline reading by its user.

    Whether it is kept is the access policy's decision (families only); the header names the user's
    cache. Non-GET requests, redirects and errors are never kept.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        from ..access import policy

        response = view(request, *args, **kwargs)
        if (request.method == "GET" and response.status_code == 200 and not response.streaming
                and response.get("Content-Type", "").startswith("text/html")
                and policy.may_keep_offline(request.user)):
            response[OFFLINE_KEY_HEADER] = offline_key(request.user)
        return response

    return wrapped


def _remember_logout(sender, request, **kwargs):
    if request is not None:
        setattr(request, _LOGGED_OUT_ATTR, True)


def connect():
    """Mark requests that log a user out (called from the app's ready())."""
    user_logged_out.connect(_remember_logout, dispatch_uid="preau-webapp-logout")


class ClearSiteDataAtLogoutMiddleware:
    """The response to a request that logged someone out tells the browser to forget the site's caches,
    storage and service worker: nothing of the previous user stays readable offline."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, _LOGGED_OUT_ATTR, False):
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response
