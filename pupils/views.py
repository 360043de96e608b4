"""Pupil-facing views: logging in like a child (/eleve/), the pupil space, "J'ai fini"; and the family's request."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail.models import Page

from ent_pages.access import PUPIL_SEES_MESSAGES, policy
from ent_pages.models import ClassPage, Guardianship, SchoolPage
from ent_pages.school_year import current_school_year

from . import credentials, pictures, throttle
from .models import ClassPupilSettings, DisableRequest, PupilAccount
from .session import is_pupil_session, log_pupil_in, tablet_class_id
from .space import class_fragment


# --------------------------------------------------------------------------------- logging in
def open_classes():
    """This year's classes where pupils can log in: accounts on, at least one active account with a card."""
    return (ClassPage.objects.live().filter(school_year=current_school_year(), archived_at__isnull=True)
            .filter(enrolments__school_year=current_school_year(), enrolments__pupil__login_account__is_active=True,
                    enrolments__pupil__login_account__token_digest__isnull=False)
            .exclude(pupil_settings__accounts_enabled=False).distinct())


def _pupil_page(request, template, context=None, status=200):
    response = render(request, template, context or {}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
def start(request):
    """Step 1: the class tablet goes straight to its class; another device chooses a school (or scans a card)."""
    if is_pupil_session(request):
        return redirect("pupils:space")
    tablet = tablet_class_id(request)
    if tablet and open_classes().filter(pk=tablet).exists():
        return redirect("pupils:class_names", tablet)
    schools = SchoolPage.objects.live().filter(
        path__in=[path[: 3 * Page.steplen] for path in open_classes().values_list("path", flat=True)]).order_by("title")
    return _pupil_page(request, "pupils/start.html", {"schools": schools})


@never_cache
def school_classes(request, school_id):
    school = get_object_or_404(SchoolPage.objects.live(), pk=school_id)
    classes = open_classes().child_of(school).order_by("title")
    return _pupil_page(request, "pupils/school.html", {"school": school, "classes": classes})


def _tablet_may_list(request, class_page) -> bool:
    """First names of a class are shown on its class tablet (set up by a teacher), or to its staff."""
    return tablet_class_id(request) == class_page.pk or policy.can_manage_class(request.user, class_page)


@never_cache
def class_names(request, class_id):
    """Step 2: tap your first name (only on the class's tablet: first names are not public)."""
    class_page = get_object_or_404(open_classes(), pk=class_id)
    if not _tablet_may_list(request, class_page):
        return _pupil_page(request, "pupils/not_a_tablet.html", {"class_page": class_page}, status=403)
    accounts = list(
        PupilAccount.objects.filter(is_active=True, token_digest__isnull=False, pupil__enrolments__class_page=class_page,
                                    pupil__enrolments__school_year=class_page.school_year)
        .select_related("user").order_by("user__first_name", "user__last_name")
    )
    firsts = [a.user.first_name for a in accounts]
    for account in accounts:  # two Emma: "Emma L." and "Emma M."
        account.display = (f"{account.user.first_name} {account.user.last_name}"
                           if firsts.count(account.user.first_name) > 1 else account.user.first_name)
    return _pupil_page(request, "pupils/names.html", {"class_page": class_page, "accounts": accounts})


@never_cache
def picture_login(request, class_id, account_id):
    """Step 3: tap your 3 pictures in order. Each tap is a form submission (works without JavaScript)."""
    class_page = get_object_or_404(open_classes(), pk=class_id)
    if not _tablet_may_list(request, class_page):
        return _pupil_page(request, "pupils/not_a_tablet.html", {"class_page": class_page}, status=403)
    account = get_object_or_404(
        PupilAccount.objects.select_related("user").filter(
            is_active=True, pupil__enrolments__class_page=class_page, pupil__enrolments__school_year=class_page.school_year),
        pk=account_id)
    class_settings = ClassPupilSettings.objects.filter(class_page=class_page).first()
    context = {"class_page": class_page, "account": account, "error": "", "taps": []}
    if throttle.is_locked(account, class_settings):
        context["locked"] = True
        return _pupil_page(request, "pupils/pictures.html", context, status=429)
    if request.method == "POST":
        taps = [t for t in request.POST.get("taps", "").split(",") if t in pictures.PICTURES][: pictures.SEQUENCE_LENGTH]
        tapped = request.POST.get("picture", "")
        if tapped in pictures.PICTURES and len(taps) < pictures.SEQUENCE_LENGTH:
            taps.append(tapped)
        if len(taps) == pictures.SEQUENCE_LENGTH:
            if credentials.pictures_match(account, taps):
                throttle.record_success(account)
                log_pupil_in(request, account)
                return redirect("pupils:space")
            throttle.record_failure(account, class_page)
            account.refresh_from_db(fields=["locked_at", "failed_attempts"])
            class_settings = ClassPupilSettings.objects.filter(class_page=class_page).first()
            if throttle.is_locked(account, class_settings):
                context["locked"] = True
                return _pupil_page(request, "pupils/pictures.html", context, status=429)
            context["error"] = _("These are not your pictures. Try again!")
            taps = []
        context["taps"] = taps
    context["grid"] = [{"key": key, "label": pictures.label(key), "svg": pictures.svg(key)} for key in pictures.KEYS]
    context["taps_value"] = ",".join(context["taps"])
    context["dots"] = [i < len(context["taps"]) for i in range(pictures.SEQUENCE_LENGTH)]
    return _pupil_page(request, "pupils/pictures.html", context)


@never_cache
def card_login(request, token):
    """The QR code of a card: "Is it you, Emma?" then one tap logs in (a GET alone never logs anyone in)."""
    account = credentials.account_for_token(token)
    if account is None or not _class_open_for(account):
        return _pupil_page(request, "pupils/card_refused.html", status=404)
    if request.method == "POST":
        log_pupil_in(request, account)
        return redirect("pupils:space")
    return _pupil_page(request, "pupils/card_confirm.html", {"account": account})


def _class_open_for(account) -> bool:
    return open_classes().filter(enrolments__pupil=account.pupil_id).exists()


@require_POST
def finish(request):
    """ "J'ai fini": the session ends and the browser forgets what it kept of it."""
    logout(request)
    response = redirect("pupils:start")
    response["Clear-Site-Data"] = '"cache", "storage"'
    response["Cache-Control"] = "private, no-store"
    return response


# ----------------------------------------------------------------------------------- the space
def space(request):
    """My class's posts and galleries, my homework, my workbooks, resources for children.

    What is the same for the whole class is built once per class and cached until something it shows
    changes (pupils.space); the scope (who this pupil is, their class, what its teachers show) is read
    on every request, so a revoked account or a switched-off class is out at the next request.
    """
    if not is_pupil_session(request):
        return redirect("pupils:start")
    user = request.user
    scope = policy.scope(user)
    if not scope.pupil_class_path:  # accounts turned off for the class, or the pupil left
        logout(request)
        return redirect("pupils:start")
    from resources.models import WorkbookProgress

    fragment = class_fragment(request, user, scope)
    workbooks = [{"pk": pk, "title": title, "url": url} for pk, title, url in fragment["workbooks"]]
    if workbooks:
        progress = {p.workbook_id: p for p in WorkbookProgress.objects.filter(
            pupil__login_account__user=user, workbook__in=[wb["pk"] for wb in workbooks])}
        for workbook in workbooks:
            workbook["my_progress"] = progress.get(workbook["pk"])
    return _pupil_page(request, "pupils/space.html", {
        "class_title": fragment["class_title"], "news": mark_safe(fragment["news"]),  # noqa: S308 - our own render
        "resources": mark_safe(fragment["resources"]), "workbooks": workbooks, "pupil_user": user,  # noqa: S308
        "messages_open": PUPIL_SEES_MESSAGES in scope.pupil_sees,
    })


# -------------------------------------------------------------------------- families' request
@login_required
@require_POST
def ask_disable(request, pupil_id):
    """A guardian asks the class's teachers to disable their child's pupil account (shown in their admin page)."""
    if policy.is_pupil(request.user) or not Guardianship.objects.filter(
            guardian__user=request.user, pupil_id=pupil_id).exists():
        raise Http404
    try:
        with transaction.atomic():
            DisableRequest.objects.create(pupil_id=pupil_id, requested_by=request.user)
    except IntegrityError:
        pass  # already asked and not yet handled
    messages.success(request, _("Your request was sent to the class's teachers."))
    return redirect("ent_pages:my_space")
