"""The page tree: city home → school → class. Who may see what is decided in ent_pages.access."""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from search.indexing import FrenchSearchable, french_search_fields

from ..blocks import BaseStreamBlock
from ..levels import LevelsField, sort_levels
from ..promotion import FrenchSlugMixin
from ..school_year import current_school_year, validate_school_year
from ..validators import normalize_uai, validate_uai


class CityHomePage(FrenchSearchable, Page):
    """The site root: the city's word to families and the way to its schools and resources.

    Public. Edited by the city's administrators.
    """

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    search_fields = Page.search_fields + [index.SearchField("intro"), *french_search_fields()]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["ent_pages.SchoolPage", "class_blog.CityNewsIndexPage", "resources.ResourceIndexPage", "ent_pages.LegalPage"]
    max_count = 1

    class Meta:
        verbose_name = _("city home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["schools"] = SchoolPage.objects.child_of(self).live().order_by("title")
        return context


class SchoolKind(models.TextChoices):
    MATERNELLE = "maternelle", _("Nursery school (maternelle)")
    ELEMENTAIRE = "elementaire", _("Elementary school (élémentaire)")
    PRIMAIRE = "primaire", _("Primary school (primaire)")


class SchoolPage(FrenchSearchable, Page):
    """A school: its public presentation, and the parent of its classes and its CLAE space.

    The page itself is public; everything below it is for the school's families and staff
    (classes for their own families only). Edited by the school's director.
    """

    uai = models.CharField(
        _("UAI"), max_length=8, unique=True, validators=[validate_uai],
        help_text=_("National school identifier (7 digits and a letter, e.g. 0311234A)."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SchoolKind.choices, default=SchoolKind.ELEMENTAIRE)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    presentation = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("public presentation"))

    # Role groups, created and kept in sync by ent_pages.roles (never edited by hand).
    directors_group = models.ForeignKey(Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+")
    clae_group = models.ForeignKey(Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+")

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("uai"), FieldPanel("kind")], heading=_("Identity")),
        MultiFieldPanel([FieldPanel("address"), FieldPanel("phone"), FieldPanel("email")], heading=_("Contact")),
        FieldPanel("presentation"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("address"),
        index.SearchField("presentation"),
        index.FilterField("uai"),
        index.FilterField("kind"),
        *french_search_fields(),
    ]

    parent_page_types = ["ent_pages.CityHomePage"]
    subpage_types = ["ent_pages.ClassPage", "periscolaire.ClaePage", "class_blog.SchoolNewsPage"]

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def clean(self):
        super().clean()
        self.uai = normalize_uai(self.uai)

    def get_context(self, request, *args, **kwargs):
        from ..page_cache import page_content

        context = super().get_context(request, *args, **kwargs)
        content = page_content(self, request)
        # Read or built only if the body's HTML is not remembered for this audience (ent_pages.page_cache).
        context["visible_children"] = content.lazy("children", lambda: self._visible_children(request.user))
        context["breadcrumb_ancestors"] = content.lazy("ancestors", lambda: list(self.get_ancestors()))
        return context

    def _visible_children(self, user):
        from ..access import policy

        children = self.get_children().live().specific().order_by("title")
        return [child for child in children if policy.can_view(user, child)]


class ClassPage(FrenchSlugMixin, FrenchSearchable, Page):
    """A class for one school year ("CE1 B", 2026-2027) and the root of everything private to it.

    Visible to the guardians of its pupils, its teachers, the school's director and explicit grants.
    Edited by its teachers and the director.
    """

    levels = LevelsField(_("levels"))
    school_year = models.CharField(
        _("school year"), max_length=9, default=current_school_year, validators=[validate_school_year],
        help_text=_("For example 2026-2027."),
    )
    welcome = RichTextField(_("word to families"), blank=True, features=["bold", "italic", "link", "ul"])

    teachers_group = models.ForeignKey(Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+")

    # Set by the import and the year rollover (ent_pages.registry, ent_pages.rollover), never by hand.
    registry_label = models.CharField(
        _("registry label"), max_length=100, blank=True, editable=False,
        help_text=_("The class label in the school registry, which the import matches on."),
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    family_visible_until = models.DateField(
        _("visible to families until"), null=True, blank=True, editable=False,
        help_text=_("After its year, an archived class stays visible to its families until this date."),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("levels"), FieldPanel("school_year")], heading=_("Class")),
        FieldPanel("welcome"),
    ]

    # The welcome text is private class content: search reaches it only through the access policy.
    search_fields = Page.search_fields + [
        index.SearchField("welcome"),
        index.FilterField("school_year"),
        *french_search_fields(),
    ]

    parent_page_types = ["ent_pages.SchoolPage"]
    subpage_types = ["class_blog.ClassPostPage", "class_blog.ClassProjectPage", "periscolaire.GalleryPage"]

    #: Partner classes may open the class page, which then shows the blog only (see class_blog).
    visible_to_partner_classes = True
    #: ...but not its word to families (ent_pages.access: ``partner_hidden_fields``, search leaves it out).
    partner_hidden_fields = ("welcome",)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        permissions = [("view_class_content", _("Can view a class's private content (explicit grant)"))]

    def clean(self):
        super().clean()
        self.levels = sort_levels(self.levels or [])

    @property
    def school(self):
        return SchoolPage.objects.ancestor_of(self).first()

    @property
    def levels_display(self):
        return " / ".join(self.levels)

    #: Photos and documents that the class's published pages show, listed on the class page.
    MEDIA_ON_PAGE = 12
    #: Fields the class page's template hides from partner classes: files there are not theirs.
    partner_hidden_fields = ("welcome",)

    def get_context(self, request, *args, **kwargs):
        from ..page_cache import added_values, page_content

        context = super().get_context(request, *args, **kwargs)
        # What every viewer of one audience sees, remembered per audience (ent_pages.page_cache), read or
        # built only if the body's HTML is not remembered for this audience.
        content = page_content(self, request)
        context["breadcrumb_ancestors"] = content.lazy("ancestors", lambda: list(self.get_ancestors()))
        context["teachers"] = content.lazy("teachers", self._teachers)
        context["photos"] = content.lazy("photos", lambda: self._photos(request))
        context["documents"] = content.lazy("documents", lambda: self._documents(request))
        context["section_galleries"] = content.lazy("galleries", lambda: self._galleries(request))
        # Other apps add their sections (the class blog...) through this Wagtail hook:
        # fn(class_page, request, context) returns a template name to include, or None. What they put
        # in the context may be worked out per viewer (actions offered, people to write to): the body's
        # remembered HTML is kept per value of all of it (``class_vary_on``, ent_pages.page_cache).
        before = set(context)
        context["class_sections"] = [
            name for fn in hooks.get_hooks("class_page_sections") if (name := fn(self, request, context))
        ]
        context["class_vary_on"] = added_values(context, before)
        return context

    def _teachers(self):
        return [t.user for t in self.teaching_assignments.select_related("user").order_by("user__last_name")]

    def _file_usages(self, request):
        # Built from published content (LiveFileUsage), never from the class's collection: a draft's
        # photo or a file only uploaded is not listed (ent_pages.access, media rules).
        from ..access import policy
        from ..media.models import LiveFileUsage

        return policy.viewable_file_usages(request.user, LiveFileUsage.objects.filter(page__path__startswith=self.path))

    def _photos(self, request):
        from ..media.models import PrivateImage

        usages = self._file_usages(request)
        return list(
            PrivateImage.objects.filter(pk__in=usages.filter(image__isnull=False).values("image_id"))
            .order_by("-created_at").prefetch_renditions("fill-320x240", "max-1600x1600")[: self.MEDIA_ON_PAGE]
        )

    def _documents(self, request):
        from ..media.models import PrivateDocument

        usages = self._file_usages(request)
        return list(PrivateDocument.objects.filter(
            pk__in=usages.filter(document__isnull=False).values("document_id")
        ).order_by("-created_at")[: self.MEDIA_ON_PAGE])

    def _galleries(self, request):
        from periscolaire.templatetags.periscolaire_tags import section_galleries

        return section_galleries(self, request.user)
