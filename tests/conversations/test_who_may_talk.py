"""Who may start a conversation with whom: the access policy's "conversations" rules."""

from ent_pages.access import policy
from ent_pages.models import Role
from tests.factories import StaffAssignmentFactory, UserFactory

from .helpers import contact_to


def recipients(user):
    return {uid for c in policy.conversation_contacts(user) for uid, _g, _f in c.recipients}


def test_family_may_write_to_their_childs_teacher_and_director_and_clae_director(people, school):
    clae = UserFactory(username="clae.dir")
    StaffAssignmentFactory(user=clae, school=school, role=Role.CLAE_DIRECTOR)
    animator = UserFactory(username="animateur")
    StaffAssignmentFactory(user=animator, school=school, role=Role.CLAE_ANIMATOR)
    assert recipients(people["parent"]) == {people["teacher"].pk, people["director"].pk, clae.pk}


def test_family_never_reaches_another_family_nor_another_class_teacher(people):
    reachable = recipients(people["parent"])
    assert people["other_parent"].pk not in reachable
    assert people["cm2_parent"].pk not in reachable
    assert people["cm2_teacher"].pk not in reachable
    assert people["partner_teacher"].pk not in reachable


def test_family_contacts_are_single_people_never_a_whole_class(people):
    assert all(len(c.recipients) == 1 for c in policy.conversation_contacts(people["parent"]))
    assert not policy.can_broadcast_to_class(people["parent"], people["pupil"].enrolments.get().class_page)


def test_teacher_may_write_to_families_of_their_class_only(people):
    reachable = recipients(people["teacher"])
    assert {people["parent"].pk, people["other_parent"].pk} <= reachable
    assert people["cm2_parent"].pk not in reachable


def test_director_may_write_to_every_family_of_the_school(people):
    reachable = recipients(people["director"])
    assert {people["parent"].pk, people["other_parent"].pk, people["cm2_parent"].pk} <= reachable


def test_staff_talk_with_staff_of_the_same_school_and_teachers_with_partner_class_teachers(people):
    teacher = people["teacher"]
    assert contact_to(teacher, people["cm2_teacher"], kind="staff") is not None
    assert contact_to(teacher, people["director"], kind="staff") is not None
    assert contact_to(teacher, people["partner_teacher"], kind="partner") is not None
    # The partner class's teacher sees the invitation from the other side too.
    assert contact_to(people["partner_teacher"], teacher, kind="partner") is not None
    # No staff thread across schools without a partnership.
    assert contact_to(people["cm2_teacher"], people["partner_teacher"]) is None


def test_separated_parents_can_be_written_to_one_at_a_time(people):
    from tests.factories import GuardianFactory, GuardianshipFactory

    father = UserFactory(username="papa.emma")
    GuardianshipFactory(guardian=GuardianFactory(user=father), pupil=people["pupil"])
    contacts = [c for c in policy.conversation_contacts(people["teacher"]) if c.pupil_id == people["pupil"].pk]
    sets = sorted(tuple(sorted(uid for uid, _g, _f in c.recipients)) for c in contacts)
    assert sets == sorted([tuple(sorted((people["parent"].pk, father.pk))), (people["parent"].pk,), (father.pk,)])


def test_broadcast_only_to_classes_taught_or_directed(people, class_page, other_class):
    assert policy.can_broadcast_to_class(people["teacher"], class_page)
    assert not policy.can_broadcast_to_class(people["teacher"], other_class)
    assert policy.can_broadcast_to_class(people["director"], other_class)
    assert not policy.can_broadcast_to_class(people["partner_teacher"], class_page)
