"""Teachers stay in control (Wagtail admin, from the class page's menu): pupil accounts on or off, what
pupils see, login cards (print or reprint), unlocking, who logged in this week, families' requests.

Allowed to whoever manages the class (its teachers, the school's directors), as the access policy says.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ent_pages.access import policy
from ent_pages.models import ClassPage
from ent_pages.my_space_cache import guardians_changed

from . import cards, throttle
from .accounts import set_account_enabled
from .models import ClassPupilSettings, DisableRequest, PupilAccount
from .session import set_tablet


class ClassPupilSettingsForm(forms.ModelForm):
    class Meta:
        model = ClassPupilSettings
        fields = ["accounts_enabled", "show_blog", "show_homework", "show_workbooks", "show_partners", "messages_enabled"]
        help_texts = {
            "show_partners": gettext_lazy("Only the blogs of classes that invited yours."),
            "messages_enabled": gettext_lazy("Your pupils may write to you and to the other teachers of the class "
                                             "(never to each other, never to families). Their messages arrive in your "
                                             "Préau inbox."),
        }


def _class(request, page_id):
    class_page = get_object_or_404(ClassPage, pk=page_id)
    if not policy.can_manage_pupil_accounts(request.user, class_page):
        raise PermissionDenied
    return class_page


def class_accounts(class_page):
    """The pupil accounts of a class this year, by first name."""
    return list(PupilAccount.objects.filter(pupil__enrolments__class_page=class_page,
                                            pupil__enrolments__school_year=class_page.school_year)
                .select_related("user", "pupil").order_by("user__first_name", "user__last_name"))


@require_http_methods(["GET", "POST"])
def pupil_accounts(request, page_id):
    class_page = _class(request, page_id)
    class_settings, _created = ClassPupilSettings.objects.get_or_create(class_page=class_page)
    form = ClassPupilSettingsForm(request.POST if request.method == "POST" else None, instance=class_settings)
    if request.method == "POST" and form.is_valid():
        form.save()
        policy.bump_access_version()  # what pupils see changed: remembered scopes are stale
        messages.success(request, _("Pupil settings saved."))
        return redirect("pupils_admin_accounts", class_page.pk)
    accounts = class_accounts(class_page)
    week_ago = timezone.now() - timedelta(days=7)
    for account in accounts:
        account.this_week = bool(account.user.last_login and account.user.last_login >= week_ago)
    requests = DisableRequest.objects.filter(handled_at__isnull=True, pupil__in=[a.pupil_id for a in accounts])
    return TemplateResponse(request, "pupils/admin/pupil_accounts.html", {
        "page": class_page, "form": form, "accounts": accounts, "class_settings": class_settings,
        "logged_this_week": sum(a.this_week for a in accounts),
        "requests": {r.pupil_id: r for r in requests}, "header_title": _("Pupil accounts"),
    })


def _account(class_page, account_id):
    for account in class_accounts(class_page):
        if account.pk == account_id:
            return account
    raise Http404


@require_POST
def pupil_account_action(request, page_id, account_id):
    """Unlock, disable or enable one pupil's account."""
    class_page = _class(request, page_id)
    account = _account(class_page, account_id)
    action = request.POST.get("action")
    if action == "unlock":
        throttle.unlock_pupil(account)
        messages.success(request, _("%(name)s can log in again.") % {"name": account.user.first_name})
    elif action in ("disable", "enable"):
        set_account_enabled(account, action == "enable")
        DisableRequest.objects.filter(pupil=account.pupil, handled_at__isnull=True).update(handled_at=timezone.now())
        guardians_changed([account.pupil_id])  # their families' homes (ent_pages.my_space_cache)
        messages.success(request, (_("%(name)s's account is disabled.") if action == "disable"
                                   else _("%(name)s's account is enabled.")) % {"name": account.user.first_name})
    else:
        messages.error(request, _("Unknown action."))
    return redirect("pupils_admin_accounts", class_page.pk)


@require_POST
def unlock_class(request, page_id):
    class_page = _class(request, page_id)
    throttle.unlock_class(class_page)
    messages.success(request, _("Picture logins are open again in this class."))
    return redirect("pupils_admin_accounts", class_page.pk)


@require_POST
def use_as_tablet(request, page_id):
    """This device becomes the class tablet: /eleve/ shows this class's first names here."""
    class_page = _class(request, page_id)
    response = redirect("pupils_admin_accounts", class_page.pk)
    set_tablet(response, class_page)
    messages.success(request, _("This device is now the class tablet of %(class)s.") % {"class": class_page.title})
    return response


@require_http_methods(["GET", "POST"])
def login_cards(request, page_id):
    """GET: say what printing does; POST: new cards (all active pupils, or ?account=<id>) as a PDF."""
    class_page = _class(request, page_id)
    accounts = [a for a in class_accounts(class_page) if a.is_active]
    if request.method == "POST":
        wanted = request.POST.get("account")
        if wanted:
            accounts = [a for a in accounts if str(a.pk) == wanted]
            if not accounts:
                raise Http404
        for account in accounts:
            account.class_title = class_page.title
        pdf = cards.issue_cards(accounts)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="cartes-{slugify(class_page.title)}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
    return TemplateResponse(request, "pupils/admin/login_cards.html", {
        "page": class_page, "accounts": accounts, "header_title": _("Login cards"),
    })
