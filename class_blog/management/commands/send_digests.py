"""Send the email digests that are due (cron, e.g. every day at 17:30) and reminders held by quiet hours."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from class_blog.digests import send_digests
from class_blog.notes import send_due_reminders
from class_blog.quiet_hours import is_quiet


class Command(BaseCommand):
    help = "Send each guardian their digest of what is new (never during quiet hours; nothing when nothing is new)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Pretend it is this ISO date-time (tests, catching up).")
        parser.add_argument("--ignore-quiet-hours", action="store_true", help="Send even during quiet hours.")

    def handle(self, *args, now=None, ignore_quiet_hours=False, **options):
        now = parse_datetime(now) if now else timezone.now()
        if timezone.is_naive(now):
            now = timezone.make_aware(now)
        if is_quiet(now) and not ignore_quiet_hours:
            self.stdout.write("Quiet hours: nothing sent.")
            return
        reminders = send_due_reminders(now)
        sent, nothing_new, not_due = send_digests(now, ignore_quiet_hours=ignore_quiet_hours)
        self.stdout.write(
            f"Digests sent: {sent}, nothing new: {nothing_new}, not due: {not_due}; held reminders sent: {reminders}."
        )
