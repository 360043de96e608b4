from django import template

register = template.Library()


@register.simple_tag
def legal_urls():
    """The URLs of the terms of use and the privacy notice ({"terms": ..., "privacy": ...})."""
    from ..legal import legal_urls as urls

    return urls()
