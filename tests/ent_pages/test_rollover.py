"""Year rollover: archived classes read-only for teachers, visible to families until a date; unused accounts
deactivated, then deleted three months later."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from ent_pages.access import policy
from ent_pages.models import ClassPage, Role, User
from ent_pages.rollover import RolloverRefused, rollover_year
from tests.factories import (
    ClassPageFactory,
    EnrolmentFactory,
    GuardianFactory,
    GuardianshipFactory,
    StaffAssignmentFactory,
    UserFactory,
    make_parent,
    make_teacher,
)

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
OLD, NEW = "2026-2027", "2027-2028"
VISIBLE_UNTIL = date(2027, 10, 15)


def at(*args):
    return time_machine.travel(datetime(*args, 12, 0, tzinfo=PARIS), tick=False)


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def years(school):
    """Last year's class with its teacher, a family that stays (child in this year's class) and one that left."""
    with at(2027, 6, 1):
        old = ClassPageFactory(parent=school, title="CE1 B", school_year=OLD)
        new = ClassPageFactory(parent=school, title="CE2 B", school_year=NEW, slug="ce2-b")
        teacher = make_teacher(old)
        staying, pupil = make_parent(old, username="reste@example.org")
        EnrolmentFactory(pupil=pupil, class_page=new, school_year=NEW)
        leaving, _pupil = make_parent(old, username="part@example.org")
    return {"old": old, "new": new, "teacher": teacher, "staying": staying, "leaving": leaving}


def test_rollover_refuses_before_the_new_years_classes_are_imported(school):
    ClassPageFactory(parent=school, school_year=OLD)
    with pytest.raises(RolloverRefused):
        rollover_year(NEW)
    with pytest.raises(CommandError, match="import"):
        call_command("rollover_year", NEW)


def test_archived_class_is_read_only_for_its_teachers_who_still_see_it(years):
    teacher, old = years["teacher"], years["old"]
    assert policy.can_edit(teacher, old)
    with at(2027, 9, 2):
        report = rollover_year(NEW, visible_until=VISIBLE_UNTIL)
    old.refresh_from_db()
    assert report.archived_classes == [old.pk] and old.archived_at and old.family_visible_until == VISIBLE_UNTIL
    assert not policy.can_edit(fresh(teacher), old)
    assert policy.can_view(fresh(teacher), old)
    assert not fresh(teacher).groups.filter(pk=old.teachers_group_id).exists()
    assert not ClassPage.objects.get(pk=years["new"].pk).archived_at


def test_families_see_the_archived_class_until_the_date_then_not(years):
    with at(2027, 9, 2):
        rollover_year(NEW, visible_until=VISIBLE_UNTIL)
    with at(2027, 10, 15):
        assert policy.can_view(fresh(years["staying"]), years["old"])
        assert policy.can_view(fresh(years["leaving"]), years["old"])
    with at(2027, 10, 16):
        assert not policy.can_view(fresh(years["staying"]), years["old"])
        assert policy.can_view(fresh(years["staying"]), years["new"])


def test_accounts_without_child_are_deactivated_after_the_date_and_deleted_three_months_later(years):
    with at(2027, 9, 2):
        first = rollover_year(NEW, visible_until=VISIBLE_UNTIL)
    # The family that left still sees last year's class: not deactivated yet.
    assert first.deactivated == []
    with at(2027, 10, 20):
        second = rollover_year(NEW)
    assert second.deactivated == ["part@example.org"]
    assert not fresh(years["leaving"]).is_active and fresh(years["staying"]).is_active
    with at(2028, 1, 10):
        assert rollover_year(NEW).deleted == []
    with at(2028, 1, 22):
        third = rollover_year(NEW)
    assert third.deleted == ["part@example.org"]
    assert not User.objects.filter(username="part@example.org").exists()
    assert User.objects.filter(username="reste@example.org", is_active=True).exists()


def test_staff_without_assignment_are_deactivated_and_city_editors_and_superusers_are_not(years, school):
    gone = UserFactory(username="ancien", external_id="AG000999")
    kept = UserFactory(username="actuel", external_id="AG000998")
    StaffAssignmentFactory(user=kept, school=school, role=Role.TEACHER)
    editor = UserFactory(username="redaction")
    StaffAssignmentFactory(user=editor, school=None, role=Role.CITY_EDITOR)
    admin = UserFactory(username="admin", is_superuser=True)
    with at(2027, 10, 20):
        report = rollover_year(NEW, visible_until=VISIBLE_UNTIL)
    assert "ancien" in report.deactivated
    assert {"actuel", "redaction", "admin"}.isdisjoint(report.deactivated)
    assert fresh(kept).is_active and fresh(editor).is_active and fresh(admin).is_active and not fresh(gone).is_active


def test_a_family_back_in_the_city_is_reactivated(years):
    with at(2027, 10, 20):
        rollover_year(NEW, visible_until=VISIBLE_UNTIL)
    assert not fresh(years["leaving"]).is_active
    new_pupil_guardian = GuardianFactory(user=years["leaving"])
    enrolment = EnrolmentFactory(class_page=years["new"], school_year=NEW)
    GuardianshipFactory(guardian=new_pupil_guardian, pupil=enrolment.pupil)
    with at(2027, 11, 2):
        report = rollover_year(NEW)
    assert report.reactivated == ["part@example.org"] and fresh(years["leaving"]).is_active


def test_dry_run_reports_and_changes_nothing(years, capsys):
    with at(2027, 10, 20):
        call_command("rollover_year", NEW, "--dry-run", "--visible-until", "2027-10-15")
    out = capsys.readouterr().out
    assert "Classes archived: 1" in out and "Accounts deactivated: 1" in out and "Dry run" in out
    assert not ClassPage.objects.filter(archived_at__isnull=False).exists()
    assert fresh(years["leaving"]).is_active


def test_next_years_import_creates_new_classes_beside_last_years_and_families_keep_their_account(tmp_path):
    from ent_pages.models import Enrolment, Guardian
    from ent_pages.registry.generator import generate_city
    from ent_pages.registry.importer import import_city

    with at(2027, 6, 1):
        generate_city(tmp_path / "old", schools=2, pupils=60, seed=4, year=OLD)
        import_city(tmp_path / "old")
        guardian = Guardian.objects.order_by("pk").first()
        guardian.user = UserFactory(username="famille@example.org")
        guardian.save()
        old_classes = set(ClassPage.objects.values_list("pk", flat=True))
    with at(2027, 8, 25):
        generate_city(tmp_path / "new", schools=2, pupils=60, seed=4, year=NEW)
        report = import_city(tmp_path / "new")
        rollover_year(NEW, visible_until=VISIBLE_UNTIL)
    assert report.counts["classes"]["created"] == len(old_classes)
    new_classes = ClassPage.objects.exclude(pk__in=old_classes)
    assert all(c.teachers_group_id and c.slug.endswith(NEW) for c in new_classes)
    assert Enrolment.objects.filter(school_year=OLD).count() == Enrolment.objects.filter(school_year=NEW).count() == 60
    assert ClassPage.objects.filter(pk__in=old_classes, archived_at__isnull=False).count() == len(old_classes)
    assert User.objects.get(username="famille@example.org").is_active
