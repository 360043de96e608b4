from django import template

register = template.Library()


@register.inclusion_tag("ent_pages/webapp/head.html", takes_context=True)
def webapp_head(context):
    """The manifest link, who the page was built for (its offline key) and the service worker's script."""
    from ..webapp import page_offline_key

    request = context.get("request")
    return {"offline_key": page_offline_key(getattr(request, "user", None))}
