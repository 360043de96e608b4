from wagtail.models import GroupCollectionPermission, GroupPagePermission
from wagtail.test.utils import WagtailPageTestCase

from ent_pages.models import ClassPage, SchoolPage
from periscolaire.demo import seed_clae_spaces
from periscolaire.media import linked_collection
from periscolaire.models import ClaePage, GalleryPage
from periscolaire.workflows import WORKFLOW_NAME


def test_each_school_gets_one_clae_space_editable_by_its_clae_group_without_publishing(school, other_school):
    seed_clae_spaces()
    seed_clae_spaces()  # idempotent
    assert ClaePage.objects.count() == 2
    clae = ClaePage.objects.child_of(school).get()
    school.refresh_from_db()
    codenames = set(GroupPagePermission.objects.filter(group=school.clae_group, page=clae).values_list("permission__codename", flat=True))
    assert codenames == {"add_page", "change_page", "lock_page", "unlock_page"}
    collection = linked_collection(clae)
    assert collection.get_parent() == (linked_collection(school) or collection.get_parent())
    assert GroupCollectionPermission.objects.filter(group=school.clae_group, collection=collection).count() == 6
    assert clae.get_workflow().name == WORKFLOW_NAME


def test_one_moderation_workflow_serves_every_clae_space(school, other_school):
    seed_clae_spaces()
    workflows = {c.get_workflow().pk for c in ClaePage.objects.all()}
    assert len(workflows) == 1


def test_page_types_allow_clae_under_school_and_galleries_under_clae_and_class():
    case = WagtailPageTestCase()
    case.assertAllowedParentPageTypes(ClaePage, {SchoolPage})
    case.assertAllowedParentPageTypes(GalleryPage, {ClaePage, ClassPage})
    assert ClaePage.max_count_per_parent == 1


def test_families_of_the_school_see_the_clae_space_but_not_other_schools(client, clae, parent_and_child, outsider_parent):
    clae.save_revision().publish()
    user, _pupil = parent_and_child
    client.force_login(user)
    assert client.get(clae.url).status_code == 200
    client.force_login(outsider_parent)
    assert client.get(clae.url).status_code == 404
