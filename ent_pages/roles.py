"""Role groups and Wagtail page permissions, created and kept in sync from pages and assignments.

Nobody clicks in the admin to give a teacher their class: creating a school or a class creates its
groups with the page permissions its roles need, and assignments put users in (and out of) them.
Each user belongs to few groups (one per school or class role), which keeps Wagtail's admin fast.

Files follow the same rule: the city home, each school and each class get a collection of images
and documents when they are created (linked by ent_pages.models.PageCollection, which the access
policy reads), and the role group that edits the page may add, change and choose files there.
"""

import threading
from contextlib import contextmanager

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

#: Page permissions granted on the page a role group owns (they cover its whole subtree).
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
CITY_EDITORS_GROUP = "Rédacteurs de la ville"
#: Collection permissions granted on the collection of the page a role group owns (and below it).
MEDIA_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"), ("wagtailimages", "change_image"), ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"), ("wagtaildocs", "change_document"), ("wagtaildocs", "choose_document"),
]


def _admin_access():
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def _page_permissions(codenames):
    return list(Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames))


def grant_page_permissions(group, page, codenames=EDITOR_PAGE_PERMISSIONS):
    """Give `group` these permissions on `page`, in one insert; those it already has are kept.

    One get_or_create per permission cost four statements each (select, savepoint, insert,
    release): twenty of a new class page's hundred. The unique constraint skips existing rows.
    """
    GroupPagePermission.objects.bulk_create(
        [GroupPagePermission(group=group, page=page, permission=p) for p in _page_permissions(codenames)],
        ignore_conflicts=True,
    )


def _media_collection_permissions():
    q = Q()
    for app_label, codename in MEDIA_COLLECTION_PERMISSIONS:
        q |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(q))


def grant_collection_permissions(group, collection):
    """Let `group` add, change and choose files in `collection`, in one insert (as grant_page_permissions)."""
    GroupCollectionPermission.objects.bulk_create(
        [GroupCollectionPermission(group=group, collection=collection, permission=p)
         for p in _media_collection_permissions()],
        ignore_conflicts=True,
    )


def ensure_page_collection(page, name, parent_collection=None):
    """Return (collection, created): the collection holding `page`'s files, created with the page.

    Schools and the city sit directly under Wagtail's root collection (collection permissions are
    inherited downwards, so a school must not sit below the city's public collection); classes and
    other school sections go below their school's collection. Other apps call this for their
    section pages (the CLAE space) with the school's collection as parent.
    """
    from .models import PageCollection

    link = PageCollection.objects.filter(page=page).select_related("collection").first()
    name = name[:255]
    if link is not None:
        if link.collection.name != name:
            link.collection.name = name
            link.collection.save(update_fields=["name"])
        return link.collection, False
    parent = parent_collection or Collection.get_first_root_node()
    collection = parent.add_child(instance=Collection(name=name))
    PageCollection.objects.create(page=page, collection=collection)
    return collection, True


def page_collection(page):
    """The collection created with `page`, or None."""
    from .models import PageCollection

    link = PageCollection.objects.filter(page=page).select_related("collection").first()
    return link.collection if link else None


def follow_page_move(page):
    """After `page` moved below a school, move its files' collections below their new section's.

    Collection permissions are inherited downwards: a class's collection left below its old
    school's would stay open to that school's directors and animators. The collections linked to the
    moved subtree's top pages go below the nearest linked collection of the new ancestors.
    """
    from .access import SCHOOL_DEPTH
    from .models import PageCollection

    if page.depth <= SCHOOL_DEPTH:
        return
    links = list(PageCollection.objects.filter(page__path__startswith=page.path).select_related("collection"))
    paths = [link.collection.path for link in links]
    tops = [link.collection for link in links
            if not any(link.collection.path.startswith(p) and link.collection.path != p for p in paths)]
    ancestors = [page.path[:end] for end in range(page.steplen, len(page.path), page.steplen)]
    target = (PageCollection.objects.filter(page__path__in=ancestors).select_related("collection")
              .order_by("-page__depth").first())
    if target is None:
        return
    for collection in tops:
        if collection.get_parent().pk != target.collection_id:
            collection.move(Collection.objects.get(pk=target.collection_id), pos="sorted-child")


