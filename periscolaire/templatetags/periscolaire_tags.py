from django import template

register = template.Library()


@register.simple_tag
def gallery_consent_warning(page):
    """{warnings, purpose, school_year} for a gallery (any page type: None when not a gallery)."""
    from ..consent import consent_warnings
    from ..models import GalleryPage

    specific = getattr(page, "specific", page)
    if not isinstance(specific, GalleryPage):
        return None
    return {"warnings": consent_warnings(specific), "purpose": specific.consent_purpose, "school_year": specific.school_year}


@register.simple_tag
def section_galleries(page, user, limit=12):
    """The latest live galleries below a class or CLAE space that `user` may view (one query)."""
    from ent_pages.access import policy

    from ..models import GalleryPage

    galleries = GalleryPage.objects.child_of(page).live().order_by("-date", "-pk")
    return list(policy.viewable(user, galleries)[:limit])
