"""Wagtail's "finish later" copy of an upload is cleaned before it is stored.

When the multiple uploader's form fails on a field other than the file, Wagtail keeps the raw
upload as an ``UploadedFile`` in the default (public) media storage until the form is completed.
It is stored cleaned (no EXIF/GPS, downscaled) like any image; abandoned ones are deleted by
``purge_abandoned_uploads`` (run by ``manage.py purge_galleries``).
"""

from django.db.models.signals import pre_save
from django.dispatch import receiver
from wagtail.images import get_image_model
from wagtail.models import UploadedFile

from .uploads import clean_image_bytes


@receiver(pre_save, sender=UploadedFile, dispatch_uid="preau_clean_uploaded_file")
def clean_uploaded_image_file(sender, instance, raw=False, **kwargs):
    if raw or not instance.file or getattr(instance.file, "_committed", True):
        return
    content_type = instance.for_content_type
    if content_type is None or content_type.model_class() is not get_image_model():
        return
    raw_file = instance.file.file
    cleaned = getattr(raw_file, "preau_cleaned_file", None)
    if cleaned is None:  # the upload form validated the file; a file from elsewhere is cleaned here
        cleaned = clean_image_bytes(raw_file, instance.file.name)
    cleaned.seek(0)
    instance.file = cleaned
