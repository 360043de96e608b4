"""Attachments: photos and documents of messages, cleaned like every upload, reachable by participants only.

Files live in the conversations' own collection, linked to no page: no page rule of the access
policy ever opens them. They leave only over links signed for one viewer's browser
(``attachment_url``), minted after the policy said yes (``AccessPolicy.can_view_attachment``) and
served like every private photo: by nginx's secure_link in production (ent_pages.media.links), never
by a Django view reading a collection.
"""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from wagtail.models import Collection

from ent_pages.access import policy
from ent_pages.media import formats, links
from ent_pages.media.uploads import create_image
from ent_pages.models import PrivateDocument

from .models import Attachment

COLLECTION_NAME = "Messagerie"
IMAGE_EXTENSIONS = frozenset(formats.IMAGE_EXTENSIONS)  # the one list of accepted photo formats


def conversations_collection():
    """The collection holding every attachment (created once, under the root, linked to no page)."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=COLLECTION_NAME).first()
    return existing or root.add_child(name=COLLECTION_NAME)


def attachment_url(user, attachment, *, participation=None, viewer_key=None):
    """The one place that hands out an attachment's link: signed for `user`'s browser, or None.

    None when the policy refuses (not in the thread, message recalled or not delivered yet). The
    link is ``ent_pages.media.links.signed_url`` of the photo (cleaned original) or the document:
    it works in the browser holding `viewer_key` (default: the current request's media cookie)
    until it expires, and nowhere else. `participation`: the user's row in the thread when the
    caller already checked it (``policy.thread_participation``), so that a page of files asks once.
    """
    if not policy.can_view_attachment(user, attachment, participation=participation):
        return None
    return links.signed_url(attachment.image or attachment.document, viewer_key)


def validate_upload(uploaded):
    """Refuse what is neither an image nor an allowed document, before anything is stored."""
    extension = os.path.splitext(uploaded.name)[1].lower().lstrip(".")
    if extension in IMAGE_EXTENSIONS:
        return
    if extension not in settings.WAGTAILDOCS_EXTENSIONS:
        raise ValidationError(_("This kind of file cannot be attached (photos, PDF and office documents only)."))
    limit = getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", 20 * 1024 * 1024)
    if uploaded.size > limit:
        raise ValidationError(_("This file is too big (%(size)s). The maximum is %(max)s.")
                              % {"size": filesizeformat(uploaded.size), "max": filesizeformat(limit)})


def attach(message, uploaded, user):
    """Store `uploaded` for `message`: images through ent_pages' cleaning (EXIF/GPS removed, downscaled)."""
    validate_upload(uploaded)
    extension = os.path.splitext(uploaded.name)[1].lower().lstrip(".")
    collection = conversations_collection()
    if extension in IMAGE_EXTENSIONS:
        uploaded.seek(0)
        image = create_image(title=uploaded.name[:255], collection=collection, data=uploaded.read(), name=uploaded.name,
                             user=user)
        return Attachment.objects.create(message=message, image=image)
    document = PrivateDocument(title=uploaded.name[:255], file=uploaded, collection=collection, uploaded_by_user=user)
    document.save()
    return Attachment.objects.create(message=message, document=document)


def delete_attachments(attachments):
    """Delete the image and document rows of `attachments`; returns a function deleting their files,
    to run once the deletion is committed (conversations.retention)."""
    files = []
    for attachment in attachments:
        target = attachment.image or attachment.document
        if attachment.image_id:
            files += [rendition.file for rendition in attachment.image.renditions.all()]
        files.append(target.file)
        target.delete()

    def delete_files():
        for field_file in files:
            field_file.storage.delete(field_file.name)

    return delete_files
