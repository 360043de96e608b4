"""The inbox: a user's threads with their unread counts, newest first, in a constant number of queries."""

from datetime import UTC, datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ent_pages.access import policy

from .models import Message, Participant

PAGE_SIZE = 30
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _visible_messages(user, now):
    return Message.objects.filter(thread=OuterRef("thread")).filter(
        Q(sender=user) | Q(visible_at__lte=now, recalled_at__isnull=True)
    )


def _unread_messages(user, now):
    return Message.objects.filter(
        thread=OuterRef("thread"), visible_at__lte=now, recalled_at__isnull=True, visible_at__gt=OuterRef("read_mark")
    ).exclude(sender=user)


def participations(user, *, query="", now=None):
    """The user's participant rows (threads they may open) with ``last_at`` and ``unread``, newest first.

    One SQL query: the policy's grounds check and both annotations are subqueries.
    """
    now = now or timezone.now()
    rows = (
        policy.conversation_participations(user)
        .annotate(read_mark=Coalesce("last_read_at", Value(_EPOCH)))
        .annotate(
            last_at=Subquery(_visible_messages(user, now).order_by("-visible_at").values("visible_at")[:1]),
            unread=Coalesce(Subquery(
                _unread_messages(user, now).values("thread").annotate(n=Count("pk")).values("n")[:1]
            ), 0),
        )
        .filter(last_at__isnull=False)
    )
    if query:
        rows = rows.filter(
            Q(thread__subject__icontains=query)
            | Exists(_visible_messages(user, now).filter(body__icontains=query))
        )
    return rows.order_by("-last_at", "-pk")


def inbox_page(user, *, query="", page=1, now=None):
    """(rows, has_next) for one page of the inbox; other participants prefetched (families see staff only)."""
    page = max(1, page)
    start = (page - 1) * PAGE_SIZE
    others = Participant.objects.select_related("user").order_by("is_family", "user__last_name")
    rows = list(
        participations(user, query=query, now=now)
        .select_related("thread")
        .prefetch_related(Prefetch("thread__participants", queryset=others))[start : start + PAGE_SIZE + 1]
    )
    for row in rows:
        people = [p for p in row.thread.participants.all() if p.user_id != user.pk]
        row.others = [p.user for p in people if not (row.is_family and p.is_family)] if row.is_family else [p.user for p in people]
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def total_unread(user, now=None):
    """Unread messages across the user's threads: one query."""
    now = now or timezone.now()
    total = (
        policy.conversation_participations(user)
        .annotate(read_mark=Coalesce("last_read_at", Value(_EPOCH)))
        .annotate(unread=Coalesce(Subquery(
            _unread_messages(user, now).values("thread").annotate(n=Count("pk")).values("n")[:1]
        ), 0))
        .aggregate(total=Coalesce(Sum("unread"), 0))["total"]
    )
    return total
