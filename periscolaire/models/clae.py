"""The CLAE space (*centre de loisirs associé à l'école*: the after-school centre) of a school."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from ent_pages.blocks import BaseStreamBlock
from ent_pages.models import Role
from ent_pages.promotion import FrenchSlugMixin
from ent_pages.sections import ForPupilsPageForm, for_pupils_field

from ..blocks import NewsBlock, TeamBlock


class ModeratedBy(models.TextChoices):
    CLAE_DIRECTOR = "clae_director", _("The CLAE director")
    SCHOOL_DIRECTOR = "school_director", _("The school director")


class ClaePage(FrenchSlugMixin, Page):
    """The CLAE space of one school: presentation, team, opening hours, news and photo galleries.

    A section of the school that is not a class: its families and staff see it (ent_pages.access), and
    its pupils when the school's directors mark it ``for_pupils`` (ent_pages.sections).
    Edited by the school's CLAE director and animators (the school's CLAE group); what they
    publish goes through the "Gallery moderation" workflow, approved by the CLAE director or the
    school director (``moderated_by``).
    """

    presentation = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("presentation"))
    team = StreamField(TeamBlock(), blank=True, verbose_name=_("team"))
    opening_hours = RichTextField(_("opening hours"), blank=True, features=["bold", "italic", "ul"])
    news = StreamField(NewsBlock(), blank=True, verbose_name=_("news"))
    moderated_by = models.CharField(
        _("galleries approved by"), max_length=16, choices=ModeratedBy.choices, default=ModeratedBy.CLAE_DIRECTOR,
        help_text=_("Who approves what the animators submit. Without a CLAE director, the school director does."),
    )
    for_pupils = for_pupils_field()

    content_panels = Page.content_panels + [
        FieldPanel("presentation"),
        FieldPanel("team"),
        FieldPanel("opening_hours"),
        FieldPanel("news"),
    ]
    settings_panels = Page.settings_panels + [
        MultiFieldPanel([FieldPanel("moderated_by")], heading=_("Moderation")),
        FieldPanel("for_pupils"),
    ]

    search_fields = Page.search_fields + [index.SearchField("opening_hours")]

    parent_page_types = ["ent_pages.SchoolPage"]
    subpage_types = ["periscolaire.GalleryPage"]
    max_count_per_parent = 1

    base_form_class = ForPupilsPageForm

    class Meta:
        verbose_name = _("CLAE space")
        verbose_name_plural = _("CLAE spaces")

    def moderator_roles(self):
        """The school roles approving this section's pages (read by ent_pages.access.policy.moderators)."""
        if self.moderated_by == ModeratedBy.SCHOOL_DIRECTOR:
            return [Role.DIRECTOR]
        return [Role.CLAE_DIRECTOR]

