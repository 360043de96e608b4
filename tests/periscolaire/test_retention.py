import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from periscolaire.media import gallery_collection
from periscolaire.models import GalleryPage, GalleryPhoto, GalleryWork
from periscolaire.retention import retention_cutoff

from .conftest import jpeg_bytes

TODAY = datetime.date(2026, 11, 28)


def make_gallery(parent, title, date, photos=2):
    gallery = parent.add_child(instance=GalleryPage(title=title, date=date))
    collection = gallery_collection(gallery)
    for i in range(photos):
        image = get_image_model()(title=f"{title}-{i}", file=ContentFile(jpeg_bytes(), name=f"{i}.jpg"), collection=collection)
        image.save()
        GalleryPhoto.objects.create(page=gallery, image=image, sort_order=i)
    document = get_document_model()(title="Livret", file=ContentFile(b"%PDF-1.4 livret", name="livret.pdf"), collection=collection)
    document.save()
    GalleryWork.objects.create(page=gallery, document=document)
    gallery.save_revision().publish()
    return gallery


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("purge_galleries", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def test_retention_is_the_end_of_the_school_year_plus_one_year():
    assert retention_cutoff(datetime.date(2026, 11, 28), 1) == datetime.date(2025, 9, 1)
    assert retention_cutoff(datetime.date(2026, 8, 31), 1) == datetime.date(2024, 9, 1)
    assert retention_cutoff(datetime.date(2026, 9, 1), 2) == datetime.date(2024, 9, 1)


def test_retention_dry_run_lists_what_the_real_run_then_frees_exactly(class_page, django_capture_on_commit_callbacks):
    old = make_gallery(class_page, "Carnaval 2024", datetime.date(2025, 3, 1))
    recent = make_gallery(class_page, "Carnaval 2025", datetime.date(2025, 10, 1))
    old_files = [i.file for i in get_image_model().objects.filter(collection=gallery_collection(old))]
    old_files += [r.file for i in get_image_model().objects.filter(collection=gallery_collection(old)) for r in i.renditions.all()]
    old_files += [d.file for d in get_document_model().objects.filter(collection=gallery_collection(old))]
    expected_bytes = sum(f.storage.size(f.name) for f in old_files)

    dry = run("--dry-run")
    planned_files, planned_bytes = map(int, re.search(r"delete (\d+) files, (\d+) bytes", dry).groups())
    assert (planned_files, planned_bytes) == (len(old_files), expected_bytes)
    assert "carnaval-2024" in dry and "carnaval-2025" not in dry
    assert all(f.storage.exists(f.name) for f in old_files)  # the dry run changes nothing
    assert GalleryPage.objects.get(pk=old.pk).live

    with django_capture_on_commit_callbacks(execute=True):  # Wagtail's own file clean-up runs too
        real = run()
    freed_files, freed_bytes = map(int, re.search(r"deleted (\d+) files, (\d+) bytes", real).groups())
    assert (freed_files, freed_bytes) == (planned_files, planned_bytes)
    assert not any(f.storage.exists(f.name) for f in old_files)
    old = GalleryPage.objects.get(pk=old.pk)
    assert not old.live and old.purged_at and not old.photos.exists() and not old.works.exists()
    recent = GalleryPage.objects.get(pk=recent.pk)
    assert recent.live and recent.photos.count() == 2
    assert "deleted 0 files" in run()  # nothing left to do


@pytest.mark.parametrize("years", ["0", "3"])
def test_retention_period_is_configurable(class_page, years):
    make_gallery(class_page, "Kermesse", datetime.date(2024, 6, 20), photos=1)
    dry = run("--dry-run", "--years", years)
    expected = 1 if years == "0" else 0
    assert f": {expected} past retention" in dry
