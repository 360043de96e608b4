"""Conversations' pages: inbox, thread, new thread, broadcast, class families, moderation.

Every view asks ent_pages.access (section "conversations"); a thread the viewer may not open is a
404, exactly like a thread that does not exist. Attachments have no view here: the thread page hands
out links signed for the viewer's browser (conversations.attachments.attachment_url), served by
nginx like every private file.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ent_pages.access import policy
from ent_pages.models import ClassPage, Enrolment, Guardianship, Role, User
from ent_pages.school_year import current_school_year

from . import sending
from .attachments import attachment_url
from .forms import BroadcastForm, NewThreadForm, ReplyForm, ReportForm, SuspendForm
from .inbox import inbox_page
from .models import Broadcast, Message, MessagingRestriction, Report, Thread


def _private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
def inbox(request):
    query = request.GET.get("q", "").strip()[:100]
    try:
        page = int(request.GET.get("page", 1))
    except ValueError:
        page = 1
    rows, has_next = inbox_page(request.user, query=query, page=page)
    return _private(render(request, "conversations/inbox.html", {
        "rows": rows, "query": query, "page": page, "has_next": has_next,
        "can_moderate": bool(policy.scope(request.user).director_school_paths),
    }))


def _thread_for(request, pk):
    """(thread, participation or None) if the viewer may open it, else 404.

    A participant's row comes with its thread in one query; others (a director reading a reported
    thread) cost two more."""
    participation = policy.thread_participation_by_id(request.user, pk)
    if participation is not None:
        return participation.thread, participation
    thread = get_object_or_404(Thread.objects.select_related("school"), pk=pk)
    if not policy.can_view_thread(request.user, thread):
        raise Http404
    return thread, None


@login_required
def thread_detail(request, pk):
    thread, participation = _thread_for(request, pk)
    user, now = request.user, timezone.now()
    can_post = participation is not None and policy.can_post_in_thread(user, thread, participation)
    # In an open thread, a participant who may not send now still sees the form (what they type is
    # kept) and reads why sending is paused.
    pause = sending.sending_pause(user) if participation is not None and not can_post and thread.is_open else ""
    is_staff_view = participation is None or not participation.is_family
    form = ReplyForm(can_schedule=is_staff_view)
    if request.method == "POST":
        if participation is None:
            raise Http404
        form = ReplyForm(request.POST, request.FILES, can_schedule=is_staff_view)
        if form.is_valid():
            try:  # post_message writes in one transaction of its own
                sending.post_message(user, thread, participation, text=form.cleaned_data["text"],
                                     scheduled_for=form.cleaned_data.get("scheduled_for"),
                                     attachment=form.cleaned_data.get("attachment"))
            except sending.SendRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                return redirect("conversations:thread", pk=thread.pk)
    # A director reading a reported thread sees what its participants saw.
    shown = Message.objects.filter(thread=thread)
    shown = shown.visible_to(user, now) if participation is not None else shown.filter(visible_at__lte=now)
    thread_messages = list(shown.select_related("sender").prefetch_related("attachments__image", "attachments__document"))
    people = list(thread.participants.select_related("user").order_by("is_family", "user__last_name"))
    for message in thread_messages:
        message.thread = thread  # the policy reads it for each file: no query
        message.files = [(a, url) for a in message.attachments.all()
                         if (url := attachment_url(user, a, participation=participation))]
        message.mine = message.sender_id == user.pk
        message.recallable = message.mine and sending.can_recall(user, message, now)
        if is_staff_view and message.mine and not message.broadcast_id:
            message.read_by = [p.user for p in people if p.user_id != user.pk and p.last_read_at
                               and p.last_read_at >= message.visible_at]
    if participation is not None:
        sending.mark_read(participation, now)
    visible_people = [p for p in people if not p.is_family] if not is_staff_view else people
    return _private(render(request, "conversations/thread.html", {
        "thread": thread, "participation": participation, "thread_messages": thread_messages,
        "people": [p for p in visible_people if p.user_id != user.pk], "form": form, "can_post": can_post,
        "is_staff_view": is_staff_view, "can_moderate": policy.can_moderate_thread(user, thread), "pause": pause,
        "report_form": ReportForm(), "suspend_form": SuspendForm(),
        "family_participants": [p for p in people if p.is_family],
    }))


def _prefilled(form_contacts, wanted):
    """The contact key a link asked for: a key, or "t<teacher>-c<class>" from a class page."""
    if any(c.key == wanted for c in form_contacts):
        return wanted
    if wanted.startswith("t") and "-c" in wanted:
        teacher, _sep, class_id = wanted[1:].partition("-c")
        for contact in form_contacts:
            if (contact.key.startswith(f"t{teacher}-") and str(contact.class_page_id) == class_id):
                return contact.key
    return ""


@login_required
def new_thread(request):
    user = request.user
    form = NewThreadForm(request.POST or None, request.FILES or None, user=user,
                         initial={"recipient": _prefilled(form_contacts=policy.conversation_contacts(user),
                                                          wanted=request.GET.get("a", ""))})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                thread, _message = sending.start_thread(
                    user, form.cleaned_data["recipient"], subject=form.cleaned_data["subject"],
                    text=form.cleaned_data["text"], scheduled_for=form.cleaned_data.get("scheduled_for"),
                    attachment=form.cleaned_data.get("attachment"),
                )
        except sending.SendRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("conversations:thread", pk=thread.pk)
    status = 200 if not form.errors else 400
    pause = sending.sending_pause(user) if form.contacts and not form.errors else ""
    return _private(render(request, "conversations/new_thread.html", {
        "form": form, "no_contact": not form.contacts, "pause": pause}, status=status))


def _managed_class(request, class_id):
    class_page = get_object_or_404(ClassPage, pk=class_id)
    if not policy.can_broadcast_to_class(request.user, class_page):
        raise Http404
    return class_page


@login_required
def class_families(request, class_id):
    """The pupils of a class, each with "Écrire" to their family (staff of the class only), and to the
    pupil themself when the class's pupil messages are on."""
    class_page = _managed_class(request, class_id)
    pupils = (
        Enrolment.objects.filter(class_page=class_page, school_year=current_school_year())
        .select_related("pupil").order_by("pupil__last_name", "pupil__first_name")
    )
    with_account = set(
        Guardianship.objects.filter(pupil__enrolments__class_page=class_page, guardian__user__is_active=True)
        .values_list("pupil_id", flat=True)
    )
    # A pupil with an account is offered "Écrire à l'élève" only when the policy lets this teacher write to them.
    pupil_keys = {c.key for c in policy.conversation_contacts(request.user) if c.kind == Thread.Kind.PUPIL}
    rows = [{"pupil": e.pupil, "key": f"f{e.pupil_id}", "reachable": e.pupil_id in with_account,
             "pupil_key": f"e{e.pupil_id}" if f"e{e.pupil_id}" in pupil_keys else ""} for e in pupils]
    return _private(render(request, "conversations/class_families.html", {"class_page": class_page, "rows": rows}))


