"""Wagtail seams of class life: the blog section of class pages, the family home, admin menu items."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ent_pages.access import policy

from .models.posts import class_posts_listing


@hooks.register("class_page_sections")
def class_blog_section(class_page, request, context):
    """The class page shows its blog; links to the homework notebook and notes for the class's own members."""
    context["partner_view"] = not policy.can_view_class_private(request.user, class_page)
    context["can_manage_class"] = policy.can_manage_class(request.user, class_page)
    context.update(class_posts_listing(request, class_page))
    return "class_blog/includes/class_blog_section.html"


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
