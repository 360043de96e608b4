import sys
import time

from django.core.management.base import BaseCommand, CommandError

from ent_pages.events import registry_imported
from ent_pages.registry.importer import ImportFailed, import_city


class Command(BaseCommand):
    help = (
        "Import the city's registry (docs/import-format.md): Préau's five files, or ecoles.csv and one folder "
        "of ONDE extractions per school (named by its UAI). Schools, classes, pupils, enrolments, guardians and "
        "staff. Idempotent; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change and write nothing.")
        parser.add_argument("--year", help="School year of ONDE extractions (default: the current one), e.g. 2026-2027.")
        parser.add_argument(
            "--allow-removals", action="store_true",
            help="Accept a school's pupils or guardians file that has lost most of its families (refused by default).",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        progress = options["verbosity"] >= 1 and sys.stderr.isatty()
        try:
            report = import_city(
                options["directory"], dry_run=options["dry_run"], progress=progress, year=options["year"],
                allow_removals=options["allow_removals"],
            )
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(failure.errors)} error(s): nothing was imported.") from None
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(warning))
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
