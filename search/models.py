"""What the search keeps in the database besides Wagtail's own index: failed Elasticsearch updates to repair."""

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
