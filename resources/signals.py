"""Editing rights and the approval workflow follow the resource index (see resources.editing)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .editing import ensure_resource_editing
from .models import ResourceIndexPage


@receiver(post_save, sender=ResourceIndexPage)
def resource_index_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        ensure_resource_editing(instance)
