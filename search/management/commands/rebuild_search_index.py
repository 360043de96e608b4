"""Rebuild the search indexes of pages from the database, with a progress bar: PostgreSQL's page
entries (search.pgindex, on PostgreSQL) and the Elasticsearch index (when ELASTICSEARCH_URL is set).

    python manage.py rebuild_search_index
    python manage.py rebuild_search_index --print-mapping

Wagtail's own backends (database search, admin search) are rebuilt by `manage.py update_index`.
"""

import json
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def progress_bar(done, total, width=40):
    filled = width * done // total if total else width
    percent = 100 * done // total if total else 100
    return f"\r[{'#' * filled}{'.' * (width - filled)}] {percent:3d}% {done}/{total}"


class Command(BaseCommand):
    help = "Rebuild the search indexes of pages (French analysis, audience on each entry or document)."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=500)
        parser.add_argument("--print-mapping", action="store_true", help="Print the index settings and mapping, and stop.")

    def handle(self, *args, chunk_size=500, print_mapping=False, **options):
        from search import pgindex
        from search.elastic import index_name, mapping, rebuild_index

        if print_mapping:
            self.stdout.write(json.dumps(mapping(), indent=2, ensure_ascii=False))
            return

        def progress(done, total):
            self.stdout.write(progress_bar(done, total), ending="")
            self.stdout.flush()

        if pgindex.enabled():
            started = time.perf_counter()
            done = pgindex.rebuild(chunk_size=chunk_size, progress=progress)
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(
                f"Indexed {done} pages into PostgreSQL's page entries in {time.perf_counter() - started:.1f} s."))
        if not getattr(settings, "ELASTICSEARCH_URL", ""):
            if pgindex.enabled():
                return
            raise CommandError("ELASTICSEARCH_URL is not set: the database backend needs no rebuild here (see update_index).")
        started = time.perf_counter()
        done = rebuild_index(chunk_size=chunk_size, progress=progress, refresh=True)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(
            f"Indexed {done} pages into {index_name()} in {time.perf_counter() - started:.1f} s."
        ))
