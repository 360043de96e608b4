"""Wagtail seams of ent_pages: the access policy on page serving, admin for people, roles and activation letters."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .access import policy
from .models import Guardian, Pupil, StaffAssignment, TeachingAssignment
from .page_cache import prefetch_page


@hooks.register("on_serve_page")
def enforce_access_policy(next_serve_page):
    """Every page served goes through the access policy; private answers are never cached."""

    def serve(page, request, args, kwargs):
        prefetch_page(page, request)  # read with the viewer's scope, in one round trip
        if not policy.can_view(request.user, page):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise Http404
        response = next_serve_page(page, request, args, kwargs)
        if policy.is_private(page):
            patch_cache_control(response, private=True, no_store=True)
        return response

    return serve


@hooks.register("construct_page_chooser_queryset")
def chooser_lists_only_viewable_pages(pages, request):
    """The admin's page chooser (links in rich text) must not reveal other classes' pages.

    The chooser may search this queryset, and search backends only take plain lookups on filter
    fields: filter by id against the policy's queryset.
    """
    return pages.filter(id__in=policy.viewable(request.user, Page.objects.all()).values("id"))


@hooks.register("construct_explorer_page_queryset")
def explorer_lists_only_viewable_pages(parent_page, pages, request):
    return policy.viewable(request.user, pages)


# Page bulk actions that list and touch only pages the user may edit (ent_pages.admin_listings):
# registered after Wagtail's own (order), they replace them for the same action types.
def _register_page_bulk_actions():
    from .admin_listings import PAGE_BULK_ACTIONS

    for action_class in PAGE_BULK_ACTIONS:
        hooks.register("register_bulk_action", action_class, order=100)


_register_page_bulk_actions()


# People and roles in the admin, for the city's administrators (Django model permissions decide who
# sees these menus: by default only superusers). Families are created by the import and activation.
class PupilViewSet(SnippetViewSet):
    model = Pupil
    icon = "user"
    menu_label = _("Pupils")
    list_display = ["last_name", "first_name", "external_id"]
    search_fields = ["last_name", "first_name", "external_id"]


class GuardianViewSet(SnippetViewSet):
    model = Guardian
    icon = "group"
    menu_label = _("Guardians")
    list_display = ["last_name", "first_name", "external_id", "user"]
    search_fields = ["last_name", "first_name", "external_id", "email"]


class StaffAssignmentViewSet(SnippetViewSet):
    model = StaffAssignment
    icon = "user"
    menu_label = _("Staff roles")
    list_display = ["user", "role", "school"]
    list_filter = ["role"]


class TeachingAssignmentViewSet(SnippetViewSet):
    model = TeachingAssignment
    icon = "user"
    menu_label = _("Teaching assignments")
    list_display = ["user", "class_page"]


class PeopleViewSetGroup(SnippetViewSetGroup):
    items = (PupilViewSet, GuardianViewSet, StaffAssignmentViewSet, TeachingAssignmentViewSet)
    menu_icon = "group"
    menu_label = _("Schools and families")
    menu_name = "people"


register_snippet(PeopleViewSetGroup)
@hooks.register("register_admin_urls")
def register_activation_urls():
    from . import admin_views
    from .second_factor import views as second_factor_views

    return [
        path("preau/lettres/<int:page_id>/", admin_views.activation_letters, name="ent_pages_activation_letters"),
        path("preau/activations/<int:page_id>/", admin_views.activation_report, name="ent_pages_activation_report"),
        path("preau/journal/", admin_views.school_log, name="ent_pages_school_log"),
        path("preau/double-facteur/", second_factor_views.staff_second_factors, name="ent_pages_second_factors"),
        path("preau/double-facteur/<int:user_id>/reinitialiser/", second_factor_views.reset_second_factor,
             name="ent_pages_reset_second_factor"),
    ]


def _activation_buttons(page, user, priority):
    from .models import ClassPage, SchoolPage

    if page.specific_class not in (ClassPage, SchoolPage) or not policy.can_edit(user, page):
        return []
    return [
        Button(_("Activation letters"), reverse("ent_pages_activation_letters", args=[page.pk]), icon_name="mail", priority=priority),
        Button(_("Who has activated?"), reverse("ent_pages_activation_report", args=[page.pk]), icon_name="user", priority=priority + 1),
    ]


@hooks.register("register_page_listing_more_buttons")
def activation_listing_buttons(page, user, next_url=None):
    yield from _activation_buttons(page, user, 80)


@hooks.register("register_page_header_buttons")
def activation_header_buttons(page, user, view_name, next_url=None):
    yield from _activation_buttons(page, user, 80)


class SecondFactorsMenuItem(MenuItem):
    def is_shown(self, request):
        return policy.can_reset_some_second_factor(request.user)


class SchoolLogMenuItem(MenuItem):
    def is_shown(self, request):
        return policy.can_view_some_school_log(request.user)


@hooks.register("register_admin_menu_item")
def register_school_log_menu_item():
    return SchoolLogMenuItem(_("Who did what"), reverse("ent_pages_school_log"), name="school-log", icon_name="history",
                             order=9000)


@hooks.register("register_admin_menu_item")
def register_second_factors_menu_item():
    return SecondFactorsMenuItem(_("Staff second factors"), reverse("ent_pages_second_factors"),
                                 name="second-factors", icon_name="key", order=9100)


@hooks.register("register_log_actions")
def register_preau_log_actions(actions):
    """Préau's sensitive actions in Wagtail's audit log (ent_pages.audit)."""
    from . import audit

    audit.register(actions)


def _log_role(request, assignments, action):
    """A role given, changed or removed in the admin, in the log of its school (ent_pages.audit)."""
    from . import audit

    for assignment in assignments:
        if not isinstance(assignment, StaffAssignment | TeachingAssignment):
            continue
        school = assignment.school if isinstance(assignment, StaffAssignment) else audit.school_of(assignment.class_page)
        audit.log_action(request.user, action, target=assignment.user, schools=[school],
                         title=f"{assignment.user.get_full_name() or assignment.user.get_username()} — {assignment}")


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def log_role_saved(request, instance):
    _log_role(request, [instance], "preau.role_changed")


@hooks.register("after_delete_snippet")
def log_role_removed(request, instances):
    _log_role(request, instances, "preau.role_removed")


@hooks.register("insert_global_admin_js")
def accessible_names_for_wagtail_controls():
    """Names for the few admin controls Wagtail leaves unnamed (RGAA; tests/look/test_accessibility.py)."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<script src="{}" defer></script>', static("ent_pages/admin/accessible-names.js"))
