"""What the search keeps in the database besides Wagtail's own index: failed Elasticsearch updates to repair,
and the PostgreSQL index of pages with their audience (PageEntry)."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingReindex(models.Model):
    """A page whose Elasticsearch document could not be brought up to date (cluster unreachable...).

    Recorded by search.signals when an update on publish, unpublish, move or delete fails; repaired by
    the next successful update or by ``manage.py search_repair``, which re-indexes the page (or drops its
    document when it is gone or unpublished). Meanwhile nothing leaks: every hit is asked of the access
    policy again before it leaves. Keyed by page id, not a foreign key: a deleted page still needs its
    document removed.
    """

    page_id = models.PositiveIntegerField(_("page id"), unique=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    first_failed_at = models.DateTimeField(_("first failed at"), default=timezone.now)
    last_failed_at = models.DateTimeField(_("last failed at"), default=timezone.now)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("search document to repair")
        verbose_name_plural = _("search documents to repair")
        ordering = ["first_failed_at", "page_id"]

    def __str__(self):
        return f"page {self.page_id} ({self.attempts})"

    @classmethod
    def record(cls, page_id, error) -> None:
        now = timezone.now()
        text = str(error)[:2000]
        updated = cls.objects.filter(page_id=page_id).update(attempts=F("attempts") + 1, last_failed_at=now, error=text)
        if not updated:
            cls.objects.get_or_create(page_id=page_id, defaults={"first_failed_at": now, "last_failed_at": now, "error": text})


class PageEntry(models.Model):
    """One live page in the PostgreSQL search index (search.pgindex): its text vector, audience tags and
    facet fields, so that one query filters words and audience inside the index (both under GIN).

    ``tags`` are `policy.index_tags(page)`; a user's are `policy.index_tags_for(user)`: a page matches
    when they overlap. The table, the ``preau_french`` text search configuration (French with unaccent)
    and its indexes exist on PostgreSQL only (migration 0002): the model is unmanaged, and SQLite keeps
    Wagtail's own index. Rows are removed with their page (a row trigger in the database, migration 0003).
    Each entry's plain text and summary (its hits' snippets) are in table search_pagetext, removed with it.
    """

    page = models.OneToOneField("wagtailcore.Page", primary_key=True, on_delete=models.DO_NOTHING,
                                db_constraint=False, related_name="+")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.DO_NOTHING, db_constraint=False,
                                     related_name="+")
    title = models.TextField()
    title_folded = models.TextField()
    tags = ArrayField(models.TextField())
    vector = SearchVectorField()
    #: Codes (table search_facetcode) of "audience:families", "level:CP", "theme:<slug>" and of the page's
    #: type, "content_type:<id>": counted in one pass, filtered by containment (migration 0005).
    codes = ArrayField(models.SmallIntegerField(), default=list)
    #: The id of ``codes`` in table search_facetset: a first search counts its matches per set (migration 0006).
    facet_set = models.IntegerField()
    valid_from = models.DateField(null=True)
    valid_until = models.DateField(null=True)

    class Meta:
        managed = False
        db_table = "search_pageentry"
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")

    def __str__(self):
        return self.title
