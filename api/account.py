"""The account page's list of the app's devices (tokens), where a lost phone is revoked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import tokens


@login_required
@require_http_methods(["GET", "POST"])
def devices(request):
    """/mon-compte/appareils/: the devices holding a token of this account, each revocable."""
    if request.method == "POST":
        token_id = request.POST.get("token", "")
        row = tokens.active_tokens(request.user).filter(pk=int(token_id)).first() if token_id.isdigit() else None
        if row is not None:
            tokens.revoke(row)
            messages.success(request, _("The device “%(name)s” is logged out of the application.") % {"name": row.name})
        return redirect("account_devices")
    return render(request, "api/devices.html", {"devices": tokens.active_tokens(request.user)})
