import sys
import time

from django.core.management.base import BaseCommand, CommandError

from ent_pages.events import registry_imported
from ent_pages.registry.importer import ImportFailed, import_city


class Command(BaseCommand):
    help = (
        "Import the city's registry files (docs/import-format.md): schools, classes, pupils, enrolments, "
        "guardians and staff. Idempotent; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change and write nothing.")

    def handle(self, *args, **options):
        started = time.perf_counter()
        progress = options["verbosity"] >= 1 and sys.stderr.isatty()
        try:
            report = import_city(options["directory"], dry_run=options["dry_run"], progress=progress)
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(failure.errors)} error(s): nothing was imported.") from None
        if not options["dry_run"]:
            registry_imported.send(sender=self.__class__, year=report.year)  # pupil accounts follow (pupils app)
        for line in report.lines():
            self.stdout.write(line)
        if options["verbosity"] >= 2:
            self.stdout.write("  ".join(f"{step} {seconds:.1f} s" for step, seconds in report.timings.items()))
        elapsed = time.perf_counter() - started
        if options["dry_run"]:
            self.stdout.write(f"Dry run for {report.year}: nothing was written ({elapsed:.1f} s).")
        elif report.changed:
            self.stdout.write(self.style.SUCCESS(f"Imported {report.year} in {elapsed:.1f} s."))
        else:
            self.stdout.write(self.style.SUCCESS(f"No change for {report.year} ({elapsed:.1f} s)."))
