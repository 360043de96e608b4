from django.core.management.base import BaseCommand

from ent_pages.legal import ensure_legal_pages
from ent_pages.tree import ensure_city_home


class Command(BaseCommand):
    help = "Create the terms of use and the privacy notice under the city home, with a first text to edit (idempotent)."

    def handle(self, *args, **options):
        ensure_legal_pages(ensure_city_home())
        self.stdout.write("Legal pages ready.")
