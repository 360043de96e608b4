"""Bulk upload into a gallery: one photo per request, cleaned like every Préau upload.

Each photo is stored as an image of the gallery's collection through ``ent_pages.media.uploads.create_image``
(EXIF/GPS removed, HEIC to JPEG, downscaled, renditions made)
and appended to the gallery's draft. A corrupt photo is refused alone; the others are kept.
"""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page

from ent_pages.media.uploads import create_image, not_accepted_message

from .media import gallery_collection
from .models import GalleryPage, GalleryPhoto


class UploadRefused(Exception):
    """A photo that cannot be added, with the message to show next to it."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message, self.status = message, status


def _check_extension(name):
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if extension not in settings.WAGTAILIMAGES_EXTENSIONS:
        raise UploadRefused(not_accepted_message(name))


def add_photo(gallery, uploaded_file, user, session=None):
    """Store one uploaded photo in `gallery` and append it to its draft; returns the image.

    Raises UploadRefused (nothing stored) when the file is not an acceptable image. `session`
    (the uploader's) remembers the draft revision this upload session made, so that the next
    photos of the batch update it instead of piling up one revision per photo.
    """
    if uploaded_file is None:
        raise UploadRefused(_("No photo was received."))
    _check_extension(uploaded_file.name)
    stem = os.path.splitext(os.path.basename(uploaded_file.name))[0] or "photo"
    try:
        # The private-media entry point: cleaned (EXIF/GPS out, HEIC → JPEG, downscaled) and refused,
        # with nothing stored, before the image model reads the file; renditions made at once.
        image = create_image(
            title=stem[:255], collection=gallery_collection(gallery), data=uploaded_file, name=uploaded_file.name, user=user
        )
    except ValidationError as error:
        raise UploadRefused(" ".join(error.messages)) from error
    try:
        _append_to_draft(gallery, image, user, session)
    except Exception:
        image.delete()  # no orphan file when the gallery could not take it
        raise
    return image


#: Session key: {gallery id: id of the draft revision made by this uploader's current batch}.
SESSION_KEY = "periscolaire_upload_revisions"


@transaction.atomic
def _append_to_draft(gallery, image, user, session=None):
    """Add the photo to the gallery's latest revision, never to the live page.

    The revision is overwritten only when it is the one this upload session created (and still the
    latest): an editor tab's own (auto)saved revision is never overwritten behind its back, so
    Wagtail's "edited since you opened it" check keeps working.
    """
    Page.objects.select_for_update().filter(pk=gallery.pk).first()  # one photo at a time per gallery
    gallery = GalleryPage.objects.get(pk=gallery.pk)
    draft = gallery.get_latest_revision_as_object()
    photos = list(draft.photos.all())
    photos.append(GalleryPhoto(image=image, sort_order=len(photos)))
    draft.photos = photos
    latest = gallery.get_latest_revision()
    remembered = (session or {}).get(SESSION_KEY, {})
    overwrite = (
        latest is not None and user is not None and latest.user_id == user.pk
        and remembered.get(str(gallery.pk)) == latest.pk
        and latest.pk != gallery.live_revision_id
        and not (gallery.workflow_in_progress and gallery.current_workflow_task_state.revision_id == latest.pk)
    )
    revision = draft.save_revision(user=user, clean=False, log_action=True, overwrite_revision=latest if overwrite else None)
    if session is not None:
        session[SESSION_KEY] = {**remembered, str(gallery.pk): revision.pk}
