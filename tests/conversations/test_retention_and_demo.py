"""Retention (archive after the school year, delete a year later, dry run first) and the demo threads."""

import io
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from conversations.models import Attachment, Thread
from ent_pages.models import PrivateImage
from tests.media_files import photo_bytes

from .helpers import thread_between


def test_threads_are_archived_after_their_year_and_deleted_a_year_later_with_dry_run_first(
    people, settings, django_capture_on_commit_callbacks
):
    settings.PREAU_CONVERSATIONS_RETENTION_YEARS = 1
    old = thread_between(people["teacher"], people["parent"], subject="Ancien",
                         attachment=SimpleUploadedFile("a.jpg", photo_bytes(), content_type="image/jpeg"))
    last_year = thread_between(people["teacher"], people["parent"], subject="L'an dernier")
    current = thread_between(people["teacher"], people["parent"], subject="Cette année")
    Thread.objects.filter(pk=old.pk).update(school_year="2024-2025")
    Thread.objects.filter(pk=last_year.pk).update(school_year="2025-2026")
    Thread.objects.filter(pk=current.pk).update(school_year="2026-2027")
    image = Attachment.objects.get().image
    path = image.file.path

    out = io.StringIO()
    call_command("purge_galleries", "--dry-run", "--today", "2026-12-01", stdout=out)
    assert "would archive 1 threads" in out.getvalue() and "would delete 1 threads and 1 attachments" in out.getvalue()
    assert Thread.objects.count() == 3 and not Thread.objects.filter(archived_at__isnull=False).exists()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_galleries", "--today", "2026-12-01", stdout=io.StringIO())
    assert set(Thread.objects.values_list("subject", flat=True)) == {"L'an dernier", "Cette année"}
    assert Thread.objects.get(pk=last_year.pk).archived_at is not None
    assert Thread.objects.get(pk=current.pk).archived_at is None
    assert not PrivateImage.objects.filter(pk=image.pk).exists()
    assert not os.path.exists(path)


def test_archived_thread_is_read_only(client, people):
    from django.urls import reverse
    from django.utils import timezone

    thread = thread_between(people["teacher"], people["parent"], subject="Archivé")
    Thread.objects.filter(pk=thread.pk).update(archived_at=timezone.now())
    client.force_login(people["parent"])
    url = reverse("conversations:thread", args=[thread.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"text": "Trop tard"})
    assert not thread.messages.filter(body__contains="Trop tard").exists()


def test_demo_seeds_a_question_a_broadcast_a_partner_exchange_and_a_report(db, settings):
    from ent_pages.demo import seed_demo_city

    seed_demo_city()
    seed_demo_city()  # idempotent
    subjects = list(Thread.objects.values_list("subject", flat=True))
    assert subjects.count("Sortie au musée : pique-nique ?") == 1
    assert Thread.objects.filter(broadcast__isnull=False, subject="Réunion de rentrée").count() >= 2
    assert Thread.objects.filter(kind="partner").count() == 1
    assert Thread.objects.filter(reports__isnull=False).count() == 1
