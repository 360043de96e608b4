import time

from django.core.management.base import BaseCommand

from ent_pages.registry.generator import generate_city


class Command(BaseCommand):
    help = (
        "Write a deterministic synthetic city (docs/import-format.md): Préau's five files, or with --format onde "
        "ecoles.csv and one folder of ONDE extractions per school."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=206)
        parser.add_argument("--pupils", type=int, default=35000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--year", help="School year of the classes (default: the current one), e.g. 2026-2027.")
        parser.add_argument("--encoding", choices=["utf-8", "utf-8-sig", "cp1252"],
                            help="Default: utf-8, or cp1252 (as ONDE exports) with --format onde.")
        parser.add_argument("--format", default="registry", choices=["registry", "onde"])
        parser.add_argument("--out", required=True, help="Directory to write the files to.")

    def handle(self, *args, **options):
        started = time.perf_counter()
        result = generate_city(
            options["out"], schools=options["schools"], pupils=options["pupils"], seed=options["seed"],
            year=options["year"], encoding=options["encoding"], format=options["format"],
        )
        self.stdout.write(
            f"{result.schools} schools, {result.classes} classes, {result.pupils} pupils, {result.guardians} guardians "
            f"({result.guardianships / max(result.pupils, 1):.2f} per pupil), {result.staff} staff "
            f"written to {options['out']} in {time.perf_counter() - started:.1f} s"
        )
