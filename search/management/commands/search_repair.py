"""Repair the Elasticsearch documents whose update failed (recorded in search.models.PendingReindex).

    python manage.py search_repair          # every recorded page: re-indexed when live, dropped otherwise

Run it from cron after an Elasticsearch outage (or let the next successful update retry a few). Until then
no stale document leaks: every hit is asked of the access policy again before it leaves.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Re-index (or drop) the pages whose Elasticsearch update failed."

    def handle(self, *args, **options):
        from search.models import PendingReindex
        from search.signals import repair_pending

        if not getattr(settings, "ELASTICSEARCH_URL", ""):
            raise CommandError("ELASTICSEARCH_URL is not set: there is no Elasticsearch index to repair.")
        before = PendingReindex.objects.count()
        repaired, failing = repair_pending()
        left = PendingReindex.objects.count()
        self.stdout.write(f"{before} page(s) to repair: {repaired} repaired, {left} left.")
        if failing:
            raise CommandError("Elasticsearch still fails: run search_repair again later.")
