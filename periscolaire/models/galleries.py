"""Photo galleries of a CLAE space or a class: photos with captions and children's work."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, MultipleChooserPanel
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField
from wagtail.images import get_image_model_string
from wagtail.models import Orderable, Page
from wagtail.search import index

from ent_pages.promotion import FrenchSlugMixin
from ent_pages.school_year import school_year_for

from ..panels import ConsentWarningPanel
from .consent import ConsentPurpose


class GalleryPage(FrenchSlugMixin, Page):
    """A gallery: the photos and children's work of one activity (a walk, a carnival, a workshop).

    Lives in a CLAE space (seen by all the school's families) or in a class (seen by the class's
    families). Its files are kept in a collection of its own, below the section's collection
    (``periscolaire.media``), so that they are served only to those who may see the gallery, and
    only once it is published. Created by animators (submitted to moderation) or teachers; the
    consent warning panel lists the children whose image may not be shown to this audience.
    Unpublished and emptied by ``purge_galleries`` once past the retention period.
    """

    date = models.DateField(_("date"), default=timezone.localdate)
    activity = models.CharField(_("activity"), max_length=255, blank=True)
    description = RichTextField(_("description"), blank=True, features=["bold", "italic", "link", "ul"])
    purged_at = models.DateTimeField(_("files deleted on"), null=True, blank=True, editable=False)

    content_panels = [
        ConsentWarningPanel(),
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("date"), FieldPanel("activity")], heading=_("Activity")),
        FieldPanel("description"),
        MultipleChooserPanel("photos", chooser_field_name="image", label=_("Photos"), heading=_("Photos")),
        InlinePanel("works", label=_("Children's work"), heading=_("Children's work")),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("activity"),
        index.SearchField("description"),
        index.FilterField("date"),
    ]

    parent_page_types = ["periscolaire.ClaePage", "ent_pages.ClassPage"]
    subpage_types = []

    #: Shown in the family home feed (class_blog.feed), to those the access policy lets see it.
    in_family_feed = True

    class Meta:
        verbose_name = _("photo gallery")
        verbose_name_plural = _("photo galleries")

    @property
    def school_year(self):
        return school_year_for(self.date)

    def get_section(self):
        """The class or CLAE space the gallery belongs to."""
        return self.get_parent().specific

    @property
    def consent_purpose(self):
        """The use the families' consent must cover: a class gallery is for the class's families,
        a CLAE gallery for all the school's families (who all see the CLAE space)."""
        from ent_pages.models import ClassPage

        return ConsentPurpose.GROUP if isinstance(self.get_section(), ClassPage) else ConsentPurpose.SCHOOL

    @classmethod
    def feed_preview_rows(cls, ids):
        """{gallery id: (first photo's image id, activity or description)} for the feed, in two queries."""
        from django.utils.html import strip_tags

        first_photo = {}
        for page_id, image_id in GalleryPhoto.objects.filter(page_id__in=ids).order_by("page_id", "sort_order", "pk").values_list(
            "page_id", "image_id"
        ):
            first_photo.setdefault(page_id, image_id)
        return {
            pk: (first_photo.get(pk), strip_tags(description).strip() or activity)
            for pk, activity, description in cls.objects.filter(pk__in=ids).values_list("pk", "activity", "description")
        }

    def get_context(self, request, *args, **kwargs):
        from wagtail.images import get_image_model

        context = super().get_context(request, *args, **kwargs)
        photos = list(self.photos.all())
        works = list(self.works.select_related("document"))
        image_ids = [p.image_id for p in photos] + [w.image_id for w in works if w.image_id]
        images = get_image_model().objects.filter(pk__in=image_ids).prefetch_renditions("fill-320x240", "max-1600x1600")
        by_id = {image.pk: image for image in images}
        context["photos"] = [(p, by_id[p.image_id]) for p in photos if p.image_id in by_id]
        context["works"] = [(w, by_id.get(w.image_id)) for w in works]
        return context


class GalleryPhoto(Orderable):
    """A photo of a gallery, with its caption."""

    page = ParentalKey(GalleryPage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(get_image_model_string(), on_delete=models.CASCADE, related_name="+", verbose_name=_("photo"))
    caption = models.CharField(_("caption"), max_length=255, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class GalleryWork(Orderable):
    """A child's work shown in a gallery: a picture (drawing, painting) or a PDF (a booklet)."""

    page = ParentalKey(GalleryPage, on_delete=models.CASCADE, related_name="works")
    image = models.ForeignKey(
        get_image_model_string(), null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("picture")
    )
    document = models.ForeignKey(
        get_document_model_string(), null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("document (PDF)"),
    )
    caption = models.CharField(_("caption"), max_length=255, blank=True)

    panels = [FieldPanel("image"), FieldPanel("document"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("child's work")
        verbose_name_plural = _("children's work")

    def clean(self):
        super().clean()
        if bool(self.image_id) == bool(self.document_id):
            raise ValidationError(_("Choose either a picture or a document."))
