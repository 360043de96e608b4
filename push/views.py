"""Subscribing a device to pushes, choosing what it says, and revoking it (the notification settings page).

The subscription comes from the browser's Push API as JSON (push/static/push/push.js); choosing and
revoking are plain forms, usable without JavaScript. A user only ever reaches their own devices.
"""

import base64
import binascii
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ent_pages.access import policy

from .delivery import endpoint_allowed
from .models import PushKind, PushSubscription

PREFERENCES = "class_blog:notification_preferences"


def _b64url_bytes(value) -> bytes | None:
    if not isinstance(value, str) or len(value) > 200:
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def device_label(user_agent: str) -> str:
    """ "Firefox sur Android": enough for a family to tell its devices apart, nothing more kept."""
    browsers = [
        ("Edg", "Edge"),
        ("SamsungBrowser", "Samsung Internet"),
        ("Firefox", "Firefox"),
        ("Chrome", "Chrome"),
        ("Safari", "Safari"),
    ]
    systems = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS", "Mac"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    browser = next((name for token, name in browsers if token in user_agent), _("A browser"))
    system = next((name for token, name in systems if token in user_agent), "")
    return (_("%(browser)s on %(system)s") % {"browser": browser, "system": system} if system else browser)[:120]


def _chosen_kinds(values):
    return {kind: kind in values for kind in PushKind.values}


@login_required
@require_POST
def subscribe(request):
    """POST JSON {subscription: {endpoint, keys: {p256dh, auth}}, kinds: [...]} → 201 (or 200 if known)."""
    if not policy.may_receive_push(request.user):
        return JsonResponse({"error": _("Notifications are not available for this account.")}, status=403)
    try:
        data = json.loads(request.body.decode("utf-8"))
        subscription = data["subscription"]
        endpoint, keys = subscription["endpoint"], subscription["keys"]
        p256dh, auth = keys["p256dh"], keys["auth"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return JsonResponse(
            {"error": _("This subscription could not be read. Reload the page and try again.")}, status=400
        )
    if not isinstance(endpoint, str) or len(endpoint) > 1024 or not endpoint_allowed(endpoint):
        return JsonResponse({"error": _("This browser's notification service is not accepted.")}, status=400)
    point, secret = _b64url_bytes(p256dh), _b64url_bytes(auth)
    if point is None or len(point) != 65 or point[0] != 4 or secret is None or len(secret) != 16:
        return JsonResponse(
            {"error": _("This subscription could not be read. Reload the page and try again.")}, status=400
        )
    kinds = data.get("kinds", PushKind.values)
    if not isinstance(kinds, list):
        kinds = PushKind.values
    # A device subscribed by a previous account is this user's now (the browser has one subscription).
    PushSubscription.objects.filter(endpoint=endpoint).exclude(user=request.user).delete()
    obj, created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": request.user,
            "p256dh": p256dh,
            "auth": auth,
            "device": device_label(request.headers.get("User-Agent", "")),
            **_chosen_kinds(kinds),
        },
    )
    return JsonResponse(
        {"id": obj.pk, "message": _("This device will receive your notifications.")}, status=201 if created else 200
    )


def _own(request, pk):
    subscription = get_object_or_404(PushSubscription, pk=pk, user=request.user)
    if not policy.may_receive_push(request.user):
        raise Http404
    return subscription


@login_required
@require_POST
def update(request, pk):
    """What one device tells: the kinds checked in its form."""
    subscription = _own(request, pk)
    for field, wanted in _chosen_kinds(request.POST.getlist("kinds")).items():
        setattr(subscription, field, wanted)
    subscription.save(update_fields=PushKind.values)
    messages.success(request, _("Your preferences are saved."))
    return redirect(PREFERENCES)


@login_required
@require_POST
def revoke(request, pk):
    """This device will receive nothing more (the browser may keep its subscription: nothing is sent to it)."""
    _own(request, pk).delete()
    messages.success(request, _("This device will no longer receive notifications."))
    return redirect(PREFERENCES)


@login_required
def open_page(request, page_id):
    """Where a push about a post or gallery leads: the page, if the access policy lets the user view it."""
    from wagtail.models import Page

    page = get_object_or_404(Page.objects.live(), pk=page_id)
    if not policy.can_view(request.user, page):
        raise Http404
    return redirect(page.get_url(request=request) or "/")
