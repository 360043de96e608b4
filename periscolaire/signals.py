"""Set up CLAE spaces and galleries when they are created (see periscolaire.spaces and .media)."""

from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.signals import page_unpublished

from ent_pages.access import policy

from .media import gallery_collection, linked_collection
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


@receiver(pre_delete, sender=GalleryPage)
def gallery_deleted(sender, instance, **kwargs):
    """A deleted gallery takes its files along.

    Left behind, its collection would fall back to the section's audience (the nearest linked
    collection above it): the photos of a gallery refused in moderation would reach the families.
    Wagtail deletes the files themselves once the transaction commits.
    """
    collection = linked_collection(instance)
    if collection is None:
        return
    subtree = {"collection__path__startswith": collection.path}
    for model in (get_image_model(), get_document_model()):
        for obj in model.objects.filter(**subtree):
            obj.delete()
    collection.delete()
    policy.bump_access_version()


@receiver(page_unpublished, sender=GalleryPage)
def gallery_unpublished(sender, instance, **kwargs):
    """Its files are for its editors again: forget the file decisions the policy remembered."""
    policy.bump_access_version()
