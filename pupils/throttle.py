"""Stopping picture-password guessing without locking a whole class out.

- Per pupil: after PREAU_PUPIL_LOCK_AFTER wrong sequences in a row the account is locked until a
  teacher unlocks it (or prints a new card). The counter is in the database: a tablet that reloads
  or a second tablet does not reset it. A right sequence resets it.
- Per class: someone trying a few sequences on every first name would lock each pupil in turn; past
  PREAU_CLASS_LOCK_AFTER wrong sequences within PREAU_CLASS_LOCK_WINDOW seconds in one class, picture
  logins of the class are locked until a teacher unlocks them. QR cards still work, and the limit is
  well above one pupil's, so one child's mistakes never lock their classmates.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone


def pupil_limit():
    return getattr(settings, "PREAU_PUPIL_LOCK_AFTER", 5)


def class_limit():
    return getattr(settings, "PREAU_CLASS_LOCK_AFTER", 15)


def class_window():
    return getattr(settings, "PREAU_CLASS_LOCK_WINDOW", 15 * 60)


def is_locked(account, class_settings) -> bool:
    return account.locked_at is not None or (class_settings is not None and class_settings.pictures_locked_at is not None)


def record_failure(account, class_page):
    """Count a wrong sequence for the pupil and the class; lock either when it reaches its limit."""
    from .models import ClassPupilSettings, PupilAccount

    PupilAccount.objects.filter(pk=account.pk).update(failed_attempts=F("failed_attempts") + 1)
    PupilAccount.objects.filter(pk=account.pk, failed_attempts__gte=pupil_limit(), locked_at__isnull=True).update(
        locked_at=timezone.now())
    key = f"preau:pupil-class-failures:{class_page.pk}"
    cache.add(key, 0, class_window())
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, class_window())
        count = 1
    if count >= class_limit():
        ClassPupilSettings.objects.get_or_create(class_page=class_page)
        ClassPupilSettings.objects.filter(class_page=class_page, pictures_locked_at__isnull=True).update(
            pictures_locked_at=timezone.now())


def record_success(account):
    if account.failed_attempts:
        from .models import PupilAccount

        PupilAccount.objects.filter(pk=account.pk).update(failed_attempts=0)


def unlock_pupil(account):
    from .models import PupilAccount

    PupilAccount.objects.filter(pk=account.pk).update(failed_attempts=0, locked_at=None)


def unlock_class(class_page):
    from .models import ClassPupilSettings

    ClassPupilSettings.objects.filter(class_page=class_page).update(pictures_locked_at=None)
    cache.delete(f"preau:pupil-class-failures:{class_page.pk}")
