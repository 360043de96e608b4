"""Set up CLAE spaces and galleries when they are created (see periscolaire.spaces and .media)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .media import gallery_collection
from .models import ClaePage, GalleryPage
from .spaces import setup_clae_space


@receiver(post_save, sender=ClaePage)
def clae_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        setup_clae_space(instance)


@receiver(post_save, sender=GalleryPage)
def gallery_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        gallery_collection(instance)
