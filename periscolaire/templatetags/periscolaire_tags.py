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
