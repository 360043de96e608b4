from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ent_pages.rollover import RolloverRefused, rollover_year


class Command(BaseCommand):
    help = (
        "Start a new school year: archive earlier classes (read-only for teachers, visible to families until a "
        "date), deactivate accounts with no child or assignment left, delete those deactivated 3 months ago. "
        "Run after importing the new year; idempotent, run it again weekly."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", help="The new school year, e.g. 2027-2028.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change and write nothing.")
        parser.add_argument("--visible-until", type=date.fromisoformat,
                            help="Date (YYYY-MM-DD) until which archived classes stay visible to their families.")
        parser.add_argument("--force", action="store_true", help="Run even if no class of the new year was imported.")

    def handle(self, *args, **options):
        try:
            report = rollover_year(options["year"], dry_run=options["dry_run"], visible_until=options["visible_until"],
                                   force=options["force"])
        except RolloverRefused as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        for line in report.lines():
            self.stdout.write(line)
        if options["verbosity"] >= 2:
            for title, names in (("Deactivated", report.deactivated), ("Reactivated", report.reactivated), ("Deleted", report.deleted)):
                if names:
                    self.stdout.write(f"{title}: {', '.join(names)}")
        if report.dry_run:
            self.stdout.write("Dry run: nothing was written.")
