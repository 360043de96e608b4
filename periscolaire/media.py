"""Where a CLAE space's and a gallery's files live: collections linked to their pages.

Each page holding files has a collection linked by ``ent_pages.PageCollection``, which the access
policy reads to decide who may open a file. A CLAE space gets its collection below its school's;
each gallery gets its own below its section's (the class's or the CLAE space's), so that:
- its files are seen by whoever may see the gallery, and only once it is published
  (``policy.can_view_collection``), while the section's staff manage them through the
  collection permissions they hold on the section (inherited downwards);
- the retention command knows exactly which files belong to a gallery.
"""

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import Collection, GroupCollectionPermission

from ent_pages.models import PageCollection

#: What the CLAE group may do with the files of its CLAE space (and its galleries).
MEDIA_PERMISSIONS = [
    ("wagtailimages", "add_image"), ("wagtailimages", "change_image"), ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"), ("wagtaildocs", "change_document"), ("wagtaildocs", "choose_document"),
]


def linked_collection(page):
    link = PageCollection.objects.filter(page=page).select_related("collection").first()
    return link.collection if link else None


@transaction.atomic
def ensure_page_collection(page, name, parent_collection=None):
    """The collection linked to `page`, created below `parent_collection` (or the root) if missing.

    Same contract as the private-media work's ``ent_pages.roles.ensure_page_collection``: the
    lead may swap this for it at merge time.
    """
    existing = linked_collection(page)
    if existing is not None:
        return existing
    parent = parent_collection or Collection.get_first_root_node()
    collection = parent.add_child(instance=Collection(name=name[:255]))
    PageCollection.objects.create(page=page, collection=collection)
    return collection


def section_collection(section):
    """The collection of a class or a CLAE space (created below the school's when missing)."""
    existing = linked_collection(section)
    if existing is not None:
        return existing
    school = section.get_parent()
    return ensure_page_collection(section, section.title, parent_collection=linked_collection(school))


def gallery_collection(gallery):
    """The gallery's own collection, below its section's."""
    existing = linked_collection(gallery)
    if existing is not None:
        return existing
    return ensure_page_collection(
        gallery, f"{gallery.title} ({gallery.date:%Y-%m-%d})", parent_collection=section_collection(gallery.get_parent())
    )


def grant_media_permissions(group, collection):
    q = Q()
    for app_label, codename in MEDIA_PERMISSIONS:
        q |= Q(content_type__app_label=app_label, codename=codename)
    for permission in Permission.objects.filter(q):
        GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)
