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


@transaction.atomic
def ensure_clae_spaces(schools):
    """A CLAE space for each of `schools` that has none (registry import): created live in bulk.

    The per-school ``add_child`` + revision + publish of ``ensure_clae_space`` costs ~0.2 s a school
    (40 s for the city); the tree's bulk insert makes it a few queries. The space starts empty, like
    an imported class page, and gets its permissions, collection and workflow as usual.
    """
    from ent_pages.tree import add_children

    from .models import ClaePage

    schools = list(schools)
    if not schools:
        return 0
    depth = schools[0].depth + 1
    have = {path[: -ClaePage.steplen] for path in ClaePage.objects.filter(depth=depth).values_list("path", flat=True)}
    created = 0
    for school in schools:
        if school.path in have:
            continue
        taken = set(school.get_children().values_list("slug", flat=True))
        slug = next(s for s in ("clae", *(f"clae-{n}" for n in range(2, 99))) if s not in taken)
        add_children(school, [ClaePage(title=f"CLAE — {school.title}", slug=slug, owner=None)])
        created += 1
    return created


def editable_clae_spaces(user, galleries_per_space=6):
    """The CLAE spaces of the user's schools that the access policy lets them edit, each with its latest
    galleries (drafts included: they are the editor's work) as ``space.recent_galleries``."""
    from django.db.models import Q

    from ent_pages.access import SCHOOL_DEPTH, policy

    from .models import ClaePage, GalleryPage

    school_paths = policy.scope(user).member_school_paths
    if not school_paths or not policy.edits_any_page(user):  # a family: no query
        return []
    under = Q(pk__in=[])
    for school_path in sorted(school_paths):
        under |= Q(path__startswith=school_path)
    candidates = ClaePage.objects.filter(under, depth=SCHOOL_DEPTH + 1)
    spaces = [space for space in candidates.order_by("title") if policy.can_edit(user, space)]
    for space in spaces:
        space.recent_galleries = list(
            GalleryPage.objects.child_of(space).order_by("-latest_revision_created_at", "-pk")[:galleries_per_space]
        )
    return spaces
