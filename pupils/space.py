"""What the pupil space shows of a class, built once per class and kept in the cache until it changes.

Every pupil of a class whose teachers show the same things sees the same posts, homework, workbooks
and resources in /eleve/mon-espace/: those are built once (with the access policy, for that pupil's
scope) and kept under a key made of the class, what the scope opens (``pupil_sees``, partner
classes), today's date and the *versions* of the places they come from. Publishing, unpublishing,
moving or deleting a page bumps the version of its class section (or of the city's pages: resources
and workbooks), and a homework entry bumps its class's (``pupils.signals``): the next request
rebuilds the fragment. Access stays exact: the scope is read on every request (a revoked account or
a switched-off class is out at once, ``pupils.views.space``), and a fragment is only ever served to a
scope identical to the one it was built for. Workbook progress is the pupil's own: read per request.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.models import Page

from ent_pages.access import PUPIL_SEES_WORKBOOKS, policy

HOMEWORK_DAYS = 7
POSTS_IN_SPACE = 12
#: A fragment lives at most this long even if nothing bumps it (a safety net, not the invalidation).
FRAGMENT_SECONDS = 15 * 60
CITY = "city"
ANYWHERE = "all"
_VERSION = "preau:pupil-space:v:"


def _version_key(place):
    return f"{_VERSION}{place}"


def bump(*places):
    """A class section (its path), CITY or ANYWHERE changed: fragments built from it are stale."""
    for place in places:
        key = _version_key(place)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, None)


def bump_for_page(page):
    """A page was published, unpublished or deleted: bump what the pupil space may show of it."""
    _school, section_path, under_school, is_class = policy._section(page)
    if is_class:
        bump(section_path)
    elif not under_school:
        bump(CITY)


def _fragment_key(scope, today):
    places = [scope.pupil_class_path, *sorted(scope.partner_class_paths), CITY, ANYWHERE]
    versions = cache.get_many([_version_key(p) for p in places])
    parts = [scope.pupil_class_path, ",".join(sorted(scope.pupil_sees)), today.isoformat()]
    parts += [f"{p}={versions.get(_version_key(p), 0)}" for p in places]
    return "preau:pupil-space:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def class_fragment(request, user, scope):
    """The class's parts of the space (rendered news and resources, workbooks as (id, title, url)): cached per class."""
    today = timezone.localdate()
    key = _fragment_key(scope, today)
    fragment = cache.get(key)
    if fragment is None:
        fragment = _build(request, user, scope, today)
        cache.set(key, fragment, FRAGMENT_SECONDS)
    return fragment


def _build(request, user, scope, today):
    from class_blog.models import ClassPostPage, HomeworkEntry, Subject
    from ent_pages.models import ClassPage
    from periscolaire.models import GalleryPage
    from resources.models import ResourcePage, WorkbookPage
    from resources.models.pages import CuratedPage

    class_page = ClassPage.objects.only("title", "levels", "path").get(pk=scope.pupil_class_id)
    posts = list(policy.viewable(user, Page.objects.live().type(ClassPostPage, GalleryPage))
                 .select_related("content_type").order_by("-first_published_at", "-pk")[:POSTS_IN_SPACE])
    for post in posts:
        post.is_gallery = post.content_type.model == "gallerypage"
    homework = list(HomeworkEntry.objects.filter(class_page__in=policy.pupil_homework_class_ids(user),
                                                 due_on__gte=today, due_on__lte=today + timedelta(days=HOMEWORK_DAYS))
                    .order_by("due_on", "subject", "pk"))
    subjects = dict(Subject.choices)
    for entry in homework:
        entry.subject_label = subjects.get(entry.subject, entry.subject)
    workbooks = []
    if PUPIL_SEES_WORKBOOKS in scope.pupil_sees:
        workbooks = [(wb.pk, wb.title, wb.get_url(request))
                     for wb in WorkbookPage.objects.live().filter(CuratedPage.current_q(today)).order_by("title")
                     if "pupils" in wb.audience and (not wb.levels or set(wb.levels) & set(class_page.levels))]
    resources = list(ResourcePage.objects.live().filter(CuratedPage.current_q(today)).filter(
        audience__icontains='"pupils"').order_by("title")[:10])
    return {
        "class_title": class_page.title,
        "news": render_to_string("pupils/includes/space_class.html", {"posts": posts, "homework": homework},
                                 request=request),
        "workbooks": workbooks,
        "resources": render_to_string("pupils/includes/space_resources.html", {"resources": resources},
                                      request=request),
    }
