"""Setting up a CLAE space: who edits it, where its files go, which workflow moderates it."""

from django.db import transaction

from ent_pages.roles import grant_collection_permissions, grant_page_permissions

from .media import section_collection
from .workflows import assign_gallery_workflow

#: The school's CLAE group (CLAE director and animators) edits the CLAE space but does not
#: publish: publishing goes through the moderation workflow.
CLAE_PAGE_PERMISSIONS = ["add_page", "change_page", "lock_page", "unlock_page"]


@transaction.atomic
def setup_clae_space(clae):
    """Idempotent: page permissions for the school's CLAE group, its collection, the workflow."""
    school = clae.get_parent().specific
    collection = section_collection(clae)
    if school.clae_group_id:
        grant_page_permissions(school.clae_group, clae, CLAE_PAGE_PERMISSIONS)
        grant_collection_permissions(school.clae_group, collection)
    assign_gallery_workflow(clae)


@transaction.atomic
def ensure_clae_space(school, **fields):
    """The school's CLAE space, created and published if missing (for the demo and the registry import)."""
    from .models import ClaePage

    clae = ClaePage.objects.child_of(school).first()
    if clae is None:
        clae = school.add_child(instance=ClaePage(title=f"CLAE — {school.title}", slug="clae", **fields))
        clae.save_revision().publish()
    setup_clae_space(clae)
    return clae