def _ensure_group(current, name):
    """Return the role group, creating it (with admin access) or renaming it as needed."""
    if current is None:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(_admin_access())
        return group
    if current.name != name:
        current.name = name
        current.save(update_fields=["name"])
    return current


_deferred = threading.local()


@contextmanager
def deferred_groups():
    """Within this block, new schools and classes get their groups at the end, in bulk (imports)."""
    if getattr(_deferred, "pages", None) is not None:
        yield
        return
    _deferred.pages = []
    try:
        yield
        ensure_groups_bulk(_deferred.pages)
    finally:
        _deferred.pages = None


def _defer(page):
    pages = getattr(_deferred, "pages", None)
    if pages is None:
        return False
    pages.append(page)
    return True


@transaction.atomic
def ensure_groups_bulk(pages):
    """ensure_school_groups / ensure_class_groups for many new pages in a handful of queries."""
    from .models import ClassPage, PageCollection, SchoolPage

    wanted = []  # (page, attribute, group name)
    for page in pages:
        if isinstance(page, SchoolPage):
            if page.directors_group_id is None:
                wanted.append((page, "directors_group", _("School %(uai)s — direction") % {"uai": page.uai}))
            if page.clae_group_id is None:
                wanted.append((page, "clae_group", _("School %(uai)s — CLAE") % {"uai": page.uai}))
        elif isinstance(page, ClassPage) and page.teachers_group_id is None:
            name = _("Class %(id)s — %(label)s — teachers") % {"id": page.pk, "label": page.title[:100]}
            wanted.append((page, "teachers_group", name))
    names = [name for _page, _attr, name in wanted]
    existing = {g.name: g for g in Group.objects.filter(name__in=names)}
    Group.objects.bulk_create([Group(name=n) for n in names if n not in existing], batch_size=1000)
    groups = {g.name: g for g in Group.objects.filter(name__in=names)}
    access = _admin_access()
    through = Group.permissions.through
    through.objects.bulk_create(
        [through(group_id=groups[n].pk, permission_id=access.pk) for n in names], ignore_conflicts=True, batch_size=1000
    )
    page_permissions = _page_permissions(EDITOR_PAGE_PERMISSIONS)
    grants = []
    for page, attr, name in wanted:
        group = groups[name]
        setattr(page, attr, group)
        if attr != "clae_group":  # the CLAE group edits its own section, not the school page
            grants += [GroupPagePermission(group=group, page_id=page.pk, permission=p) for p in page_permissions]
    GroupPagePermission.objects.bulk_create(grants, ignore_conflicts=True, batch_size=1000)
    schools = [p for p in pages if isinstance(p, SchoolPage)]
    classes = [p for p in pages if isinstance(p, ClassPage)]
    if schools:
        SchoolPage.objects.bulk_update(schools, ["directors_group", "clae_group"], batch_size=500)
    if classes:
        ClassPage.objects.bulk_update(classes, ["teachers_group"], batch_size=500)
    # Their file collections (private media), in bulk: schools first so that classes nest below.
    _bulk_page_collections(
        [(school, f"{school.title} ({school.uai})", None, school.directors_group_id) for school in schools]
    )
    by_school = {}
    for class_page in classes:
        by_school.setdefault(class_page.path[: -class_page.steplen], []).append(class_page)
    school_collections = dict(
        PageCollection.objects.filter(page__path__in=list(by_school)).values_list("page__path", "collection_id")
    )
    _bulk_page_collections([
        (class_page, f"{class_page.title} ({class_page.school_year})", school_collections.get(path), class_page.teachers_group_id)
        for path, class_pages in by_school.items() for class_page in class_pages
    ])


