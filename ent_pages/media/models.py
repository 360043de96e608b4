"""Private media: the image, rendition and document models whose files never sit in a public folder.

Every file lives on the ``private`` storage (``STORAGES["private"]``, a folder outside anything the
web server or a CDN serves, or a private bucket). It is reached only through the serve views of
``ent_pages.media.views``, which ask the access policy (``policy.can_view_collection``): a file
belongs to its collection, a collection to the page it was created with (``PageCollection``).
Uploads are cleaned before they are stored (``ent_pages.media.uploads``): no EXIF/GPS, HEIC stored as
JPEG, originals downscaled, renditions the templates use generated at once.
"""

import os

from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import (
    AbstractImage,
    AbstractRendition,
    WagtailImageField,
    WagtailImageFieldFile,
    get_rendition_upload_to,
    get_upload_to,
)
from wagtail.models import Collection


def private_storage():
    """The storage holding originals, renditions and documents (never publicly served)."""
    return storages["private"]


class HeaderSizeImageFieldFile(WagtailImageFieldFile):
    """Reads width and height from the file header.

    Wagtail's field file asks Willow, which decodes every pixel to learn the size (0.4 s and
    36 MiB for a 12 MP photo, each time a file is assigned). Pillow reads it from the header.
    """

    def get_image_dimensions(self):
        from .uploads import header_size

        close = self.closed
        try:
            self.open()
            return header_size(self)
        finally:
            if close:
                self.close()
            else:
                self.seek(0)


class PrivateImageFileField(WagtailImageField):
    """Wagtail's image field, with sizes read from headers (see HeaderSizeImageFieldFile)."""

    attr_class = HeaderSizeImageFieldFile


class PrivateImage(AbstractImage):
    """An image (a class photo, a pupil's drawing, a school's façade) stored privately.

    Uploaded by staff in the Wagtail admin into the collection of their school, class or CLAE;
    seen by whoever may see a page that collection belongs to.
    """

    file = PrivateImageFileField(
        verbose_name=_("file"), upload_to=get_upload_to, width_field="width", height_field="height",
        storage=private_storage,
    )

    admin_form_fields = ("title", "file", "collection", "description", "tags", "focal_point_x", "focal_point_y",
                         "focal_point_width", "focal_point_height")

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def save(self, *args, **kwargs):
        from .uploads import clean_pending_image, pregenerate_renditions

        cleaned = clean_pending_image(self)
        super().save(*args, **kwargs)
        if cleaned:
            pregenerate_renditions(self)

    @property
    def original_url(self):
        """The URL of the (cleaned) original, through the access check."""
        return reverse("ent_pages:private_image_original", args=(self.pk, os.path.basename(self.file.name)))


class PrivateRendition(AbstractRendition):
    """A resized copy of a PrivateImage, on the private storage like its original."""

    image = models.ForeignKey(PrivateImage, on_delete=models.CASCADE, related_name="renditions")
    file = PrivateImageFileField(
        upload_to=get_rendition_upload_to, width_field="width", height_field="height", storage=private_storage,
    )

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)

    @property
    def url(self):
        """Every ``{% image %}`` tag points to the access-checked serve view, never to the file."""
        # By image and file name: renditions made in bulk (get_renditions) have no primary key.
        return reverse("ent_pages:private_rendition", args=(self.image_id, os.path.basename(self.file.name)))


class PrivateDocument(AbstractDocument):
    """A document (a PDF letter, a worksheet) stored privately, in the same collections as images."""

    file = models.FileField(upload_to="documents", verbose_name=_("file"), storage=private_storage)

    admin_form_fields = ("title", "file", "collection", "tags")

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    @property
    def url(self):
        return reverse("ent_pages:private_document", args=(self.pk, self.filename))


class PageCollection(models.Model):
    """The collection created with a page (city home, school, class, CLAE space) to hold its files.

    The access policy decides a file's audience from this link: whoever may view the page (or edit
    it) may open the files of its collection and of the collections below it.
    """

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, related_name="media_collection")
    collection = models.OneToOneField(Collection, on_delete=models.CASCADE, related_name="owner_page")

    class Meta:
        verbose_name = _("page collection")
        verbose_name_plural = _("page collections")

    def __str__(self):
        return f"{self.collection} → {self.page}"
