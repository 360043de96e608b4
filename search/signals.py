"""Keep the Elasticsearch index in step with the page tree (only when ELASTICSEARCH_URL is set).

Publishing indexes a page; unpublishing or deleting drops it; moving re-indexes the page and its
subtree, whose access scope follows the new path. Wagtail keeps its own backends up to date itself.
An unreachable Elasticsearch never blocks editing: failures are logged, `rebuild_search_index` repairs.
"""

import logging

from django.conf import settings
from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

logger = logging.getLogger(__name__)


def _enabled():
    return bool(getattr(settings, "ELASTICSEARCH_URL", ""))


def _safely(action, *args):
    try:
        action(*args)
    except Exception:  # noqa: BLE001 - the index is repaired by rebuild_search_index
        logger.exception("Elasticsearch index update failed")


@receiver(page_published)
def page_published_handler(sender, instance, **kwargs):
    if _enabled():
        from .elastic import index_page

        _safely(index_page, instance)
        if hasattr(instance, "for_pupils"):
            # A section whose pupil mark may have changed: its subtree's documents carry the mark.
            for page in Page.objects.descendant_of(instance).live().specific():
                _safely(index_page, page)


@receiver(page_unpublished)
def page_unpublished_handler(sender, instance, **kwargs):
    if _enabled():
        from .elastic import delete_page

        _safely(delete_page, instance.pk)


@receiver(post_delete)
def page_deleted_handler(sender, instance, **kwargs):
    if _enabled() and isinstance(instance, Page):
        from .elastic import delete_page

        _safely(delete_page, instance.pk)


@receiver(post_page_move)
def page_moved_handler(sender, instance, **kwargs):
    if _enabled():
        from .elastic import index_page

        for page in Page.objects.descendant_of(instance, inclusive=True).live().specific():
            _safely(index_page, page)
