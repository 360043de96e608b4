import pytest

from tests.factories import ClassPartnershipFactory, make_director, make_parent, make_teacher


@pytest.fixture
def people(school, class_page, other_class, other_school):
    """A small school: CE1 B (teacher, two families), CM2 A (teacher, one family), a director, and a
    partner class in another school."""
    from tests.factories import ClassPageFactory

    teacher = make_teacher(class_page, username="mme.ndiaye")
    teacher.first_name, teacher.last_name = "Awa", "N'Diaye"
    teacher.save()
    parent, pupil = make_parent(class_page, username="parent.emma", first_name="Emma")
    other_parent, other_pupil = make_parent(class_page, username="parent.hugo", first_name="Hugo")
    cm2_teacher = make_teacher(other_class, username="m.cm2")
    cm2_parent, cm2_pupil = make_parent(other_class, username="parent.cm2", first_name="Lina")
    director = make_director(school, username="directrice")
    partner_class = ClassPageFactory(parent=other_school, title="CE2-CM1")
    partner_teacher = make_teacher(partner_class, username="m.correspondant")
    ClassPartnershipFactory(inviting_class=class_page, invited_class=partner_class)
    return {
        "teacher": teacher, "parent": parent, "pupil": pupil, "other_parent": other_parent, "other_pupil": other_pupil,
        "cm2_teacher": cm2_teacher, "cm2_parent": cm2_parent, "cm2_pupil": cm2_pupil, "director": director,
        "partner_class": partner_class, "partner_teacher": partner_teacher,
    }
