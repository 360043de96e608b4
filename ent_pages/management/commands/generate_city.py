import time

from django.core.management.base import BaseCommand

from ent_pages.registry.generator import generate_city


class Command(BaseCommand):
    help = "Write a deterministic synthetic city in the registry format (docs/import-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=206)
        parser.add_argument("--pupils", type=int, default=35000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--year", help="School year of the classes (default: the current one), e.g. 2026-2027.")
        parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "utf-8-sig", "cp1252"])
        parser.add_argument("--out", required=True, help="Directory to write the five CSV files to.")

    def handle(self, *args, **options):
        started = time.perf_counter()
        result = generate_city(
            options["out"], schools=options["schools"], pupils=options["pupils"], seed=options["seed"],
            year=options["year"], encoding=options["encoding"],
        )
        self.stdout.write(
            f"{result.schools} schools, {result.classes} classes, {result.pupils} pupils, {result.guardians} guardians "
            f"({result.guardianships / max(result.pupils, 1):.2f} per pupil), {result.staff} staff "
            f"written to {options['out']} in {time.perf_counter() - started:.1f} s"
        )
