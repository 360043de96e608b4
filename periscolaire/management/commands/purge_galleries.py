"""Unpublish galleries past their retention period and delete their files (see periscolaire.retention)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from ent_pages.media.uploads import abandoned_uploads, delete_abandoned_uploads
from periscolaire.retention import execute_purge, plan_purge, retention_years


class Command(BaseCommand):
    help = (
        "Unpublish the photo galleries older than the retention period (default: end of their school year "
        "+ 1 year) and delete their photos, renditions and documents; delete the uploads left unfinished "
        "for more than 24 hours. Use --dry-run first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be deleted; change nothing.")
        parser.add_argument("--years", type=int, default=None,
                            help=f"Years kept after the end of the school year (default {retention_years()}).")
        parser.add_argument("--today", default=None, help="Reference date YYYY-MM-DD (default: today).")

    def handle(self, *args, dry_run=False, years=None, today=None, verbosity=1, **options):
        if today:
            try:
                today = datetime.date.fromisoformat(today)
            except ValueError as error:
                raise CommandError(f"--today must be YYYY-MM-DD: {error}") from error
        if years is not None and years < 0:
            raise CommandError("--years must be 0 or more.")
        self.purge_abandoned_uploads(dry_run)
        plan = plan_purge(today=today, years=years)
        self.stdout.write(f"Galleries dated before {plan.cutoff:%Y-%m-%d}: {len(plan.galleries)} past retention.")
        by_gallery = {}
        for planned in plan.files:
            by_gallery.setdefault(planned.gallery_id, []).append(planned)
        for gallery in plan.galleries:
            files = by_gallery.get(gallery.pk, [])
            self.stdout.write(
                f"- {gallery.url_path} ({gallery.date:%Y-%m-%d}, {'live' if gallery.live else 'not live'}): "
                f"{len(files)} files, {sum(f.size for f in files)} bytes"
            )
            if dry_run and verbosity >= 2:
                for planned in files:
                    self.stdout.write(f"    {planned.kind} {planned.name} {planned.size}")
        if dry_run:
            self.stdout.write(
                f"Dry run: would unpublish {sum(g.live for g in plan.galleries)} galleries and delete "
                f"{plan.file_count} files, {plan.total_bytes} bytes ({filesizeformat(plan.total_bytes)})."
            )
            self._other_steps(today, dry_run)
            return
        result = execute_purge(plan)
        self.stdout.write(self.style.SUCCESS(
            f"Unpublished {result.unpublished} galleries; deleted {result.files} files, {result.bytes} bytes "
            f"({filesizeformat(result.bytes)}) from {result.galleries} galleries."
        ))
        self._other_steps(today, dry_run)

    def purge_abandoned_uploads(self, dry_run):
        """Wagtail's copies of uploads whose form was never completed (``UploadedFile``), after 24 h."""
        found = abandoned_uploads()
        if dry_run:
            self.stdout.write(f"Dry run: would delete {len(found)} abandoned uploads, {sum(s for _u, s in found)} bytes.")
            return
        count, size = delete_abandoned_uploads(found)
        self.stdout.write(f"Deleted {count} abandoned uploads, {size} bytes.")

    def _other_steps(self, today, dry_run):
        """Other apps' retention (conversations...) through the ``retention_steps`` Wagtail hook."""
        from wagtail import hooks

        for fn in hooks.get_hooks("retention_steps"):
            fn(today=today, dry_run=dry_run, stdout=self.stdout)
