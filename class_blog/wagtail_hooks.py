"""Wagtail seams of class life: the blog section of class pages, the family home, admin menu items."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from ent_pages.access import policy

from .models.posts import class_posts_listing


@hooks.register("class_page_sections")
def class_blog_section(class_page, request, context):
    """The class page shows its blog; links to the homework notebook and notes for the class's own members."""
    context["partner_view"] = not policy.can_view_class_private(request.user, class_page)
    context["can_manage_class"] = policy.can_manage_class(request.user, class_page)
    context["class_actions"] = class_actions(request.user, class_page, context["can_manage_class"])
    if request.GET:  # a filtered or later page of the blog: asked afresh
        context.update(class_posts_listing(request, class_page))
    else:  # the class page as families open it: remembered per audience, built only if its HTML is not
        from ent_pages.page_cache import page_content

        blog = page_content(class_page, request).lazy("blog", lambda: class_posts_listing(request, class_page))
        context.update({name: _item(blog, name) for name in ("posts_page", "projects", "tags")})
        context.update(current_project=None, current_tag="")
    return "class_blog/includes/class_blog_section.html"


def _item(lazy_mapping, name):
    from ent_pages.page_cache import SharedPart

    return SharedPart(lambda: lazy_mapping[name])


def class_actions(user, class_page, can_manage):
    """What the class's staff do from its page, as (label, url, icon) links into the forms, class chosen.

    Writing a post or adding a gallery is editing the class page's subtree (the policy's
    ``can_write_in_class``); homework and notes are running the class (``can_manage_class``).
    """
    actions = []
    if can_manage and policy.can_write_in_class(user, class_page):
        actions += [
            (_("Write a post"), reverse("wagtailadmin_pages:add", args=("class_blog", "classpostpage", class_page.pk)), "edit"),
            (_("Add photos"), reverse("wagtailadmin_pages:add", args=("periscolaire", "gallerypage", class_page.pk)), "image"),
        ]
    if can_manage:
        actions += [
            (_("Homework"), f"{reverse('class_blog:homework_quick_entry')}?classe={class_page.pk}", "calendar"),
            (_("Note to families"), f"{reverse('class_blog:note_create')}?classe={class_page.pk}", "mail"),
        ]
    return actions


@hooks.register("my_space_sections")
def family_home_feed(request, context):
    """The home after login: notes to acknowledge, homework due soon, what's new (class_blog.feed)."""
    from .feed import home_context

    context.update(home_context(request))
    return "class_blog/includes/home_feed.html"


class ClassLifeMenuItem(MenuItem):
    """Shown to the people who run a class (its teachers, the school's directors)."""

    def is_shown(self, request):
        return policy.managed_classes(request.user).exists()


@hooks.register("register_admin_menu_item")
def homework_menu_item():
    return ClassLifeMenuItem(_("Write homework"), reverse("class_blog:homework_quick_entry"), name="class-homework",
                             icon_name="calendar", order=250)


@hooks.register("register_admin_menu_item")
def notes_menu_item():
    return ClassLifeMenuItem(_("Notes to acknowledge"), reverse("class_blog:note_list"), name="class-notes",
                             icon_name="mail", order=251)


@hooks.register("after_publish_page")
def say_when_families_are_told(request, page):
    """The publisher learns that the post is in the families' feed now, and when their notification leaves."""
    from django.utils import timezone
    from django.utils.formats import date_format
    from wagtail.admin import messages

    from .models import ClassPostPage, SchoolNewsPage

    model = page.specific_class
    if model not in (ClassPostPage, SchoolNewsPage):
        return
    announced_at = model.objects.filter(pk=page.pk).values_list("announced_at", flat=True).first()
    if announced_at is None or announced_at <= timezone.now():
        return
    when = date_format(timezone.localtime(announced_at), "l j F, H:i")
    messages.info(request, _("Families can already read it in their feed; because of quiet hours, they will be "
                             "notified on %(when)s.") % {"when": when})


class UnfinishedDraftsPanel(Component):
    """The teacher's dashboard: pages they started and left as drafts (or with unpublished changes)."""

    name = "preau_unfinished_drafts"
    order = 90
    template_name = "class_blog/admin/unfinished_drafts_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        from django.db.models import Q
        from wagtail.models import Page

        drafts = (
            Page.objects.filter(latest_revision__user=self.user)
            .filter(Q(live=False) | Q(has_unpublished_changes=True))
            .order_by("-latest_revision_created_at")[:10]
        )
        return {"drafts": list(drafts)}


@hooks.register("construct_homepage_panels")
def unfinished_drafts_panel(request, panels):
    panels.append(UnfinishedDraftsPanel(request.user))
