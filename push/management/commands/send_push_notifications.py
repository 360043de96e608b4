"""Cron (every few minutes): deliver the pushes that are due, if the background worker missed them."""

from django.core.management.base import BaseCommand

from push.delivery import deliver_due


class Command(BaseCommand):
    help = "Send the push notifications that are due (a catch-up for the background worker)."

    def handle(self, *args, **options):
        sent = deliver_due()
        if options["verbosity"]:
            self.stdout.write(f"{sent} push notification(s) sent.")