@login_required
def broadcast_new(request, class_id):
    class_page = _managed_class(request, class_id)
    form = BroadcastForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            broadcast = sending.send_broadcast(
                request.user, class_page, subject=form.cleaned_data["subject"], text=form.cleaned_data["text"],
                scheduled_for=form.cleaned_data.get("scheduled_for"),
            )
        except sending.SendRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Your message was sent to the families of the class, each privately."))
            return redirect("conversations:broadcast", pk=broadcast.pk)
    pause = sending.sending_pause(request.user) if not form.errors else ""
    return _private(render(request, "conversations/broadcast_form.html", {
        "form": form, "class_page": class_page, "pause": pause}, status=400 if form.errors else 200))


@login_required
def broadcast_detail(request, pk):
    """The sender's view of a broadcast: "read by 18 families out of 24", and each family."""
    broadcast = get_object_or_404(Broadcast.objects.select_related("class_page"), pk=pk, sender=request.user)
    message = Message.objects.filter(broadcast=broadcast).order_by("pk").first()
    threads = list(
        Thread.objects.filter(broadcast=broadcast).select_related("pupil")
        .annotate(read=Count("participants", filter=Q(participants__is_family=True,
                                                      participants__last_read_at__gte=message.visible_at)))
        .order_by("pupil__last_name", "pupil__first_name")
    )
    return _private(render(request, "conversations/broadcast.html", {
        "broadcast": broadcast, "message": message, "threads": threads,
        "read_count": sum(1 for t in threads if t.read), "family_count": len(threads),
        "recallable": sending.can_recall(request.user, message),
    }))


