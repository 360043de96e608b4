"""Family and staff pages outside the page tree: "my space" (the landing page after login), activation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from wagtail import hooks
from wagtail.models import Page

from . import activation as activation_codes
from .access import policy
from .forms import CODE_REFUSED, ActivationCodeForm, ActivationForm
from .models import ClassPage, Enrolment, SchoolPage
from .school_year import current_school_year
from .second_factor import service as second_factor
from .webapp import keep_offline


@login_required
@keep_offline
def my_space(request):
    """Where a parent or a member of staff lands: their children, classes and schools.

    Other apps add their sections (the class blog's feed...) through the Wagtail hook
    ``my_space_sections``: fn(request, context) updates the context and returns a template name.
    Those sections are remembered per user while what they show holds (ent_pages.my_space_cache);
    sections read afresh at every request (unread messages) come from ``my_space_live_sections``.
    """
    from .my_space_cache import sections_html

    context = {"remembered_sections": sections_html(request, _my_space_context)}
    context["live_sections"] = [
        name for fn in hooks.get_hooks("my_space_live_sections") if (name := fn(request, context))
    ]
    return render(request, "ent_pages/my_space.html", context)


def _my_space_context(request):
    """What the remembered part of "my space" shows (ent_pages/includes/my_space_body.html)."""
    user = request.user
    year = current_school_year()
    scope = policy.scope(user)
    pupils = list(children_of(user, year))
    # The hooks read the children from here rather than asking again (a family without children: no query).
    context = {"school_year": year, "family_pupil_ids": [pupil.pk for pupil in pupils]}
    context["sections"] = [name for fn in hooks.get_hooks("my_space_sections") if (name := fn(request, context))]
    if "my_classes" not in context:
        context["my_classes"] = list(policy.viewable(user, ClassPage.objects.live()).order_by("path"))
    classes_by_id = {c.pk: c for c in context["my_classes"]}
    context["children"] = [{"pupil": pupil, "class_page": classes_by_id.get(pupil.class_page_id)} for pupil in pupils]
    # One section for children and classes: the classes of no child (taught, directed) follow the children.
    children_classes = {pupil.class_page_id for pupil in pupils}
    context["other_classes"] = [c for c in context["my_classes"] if c.pk not in children_classes]
    schools = SchoolPage.objects.live().filter(path__in=scope.member_school_paths | scope.director_school_paths)
    context["schools"] = schools.order_by("title")
    context["directed_schools"] = directed_schools(user, scope)
    return context


def children_of(user, year=None):
    """The pupils a user acts for, first names in order, each with ``class_page_id``: their class this year
    (None if not enrolled). One query; "my space" and the JSON API (api.views) list children with it."""
    year = year or current_school_year()
    return (
        policy.pupils_of(user)
        .annotate(class_page_id=Subquery(
            Enrolment.objects.filter(pupil=OuterRef("pk"), school_year=year).values("class_page_id")[:1]
        ))
        .order_by("first_name", "pk")
    )


def theme_css(request):
    """/theme.css: the city's colour (CityLook setting) as CSS custom properties, without inline styles."""
    from django.http import HttpResponse

    from .models.look import CityLook, darker

    look = CityLook.load(request_or_site=request)
    colour = look.brand_colour.lower()
    response = HttpResponse(f":root {{ --brand: {colour}; --brand-dark: {darker(colour)}; }}\n", content_type="text/css")
    response["Cache-Control"] = "public, max-age=300"
    return response


def directed_schools(user, scope):
    """A director's schools with what waits for them: pages in moderation and activation figures."""
    from wagtail.models import WorkflowState

    from .letters import activation_status

    schools = list(SchoolPage.objects.filter(path__in=scope.director_school_paths).order_by("title"))
    for school in schools:
        school.pending_pages = list(
            Page.objects.descendant_of(school, inclusive=True)
            .filter(_workflow_states__status=WorkflowState.STATUS_IN_PROGRESS).distinct().order_by("title")[:20]
        )
        rows = activation_status(school)
        school.families_total = len(rows)
        school.families_activated = sum(row.activated for row in rows)
    return schools


@sensitive_post_parameters("password1", "password2", "code")
@csrf_protect
@never_cache
def activation(request):
    """/activation/: a code from a letter becomes an account, or joins the account of a logged-in parent.

    The code is checked first. Wrong, expired and used codes, and a good code typed with an email address
    that another account already uses, all get the same message and status, and all count as a failure for
    django-axes (per client address and per account): the page never tells whether an address has an
    account — its owner is told by email instead. A throttled client is refused before anything is looked at.
    """
    logged_in = request.user.is_authenticated
    form_class = ActivationCodeForm if logged_in else ActivationForm
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST":
        email = request.POST.get("email", "")
        if activation_codes.is_throttled(request, email):
            return render(request, "ent_pages/accounts/activation.html",
                          {"form": form_class(), "throttled": True, "logged_in": logged_in}, status=429)
        account = None
        if form.is_valid():
            code_row = activation_codes.find_usable(form.cleaned_data["code"])
            email = form.cleaned_data.get("email") or ""
            if code_row is not None and not logged_in and activation_codes.email_taken(email, code_row):
                activation_codes.notify_email_taken(email)
                code_row = None
            if code_row is not None:
                try:
                    account = activation_codes.redeem(
                        code_row, user=request.user if logged_in else None,
                        email=email or None, password=form.cleaned_data.get("password1"),
                    )
                except activation_codes.ActivationRefused:
                    account = None
            if account is None:
                form.add_error("code", CODE_REFUSED)
        if account is None:
            activation_codes.record_failure(request, email)
            status = 400
        else:
            policy.forget(request.user)
            _log_activation(request, account, code_row)
            if not logged_in and code_row.user_id and second_factor.needs_code(account):
                # Staff choosing their password: the session opens once their authenticator is enrolled.
                second_factor.start_pending(request, account)
                return redirect("ent_pages:second_factor_enrol")
            if not logged_in:
                finish = second_factor.complete_login(request, account, notify_new_device=False)
                messages.success(request, _("Your account is ready: here are your children's classes."))
                return finish(redirect(_after_activation(request, account)))
            messages.success(request, _("The child has been added to your account."))
            return redirect(_after_activation(request, account))
    return render(request, "ent_pages/accounts/activation.html", {"form": form, "logged_in": logged_in}, status=status)


def _after_activation(request, account):
    """Where a family goes next: other apps ask for what they need (periscolaire: image consent), through a hook."""
    for fn in hooks.get_hooks("after_family_activation"):
        if next_url := fn(request, account):
            return next_url
    return reverse("ent_pages:my_space")


def _log_activation(request, account, code_row):
    """Who activated what, in the log of the schools concerned (ent_pages.audit)."""
    from .audit import log_action, schools_of_pupils, schools_of_user

    if code_row.guardian_id:
        schools = schools_of_pupils(code_row.guardian.guardianships.values("pupil"))
    else:
        schools = schools_of_user(account)
    log_action(account, "preau.account_activated", target=account, schools=schools,
               title=account.get_full_name() or account.get_username())
