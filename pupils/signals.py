"""Pupil accounts follow the registry import, the year rollover, and the demo city (ent_pages.events)."""

from django.dispatch import receiver

from ent_pages.events import demo_seeded, registry_imported, year_rolled_over


@receiver(registry_imported, dispatch_uid="pupils-sync-after-import")
def sync_after_import(sender, year, **kwargs):
    from .accounts import sync_pupil_accounts

    sync_pupil_accounts(year)


@receiver(year_rolled_over, dispatch_uid="pupils-sync-after-rollover")
def sync_after_rollover(sender, year, **kwargs):
    from .accounts import sync_pupil_accounts

    sync_pupil_accounts(year)


@receiver(demo_seeded, dispatch_uid="pupils-demo")
def seed_demo(sender, city, stdout=None, **kwargs):
    from .demo import seed_pupil_accounts

    seed_pupil_accounts(stdout=stdout)
