"""Owing and delivering pushes: held until the end of the school's quiet hours, then sent grouped.

``owe`` records a PendingPush and enqueues ``deliver_pushes`` on the "background" tasks backend with
``run_after`` at its due time (as conversations.notifications does for emails): the worker sends, never
the request. Each run delivers *everything* due, so what quiet hours held reaches a device as one
grouped push. ``send_push_notifications`` (cron) catches up with what a stopped worker missed.
Who is owed a push is the access policy's decision (``policy.push_audience``), taken at delivery.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task, task_backends
from pywebpush import WebPushException, webpush

from class_blog.quiet_hours import end_of_quiet, is_quiet, rules_for_school
from ent_pages.access import policy

from .models import PendingPush, PushSubscription
from .payloads import item_for, payload
from .vapid import claims_subject, vapid

logger = logging.getLogger(__name__)

#: How long a push service keeps a push for a device that is off (seconds): news older than that is in the digest.
PUSH_TTL = 12 * 3600
#: Push services answer these when the browser dropped the subscription: it is deleted.
GONE = (404, 410)


def owe(kind, *, due, school_id=None, actor_id=None, now=None, **content) -> PendingPush:
    """Record that a push about `content` (note=, homework=, page= or thread= with user=) is owed at `due`."""
    now = now or timezone.now()
    pending = PendingPush.objects.create(
        kind=kind, due_at=max(due, now), school_id=school_id, actor_id=actor_id, **content
    )
    enqueue(pending.due_at, now)
    return pending


def enqueue(due, now):
    """`deliver_pushes` at `due`: stored with the content when the backend can wait (the task exists if
    and only if the content does), after commit when it runs tasks at once; a push due later on such a
    backend is left to the catch-up command."""
    backend = task_backends[deliver_pushes.backend]
    if backend.supports_defer:
        deliver_pushes.using(run_after=due if due > now else None).enqueue()
    elif due <= now:
        transaction.on_commit(lambda: deliver_pushes.enqueue())


@task(backend="background")
def deliver_pushes():
    """The background worker's side of `owe`: every push due now, grouped per device."""
    return deliver_due()


def endpoint_allowed(url: str) -> bool:
    """A push service Préau may post to (settings.PREAU_PUSH_SERVICE_HOSTS, HTTPS): never any address a
    browser (or someone posting a forged subscription) names, which would let them make the server call
    inside the city's network."""
    parts = urlsplit(url)
    schemes = {"https"} | ({"http"} if getattr(settings, "PREAU_PUSH_ALLOW_HTTP", False) else set())
    host = (parts.hostname or "").lower()
    if parts.scheme not in schemes or not host:
        return False
    for allowed in settings.PREAU_PUSH_SERVICE_HOSTS:
        allowed = allowed.lower()
        if host == allowed.lstrip(".") or (allowed.startswith(".") and host.endswith(allowed)):
            return True
    return False


def _claim_due(now):
    """Take the pushes due now (deleted: each is delivered once); push back those whose school is in
    quiet hours again (a late worker, a holiday added since)."""
    with transaction.atomic():
        rows = list(
            PendingPush.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(due_at__lte=now)
            .select_related("note__school", "note__class_page", "homework__class_page", "page")
            .order_by("due_at", "pk")
        )
        ready = []
        for row in rows:
            rules = rules_for_school(row.school_id)
            if is_quiet(now, rules):
                row.due_at = end_of_quiet(now, rules)
                row.save(update_fields=["due_at"])
                enqueue(row.due_at, now)
            else:
                ready.append(row)
        PendingPush.objects.filter(pk__in=[row.pk for row in ready]).delete()
    return ready


def _class_titles(rows) -> dict:
    """{class id: title, class path: title} of the classes the rows name (one query)."""
    from ent_pages.models import ClassPage

    ids, paths = set(), set()
    for row in rows:
        content = row.note or row.homework
        if content is not None and content.class_page_id:
            ids.add(content.class_page_id)
        if row.page is not None:
            paths.add(row.page.path[: 4 * row.page.steplen])
    titles = {}
    if ids or paths:
        for pk, path, title in ClassPage.objects.filter(Q(pk__in=ids) | Q(path__in=paths)).values_list(
            "pk", "path", "title"
        ):
            titles[pk] = titles[path] = title
    return titles


def deliver_due(now=None) -> int:
    """Send what is due now; returns the number of pushes the push services accepted."""
    now = now or timezone.now()
    rows = _claim_due(now)
    if not rows:
        return 0
    subscribed = PushSubscription.objects.values("user_id")
    from ent_pages.models import User

    among = User.objects.filter(pk__in=subscribed)
    titles = _class_titles(rows)
    items = {}  # user id -> [Item], in due order, one per tag
    for row in rows:
        item = item_for(row, titles, now)
        if item is None:
            continue
        owed = [row.user_id] if row.thread_id else ()
        for user in policy.push_audience(row.content, among=among, owed_user_ids=owed):
            if user.pk == row.actor_id:
                continue
            mine = items.setdefault(user.pk, [])
            if all(known.tag != item.tag for known in mine):
                mine.append(item)
    if not items:
        return 0
    return send(PushSubscription.objects.filter(user_id__in=list(items)), items, now)


def send(subscriptions, items_by_user, now) -> int:
    """One push per device, with the items it wants; drops the subscriptions the push service says are gone."""
    signer = vapid()
    if signer is None:
        logger.warning("Push notifications are owed but no VAPID key is configured (PREAU_VAPID_PRIVATE_KEY).")
        return 0
    sent, gone = [], []
    with requests.Session() as session:
        for subscription in subscriptions:
            wanted = [item for item in items_by_user.get(subscription.user_id, []) if subscription.wants(item.kind)]
            if not wanted or not endpoint_allowed(subscription.endpoint):
                continue
            try:
                webpush(
                    subscription.as_subscription_info(),
                    payload(wanted),
                    vapid_private_key=signer,
                    vapid_claims={"sub": claims_subject()},
                    ttl=PUSH_TTL,
                    timeout=10,
                    headers={"Urgency": "normal"},
                    requests_session=session,
                )
            except WebPushException as error:
                status = getattr(error.response, "status_code", None)
                if status in GONE:
                    gone.append(subscription.pk)
                else:
                    logger.warning("Push to subscription %s refused: %s", subscription.pk, status)
                continue
            except requests.RequestException as error:
                logger.warning(
                    "Push service unreachable for subscription %s: %s", subscription.pk, type(error).__name__
                )
                continue
            sent.append(subscription.pk)
    PushSubscription.objects.filter(pk__in=gone).delete()
    PushSubscription.objects.filter(pk__in=sent).update(last_sent_at=now)
    return len(sent)
