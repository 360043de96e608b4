"""Pupil accounts follow the registry import, the year rollover, and the demo city (ent_pages.events);
the pupil space's cached class fragments follow publishing and homework."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from ent_pages.events import demo_seeded, registry_imported, year_rolled_over
from ent_pages.models import ClassPage


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


# The pupil space's per-class fragments (pupils.space) follow what they show.
@receiver(page_published, dispatch_uid="pupils-space-published")
@receiver(page_unpublished, dispatch_uid="pupils-space-unpublished")
def page_changed(sender, instance, **kwargs):
    from .space import bump_for_page

    bump_for_page(instance)


@receiver(post_page_move, dispatch_uid="pupils-space-moved")
def page_moved(sender, instance, **kwargs):
    from .space import ANYWHERE, bump

    bump(ANYWHERE)  # rare: every fragment is rebuilt


@receiver(post_delete, dispatch_uid="pupils-space-deleted")
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        from .space import ANYWHERE, bump

        bump(ANYWHERE)


@receiver(post_save, sender="class_blog.HomeworkEntry", dispatch_uid="pupils-space-homework-saved")
@receiver(post_delete, sender="class_blog.HomeworkEntry", dispatch_uid="pupils-space-homework-deleted")
def homework_changed(sender, instance, **kwargs):
    from .space import bump

    bump(ClassPage.objects.filter(pk=instance.class_page_id).values_list("path", flat=True).first() or "")


@receiver([post_save, post_delete], sender="pupils.DisableRequest", dispatch_uid="pupils-disable-request-my-space")
@receiver([post_save, post_delete], sender="pupils.PupilAccount", dispatch_uid="pupils-account-my-space")
def pupil_account_on_family_homes(sender, instance, raw=False, **kwargs):
    """A child's pupil account (or a request to disable it) changed: their families' homes show it afresh."""
    from ent_pages.my_space_cache import guardians_changed

    if not raw:
        guardians_changed([instance.pupil_id])
