"""The class blog: posts (vie de la classe) and class projects that group them."""

from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ent_pages.access import SCHOOL_DEPTH
from ent_pages.blocks import BaseStreamBlock
from ent_pages.promotion import FrenchSlugMixin
from search.indexing import FrenchSearchable, french_search_fields

from ..blocks import ClassPostStreamBlock

POSTS_PER_PAGE = 10


class ClassPostTag(TaggedItemBase):
    content_object = ParentalKey("class_blog.ClassPostPage", on_delete=models.CASCADE, related_name="tagged_items")


class ClassPostPage(FrenchSlugMixin, FrenchSearchable, Page):
    """A post of the class blog ("Sortie au musée", "Nos semis") written by the class's teachers.

    Lives under its ClassPage, or under one of its ClassProjectPages. Visible to the class's
    families and staff and to partner classes (read and comment, see ent_pages.access).
    """

    date = models.DateField(_("date"), default=timezone.localdate)
    body = StreamField(ClassPostStreamBlock(), blank=True, verbose_name=_("body"))
    tags = ClusterTaggableManager(through=ClassPostTag, blank=True, verbose_name=_("tags"))
    #: When families are told about the post (feed, digests): its first publication, held to the
    #: end of quiet hours (class_blog.quiet_hours). Set by class_blog.signals.
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True, editable=False, db_index=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("date"), FieldPanel("tags")], heading=_("Post")),
        FieldPanel("body"),
    ]

    search_fields = Page.search_fields + [index.SearchField("body"), index.FilterField("date"), *french_search_fields()]

    parent_page_types = ["ent_pages.ClassPage", "class_blog.ClassProjectPage"]
    subpage_types = []

    #: Partner classes (correspondance scolaire) may read posts.
    visible_to_partner_classes = True
    #: Shown in the family home feed and digests (class_blog.feed).
    in_family_feed = True

    class Meta:
        verbose_name = _("class post")
        verbose_name_plural = _("class posts")

    @cached_property
    def class_page(self):
        """The class the post belongs to, with its blog options (one query)."""
        from ent_pages.models import ClassPage

        class_path = self.path[: (SCHOOL_DEPTH + 1) * self.steplen]
        return ClassPage.objects.filter(path=class_path).select_related("blog_options").first()

    def get_context(self, request, *args, **kwargs):
        from ..comments import comments_context

        context = super().get_context(request, *args, **kwargs)
        context["tags"] = list(self.tags.all())
        context.update(comments_context(request, self))
        return context


class ClassProjectPage(FrenchSlugMixin, FrenchSearchable, Page):
    """A class project ("Le potager"): a presentation and the timeline of the posts written under it.

    Lives under a ClassPage; same audience as the class blog (partner classes included).
    """

    presentation = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("presentation"))
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("start_date"), FieldPanel("end_date")], heading=_("Dates")),
        FieldPanel("presentation"),
    ]

    search_fields = Page.search_fields + [index.SearchField("presentation"), *french_search_fields()]

    parent_page_types = ["ent_pages.ClassPage"]
    subpage_types = ["class_blog.ClassPostPage"]

    visible_to_partner_classes = True

    class Meta:
        verbose_name = _("class project")
        verbose_name_plural = _("class projects")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["timeline"] = ClassPostPage.objects.child_of(self).live().order_by("date", "pk").prefetch_related("tags")
        return context


class PostsPage:
    """One page of a listing without counting rows: newer/older links (the count costs a query)."""

    def __init__(self, queryset, number, per_page=POSTS_PER_PAGE):
        self.number = max(1, number)
        offset = (self.number - 1) * per_page
        rows = list(queryset[offset : offset + per_page + 1])
        self.object_list = rows[:per_page]
        self.has_previous, self.has_next = self.number > 1, len(rows) > per_page
        self.previous_page_number, self.next_page_number = self.number - 1, self.number + 1

    @property
    def has_other_pages(self):
        return self.has_previous or self.has_next

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]


def page_number(request):
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 10_000 else 1


def class_posts_listing(request, class_page):
    """The class page's blog: newest first, paginated, filterable by project (?projet=) and tag (?etiquette=).

    Three queries whatever the number of posts: projects, one page of posts, the class's tags.
    """
    posts = ClassPostPage.objects.live().descendant_of(class_page).order_by("-date", "-pk")
    projects = list(ClassProjectPage.objects.child_of(class_page).live().order_by("title"))
    project = None
    project_id = request.GET.get("projet", "")
    if project_id.isdigit():
        project = next((p for p in projects if p.pk == int(project_id)), None)
        if project is not None:
            posts = posts.child_of(project)
    tag = request.GET.get("etiquette", "").strip()
    if tag:
        posts = posts.filter(tags__slug=tag)
    page_obj = PostsPage(posts, page_number(request))
    # Every tag of the class's live posts, in one query: the filter's choices and each listed post's tags.
    tag_rows = ClassPostTag.objects.filter(
        content_object__path__startswith=class_page.path, content_object__live=True
    ).values_list("content_object_id", "tag__name", "tag__slug")
    tags_by_post, all_tags = {}, {}
    for post_id, name, slug in tag_rows:
        tags_by_post.setdefault(post_id, []).append(Tag(name=name, slug=slug))
        all_tags[slug] = name
    project_by_path = {p.path: p for p in projects}
    for post in page_obj:
        post.project = project_by_path.get(post.path[: -post.steplen])
        post.tag_list = sorted(tags_by_post.get(post.pk, []), key=lambda t: t.name)
    return {
        "posts_page": page_obj,
        "projects": projects,
        "current_project": project,
        "tags": [Tag(name=name, slug=slug) for slug, name in sorted(all_tags.items(), key=lambda item: item[1])],
        "current_tag": tag,
    }
