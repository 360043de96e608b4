"""Private media: the image, rendition and document models whose files never sit in a public folder.

Every file lives on the ``private`` storage (``STORAGES["private"]``, a folder outside anything the
web server or a CDN serves, or a private bucket). It is reached only through signed links
(``ent_pages.media.links``), minted for one browser when a page the access policy lets its viewer
see is rendered; ``LiveFileUsage`` records which files live pages show (``ent_pages.media.usage``).
Uploads are cleaned before they are stored (``ent_pages.media.uploads``): no EXIF/GPS, HEIC stored as
JPEG, originals downscaled, renditions the templates use generated at once.
"""

from django.core.files.storage import storages
from django.db import models
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
    seen by the staff who may edit there, and by whoever may see a published page that shows it.
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
        """A link to the (cleaned) original, signed for the current viewer (ent_pages.media.links)."""
        from .links import signed_url

        return signed_url(self)


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
        """Every ``{% image %}`` tag gets a link signed for the current viewer (ent_pages.media.links)."""
        from .links import signed_url

        return signed_url(self)


class PrivateDocument(AbstractDocument):
    """A document (a PDF letter, a worksheet) stored privately, in the same collections as images."""

    file = models.FileField(upload_to="documents", verbose_name=_("file"), storage=private_storage)

    admin_form_fields = ("title", "file", "collection", "tags")

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    @property
    def url(self):
        """A link signed for the current viewer (ent_pages.media.links), in templates and rich text."""
        from .links import signed_url

        return signed_url(self)


class PageCollection(models.Model):
    """The collection created with a page (city home, school, class, CLAE space) to hold its files.

    Staff who may edit the page (or hold collection permissions) open the files of its collection
    and of the collections below it, drafts included; families only what live pages show
    (``LiveFileUsage``).
    """

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, related_name="media_collection")
    collection = models.OneToOneField(Collection, on_delete=models.CASCADE, related_name="owner_page")

    class Meta:
        verbose_name = _("page collection")
        verbose_name_plural = _("page collections")

    def __str__(self):
        return f"{self.collection} → {self.page}"


class LiveFileUsage(models.Model):
    """A file that a live page's content shows: the ground on which families may receive it.

    Rebuilt from the page's live content on every publish and dropped at unpublish
    (``ent_pages.media.usage``): drafts and revisions awaiting moderation never appear here. Content
    shown beside a page but outside its fields (the homework notebook of a class) is recorded with
    a ``source`` naming it. ``partner_visible`` says whether partner classes see it (blog content);
    the access policy (``policy.can_view_file``, ``policy.viewable_files``) reads these rows.
    """

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=64, blank=True, default="")
    image = models.ForeignKey(PrivateImage, null=True, blank=True, on_delete=models.CASCADE, related_name="live_usages")
    document = models.ForeignKey(
        PrivateDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="live_usages"
    )
    partner_visible = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("file shown by a live page")
        verbose_name_plural = _("files shown by live pages")
        indexes = [models.Index(fields=["page", "source"], name="media_usage_page_source")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(image__isnull=True, document__isnull=False)
                | models.Q(image__isnull=False, document__isnull=True),
                name="media_usage_one_file",
            )
        ]

    def __str__(self):
        return f"{self.page_id} → {self.image_id or self.document_id}"
