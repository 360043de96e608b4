"""Rebuild the index of files shown by live pages (ent_pages.media.LiveFileUsage).

Publishing keeps it up to date; run this once after deploying it, or after loading pages without
signals (fixtures, raw SQL). Idempotent.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ent_pages.media.usage import rebuild_all


class Command(BaseCommand):
    help = "Rebuild the index of files shown by live pages."

    def handle(self, *args, **options):
        count = rebuild_all()
        self.stdout.write(_("Files shown by %(count)d live pages recorded.") % {"count": count})
