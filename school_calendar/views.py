"""/agenda/: the user's calendar, the staff's events, the private ICS subscription and its feed."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ent_pages.access import policy

from .entries import entries_for
from .forms import EventForm, publishable_pages
from .ics import calendar_for
from .models import CalendarFeed, Event


@login_required
def my_calendar(request):
    entries = entries_for(request.user)
    days = [(day, list(items)) for day, items in groupby(entries, key=lambda e: e.day)]
    pages = publishable_pages(request.user)
    own_events = (
        Event.objects.filter(page__in=[p.pk for p in pages], starts_on__gte=timezone.localdate())
        .select_related("page")[:30] if pages else []
    )
    return render(request, "school_calendar/my_calendar.html", {
        "days": days, "can_publish": bool(pages), "own_events": own_events,
        "has_feed": CalendarFeed.objects.active().filter(user=request.user).exists(),
    })


@login_required
def event_create(request):
    pages = publishable_pages(request.user)
    if not pages:
        raise Http404
    initial = {}
    if request.GET.get("page", "").isdigit():
        initial["page"] = int(request.GET["page"])
    form = EventForm(request.user, request.POST or None, initial=initial, pages=pages)
    if request.method == "POST" and form.is_valid():
        event = form.save(commit=False)
        event.created_by = request.user
        event.save()
        messages.success(request, _("The event is in the calendar of the families concerned."))
        return redirect("school_calendar:my_calendar")
    return render(request, "school_calendar/event_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def event_delete(request, event_id):
    event = get_object_or_404(Event.objects.select_related("page"), pk=event_id)
    if not policy.can_publish_event(request.user, event.page):
        raise Http404
    event.delete()
    messages.success(request, _("The event has been removed."))
    return redirect("school_calendar:my_calendar")


@login_required
@never_cache
def subscription(request):
    """GET: explain; POST make: a new secret URL (shown once, the previous one stops); POST revoke: stop it."""
    feed_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            CalendarFeed.revoke_all(request.user)
            messages.success(request, _("Your calendar link no longer works."))
            return redirect("school_calendar:subscription")
        _feed, token = CalendarFeed.issue(request.user)
        feed_url = request.build_absolute_uri(reverse("school_calendar:ics_feed", args=[token]))
    return render(request, "school_calendar/subscription.html", {
        "feed_url": feed_url, "has_feed": CalendarFeed.objects.active().filter(user=request.user).exists(),
    })


@require_GET
def ics_feed(request, token):
    """The calendar of the token's owner, for their phone: no session, the secret URL is the key."""
    feed = CalendarFeed.find_active(token)
    if feed is None or not feed.user.is_active:
        raise Http404
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    response = HttpResponse(calendar_for(feed.user).to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="preau.ics"'
    return response
