"""Email digests: what is new for a guardian's children since their last digest.

Everything in a digest comes through ent_pages.access.policy (the same filters as the home feed):
no content from a class the guardian may not see, never homework or notes of a partner class.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks

from ent_pages.access import policy
from ent_pages.models import User

from .feed import announced_pages
from .models import DigestFrequency, DigestPreference, HomeworkEntry, NoteRecipient
from .quiet_hours import is_quiet
from .tasks import send_digest_emails

#: A daily digest is due once this long after the previous one (cron may drift).
DAILY_GAP = timedelta(hours=20)
WEEKLY_GAP = timedelta(days=6, hours=20)
MAX_ITEMS = 20


@dataclass
class Digest:
    pages: list = field(default_factory=list)
    homework: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    #: Lines other apps add through the ``digest_lines`` Wagtail hook (e.g. new messages).
    extra: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.pages or self.homework or self.notes or self.extra)


def shared_items(user, since, now):
    """Posts, news and homework new for `user`: the same for every user with the same scope."""
    pages = list(announced_pages(user, since, now)[:MAX_ITEMS])
    homework = list(
        HomeworkEntry.objects.filter(class_page__in=policy.viewable_class_ids(user), created_at__gt=since, created_at__lte=now)
        .filter(due_on__gte=timezone.localdate(now))
        .select_related("class_page").order_by("due_on", "pk")[:MAX_ITEMS]
    )
    return pages, homework


def pending_notes_by_user(user_ids, since, now):
    """Notes delivered since `since` and not acknowledged, by user id (one query for a batch)."""
    rows = (
        NoteRecipient.objects.filter(
            guardian__user__in=user_ids, acknowledged_at__isnull=True,
            note__scheduled_for__gt=since, note__scheduled_for__lte=now,
        )
        .select_related("note").order_by("note__scheduled_for", "note_id")
        .annotate(user_id=F("guardian__user"))
    )
    notes = {}
    for row in rows:
        user_notes = notes.setdefault(row.user_id, {})
        user_notes.setdefault(row.note_id, row.note)
    return {user_id: list(by_id.values()) for user_id, by_id in notes.items()}


def extra_lines(due, now):
    """{user id: [line]} from other apps: fn(due, now) hooked as ``digest_lines``, `due` being {user id: since}."""
    lines = {}
    for fn in hooks.get_hooks("digest_lines"):
        for user_id, more in fn(due, now).items():
            lines.setdefault(user_id, []).extend(more)
    return lines


def digest_for(user, since, now):
    """What is new for `user` between `since` and `now`, as the policy lets them see it."""
    pages, homework = shared_items(user, since, now)
    notes = [n for n in pending_notes_by_user([user.pk], since, now).get(user.pk, []) if n.scheduled_for > since]
    return Digest(pages=pages, homework=homework, notes=notes[:MAX_ITEMS],
                  extra=extra_lines({user.pk: since}, now).get(user.pk, []))


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


def send_digests(now=None, *, ignore_quiet_hours=False, batch_size=500):
    """Send the digests that are due; returns (sent, skipped_nothing_new, not_due)."""
    now = now or timezone.now()
    if is_quiet(now) and not ignore_quiet_hours:
        return 0, 0, 0
    base_url = settings.WAGTAILADMIN_BASE_URL
    home_url = base_url + reverse("ent_pages:my_space")
    preferences_url = base_url + reverse("class_blog:notification_preferences")
    subject = _("Préau — what's new for your children")
    sent = nothing_new = not_due = 0
    user_ids = list(guardian_accounts().values_list("pk", flat=True))
    for start in range(0, len(user_ids), batch_size):
        chunk = user_ids[start : start + batch_size]
        users = User.objects.in_bulk(chunk)
        preferences = {p.user_id: p for p in DigestPreference.objects.filter(user_id__in=chunk)}
        due = {}
        for user_id in chunk:
            is_due, since = _due(preferences.get(user_id), now)
            if is_due:
                due[user_id] = since
            else:
                not_due += 1
        if not due:
            continue
        # Scopes in bulk, then posts and homework once per (scope, since): families of a class share them.
        policy.prime_scopes([users[pk] for pk in due])
        notes = pending_notes_by_user(list(due), min(due.values()), now)
        extra = extra_lines(due, now)
        shared = {}
        to_update, to_create, messages = [], [], []
        for user_id, since in due.items():
            user = users[user_id]
            key = (policy.scope(user), since)
            if key not in shared:
                shared[key] = shared_items(user, since, now)
            pages, homework = shared[key]
            digest = Digest(pages=pages, homework=homework,
                            notes=[n for n in notes.get(user_id, []) if n.scheduled_for > since][:MAX_ITEMS],
                            extra=extra.get(user_id, []))
            if not digest:
                nothing_new += 1
                continue
            body = render_to_string("class_blog/emails/digest.txt", {
                "user": user, "digest": digest, "base_url": base_url, "home_url": home_url,
                "preferences_url": preferences_url,
            })
            messages.append([user.email, subject, body])
            sent += 1
            preference = preferences.get(user_id)
            if preference is None:
                to_create.append(DigestPreference(user_id=user_id, last_sent_at=now))
            else:
                preference.last_sent_at = now
                to_update.append(preference)
        if messages:
            send_digest_emails.enqueue(messages)
        DigestPreference.objects.bulk_create(to_create)
        DigestPreference.objects.bulk_update(to_update, ["last_sent_at"])
    return sent, nothing_new, not_due
