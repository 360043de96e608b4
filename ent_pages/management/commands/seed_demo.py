from django.core.management.base import BaseCommand

from ent_pages.demo import seed_demo_city


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo city with accounts for every role. Idempotent."

    def handle(self, *args, **options):
        seed_demo_city(stdout=self.stdout)
