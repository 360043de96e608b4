"""Wagtail seams of the class blog: the blog section of class pages."""

from wagtail import hooks

from ent_pages.access import policy

from .models.posts import class_posts_listing


@hooks.register("class_page_sections")
def class_blog_section(class_page, request, context):
    """The class page shows its blog; links to the homework notebook and notes for the class's own members."""
    context["partner_view"] = not policy.can_view_class_private(request.user, class_page)
    context["can_manage_class"] = policy.can_manage_class(request.user, class_page)
    context.update(class_posts_listing(request, class_page))
    return "class_blog/includes/class_blog_section.html"
