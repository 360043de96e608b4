"""The family and staff home (/mon-espace/), remembered per user: its sections cost a bare page's queries.

A parent opens /mon-espace/ several times a day; building it reads the children, the classes, the
feed, homework, notes, the calendar and the pupil accounts (a dozen queries or more). What it shows
changes far less often than it is read, so its HTML is remembered for each user and language, with
the versions it was built under, and used only while all of them hold:

- the **access version** (ent_pages.access): an enrolment, a guardianship, an assignment, a grant,
  an unpublished page... bumps it, so a revoked family no longer sees the class at its next request;
- the **content version** (ent_pages.page_cache) of every school in the user's reach (their
  children's, taught, partner and directed schools' classes) and of every page outside schools at
  the top of the tree (city news, city-wide calendar): publishing a post bumps its school's;
- the **class life version** of the same schools and pages: writing or removing homework, a note
  or an event bumps it (``class_life_changed``);
- the user's own **family version** (``family_changed``): a note acknowledged, a child's pupil
  account changed or used;
- the **staff version** of each school the user runs (``staff_changed``): notes acknowledged by
  families (the counts a teacher follows), pages entering or leaving moderation;
- the **day** (homework due soon, the calendar) and the moment the next note addressed to the user
  is delivered (a note waits for the end of quiet hours without any change being made).

The versions' keys are stored with the HTML: a request reads the access version, its scope and the
HTML in one round trip, then the versions the HTML depends on in a second one, and runs no query. As on class
pages (``page_cache``), file links are placeholders signed for each browser when the page is sent,
and the CSRF token is a placeholder replaced by the viewer's own: nothing per browser is stored.

Not remembered (built for the request alone): a request with a query string (a later page of the
feed), a superuser, a pupil, and a user shown a section built from data no version follows (a city
editor's drafts, an animator's CLAE spaces: the hook sets ``context[UNREMEMBERED]``). Changes that
bump no version (a pupil's first name corrected by an import, a document's title...) show when the
entry expires, after ``PREAU_PAGE_CACHE_SECONDS``.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import transaction
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .access import SCHOOL_DEPTH, SCHOOL_PREFIX, policy
from .media import links
from .page_cache import _seconds, _version_key, bump_key

#: Set in the context by a ``my_space_sections`` hook whose section follows data no version covers.
UNREMEMBERED = "my_space_unremembered"
_TEMPLATE = "ent_pages/includes/my_space_body.html"


def _entry_key(user_id: int) -> str:
    return f"preau:my-space:{user_id}:{get_language()}"


def family_version_key(user_id: int) -> str:
    return f"preau:my-space-family:{user_id}"


def life_version_key(path: str) -> str:
    """Homework, notes and events of a school (or of a page at the top of the tree, by its path)."""
    return f"preau:my-space-life:{path[:SCHOOL_PREFIX]}"


def staff_version_key(school_path: str) -> str:
    return f"preau:my-space-staff:{school_path}"


# ------------------------------------------------------------------------------------- changes
def _bump_now_and_on_commit(keys) -> None:
    """Bump now (a request reading meanwhile builds afresh) and again at commit (one that read the
    old rows before the commit must not keep what it built)."""
    keys = sorted(set(keys))
    if not keys:
        return

    def run():
        for key in keys:
            bump_key(key)

    run()
    transaction.on_commit(run)


def class_life_changed(*, class_page=None, school=None, path: str | None = None) -> None:
    """Homework, a note or an event of a class or school (or of the page at `path`) was written or
    removed: the homes of those who see that school (or that top page) are built afresh."""
    paths = {p for p in (path, getattr(class_page, "path", None), getattr(school, "path", None)) if p}
    _bump_now_and_on_commit(life_version_key(p) for p in paths)


def family_changed(user_ids) -> None:
    """Something only these users are shown changed (a note acknowledged, a child's pupil account)."""
    _bump_now_and_on_commit(family_version_key(pk) for pk in user_ids if pk)


def guardians_changed(pupil_ids) -> None:
    """A pupil's account changed or was used: their guardians' homes list it afresh (one query)."""
    from .models import Guardianship

    pupil_ids = list(pupil_ids)
    if pupil_ids:
        family_changed(set(Guardianship.objects.filter(pupil__in=pupil_ids, guardian__user__isnull=False)
                           .values_list("guardian__user", flat=True)))


def staff_changed(school_path: str) -> None:
    """What a school's staff follow changed (acknowledgement counts, pages in moderation)."""
    if school_path:
        _bump_now_and_on_commit([staff_version_key(school_path[:SCHOOL_PREFIX])])


# ------------------------------------------------------------------------------------ serving
def _rememberable(request, scope) -> bool:
    if not _seconds() or request.GET or request.method != "GET":
        return False
    return not (scope.superuser or scope.pupil)


def _dependencies(user) -> list[str]:
    """The version keys the user's home depends on (see the module docstring). One query."""
    from wagtail.models import Page

    from .models import SchoolPage

    scope = policy.scope(user)
    own = scope.class_paths | scope.taught_class_paths | scope.partner_class_paths
    schools = {p[:SCHOOL_PREFIX] for p in own} | scope.member_school_paths | scope.director_school_paths
    # Pages at the top of the tree that are not schools (city home, city news, resources): public
    # content every home may show; other schools' versions are not the user's concern.
    top = Page.objects.filter(depth__lte=SCHOOL_DEPTH).exclude(
        pk__in=SchoolPage.objects.values("pk")).values_list("path", flat=True)
    tops = schools | {p[:SCHOOL_PREFIX] for p in top}
    keys = {_version_key(p) for p in tops} | {life_version_key(p) for p in tops}
    keys.add(family_version_key(user.pk))
    run = {p[:SCHOOL_PREFIX] for p in scope.taught_class_paths} | scope.director_school_paths
    keys |= {staff_version_key(p) for p in run}
    return sorted(keys)


def _next_delivery(user, now):
    """When the next note addressed to the user reaches them (None: none is waiting)."""
    from django.apps import apps
    from django.db.models import Min

    recipient = apps.get_model("class_blog", "NoteRecipient")
    return recipient.objects.filter(guardian__user=user, note__scheduled_for__gt=now).aggregate(
        first=Min("note__scheduled_for"))["first"]


def sections_html(request, build_context) -> str:
    """The home's sections for this request: remembered HTML while its versions hold, else
    ``build_context(request)`` rendered (and remembered when it may be)."""
    user = request.user
    key = _entry_key(user.pk)
    scope, found = policy.scope_and(user, [key])  # with the access version: one round trip
    if not _rememberable(request, scope):
        return render_to_string(_TEMPLATE, build_context(request), request=request)
    access_version = policy.access_version()  # read with them
    now = timezone.now()
    today = timezone.localdate().isoformat()
    stored = found.get(key)
    if isinstance(stored, dict) and stored.get("access") == access_version and stored.get("day") == today and (
        stored["until"] is None or now < stored["until"]
    ):
        current = cache.get_many(stored["deps"])
        if [current.get(k, 0) for k in stored["deps"]] == stored["values"]:
            return _send(request, stored)
    deps = _dependencies(user)
    found = cache.get_many(deps)  # read before building: a change made meanwhile is seen next time
    values = [found.get(k, 0) for k in deps]
    until = _next_delivery(user, now)
    context = build_context(request)
    if context.get(UNREMEMBERED):
        return render_to_string(_TEMPLATE, context, request=request)
    csrf_marker = f"preau-csrf-{secrets.token_hex(12)}"
    context["csrf_token"] = csrf_marker
    with links.shared_links() as rendering:
        html = render_to_string(_TEMPLATE, context, request=request)
    stored = {
        "access": access_version, "day": today, "until": until, "deps": deps, "values": values,
        "html": html, "marker": rendering.marker, "paths": rendering.paths, "csrf": csrf_marker,
    }
    cache.set(key, stored, _seconds())
    return _send(request, stored)


def _send(request, stored) -> str:
    html = links.sign_shared(stored["html"], stored["marker"], stored["paths"])
    if stored["csrf"] in html:
        html = html.replace(stored["csrf"], get_token(request))
    return mark_safe(html)  # noqa: S308 - rendered by our templates, links and token placed as they would be
