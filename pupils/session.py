"""The pupil session on a class tablet: how it starts, how long it lasts, how it ends.

A pupil session is marked in the session itself (set only by the pupil login), lasts
PREAU_PUPIL_IDLE_SECONDS (20 minutes) after the last request, is confined to what the access policy
lets pupils use (``policy.pupil_may_use``), and ends at "J'ai fini" with the session flushed and the
browser told to forget what it cached. Every pupil answer is ``no-store``.
"""

from django.conf import settings
from django.contrib.auth import login
from django.core import signing
from django.utils import timezone

from ent_pages.access import policy
from ent_pages.my_space_cache import guardians_changed

PUPIL_SESSION_KEY = "preau_pupil"
#: A signed cookie a class's teacher sets on the class tablet: the device shows that class's first names.
TABLET_COOKIE = "preau_tablet"
TABLET_SALT = "preau.pupils.tablet"
TABLET_MAX_AGE = 365 * 24 * 3600


def idle_seconds():
    return getattr(settings, "PREAU_PUPIL_IDLE_SECONDS", 20 * 60)


def log_pupil_in(request, account):
    login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[PUPIL_SESSION_KEY] = True
    request.session.set_expiry(idle_seconds())
    policy.forget(account.user)
    account.user.last_login = timezone.now()
    guardians_changed([account.pupil_id])  # the families' homes show the last login


def is_pupil_session(request) -> bool:
    return bool(request.session.get(PUPIL_SESSION_KEY)) and request.user.is_authenticated


def tablet_class_id(request):
    try:
        return int(request.get_signed_cookie(TABLET_COOKIE, default="", salt=TABLET_SALT, max_age=TABLET_MAX_AGE))
    except (ValueError, signing.BadSignature):
        return None


def set_tablet(response, class_page):
    response.set_signed_cookie(TABLET_COOKIE, str(class_page.pk), salt=TABLET_SALT, max_age=TABLET_MAX_AGE,
                               httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
