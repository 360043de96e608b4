"""The family home: what is new for a user's children (or classes, or school), newest first.

One request, a bounded number of queries whatever the number of children, posts, entries or notes;
every item is filtered by ent_pages.access.policy.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.models import Page, get_page_models

from ent_pages.access import policy

from .models import HomeworkEntry, Subject
from .models.posts import PostsPage, page_number
from .notes import pending_notes_for, with_ack_counts
from .previews import attach_previews

FEED_PER_PAGE = 10
HOMEWORK_ON_HOME = 10
HOMEWORK_DAYS = 7


def feed_models():
    """Page models shown in the family feed: those with ``in_family_feed = True`` (other apps may add theirs)."""
    return [model for model in get_page_models() if getattr(model, "in_family_feed", False)]


def feed_pages(user):
    """Posts, galleries, school (and CLAE) news and city news the user may see, newest first (Page queryset).

    A page is in the feed as soon as it is published, even during quiet hours: only its
    notification (digests) waits for them to end (``announced_pages``).
    """
    pages = policy.viewable(user, Page.objects.live().type(*feed_models()))
    return pages.order_by("-first_published_at", "-pk")


def announced_pages(user, since, now):
    """Feed pages families are to be told about between `since` and `now`: announced then (quiet hours
    hold the announcement of posts and school news), or first published then (everything else)."""
    announced = Coalesce("classpostpage__announced_at", "schoolnewspage__announced_at", "first_published_at")
    return (
        feed_pages(user).annotate(announced=announced)
        .filter(announced__gt=since, announced__lte=now).order_by("-announced", "-pk")
    )


def upcoming_homework(user, today=None, days=HOMEWORK_DAYS):
    today = today or timezone.localdate()
    return (
        HomeworkEntry.objects.filter(class_page__in=policy.viewable_class_ids(user))
        .filter(due_on__gte=today, due_on__lte=today + timedelta(days=days))
        .order_by("due_on", "class_page_id", "subject", "pk")
    )


def home_context(request):
    user = request.user
    now = timezone.now()
    scope = policy.scope(user)
    classes = {c.path: c for c in policy.viewable_classes(user, include_partners=True).live().order_by("title")}
    # Plain Page rows are enough for a title, a date and a link: no query per page type.
    models = {ct.pk: model for model, ct in ContentType.objects.get_for_models(*feed_models()).items()}
    page_obj = PostsPage(feed_pages(user), page_number(request), per_page=FEED_PER_PAGE)
    for item in page_obj:
        model = models.get(item.content_type_id)
        item.feed_kind = model.__name__ if model else ""
        feed_class = classes.get(item.path[: 4 * item.steplen])
        kind = model._meta.verbose_name if model else ""
        item.feed_label = f"{feed_class.title} — {kind}" if feed_class and item.feed_kind != "ClassPostPage" else (
            feed_class.title if feed_class else kind
        )
    attach_previews(list(page_obj), models)
    staff = scope.superuser or bool(scope.taught_class_paths or scope.director_school_paths)
    sent_notes = []
    if staff:
        sent_notes = list(with_ack_counts(policy.managed_notes(user))
                          .select_related("class_page", "school").order_by("-created_at")[:5])
    own = set(scope.class_paths) | {p for p in classes if p[: 3 * Page.steplen] in scope.director_school_paths}
    # The classes are loaded already: no join (nor page instances) per homework entry.
    classes_by_id = {c.pk: c for c in classes.values()}
    # Homework read once for the home: due soon for its own list, and the calendar's weeks ahead
    # (school_calendar.entries takes them from the context rather than asking again).
    from school_calendar.entries import DAYS_AHEAD

    today = timezone.localdate()
    ahead = list(upcoming_homework(user, today, days=DAYS_AHEAD))
    homework = [entry for entry in ahead if entry.due_on <= today + timedelta(days=HOMEWORK_DAYS)][:HOMEWORK_ON_HOME]
    subjects = dict(Subject.choices)
    for entry in ahead:
        if entry.class_page_id in classes_by_id:
            entry.class_page = classes_by_id[entry.class_page_id]
        entry.class_title = classes_by_id[entry.class_page_id].title if entry.class_page_id in classes_by_id else ""
        entry.subject_label = subjects.get(entry.subject, entry.subject)
    return {
        "pending_notes": list(pending_notes_for(user, now)[:10]),
        "homework_soon": homework,
        "homework_ahead": (today, today + timedelta(days=DAYS_AHEAD), ahead),
        "feed_page": page_obj,
        "sent_notes": sent_notes,
        "my_classes": [c for path, c in classes.items() if path in own or scope.superuser],
        "partner_classes": [c for path, c in classes.items() if path in scope.partner_class_paths],
        "is_staff_member": staff,
    }
