"""The daily digest counts new messages (class_blog.digests asks through the ``digest_lines`` hook)."""

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils.translation import ngettext

from ent_pages.models import Guardianship

from .models import Participant


def new_message_lines(due, now):
    """`due` is {user id: since}; one query per distinct `since` (families of a batch share it)."""
    by_since = {}
    for user_id, since in due.items():
        by_since.setdefault(since, []).append(user_id)
    counts = {}
    for since, user_ids in by_since.items():
        rows = (
            Participant.objects.filter(user__in=user_ids, is_family=True)
            .filter(Exists(Guardianship.objects.filter(guardian__user=OuterRef("user"), pupil=OuterRef("pupil"))))
            .annotate(new=Count("thread__messages", filter=Q(
                thread__messages__visible_at__gt=since, thread__messages__visible_at__lte=now,
                thread__messages__recalled_at__isnull=True,
            ) & ~Q(thread__messages__sender=F("user"))))
            .values_list("user_id", "new")
        )
        for user_id, new in rows:
            counts[user_id] = counts.get(user_id, 0) + new
    return {
        user_id: [ngettext("%(count)s new message in Préau's messaging.", "%(count)s new messages in Préau's messaging.",
                           count) % {"count": count}]
        for user_id, count in counts.items() if count
    }
