"""Pupil accounts follow the registry: created, renamed, deactivated and reactivated in bulk.

``sync_pupil_accounts`` runs at the end of every registry import (ent_pages.events.registry_imported),
after the year rollover and in the demo. A pupil gets an account when their class this school year is
open and all its levels are among the levels the city enables (PREAU_PUPIL_ACCOUNT_LEVELS, CP to CM2
by default: maternelle off; the registry does not give each pupil's level, so a mixed GS-CP class gets
none). The account keeps the first name and the last-name initial only, no email, no password.

An account whose pupil left (or whose class is no longer eligible) is deactivated with
``deactivated_at`` set, so the rollover deletes it with the other accounts three months later
(ent_pages.rollover). A pupil who comes back gets it again, unless a teacher disabled it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from ent_pages.access import policy
from ent_pages.levels import LEVEL_ORDER
from ent_pages.models import ClassPage, Enrolment, User
from ent_pages.school_year import current_school_year

DEFAULT_LEVELS = ("CP", "CE1", "CE2", "CM1", "CM2")


def enabled_levels() -> set[str]:
    levels = set(getattr(settings, "PREAU_PUPIL_ACCOUNT_LEVELS", DEFAULT_LEVELS))
    return {level for level in levels if level in LEVEL_ORDER}


def class_is_eligible(levels) -> bool:
    enabled = enabled_levels()
    return bool(levels) and all(level in enabled for level in levels)


def display_last_name(last_name: str) -> str:
    """The last-name initial, all that pupil screens and cards show ("Lefort" → "L.")."""
    last_name = (last_name or "").strip()
    return f"{last_name[0].upper()}." if last_name else ""


@dataclass
class SyncReport:
    created: list = field(default_factory=list)
    renamed: list = field(default_factory=list)
    deactivated: list = field(default_factory=list)
    reactivated: list = field(default_factory=list)

    def lines(self):
        yield (f"Pupil accounts: {len(self.created)} created, {len(self.reactivated)} reactivated, "
               f"{len(self.deactivated)} deactivated, {len(self.renamed)} renamed")


def eligible_pupils(year):
    """{pupil id: (first name, last name)} of pupils with a right to an account in `year`."""
    classes = [pk for pk, levels in ClassPage.objects.filter(school_year=year, archived_at__isnull=True)
               .values_list("pk", "levels") if class_is_eligible(levels)]
    rows = Enrolment.objects.filter(school_year=year, class_page__in=classes).values_list(
        "pupil_id", "pupil__first_name", "pupil__last_name")
    return {pupil: (first, last) for pupil, first, last in rows}


def _new_username():
    return f"eleve-{secrets.token_hex(8)}"


@transaction.atomic
def sync_pupil_accounts(year=None) -> SyncReport:
    """Bring pupil accounts in line with the enrolments of `year` (this school year by default)."""
    from .models import PupilAccount

    year = year or current_school_year()
    now = timezone.now()
    report = SyncReport()
    wanted = eligible_pupils(year)
    existing = {row["pupil_id"]: row for row in PupilAccount.objects.values(
        "pk", "pupil_id", "user_id", "is_active", "disabled_by_teacher", "user__first_name", "user__last_name")}

    # New accounts: users first (one bulk insert), then their links.
    new_pupils = [pk for pk in wanted if pk not in existing]
    unusable = make_password(None)
    users = User.objects.bulk_create([
        User(username=_new_username(), first_name=wanted[pk][0], last_name=display_last_name(wanted[pk][1]),
             password=unusable) for pk in new_pupils
    ], batch_size=1000)
    if users and users[0].pk is None:  # backends that return no ids from bulk inserts
        ids = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
        for user in users:
            user.pk = ids[user.username]
    PupilAccount.objects.bulk_create([PupilAccount(user=user, pupil_id=pk) for pk, user in zip(new_pupils, users, strict=True)],
                                     batch_size=1000)
    report.created = new_pupils

    # Renamed in the registry: the account follows (first name, initial).
    for pk, row in existing.items():
        if pk in wanted:
            first, last = wanted[pk][0], display_last_name(wanted[pk][1])
            if (row["user__first_name"], row["user__last_name"]) != (first, last):
                User.objects.filter(pk=row["user_id"]).update(first_name=first, last_name=last)
                report.renamed.append(pk)

    leaving = [row for pk, row in existing.items() if pk not in wanted and row["is_active"]]
    back = [row for pk, row in existing.items() if pk in wanted and not row["is_active"] and not row["disabled_by_teacher"]]
    for chunk in _chunks([row["pk"] for row in leaving]):
        PupilAccount.objects.filter(pk__in=chunk).update(is_active=False)
    for chunk in _chunks([row["user_id"] for row in leaving]):
        User.objects.filter(pk__in=chunk).update(is_active=False, deactivated_at=now)
    # Disabled by a teacher earlier and gone now: set the date so the rollover deletes them too.
    gone_disabled = [row["user_id"] for pk, row in existing.items() if pk not in wanted and not row["is_active"]]
    for chunk in _chunks(gone_disabled):
        User.objects.filter(pk__in=chunk, deactivated_at__isnull=True).update(deactivated_at=now)
    for chunk in _chunks([row["pk"] for row in back]):
        PupilAccount.objects.filter(pk__in=chunk).update(is_active=True)
    for chunk in _chunks([row["user_id"] for row in back]):
        User.objects.filter(pk__in=chunk).update(is_active=True, deactivated_at=None)
    report.deactivated = [row["pupil_id"] for row in leaving]
    report.reactivated = [row["pupil_id"] for row in back]
    transaction.on_commit(policy.bump_access_version)  # bulk updates send no signals
    return report


def set_account_enabled(account, enabled: bool):
    """A teacher turns one pupil's account off (a family asked, a card was lost...) or back on."""
    account.is_active = enabled
    account.disabled_by_teacher = not enabled
    account.save(update_fields=["is_active", "disabled_by_teacher"])
    account.user.is_active = enabled
    account.user.save(update_fields=["is_active"])  # bumps the access version (ent_pages.signals)


def _chunks(pks, size=2000):
    for start in range(0, len(pks), size):
        yield pks[start:start + size]
