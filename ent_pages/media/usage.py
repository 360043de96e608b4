"""Which files live pages show: the ``LiveFileUsage`` index the access policy reads.

A page's database row holds its live content (a draft or a revision awaiting moderation lives in
its revisions only), so a full save of a live page — publishing, or code saving it directly — is
the moment its usages are rebuilt: image and document choosers in StreamFields (post image blocks,
galleries, attachments, audio), document links in rich text, and foreign keys to images or
documents on the page or on its child objects (a gallery's photos and children's work). A save
restricted to some fields (``save_revision``, locks) never touches them; unpublishing drops them.

Content shown beside a page but stored elsewhere (a class's homework attachments) is recorded with
``record_files(page, source, objects)`` by the app that owns it.
"""

from __future__ import annotations

from django.db import transaction
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel, get_all_child_relations

from .models import LiveFileUsage, PrivateDocument, PrivateImage


def file_references(obj):
    """(model, id, top-level field name) of every image and document `obj`'s content refers to."""
    for field in obj._meta.get_fields():
        if field.is_relation and field.many_to_one and not isinstance(field, ParentalKey) and field.concrete:
            model = field.related_model
            if isinstance(model, type) and issubclass(model, (PrivateImage, PrivateDocument)):
                value = field.value_from_object(obj)
                if value is not None:
                    yield model, int(value), field.name
        elif hasattr(field, "extract_references") and getattr(field, "concrete", False):
            value = field.value_from_object(obj)
            if value is None:
                continue
            for model, object_id, _model_path, _content_path in field.extract_references(value):
                if isinstance(model, type) and issubclass(model, (PrivateImage, PrivateDocument)) and str(object_id).isdigit():
                    yield model, int(object_id), field.name
    if isinstance(obj, ClusterableModel):
        for relation in get_all_child_relations(obj):
            name = relation.get_accessor_name()
            for child in getattr(obj, name).all():
                for model, object_id, _field in file_references(child):
                    yield model, object_id, name


def _rows(page, source, references, partner_visible):
    rows, seen = [], set()
    references = list(references)
    if not references:
        return []
    for model, object_id, field_name in references:
        visible = partner_visible(field_name)
        key = (model is PrivateImage or issubclass(model, PrivateImage), object_id, visible)
        if key in seen:
            continue
        seen.add(key)
        is_image = key[0]
        rows.append(LiveFileUsage(
            page_id=page.pk, source=source, partner_visible=visible,
            image_id=object_id if is_image else None, document_id=None if is_image else object_id,
        ))
    # References to files deleted since: skipped (a foreign key must point to a row).
    images = set(PrivateImage.objects.filter(pk__in=[r.image_id for r in rows if r.image_id]).values_list("pk", flat=True))
    documents = set(
        PrivateDocument.objects.filter(pk__in=[r.document_id for r in rows if r.document_id]).values_list("pk", flat=True)
    )
    return [r for r in rows if (r.image_id in images if r.image_id else r.document_id in documents)]


def _partner_rule(page):
    """Which of a page's fields partner classes see: a blog page's, except those its template hides."""
    if not getattr(page, "visible_to_partner_classes", False):
        return lambda field_name: False
    hidden = set(getattr(page, "partner_hidden_fields", ()))
    return lambda field_name: field_name not in hidden


@transaction.atomic
def record_page(page, created=False):
    """Rebuild the usages of `page`'s own content from the instance given (its live content)."""
    if not created:
        LiveFileUsage.objects.filter(page_id=page.pk, source="").delete()
    if not page.live:
        return
    LiveFileUsage.objects.bulk_create(_rows(page, "", file_references(page), _partner_rule(page)))


@transaction.atomic
def record_files(page, source, objects, partner_visible=False):
    """Rebuild the usages that `source` (e.g. "homework:12") shows on `page`, from `objects`' content."""
    LiveFileUsage.objects.filter(page_id=page.pk, source=source).delete()
    references = [ref for obj in objects for ref in file_references(obj)]
    LiveFileUsage.objects.bulk_create(_rows(page, source, references, lambda _field: partner_visible))


def forget_files(source):
    LiveFileUsage.objects.filter(source=source).delete()


def forget_page(page):
    LiveFileUsage.objects.filter(page_id=page.pk, source="").delete()


def rebuild_all():
    """Rebuild every live page's usages (after deploying this index: ``manage.py rebuild_file_usage``)."""
    from wagtail.models import Page

    count = 0
    for page in Page.objects.live().specific().iterator(chunk_size=200):
        record_page(page)
        count += 1
    return count


# --------------------------------------------------------------------------------- signals
def page_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    """A full save writes the page's live content: rebuild (or drop, when not live) its usages."""
    from wagtail.models import Page

    if raw or not isinstance(instance, Page):
        return
    if update_fields is not None:
        if "live" in update_fields and not instance.live:
            forget_page(instance)
        return
    record_page(instance, created=created)


def page_published(sender, instance, **kwargs):
    # The child objects of a clusterable page are committed after post_save: record again.
    record_page(instance)


def page_unpublished(sender, instance, **kwargs):
    forget_page(instance)


def connect():
    from django.db.models.signals import post_save
    from wagtail.signals import page_published as published
    from wagtail.signals import page_unpublished as unpublished

    post_save.connect(page_saved, dispatch_uid="preau-live-file-usage-save")
    published.connect(page_published, dispatch_uid="preau-live-file-usage-published")
    unpublished.connect(page_unpublished, dispatch_uid="preau-live-file-usage-unpublished")
