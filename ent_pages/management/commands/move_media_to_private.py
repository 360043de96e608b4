"""Move images and documents uploaded before private media to the private storage, cleaned.

Before issue 3, files went through Wagtail's default models (wagtailimages.Image,
wagtaildocs.Document) into the public media folder, with their EXIF/GPS. This command re-creates
each one as a PrivateImage / PrivateDocument with the same id (so StreamField blocks, rich text
links and choosers keep pointing at it), cleans images through ent_pages.media.uploads, generates the
renditions the templates use, then deletes the old row, its renditions and its public files.
"""

import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.core.management.color import no_style
from django.db import connection, transaction
from wagtail.documents.models import Document
from wagtail.images.models import Image

from ent_pages.media.uploads import clean_image_bytes, pregenerate_renditions
from ent_pages.models import PrivateDocument, PrivateImage
from ent_pages.roles import ensure_all_page_collections, page_collection


class Command(BaseCommand):
    help = "Move images and documents from Wagtail's default models and the public media folder to private storage, cleaned."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be moved; change nothing.")
        parser.add_argument("--keep-old", action="store_true", help="Keep the old rows and public files (not advised).")

    def handle(self, *args, dry_run=False, keep_old=False, **options):
        missing = [page for page in self._pages() if page_collection(page) is None]
        if missing:
            self.stdout.write(f"{'would create' if dry_run else 'create'} the collections of {len(missing)} page(s) "
                              "created before private media")
            if not dry_run:
                ensure_all_page_collections()
        moved = skipped = 0
        for old in Image.objects.order_by("pk"):
            ok = self._move_image(old, dry_run, keep_old)
            moved, skipped = moved + ok, skipped + (not ok)
        for old in Document.objects.order_by("pk"):
            ok = self._move_document(old, dry_run, keep_old)
            moved, skipped = moved + ok, skipped + (not ok)
        if not dry_run and moved:
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [PrivateImage, PrivateDocument]):
                    cursor.execute(sql)
        verb = "would move" if dry_run else "moved"
        self.stdout.write(f"{verb} {moved} file(s), skipped {skipped}.")

    @staticmethod
    def _pages():
        from ent_pages.models import CityHomePage, ClassPage, SchoolPage

        return [*CityHomePage.objects.all(), *SchoolPage.objects.all(), *ClassPage.objects.all()]

    def _read(self, old):
        try:
            with old.file.open("rb") as f:
                return f.read()
        except (FileNotFoundError, OSError) as exc:
            self.stderr.write(f"  {old._meta.label} #{old.pk}: cannot read {old.file.name}: {exc}")
            return None

    def _move_image(self, old, dry_run, keep_old):
        label = f"image #{old.pk} {old.title!r} ({old.file.name})"
        if PrivateImage.objects.filter(pk=old.pk).exists():
            self.stderr.write(f"  skip {label}: a private image already has id {old.pk}; re-link it by hand.")
            return False
        data = self._read(old)
        if data is None:
            return False
        try:
            cleaned = clean_image_bytes(data, old.file.name)
        except ValidationError as exc:
            self.stderr.write(f"  skip {label}: {' '.join(exc.messages)}")
            return False
        self.stdout.write(f"  {'would move' if dry_run else 'move'} {label} → {cleaned.image_size[0]}×{cleaned.image_size[1]}, "
                          f"{cleaned.name}, metadata removed")
        if dry_run:
            return True
        with transaction.atomic():
            new = PrivateImage(
                pk=old.pk, title=old.title, description=old.description, collection_id=old.collection_id,
                uploaded_by_user_id=old.uploaded_by_user_id, file=cleaned,
            )
            if old.has_focal_point() and (old.width, old.height) == cleaned.image_size:
                new.focal_point_x, new.focal_point_y = old.focal_point_x, old.focal_point_y
                new.focal_point_width, new.focal_point_height = old.focal_point_width, old.focal_point_height
            new.save()
            PrivateImage.objects.filter(pk=new.pk).update(created_at=old.created_at)
            new.tags.set(list(old.tags.all()))
            if not keep_old:
                self._delete_old_image(old)
        pregenerate_renditions(new)
        return True

    def _delete_old_image(self, old):
        for rendition in old.renditions.all():
            rendition.file.delete(save=False)
        old.file.delete(save=False)
        old.delete()

    def _move_document(self, old, dry_run, keep_old):
        label = f"document #{old.pk} {old.title!r} ({old.file.name})"
        if PrivateDocument.objects.filter(pk=old.pk).exists():
            self.stderr.write(f"  skip {label}: a private document already has id {old.pk}; re-link it by hand.")
            return False
        data = self._read(old)
        if data is None:
            return False
        self.stdout.write(f"  {'would move' if dry_run else 'move'} {label}")
        if dry_run:
            return True
        with transaction.atomic():
            new = PrivateDocument(
                pk=old.pk, title=old.title, collection_id=old.collection_id, uploaded_by_user_id=old.uploaded_by_user_id,
                file=ContentFile(data, name=os.path.basename(old.file.name)),
            )
            new._set_document_file_metadata()
            new.save()
            PrivateDocument.objects.filter(pk=new.pk).update(created_at=old.created_at)
            new.tags.set(list(old.tags.all()))
            if not keep_old:
                old.file.delete(save=False)
                old.delete()
        return True
