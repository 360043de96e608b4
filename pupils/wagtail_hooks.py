"""Wagtail seams of pupil accounts: the class page's admin menu, admin URLs, the family's section."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from ent_pages.access import policy


@hooks.register("register_admin_urls")
def register_pupil_admin_urls():
    from . import admin_views

    return [
        path("preau/eleves/<int:page_id>/", admin_views.pupil_accounts, name="pupils_admin_accounts"),
        path("preau/eleves/<int:page_id>/compte/<int:account_id>/", admin_views.pupil_account_action,
             name="pupils_admin_account_action"),
        path("preau/eleves/<int:page_id>/deverrouiller/", admin_views.unlock_class, name="pupils_admin_unlock_class"),
        path("preau/eleves/<int:page_id>/tablette/", admin_views.use_as_tablet, name="pupils_admin_tablet"),
        path("preau/cartes/<int:page_id>/", admin_views.login_cards, name="pupils_admin_cards"),
    ]


def _buttons(page, user, priority):
    from ent_pages.models import ClassPage

    if page.specific_class is not ClassPage or not policy.can_manage_pupil_accounts(user, page):
        return []
    return [
        Button(_("Login cards"), reverse("pupils_admin_cards", args=[page.pk]), icon_name="key", priority=priority),
        Button(_("Pupil accounts"), reverse("pupils_admin_accounts", args=[page.pk]), icon_name="user",
               priority=priority + 1),
    ]


@hooks.register("register_page_listing_more_buttons")
def pupil_listing_buttons(page, user, next_url=None):
    yield from _buttons(page, user, 85)


@hooks.register("register_page_header_buttons")
def pupil_header_buttons(page, user, view_name, next_url=None):
    yield from _buttons(page, user, 85)


@hooks.register("my_space_sections")
def children_pupil_accounts(request, context):
    """Families see their children's pupil accounts: last login, and a way to ask for it to be disabled."""
    from .models import DisableRequest, PupilAccount

    if policy.is_pupil(request.user):
        return None
    # The children "my space" listed already (policy.pupils_of): staff without children cost no query here.
    pupil_ids = context.get("family_pupil_ids")
    if pupil_ids is None:
        pupil_ids = list(policy.pupils_of(request.user).values_list("pk", flat=True))
    if not pupil_ids:
        return None
    accounts = list(PupilAccount.objects.filter(pupil__in=pupil_ids)
                    .select_related("user").order_by("user__first_name"))
    if not accounts:
        return None
    asked = set(DisableRequest.objects.filter(handled_at__isnull=True, pupil__in=[a.pupil_id for a in accounts])
                .values_list("pupil_id", flat=True))
    for account in accounts:
        account.disable_asked = account.pupil_id in asked
    context["pupil_accounts"] = accounts
    return "pupils/includes/family_section.html"
