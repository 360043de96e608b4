"""Wagtail seams of the périscolaire app: admin URLs, menu, gallery buttons, consent reminders."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from ent_pages.access import policy

from . import admin_urls
from .models import GalleryPage


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("periscolaire/", include(admin_urls, namespace="periscolaire_admin"))]


class ConsentMenuItem(MenuItem):
    def is_shown(self, request):
        return policy.can_view_some_consents(request.user)


@hooks.register("register_admin_menu_item")
def register_consent_menu_item():
    return ConsentMenuItem(
        _("Image consent"), reverse("periscolaire_admin:consent_classes"), icon_name="user", order=900,
    )


@hooks.register("register_page_header_buttons")
def gallery_upload_button(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, GalleryPage) and policy.can_edit(user, page):
        yield Button(
            _("Upload photos"), reverse("periscolaire_admin:gallery_upload", args=(page.pk,)),
            icon_name="image", priority=15,
        )


@hooks.register("after_publish_page")
def remind_consent_after_publish(request, page):
    """The publisher is reminded once more of the children without consent for this gallery."""
    from .consent import consent_warnings

    specific = page.specific
    if isinstance(specific, GalleryPage):
        warnings = consent_warnings(specific)
        if warnings:
            names = "; ".join(f"{title}: {', '.join(first_names)}" for title, first_names in warnings)
            messages.warning(request, _("Published. Children without image consent for this audience: %(names)s.") % {"names": names})


@hooks.register("after_city_import")
def give_each_imported_school_its_clae_space(schools):
    """Every school of the registry import gets its CLAE space (created once; re-imports skip it)."""
    from .spaces import ensure_clae_spaces

    ensure_clae_spaces(schools.values() if isinstance(schools, dict) else schools)


@hooks.register("my_space_sections")
def clae_spaces_section(request, context):
    """Animators and CLAE directors land on the CLAE spaces they edit and their galleries (drafts included)."""
    from ent_pages.my_space_cache import UNREMEMBERED

    from .spaces import editable_clae_spaces

    spaces = editable_clae_spaces(request.user)
    if not spaces:
        return None
    context["clae_spaces"] = spaces
    # Drafts change with no version bumped: this home is built afresh (ent_pages.my_space_cache).
    context[UNREMEMBERED] = True
    return "periscolaire/includes/my_clae_spaces.html"


@hooks.register("after_family_activation")
def ask_image_consent_after_activation(request, user):
    """A family that has just activated its account is asked for image consent first."""
    from django.contrib import messages as django_messages

    if not policy.pupils_of(user).exists():
        return None
    django_messages.info(request, _("One more step: tell the school whether your children may appear in class and CLAE photos."))
    return reverse("periscolaire:my_image_consents")
