"""Email digests: what is new for a guardian's children since their last digest.

Everything in a digest comes through ent_pages.access.policy (the same filters as the home feed):
no content from a class the guardian may not see, never homework or notes of a partner class.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ent_pages.access import policy
from ent_pages.models import User

from .feed import feed_pages
from .models import DigestFrequency, DigestPreference, HomeworkEntry, Note
from .quiet_hours import is_quiet
from .tasks import send_digest_email

#: A daily digest is due once this long after the previous one (cron may drift).
DAILY_GAP = timedelta(hours=20)
WEEKLY_GAP = timedelta(days=6, hours=20)
MAX_ITEMS = 20


@dataclass
class Digest:
    pages: list = field(default_factory=list)
    homework: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.pages or self.homework or self.notes)


def digest_for(user, since, now):
    """What is new for `user` between `since` and `now`, as the policy lets them see it."""
    pages = list(feed_pages(user, now).filter(first_published_at__gt=since, first_published_at__lte=now)[:MAX_ITEMS])
    homework = list(
        HomeworkEntry.objects.filter(class_page__in=policy.viewable_class_ids(user), created_at__gt=since, created_at__lte=now)
        .filter(due_on__gte=timezone.localdate(now))
        .select_related("class_page").order_by("due_on", "pk")[:MAX_ITEMS]
    )
    notes = list(
        Note.objects.filter(
            Q(scheduled_for__gt=since) & Q(scheduled_for__lte=now),
            recipients__guardian__user=user, recipients__acknowledged_at__isnull=True,
        ).distinct().order_by("scheduled_for")[:MAX_ITEMS]
    )
    return Digest(pages=pages, homework=homework, notes=notes)


def _due(preference, now):
    if preference is None:
        return True, now - timedelta(days=1)
    if preference.frequency == DigestFrequency.NEVER:
        return False, None
    gap, window = (WEEKLY_GAP, timedelta(days=7)) if preference.frequency == DigestFrequency.WEEKLY else (DAILY_GAP, timedelta(days=1))
    last = preference.last_sent_at
    if last and now - last < gap:
        return False, None
    return True, last or now - window


def guardian_accounts():
    """Active accounts holding at least one guardian record, with an email address."""
    return (
        User.objects.filter(is_active=True, guardian_records__isnull=False).exclude(email="")
        .distinct().order_by("pk")
    )


def send_digests(now=None, *, ignore_quiet_hours=False, batch_size=500, stdout=None):
    """Send the digests that are due; returns (sent, skipped_nothing_new, not_due)."""
    now = now or timezone.now()
    if is_quiet(now) and not ignore_quiet_hours:
        return 0, 0, 0
    base_url = settings.WAGTAILADMIN_BASE_URL
    sent = nothing_new = not_due = 0
    user_ids = list(guardian_accounts().values_list("pk", flat=True))
    for start in range(0, len(user_ids), batch_size):
        chunk = user_ids[start : start + batch_size]
        users = User.objects.in_bulk(chunk)
        preferences = {p.user_id: p for p in DigestPreference.objects.filter(user_id__in=chunk)}
        to_update, to_create = [], []
        for user_id in chunk:
            user = users[user_id]
            preference = preferences.get(user_id)
            due, since = _due(preference, now)
            if not due:
                not_due += 1
                continue
            digest = digest_for(user, since, now)
            if not digest:
                nothing_new += 1
                continue
            body = render_to_string("class_blog/emails/digest.txt", {
                "user": user, "digest": digest, "base_url": base_url,
                "home_url": base_url + reverse("ent_pages:my_space"),
                "preferences_url": base_url + reverse("class_blog:notification_preferences"),
            })
            send_digest_email.enqueue(user.email, _("Préau — what's new for your children"), body)
            sent += 1
            if preference is None:
                to_create.append(DigestPreference(user_id=user_id, last_sent_at=now))
            else:
                preference.last_sent_at = now
                to_update.append(preference)
            policy.forget(user)
        DigestPreference.objects.bulk_create(to_create)
        DigestPreference.objects.bulk_update(to_update, ["last_sent_at"])
    return sent, nothing_new, not_due
