"""Login in two steps, enrolment of an authenticator app, recovery codes, and the directors' reset."""

from __future__ import annotations

import base64

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from ..access import policy
from ..models import User
from . import service
from .forms import CODE_REFUSED, CodeForm


class LoginView(auth_views.LoginView):
    """/connexion/, first step: the password. Staff (and families who enrolled) then give a code."""

    template_name = "ent_pages/accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if service.needs_code(user):
            service.start_pending(self.request, user, self.get_redirect_url())
            step = "verify" if service.has_second_factor(user) else "enrol"
            return redirect(f"ent_pages:second_factor_{step}")
        finish = service.complete_login(self.request, user)
        return finish(HttpResponseRedirect(self.get_success_url()))


def admin_login(request):
    """Wagtail's admin login (/admin/login/) asks for a password only: staff log in at /connexion/."""
    next_url = request.GET.get("next") or reverse("wagtailadmin_home")
    return redirect(f"{reverse('ent_pages:login')}?{urlencode({'next': next_url})}")


def _next_url(request):
    next_url = service.pending_next(request)
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        return next_url
    return reverse(settings.LOGIN_REDIRECT_URL)


def _throttled(request, user):
    return not AxesProxyHandler.is_allowed(request, {"username": user.get_username()})


def _count_failure(request, user):
    """A wrong code counts as a failed login for django-axes (same limits as passwords and activation codes)."""
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)


def _locked(request):
    return render(request, "ent_pages/accounts/locked_out.html", status=429)


def _finish(request, user, device=None, *, notify_new_device=True):
    """Open the session and go where the login was heading."""
    next_url = _next_url(request)
    finish = service.complete_login(request, user, device, notify_new_device=notify_new_device)
    return finish(HttpResponseRedirect(next_url))


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def verify(request):
    """/connexion/code/, second step: a code from the authenticator app (or a recovery code)."""
    user = service.pending_user(request)
    if user is None:
        return redirect("ent_pages:login")
    if not service.has_second_factor(user):
        return redirect("ent_pages:second_factor_enrol")
    if _throttled(request, user):
        return _locked(request)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        device = service.verify(user, form.cleaned_data["code"]) if form.is_valid() else None
        if device is not None:
            return _finish(request, user, device)
        _count_failure(request, user)
        form.errors.pop("code", None)
        form.add_error("code", CODE_REFUSED)
        status = 400
    return render(request, "ent_pages/second_factor/verify.html", {"form": form}, status=status)


def _qr_svg(device) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1d2b36")


def _grouped_secret(device) -> str:
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def enrol(request):
    """Enrol an authenticator app: scan the QR code (or type the secret), then type its first code.

    For a member of staff logging in without one yet (pending, after their password), and for anyone
    logged in who wants one (families: offered, not imposed). The first code proves the app works; the
    recovery codes are shown once; the account is told by email.
    """
    pending = None
    if request.user.is_authenticated:
        user = request.user
    else:
        pending = user = service.pending_user(request)
        if user is None:
            return redirect("ent_pages:login")
        if service.has_second_factor(user):  # a password alone never replaces an enrolled authenticator
            return redirect("ent_pages:second_factor_verify")
    if _throttled(request, user):
        return _locked(request)
    device = service.pending_authenticator(user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        codes = service.confirm_authenticator(user, device, form.cleaned_data["code"]) if form.is_valid() else None
        if codes is not None:
            service.send_second_factor_changed_email(user)
            context = {"codes": codes, "continue_url": _next_url(request) if pending else reverse("ent_pages:security")}
            response = render(request, "ent_pages/second_factor/recovery_codes.html", context)
            if pending is not None:
                from django_otp.plugins.otp_totp.models import TOTPDevice

                finish = service.complete_login(request, user, TOTPDevice.objects.get(pk=device.pk))
                response = finish(response)
            return response
        _count_failure(request, user)
        form.errors.pop("code", None)
        form.add_error("code", CODE_REFUSED)
        status = 400
    return render(request, "ent_pages/second_factor/enrol.html", {
        "form": form, "qr_svg": _qr_svg(device), "secret": _grouped_secret(device), "pending": pending is not None,
        "required": policy.needs_second_factor(user),
    }, status=status)


@login_required
@csrf_protect
@never_cache
def security(request):
    """/mon-compte/securite/: the second factor of one's own account (new recovery codes, removal for families)."""
    user = request.user
    required = policy.needs_second_factor(user)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "codes" and service.has_second_factor(user):
            codes = service.new_recovery_codes(user)
            return render(request, "ent_pages/second_factor/recovery_codes.html",
                          {"codes": codes, "continue_url": reverse("ent_pages:security")})
        if action == "remove" and not required and service.has_second_factor(user):
            service.remove_second_factor(user)
            service.send_second_factor_changed_email(user)
            messages.success(request, _("The second factor was removed from your account."))
            return redirect("ent_pages:security")
        return redirect("ent_pages:security")
    return render(request, "ent_pages/second_factor/security.html", {
        "enrolled": service.has_second_factor(user), "required": required,
        "codes_left": service.recovery_codes_left(user),
    })


# ------------------------------------------------------------------------ directors (admin)
def staff_second_factors(request):
    """Admin: the staff whose second factor the user may reset (a director: their school's teachers and CLAE)."""
    if not policy.can_reset_some_second_factor(request.user):
        raise PermissionDenied
    users = policy.second_factor_resettable(request.user)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    enrolled = set(TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True))
    rows = [{"user": u, "enrolled": u.pk in enrolled} for u in users.order_by("last_name", "first_name")]
    return TemplateResponse(request, "ent_pages/admin/second_factors.html", {
        "rows": rows, "header_title": _("Staff second factors"),
    })


@require_POST
def reset_second_factor(request, user_id):
    target = get_object_or_404(User, pk=user_id)
    if not policy.can_reset_second_factor(request.user, target):
        raise PermissionDenied
    service.remove_second_factor(target)
    service.send_second_factor_changed_email(target, reset_by=request.user)
    from ..audit import log_action

    log_action(request.user, "preau.second_factor_reset", target=target,
               schools=policy.audited_schools(request.user).filter(staff_assignments__user=target).distinct())
    messages.success(request, _("The second factor of %(name)s was reset: they will enrol their app again at "
                                "their next login.") % {"name": target.get_full_name() or target.get_username()})
    return redirect("ent_pages_second_factors")
