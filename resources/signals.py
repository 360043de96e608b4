"""Editing rights and the approval workflow follow the resource index (see resources.editing); search forgets
its remembered theme names when a theme changes."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .editing import ensure_resource_editing
from .models import ResourceIndexPage, Theme


@receiver(post_save, sender=ResourceIndexPage)
def resource_index_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        ensure_resource_editing(instance)


@receiver(post_save, sender=Theme)
@receiver(post_delete, sender=Theme)
def theme_changed(sender, **kwargs):
    """Search's facets name themes from a remembered list: renamed, added or deleted, it is read again.
    Forgotten now and once the change is committed (a search in between may have read the old rows)."""
    Theme.forget_labels()
    transaction.on_commit(Theme.forget_labels)
