"""Send the new-message notifications that quiet hours held back (cron, every 5 minutes)."""

from django.core.management.base import BaseCommand

from conversations.notifications import send_due_notifications


class Command(BaseCommand):
    help = "Email the participants who have a notification due (who wrote, never what)."

    def handle(self, *args, **options):
        self.stdout.write(f"Notifications sent: {send_due_notifications()}.")
