"""Where a CLAE space's and a gallery's files live: collections linked to their pages.

Each page holding files has a collection linked by ``ent_pages.PageCollection`` (created by
``ent_pages.roles.ensure_page_collection``), which the access policy reads to decide who may open
a file. A CLAE space gets its collection below its school's; each gallery gets its own below its
section's (the class's or the CLAE space's), so that:
- its photos reach whoever may see the gallery once it shows them published (``policy.can_view_file``:
  files follow published content), while the section's staff manage them through the
  collection permissions they hold on the section (inherited downwards);
- the retention command knows exactly which files belong to a gallery.
"""

from ent_pages.roles import ensure_page_collection, page_collection


def linked_collection(page):
    """The collection created with `page`, or None."""
    return page_collection(page)


def section_collection(section):
    """The collection of a class or a CLAE space (created below the school's when missing)."""
    existing = page_collection(section)
    if existing is not None:
        return existing
    school = section.get_parent()
    collection, _created = ensure_page_collection(section, section.title, parent_collection=page_collection(school))
    return collection


def gallery_collection(gallery):
    """The gallery's own collection, below its section's."""
    existing = page_collection(gallery)
    if existing is not None:
        return existing
    collection, _created = ensure_page_collection(
        gallery, f"{gallery.title} ({gallery.date:%Y-%m-%d})", parent_collection=section_collection(gallery.get_parent())
    )
    return collection
