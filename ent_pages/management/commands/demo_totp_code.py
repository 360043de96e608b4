from django.core.management.base import BaseCommand

from ent_pages.second_factor.demo import DEMO_TOTP_SECRET, current_demo_code


class Command(BaseCommand):
    help = "Print the current code of the demo staff accounts' authenticator (the published demo secret)."

    def handle(self, *args, **options):
        self.stdout.write(f"{current_demo_code()}  (secret {DEMO_TOTP_SECRET}, valid 30 s)")