def _bulk_page_collections(rows):
    """ensure_page_collection + grant_collection_permissions for many new pages (imports).

    `rows` are (page, collection name, parent collection id or None for the root, group id). The
    collections are inserted with their treebeard paths computed here, a bulk insert per parent,
    instead of one ``add_child`` (lock, insert, parent update) per page.
    """
    from .models import PageCollection

    linked = set(PageCollection.objects.filter(page_id__in=[r[0].pk for r in rows]).values_list("page_id", flat=True))
    rows = [r for r in rows if r[0].pk not in linked]
    if not rows:
        return
    root = Collection.get_first_root_node()
    by_parent = {}
    for page, name, parent_id, group_id in rows:
        by_parent.setdefault(parent_id or root.pk, []).append((page, name, group_id))
    links, grants = [], []
    permissions = _media_collection_permissions()
    for parent_id, children in by_parent.items():
        parent = Collection.objects.select_for_update().get(pk=parent_id)
        last = parent.get_last_child()
        position = Collection._str2int(last.path[-Collection.steplen:]) if last else 0
        new = []
        for _page, name, _group in children:
            position += 1
            new.append(Collection(name=name, depth=parent.depth + 1, numchild=0,
                                  path=Collection._get_path(parent.path, parent.depth + 1, position)))
        Collection.objects.bulk_create(new)
        created = dict(Collection.objects.filter(path__in=[c.path for c in new]).values_list("path", "pk"))
        Collection.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(new))
        for (page, _name, group_id), collection in zip(children, new, strict=True):
            links.append(PageCollection(page_id=page.pk, collection_id=created[collection.path]))
            if group_id:
                grants += [GroupCollectionPermission(group_id=group_id, collection_id=created[collection.path], permission=perm)
                           for perm in permissions]
    PageCollection.objects.bulk_create(links, batch_size=1000)
    GroupCollectionPermission.objects.bulk_create(grants, ignore_conflicts=True, batch_size=2000)


@transaction.atomic
def ensure_school_groups(school):
    from .models import SchoolPage

    if _defer(school):
        return
    directors = _ensure_group(school.directors_group, _("School %(uai)s — direction") % {"uai": school.uai})
    clae = _ensure_group(school.clae_group, _("School %(uai)s — CLAE") % {"uai": school.uai})
    if school.directors_group_id != directors.pk or school.clae_group_id != clae.pk:
        school.directors_group, school.clae_group = directors, clae
        SchoolPage.objects.filter(pk=school.pk).update(directors_group=directors, clae_group=clae)
        grant_page_permissions(directors, school)
        groups_changed = True
    else:
        groups_changed = False
    collection, created = ensure_page_collection(school, f"{school.title} ({school.uai})")
    if created or groups_changed:
        # Directors manage every file of the school, classes included (collection permissions
        # cover the collections below). The CLAE group gets its own CLAE collection, not this one.
        grant_collection_permissions(directors, collection)


@transaction.atomic
def ensure_class_groups(class_page):
    from .models import ClassPage

    if _defer(class_page):
        return
    teachers = _ensure_group(
        class_page.teachers_group,
        _("Class %(id)s — %(label)s — teachers") % {"id": class_page.pk, "label": class_page.title[:100]},
    )
    if class_page.teachers_group_id != teachers.pk:
        class_page.teachers_group = teachers
        ClassPage.objects.filter(pk=class_page.pk).update(teachers_group=teachers)
        grant_page_permissions(teachers, class_page)
        groups_changed = True
    else:
        groups_changed = False
    school = class_page.get_parent()
    school_collection = page_collection(school) if school is not None else None
    collection, created = ensure_page_collection(
        class_page, f"{class_page.title} ({class_page.school_year})", parent_collection=school_collection
    )
    if created or groups_changed:
        grant_collection_permissions(teachers, collection)


@transaction.atomic
def ensure_city_collection(city_home):
    """The city's public collection (images of city pages), managed by the city editors."""
    collection, created = ensure_page_collection(city_home, city_home.title)
    if created:
        grant_collection_permissions(city_editors_group(), collection)
    return collection