@login_required
@require_POST
def recall(request, pk):
    message = get_object_or_404(Message, pk=pk, sender=request.user)
    if sending.recall(request.user, message):
        messages.success(request, _("The message was recalled: its recipients no longer see it."))
    else:
        messages.error(request, _("This message can no longer be recalled (read, or sent too long ago)."))
    if message.broadcast_id:
        return redirect("conversations:broadcast", pk=message.broadcast_id)
    return redirect("conversations:thread", pk=message.thread_id)


@login_required
@require_POST
def report(request, pk):
    """"Signaler": the thread goes to its school's directors with the reporter's words."""
    thread, participation = _thread_for(request, pk)
    if participation is None:
        raise Http404
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say in a few words what is wrong."))
    else:
        Report.objects.create(thread=thread, reporter=request.user, context=form.cleaned_data["context"])
        _tell_directors(thread, request.user)
        messages.success(request, _("Thank you. The school's director has received this conversation."))
    return redirect("conversations:thread", pk=thread.pk)


def _tell_directors(thread, reporter):
    """Email the school's directors that a conversation was reported (a link, never the messages)."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.urls import reverse

    emails = sorted(set(
        User.objects.filter(is_active=True, staff_assignments__school=thread.school, staff_assignments__role=Role.DIRECTOR)
        .exclude(email="").values_list("email", flat=True)
    ))
    if emails:
        url = settings.WAGTAILADMIN_BASE_URL + reverse("conversations:thread", args=[thread.pk])
        send_mail(_("A conversation was reported"),
                  _("%(name)s reported a conversation: %(url)s") % {"name": reporter, "url": url}, None, emails)


@login_required
@require_POST
def close(request, pk):
    thread = get_object_or_404(Thread.objects.select_related("school"), pk=pk)
    if not policy.can_moderate_thread(request.user, thread) or not policy.can_view_thread(request.user, thread):
        raise Http404
    Thread.objects.filter(pk=thread.pk).update(closed_at=timezone.now(), closed_by=request.user)
    thread.reports.filter(handled_at__isnull=True).update(handled_at=timezone.now(), handled_by=request.user)
    messages.success(request, _("The conversation is closed: nobody can write in it any more."))
    return redirect("conversations:thread", pk=thread.pk)


@login_required
@require_POST
def suspend(request, pk, user_id):
    """From a thread of their school, a director suspends a family member's messaging."""
    thread = get_object_or_404(Thread.objects.select_related("school"), pk=pk)
    if not policy.can_moderate_thread(request.user, thread) or not policy.can_view_thread(request.user, thread):
        raise Http404
    target = get_object_or_404(User, pk=user_id, conversation_participations__thread=thread,
                               conversation_participations__is_family=True)
    form = SuspendForm(request.POST)
    if form.is_valid():
        MessagingRestriction.objects.create(user=target, kind=MessagingRestriction.Kind.SUSPENDED, school=thread.school,
                                            reason=form.cleaned_data["reason"], created_by=request.user)
        messages.success(request, _("%(name)s can no longer send messages.") % {"name": target})
    else:
        messages.error(request, _("Give a reason."))
    return redirect("conversations:thread", pk=thread.pk)


@login_required
def moderation(request):
    """A director's desk: reported threads, suspended and locked accounts of their schools."""
    schools = policy.moderated_schools(request.user)
    if not policy.scope(request.user).superuser and not policy.scope(request.user).director_school_paths:
        raise Http404
    reports = Report.objects.filter(thread__school__in=schools).select_related("thread", "reporter")[:100]
    restrictions = MessagingRestriction.objects.in_force().filter(school__in=schools).select_related("user", "school")
    return _private(render(request, "conversations/moderation.html", {"reports": reports, "restrictions": restrictions}))


@login_required
@require_POST
def lift(request, pk):
    restriction = get_object_or_404(MessagingRestriction.objects.in_force().select_related("school"), pk=pk)
    if not policy.can_clear_messaging_restriction(request.user, restriction):
        raise Http404
    sending.lift(restriction, request.user)
    messages.success(request, _("%(name)s may send messages again.") % {"name": restriction.user})
    return redirect("conversations:moderation")
