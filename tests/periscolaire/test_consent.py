import pytest
from django.urls import reverse

from ent_pages.school_year import current_school_year
from periscolaire import consent
from periscolaire.models import ConsentChange, ConsentDecision, ConsentPurpose, GalleryPage
from tests.factories import GuardianFactory, GuardianshipFactory, UserFactory, make_teacher

YEAR = current_school_year()


@pytest.fixture
def separated_parents(parent_and_child):
    """Zoé's mother (the parent fixture) and her father, each with an account."""
    mother, pupil = parent_and_child
    father = UserFactory(username="papa")
    GuardianshipFactory(guardian=GuardianFactory(user=father), pupil=pupil)
    return mother, father, pupil


def post_consent(client, user, pupil, purpose, decision):
    client.force_login(user)
    guardianship = pupil.guardianships.get(guardian__user=user)
    return client.post(reverse("periscolaire:my_image_consents"), {f"consent-{guardianship.pk}-{purpose}": decision})


def test_consent_is_not_given_until_the_guardians_decide(parent_and_child):
    _user, pupil = parent_and_child
    for purpose in ConsentPurpose:
        assert not consent.has_consent(pupil, purpose, YEAR)


def test_registry_photo_authorisation_is_the_starting_point_for_the_schools_uses(parent_and_child):
    _user, pupil = parent_and_child
    pupil.photo_consent_from_registry = True  # the registry import's field (issue 4)
    assert consent.has_consent(pupil, ConsentPurpose.GROUP, YEAR)
    assert consent.has_consent(pupil, ConsentPurpose.SCHOOL, YEAR)
    assert not consent.has_consent(pupil, ConsentPurpose.PUBLIC, YEAR)


def test_one_guardian_refusing_wins_over_the_other_consenting_and_the_change_is_logged(client, separated_parents):
    mother, father, pupil = separated_parents
    assert post_consent(client, mother, pupil, "group", "given").status_code == 302
    assert consent.effective_consents([pupil], ["group"], YEAR)[(pupil.pk, "group")] == ConsentDecision.NOT_GIVEN
    post_consent(client, father, pupil, "group", "given")
    assert consent.has_consent(pupil, ConsentPurpose.GROUP, YEAR)

    post_consent(client, father, pupil, "group", "refused")

    assert not consent.has_consent(pupil, ConsentPurpose.GROUP, YEAR)
    last = ConsentChange.objects.filter(pupil=pupil).first()
    assert (last.guardian.user, last.purpose, last.school_year) == (father, "group", YEAR)
    assert (last.old_decision, last.new_decision, last.changed_by) == ("given", "refused", father)
    assert ConsentChange.objects.filter(pupil=pupil).count() == 3


def test_a_guardian_page_shows_each_child_and_the_joint_result(client, separated_parents):
    mother, father, pupil = separated_parents
    post_consent(client, father, pupil, "school", "refused")
    client.force_login(mother)
    response = client.get(reverse("periscolaire:my_image_consents"))
    assert response.status_code == 200
    assert pupil.first_name in response.content.decode()
    assert "consent-refused" in response.content.decode()


def test_a_guardian_cannot_decide_for_a_child_who_is_not_theirs(client, parent_and_child, outsider_parent):
    _user, pupil = parent_and_child
    client.force_login(outsider_parent)
    guardianship = pupil.guardianships.first()
    client.post(reverse("periscolaire:my_image_consents"), {f"consent-{guardianship.pk}-group": "given"})
    assert not ConsentChange.objects.exists()


def test_a_change_of_consent_applies_at_once_to_the_warnings(class_page, parent_and_child):
    user, pupil = parent_and_child
    gallery = class_page.add_child(instance=GalleryPage(title="Sortie au musée", live=False))
    assert consent.consent_warnings(gallery) == [(class_page.title, [pupil.first_name])]
    consent.set_consent(pupil.guardianships.get().guardian, pupil, ConsentPurpose.GROUP, gallery.school_year, "given", user)
    assert consent.consent_warnings(gallery) == []


def test_the_director_sees_the_consent_table_of_a_class_but_teachers_and_parents_do_not(
    client, class_page, school_director, parent_and_child
):
    user, pupil = parent_and_child
    url = reverse("periscolaire_admin:consent_table", args=(class_page.pk,))
    client.force_login(school_director)
    response = client.get(url)
    assert response.status_code == 200
    assert pupil.last_name in response.content.decode()
    client.force_login(make_teacher(class_page))
    assert client.get(url).status_code in (302, 403)
    client.force_login(user)
    assert client.get(url).status_code in (302, 403)
