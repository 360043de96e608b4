"""Keep the search indexes in step with the page tree.

PostgreSQL's page entries (search.pgindex) follow every page save, publish, unpublish and move (a
moved subtree's audience follows its new path; deleted pages lose their entry by a database trigger,
and the remembered answers that could list them are renewed just before). Audience
changes on the people's side (an enrolment removed, a role given) need no re-index: the user's tags
are computed from their scope at each request.

The Elasticsearch index (only when ELASTICSEARCH_URL is set):

Publishing indexes a page; unpublishing or deleting drops it; moving re-indexes the page and its
subtree, whose access scope follows the new path. Wagtail keeps its own backends up to date itself.
An unreachable Elasticsearch never blocks editing: a failed update is logged and recorded
(`PendingReindex`); the next successful update retries a few recorded ones, and `manage.py search_repair`
repairs them all. Meanwhile every hit is asked of the access policy again before it leaves
(search.engine.returnable_ids), so a stale document never reaches the wrong family.
"""

import logging

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

logger = logging.getLogger(__name__)

#: Recorded failures retried after each successful update (each one costs a round trip to the cluster).
RETRY_ON_UPDATE = 20


def _enabled():
    return bool(getattr(settings, "ELASTICSEARCH_URL", ""))


def sync_page(page_id, page=None, deleted=False) -> None:
    """Bring the document of one page in line with the database: index it when live, drop it otherwise."""
    from . import elastic

    if deleted:
        elastic.delete_page(page_id)
        return
    if page is None:
        page = Page.objects.filter(pk=page_id).specific().first()
    if page is None or not page.live:
        elastic.delete_page(page_id)
    else:
        elastic.index_page(page)


def repair_pending(limit=None) -> tuple[int, int]:
    """Retry recorded failures, oldest first: (repaired, still failing). Stops at the first failure
    (the cluster is likely down again: no point paying one timeout per page)."""
    from .models import PendingReindex

    pending = PendingReindex.objects.all()
    if limit is not None:
        pending = pending[:limit]
    repaired = failing = 0
    for row in list(pending):
        try:
            sync_page(row.page_id)
        except Exception as error:  # noqa: BLE001 - recorded again, repaired later
            logger.warning("Elasticsearch repair of page %s failed: %s", row.page_id, error)
            PendingReindex.record(row.page_id, error)
            failing += 1
            break
        row.delete()
        repaired += 1
    return repaired, failing


def _safely(page_id, page=None, deleted=False):
    from .models import PendingReindex

    try:
        sync_page(page_id, page, deleted)
    except Exception as error:  # noqa: BLE001 - recorded, repaired by the next update or search_repair
        logger.exception("Elasticsearch index update of page %s failed (recorded for repair)", page_id)
        PendingReindex.record(page_id, error)
        return
    PendingReindex.objects.filter(page_id=page_id).delete()
    if PendingReindex.objects.exists():
        repair_pending(limit=RETRY_ON_UPDATE)


@receiver(page_published)
def page_published_handler(sender, instance, **kwargs):
    if _enabled():
        _safely(instance.pk, instance)
        if hasattr(instance, "for_pupils"):
            # A section whose pupil mark may have changed: its subtree's documents carry the mark.
            for page in Page.objects.descendant_of(instance).live().specific():
                _safely(page.pk, page)


@receiver(page_unpublished)
def page_unpublished_handler(sender, instance, **kwargs):
    if _enabled():
        _safely(instance.pk, instance)


@receiver(post_delete)
def page_deleted_handler(sender, instance, **kwargs):
    if _enabled() and isinstance(instance, Page):
        _safely(instance.pk, deleted=True)


@receiver(post_page_move)
def page_moved_handler(sender, instance, **kwargs):
    if _enabled():
        for page in Page.objects.descendant_of(instance, inclusive=True).live().specific():
            _safely(page.pk, page)


# ----------------------------------------------------------------------- PostgreSQL page entries
def _entries():
    from . import pgindex

    return pgindex if pgindex.enabled() else None


@receiver(post_save)
def page_saved_entry_handler(sender, instance, raw=False, **kwargs):
    """Any save of a page (publish, unpublish, import, admin) brings its entry up to date."""
    if raw or not isinstance(instance, Page):
        return
    entries = _entries()
    if entries is not None:
        entries.index_pages([instance])


@receiver(page_published)
def page_published_entry_handler(sender, instance, **kwargs):
    """Again once published: its themes and tags (saved after the page row) are in by now; a section
    whose pupil mark may have changed takes its subtree along."""
    entries = _entries()
    if entries is None:
        return
    if hasattr(instance, "for_pupils"):
        entries.index_subtree(instance)
    else:
        entries.index_pages([instance])


@receiver(post_page_move)
def page_moved_entry_handler(sender, instance, **kwargs):
    entries = _entries()
    if entries is not None:
        entries.index_subtree(instance)


@receiver(pre_delete)
def page_deleting_entry_handler(sender, instance, **kwargs):
    """A deleted page's entry goes by a database trigger: the answers that could list it are renewed
    first (search.pgindex remembers answers under the versions of their audience tags)."""
    if not isinstance(instance, Page):
        return
    entries = _entries()
    if entries is not None:
        entries.forget_pages([instance.pk])
