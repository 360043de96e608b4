"""The year rollover: archive last year's classes, deactivate then delete the accounts nobody needs.

Run after importing the new year's registry (``import_city``), then again regularly (weekly): it is
idempotent, and each run applies what has come due.

- Classes of earlier years are archived: read-only for their teachers (their group loses its page
  permissions), still visible to their families until ``family_visible_until`` (the access policy
  counts those enrolments), then hidden.
- A family account is needed while one of its children is enrolled this new year or sits in an
  archived class still visible; a staff account (imported, with a registry id) while it has a
  school assignment. Other accounts are deactivated, and deleted three months later (the CNIL's
  rule for ENTs). An account that is needed again is reactivated. Superusers, city editors and
  accounts created by hand (no guardian record, no registry id) are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import GroupPagePermission

from .access import policy
from .events import year_rolled_over
from .models import ClassPage, Enrolment, Role, StaffAssignment, User
from .school_year import validate_school_year


class RolloverRefused(Exception):
    pass


@dataclass
class RolloverReport:
    year: str
    visible_until: date
    archived_classes: list = field(default_factory=list)
    deactivated: list = field(default_factory=list)
    reactivated: list = field(default_factory=list)
    deleted: list = field(default_factory=list)
    dry_run: bool = False

    def lines(self):
        yield f"Classes archived: {len(self.archived_classes)} (visible to their families until {self.visible_until:%Y-%m-%d})"
        yield f"Accounts deactivated: {len(self.deactivated)}"
        yield f"Accounts reactivated: {len(self.reactivated)}"
        yield f"Accounts deleted (deactivated more than {settings.PREAU_DEACTIVATED_ACCOUNT_DAYS} days ago): {len(self.deleted)}"


def needed_account_ids(new_year, today):
    """Accounts that still have a child in the city (this year or a visible archived class) or a role."""
    families = set(
        Enrolment.objects.filter(Q(school_year=new_year) | Q(class_page__family_visible_until__gte=today))
        .filter(pupil__guardianships__guardian__user__isnull=False)
        .values_list("pupil__guardianships__guardian__user", flat=True)
    )
    staff = set(StaffAssignment.objects.filter(Q(school__isnull=False) | Q(role=Role.CITY_EDITOR)).values_list("user", flat=True))
    return families | staff


def managed_accounts():
    """Accounts the rollover decides about: families (guardian records) and imported staff."""
    return User.objects.filter(is_superuser=False).filter(
        Q(guardian_records__isnull=False) | Q(external_id__isnull=False)
    ).exclude(staff_assignments__role=Role.CITY_EDITOR).distinct()


def rollover_year(new_year, *, dry_run=False, visible_until=None, force=False) -> RolloverReport:
    validate_school_year(new_year)
    now = timezone.now()
    today = timezone.localdate()
    visible_until = visible_until or today + timedelta(days=settings.PREAU_ARCHIVED_CLASS_FAMILY_DAYS)
    if not force and not ClassPage.objects.filter(school_year=new_year).exists():
        raise RolloverRefused(f"No class for {new_year}: import the new year's registry first (or use --force).")
    report = RolloverReport(new_year, visible_until, dry_run=dry_run)
    with transaction.atomic():
        to_archive = ClassPage.objects.filter(school_year__lt=new_year, archived_at__isnull=True)
        report.archived_classes = list(to_archive.values_list("pk", flat=True))
        groups = list(to_archive.exclude(teachers_group=None).values_list("teachers_group", flat=True))
        to_archive.update(archived_at=now, family_visible_until=visible_until)
        # Read-only for their teachers: their group keeps no permission on the archived class, and no
        # member (teachers still see the class through their teaching assignment, see ent_pages.access).
        GroupPagePermission.objects.filter(page__in=report.archived_classes, group__in=groups).delete()
        User.groups.through.objects.filter(group__in=groups).delete()

        needed = needed_account_ids(new_year, today)
        accounts = dict(managed_accounts().values_list("pk", "is_active"))
        deactivated_at = dict(managed_accounts().filter(deactivated_at__isnull=False).values_list("pk", "deactivated_at"))
        leaving = sorted(pk for pk, active in accounts.items() if active and pk not in needed)
        back = sorted(pk for pk in deactivated_at if pk in needed)
        report.deactivated = _usernames(leaving)
        report.reactivated = _usernames(back)
        _update(leaving, is_active=False, deactivated_at=now)
        _update(back, is_active=True, deactivated_at=None)

        horizon = now - timedelta(days=settings.PREAU_DEACTIVATED_ACCOUNT_DAYS)
        expired = User.objects.filter(is_active=False, deactivated_at__lte=horizon, is_superuser=False)
        report.deleted = list(expired.values_list("username", flat=True))
        year_rolled_over.send(sender=rollover_year, year=new_year)  # pupil accounts follow (pupils app)
        expired.delete()
        transaction.on_commit(policy.bump_access_version)  # bulk updates send no signals
        if dry_run:
            transaction.set_rollback(True)
    return report


def _chunks(pks, size=2000):
    for start in range(0, len(pks), size):
        yield pks[start:start + size]


def _usernames(pks):
    return [name for chunk in _chunks(pks) for name in User.objects.filter(pk__in=chunk).values_list("username", flat=True)]


def _update(pks, **values):
    for chunk in _chunks(pks):
        User.objects.filter(pk__in=chunk).update(**values)
