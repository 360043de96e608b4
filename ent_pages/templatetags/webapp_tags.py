from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def webapp_offline_key(context):
    """Who the page was built for: the user's offline key, or "" for a visitor not signed in (base.html
    writes it in a ``{% per_viewer %}`` part of the head, beside the manifest link and the worker's script)."""
    from ..webapp import page_offline_key

    request = context.get("request")
    return page_offline_key(getattr(request, "user", None))
