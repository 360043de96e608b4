"""Retention of conversations (CNIL: no longer than needed).

Threads of past school years are archived (read-only) once their year has ended, and deleted with
their messages and attachment files ``PREAU_CONVERSATIONS_RETENTION_YEARS`` years (default 1) after
the end of their school year (31 August). Run through the retention command (``purge_galleries``
fires the ``retention_steps`` hook), with ``--dry-run`` first.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from ent_pages.school_year import school_year_for

from . import settings as conf
from .attachments import delete_attachments
from .models import Attachment, Broadcast, Thread


def _years_before(year, count):
    start = int(year[:4]) - count
    return f"{start}-{start + 1}"


def plan(today):
    """(threads to archive, threads to delete) on `today`."""
    current = school_year_for(today)
    years = conf.get("PREAU_CONVERSATIONS_RETENTION_YEARS")
    # A thread of year S-S+1 is kept until 31 August of S+1+years: delete years before current - years.
    oldest_kept = _years_before(current, years)
    to_delete = Thread.objects.filter(school_year__lt=oldest_kept)
    to_archive = Thread.objects.filter(school_year__lt=current, archived_at__isnull=True, school_year__gte=oldest_kept)
    return to_archive, to_delete


def run_retention(today=None, dry_run=False, stdout=None):
    today = today or timezone.localdate()
    if isinstance(today, datetime.datetime):
        today = today.date()
    to_archive, to_delete = plan(today)
    archive_count, delete_count = to_archive.count(), to_delete.count()
    attachments = Attachment.objects.filter(message__thread__in=to_delete).select_related("image", "document")
    if stdout:
        prefix = "Dry run: would archive" if dry_run else "Conversations: archived"
        stdout.write(f"{prefix} {archive_count} threads; {'would delete' if dry_run else 'deleted'} {delete_count} "
                     f"threads and {attachments.count()} attachments.")
    if dry_run:
        return archive_count, delete_count
    with transaction.atomic():
        to_archive.update(archived_at=timezone.now())
        delete_files = delete_attachments(list(attachments))
        thread_ids = list(to_delete.values_list("pk", flat=True))
        broadcast_ids = set(to_delete.exclude(broadcast=None).values_list("broadcast_id", flat=True))
        Thread.objects.filter(pk__in=thread_ids).delete()
        Broadcast.objects.filter(pk__in=broadcast_ids, threads__isnull=True).delete()
        transaction.on_commit(delete_files)
    return archive_count, delete_count
