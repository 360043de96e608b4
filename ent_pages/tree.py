"""Building the page tree from code (demo, imports): the city home and the default site."""

from contextlib import contextmanager

from django.db import transaction
from django.db.models.signals import post_save
from modelsearch import signal_handlers as search_signal_handlers
from modelsearch.backends import get_search_backends
from wagtail.models import Page, Site
from wagtail.signal_handlers import disable_reference_index_auto_update

from .models import CityHomePage


@transaction.atomic
def ensure_city_home(title="Ville de Préau", slug="accueil"):
    """Return the city home, creating it under the tree root and making it the default site's root."""
    home = CityHomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=CityHomePage(title=title, slug=slug))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Préau")
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = site.site_name or "Préau"
        site.save()
        # Wagtail's placeholder "Welcome" page has no use once the city home is the root.
        if type(old_root.specific) is Page and old_root.depth == 2 and not old_root.get_children().exists():
            old_root.delete()
    return home


def city_home_after_migrate(sender, using="default", **kwargs):
    """After a complete `migrate`, the tree has its city home, as Wagtail's migrations give it a root.

    Connected to ``post_migrate`` (ent_pages.apps). Skipped while migrations remain to apply: the
    models may not match the tables yet. Test databases are created by ``migrate`` too, so every
    test starts from the city home instead of building it again (a hundred statements each time).
    """
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    ensure_city_home()


def add_children(parent, pages):
    """Add many new live pages under `parent` (imports): ``add_child`` without its per-page overhead.

    Same result as calling ``parent.add_child(instance=page)`` for each page — treebeard paths after
    the last existing child, the parent's ``numchild``, Wagtail's ``url_path``, locale and draft title,
    a "created" history entry, ``post_save(created=True)`` for every page — but with bulk inserts
    (the pages all have the same type): the parent row is locked and updated once, pages are not
    re-validated (the caller validated titles and unique slugs), ``pre_save`` is not sent, the search
    index is written in one bulk call per backend, and the reference index is skipped: a new school
    or class page holds no reference yet (no rich text, image or link). Call inside a transaction;
    role groups come from the post_save signal, or in bulk inside ``roles.deferred_groups()``.
    """
    if not pages:
        return pages
    with bulk_indexing(type(pages[0])), disable_reference_index_auto_update():
        _add_children(parent, pages)
    return pages


@contextmanager
def bulk_indexing(model):
    """Index `model` instances saved inside the block once, in bulk, instead of one task per save."""
    connected = post_save.disconnect(search_signal_handlers.post_save_signal_handler, sender=model)
    saved = []

    def collect(sender, instance, raw=False, **kwargs):
        if not raw:
            saved.append(instance)

    post_save.connect(collect, sender=model, weak=False)
    try:
        yield
    finally:
        post_save.disconnect(collect, sender=model)
        if connected:
            post_save.connect(search_signal_handlers.post_save_signal_handler, sender=model)
    if connected and saved:
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(model, saved)


def _add_children(parent, pages):
    from django.contrib.contenttypes.models import ContentType
    from django.db import router
    from django.db.models import F
    from django.utils import timezone
    from wagtail.models import Page, PageLogEntry

    model = type(pages[0])
    db = router.db_for_write(model)
    parent = Page.objects.select_for_update().get(pk=parent.pk)
    last = parent.get_last_child()
    position = Page._str2int(last.path[-Page.steplen:]) if last else 0
    now = timezone.now()
    for page in pages:
        position += 1
        page.depth = parent.depth + 1
        page.path = Page._get_path(parent.path, page.depth, position)
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.locale_id = parent.locale_id
        page.draft_title = page.title
        page.live, page.has_unpublished_changes = True, False
        page.first_published_at = page.last_published_at = now
    # Multi-table inheritance: the wagtailcore_page rows in one bulk insert, then the specific rows.
    page_fields = [f.attname for f in Page._meta.concrete_fields if not f.primary_key]
    bases = Page.objects.using(db).bulk_create([Page(**{name: getattr(p, name) for name in page_fields}) for p in pages])
    for page, base in zip(pages, bases, strict=True):
        page.pk = page.page_ptr_id = page.id = base.pk
        page._state.adding, page._state.db = False, db
        page._cached_parent_obj = parent
    model._base_manager.using(db)._insert(pages, fields=model._meta.local_concrete_fields, using=db)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    for page in pages:
        post_save.send(sender=model, instance=page, created=True, update_fields=None, raw=False, using=db)
    # The "created" entries of the pages' history, which save() would write one at a time.
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    PageLogEntry.objects.bulk_create([
        PageLogEntry(content_type=content_type, page_id=page.pk, label=page.get_admin_display_title(),
                     action="wagtail.create", timestamp=now, data={})
        for page in pages
    ])