def city_editors_group():
    group, created = Group.objects.get_or_create(name=CITY_EDITORS_GROUP)
    if created:
        group.permissions.add(_admin_access())
    return group


def managed_group_ids():
    from .models import ClassPage, SchoolPage

    ids = set(SchoolPage.objects.values_list("directors_group", flat=True))
    ids |= set(SchoolPage.objects.values_list("clae_group", flat=True))
    ids |= set(ClassPage.objects.values_list("teachers_group", flat=True))
    ids.add(city_editors_group().pk)
    ids.discard(None)
    return ids


def desired_group_ids(user):
    from .models import Role, StaffAssignment

    wanted = set()
    for role, directors, clae in StaffAssignment.objects.filter(user=user).values_list(
        "role", "school__directors_group", "school__clae_group"
    ):
        if role == Role.DIRECTOR:
            wanted.add(directors)
        elif role in (Role.CLAE_DIRECTOR, Role.CLAE_ANIMATOR):
            wanted.add(clae)
        elif role == Role.CITY_EDITOR:
            wanted.add(city_editors_group().pk)
    # Archived classes (ent_pages.rollover) give no group: read-only, and a teacher's groups stay few.
    wanted |= set(user.teaching_assignments.filter(class_page__archived_at__isnull=True)
                  .values_list("class_page__teachers_group", flat=True))
    wanted.discard(None)
    return wanted


@transaction.atomic
def sync_user_groups(user):
    """Put the user in exactly the role groups their assignments call for (other groups untouched)."""
    managed = managed_group_ids()
    wanted = desired_group_ids(user)
    current = set(user.groups.filter(pk__in=managed).values_list("pk", flat=True))
    if wanted - current:
        user.groups.add(*(wanted - current))
    if current - wanted:
        user.groups.remove(*(current - wanted))


def ensure_all_page_collections():
    """Create the collections of pages created before private media (upgrade path). Idempotent."""
    from .models import CityHomePage, ClassPage, SchoolPage

    created = 0
    for home in CityHomePage.objects.all():
        created += page_collection(home) is None
        ensure_city_collection(home)
    for school in SchoolPage.objects.order_by("path"):
        created += page_collection(school) is None
        ensure_school_groups(school)
    for class_page in ClassPage.objects.order_by("path"):
        created += page_collection(class_page) is None
        ensure_class_groups(class_page)
    return created
@transaction.atomic
def sync_groups(user_ids):
    """sync_user_groups for many users at once (imports): four queries whatever their number."""
    from .models import Role, StaffAssignment, TeachingAssignment, User

    user_ids = set(user_ids)
    if not user_ids:
        return
    managed = managed_group_ids()
    editors = city_editors_group().pk
    wanted = {pk: set() for pk in user_ids}
    for user_id, role, directors, clae in StaffAssignment.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "role", "school__directors_group", "school__clae_group"
    ):
        group = {Role.DIRECTOR: directors, Role.CLAE_DIRECTOR: clae, Role.CLAE_ANIMATOR: clae,
                 Role.CITY_EDITOR: editors}.get(role)
        if group:
            wanted[user_id].add(group)
    for user_id, group in TeachingAssignment.objects.filter(user_id__in=user_ids, class_page__archived_at__isnull=True).values_list(
        "user_id", "class_page__teachers_group"
    ):
        if group:
            wanted[user_id].add(group)
    through = User.groups.through
    current = set(through.objects.filter(user_id__in=user_ids, group_id__in=managed).values_list("user_id", "group_id"))
    desired = {(u, g) for u, groups in wanted.items() for g in groups}
    through.objects.bulk_create([through(user_id=u, group_id=g) for u, g in desired - current], batch_size=2000)
    stale = sorted(current - desired)
    for start in range(0, len(stale), 200):
        query = Q()
        for u, g in stale[start:start + 200]:
            query |= Q(user_id=u, group_id=g)
        through.objects.filter(query).delete()
