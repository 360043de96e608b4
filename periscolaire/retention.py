"""Retention of galleries: past the retention period, a gallery is unpublished and its files deleted.

Default period: the end of the gallery's school year (31 August) plus one year
(``PERISCOLAIRE_GALLERY_RETENTION_YEARS``). The plan lists every file (originals, renditions,
documents of the gallery's own collection) with its size on the storage; the real run deletes
exactly the planned files and reports what was actually freed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from .media import linked_collection
from .models import GalleryPage

DEFAULT_RETENTION_YEARS = 1


def retention_years():
    return getattr(settings, "PERISCOLAIRE_GALLERY_RETENTION_YEARS", DEFAULT_RETENTION_YEARS)


def retention_cutoff(today: datetime.date, years: int) -> datetime.date:
    """Galleries dated before this day are past retention on `today`.

    A gallery of school year S–S+1 is kept until 31 August of S+1+years included.
    """
    last_expired_end = today.year if today > datetime.date(today.year, 8, 31) else today.year - 1
    return datetime.date(last_expired_end - years, 9, 1)


@dataclass(frozen=True)
class PlannedFile:
    gallery_id: int
    kind: str  # "original", "rendition", "document"
    name: str
    size: int
    storage: object = field(compare=False, repr=False)


@dataclass
class PurgePlan:
    cutoff: datetime.date
    galleries: list = field(default_factory=list)
    files: list = field(default_factory=list)

    @property
    def file_count(self):
        return len(self.files)

    @property
    def total_bytes(self):
        return sum(f.size for f in self.files)


def _file(gallery_id, kind, field_file):
    if not field_file or not field_file.name:
        return None
    storage = field_file.storage
    if not storage.exists(field_file.name):
        return None
    return PlannedFile(gallery_id, kind, field_file.name, storage.size(field_file.name), storage)


def gallery_files(gallery):
    """(images, documents, planned files) of the gallery's own collection and the collections below it."""
    collection = linked_collection(gallery)
    if collection is None:
        return [], [], []
    images = list(
        get_image_model().objects.filter(collection__path__startswith=collection.path).prefetch_related("renditions")
    )
    documents = list(get_document_model().objects.filter(collection__path__startswith=collection.path))
    planned = []
    for image in images:
        planned.append(_file(gallery.pk, "original", image.file))
        planned.extend(_file(gallery.pk, "rendition", r.file) for r in image.renditions.all())
    planned.extend(_file(gallery.pk, "document", d.file) for d in documents)
    return images, documents, [p for p in planned if p is not None]


def plan_purge(today: datetime.date | None = None, years: int | None = None) -> PurgePlan:
    today = today or timezone.localdate()
    years = retention_years() if years is None else years
    plan = PurgePlan(cutoff=retention_cutoff(today, years))
    for gallery in GalleryPage.objects.filter(date__lt=plan.cutoff).order_by("date", "pk"):
        _images, _documents, files = gallery_files(gallery)
        if gallery.live or files:
            plan.galleries.append(gallery)
            plan.files.extend(files)
    return plan


@dataclass
class PurgeResult:
    galleries: int = 0
    unpublished: int = 0
    files: int = 0
    bytes: int = 0


def execute_purge(plan: PurgePlan) -> PurgeResult:
    """Unpublish the planned galleries and delete exactly the planned files."""
    result = PurgeResult()
    planned_names = {(id(f.storage), f.name) for f in plan.files}
    for gallery in plan.galleries:
        with transaction.atomic():
            gallery = GalleryPage.objects.select_for_update().get(pk=gallery.pk)
            images, documents, _files = gallery_files(gallery)
            if gallery.workflow_in_progress:
                gallery.current_workflow_state.cancel(user=None)
            if gallery.live:
                gallery.unpublish(user=None, log_action="wagtail.unpublish")
                result.unpublished += 1
            # The draft no longer refers to deleted photos (the editor keeps working).
            draft = gallery.get_latest_revision_as_object()
            draft.photos, draft.works = [], []
            draft.save_revision(clean=False, log_action=False)
            for image in images:
                for rendition in image.renditions.all():
                    _delete(plan, planned_names, rendition.file, result)
                _delete(plan, planned_names, image.file, result)
                image.delete()
            for document in documents:
                _delete(plan, planned_names, document.file, result)
                document.delete()
            GalleryPage.objects.filter(pk=gallery.pk).update(purged_at=timezone.now())
        result.galleries += 1
    return result


def _delete(plan, planned_names, field_file, result):
    if not field_file or not field_file.name:
        return
    storage = field_file.storage
    if (id(storage), field_file.name) not in planned_names or not storage.exists(field_file.name):
        return  # not in the plan (uploaded since the dry run): left for the next run
    size = storage.size(field_file.name)
    storage.delete(field_file.name)
    result.files += 1
    result.bytes += size
