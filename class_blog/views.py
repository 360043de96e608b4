"""Class life outside the page tree: homework notebook, notes, comments, partner classes, preferences.

Every decision is asked of ent_pages.access.policy.
"""

from collections import OrderedDict
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ent_pages.access import policy
from ent_pages.audit import log_action, school_of
from ent_pages.exports import csv_response
from ent_pages.models import ClassPage, Enrolment, SchoolPage
from ent_pages.school_year import current_school_year
from ent_pages.webapp import keep_offline

from . import comments as comment_rules
from . import notes as note_service
from . import reply_slips
from .forms import (
    ClassBlogOptionsForm,
    CommentForm,
    DigestPreferenceForm,
    HomeworkQuickForm,
    NoteForm,
    PartnershipInviteForm,
    QuietHoursForm,
)
from .models import (
    ClassBlogOptions,
    ClassPartnership,
    ClassPostPage,
    Comment,
    DigestPreference,
    HomeworkEntry,
    Note,
    PartnershipStatus,
    SchoolQuietHours,
)


def _next_or(request, fallback):
    """The POSTed `next` URL when it is local, else `fallback`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def _class_or_404(user, class_id, manage=False):
    class_page = get_object_or_404(ClassPage, pk=class_id)
    allowed = policy.can_manage_class(user, class_page) if manage else policy.can_view_class_private(user, class_page)
    if not allowed:
        raise Http404
    return class_page


# ------------------------------------------------------------------------------ homework notebook
def group_by_due_date(entries, today):
    """Today / tomorrow / this week (to Sunday) / later, keeping only non-empty groups."""
    tomorrow = today + timedelta(days=1)
    end_of_week = today + timedelta(days=6 - today.weekday())
    groups = OrderedDict((key, []) for key in ("today", "tomorrow", "week", "later"))
    labels = {"today": _("Today"), "tomorrow": _("Tomorrow"), "week": _("This week"), "later": _("Later")}
    for entry in entries:
        key = ("today" if entry.due_on == today else "tomorrow" if entry.due_on == tomorrow
               else "week" if entry.due_on <= end_of_week else "later")
        groups[key].append(entry)
    return [{"key": key, "label": labels[key], "entries": items} for key, items in groups.items() if items]


def homework_rows(user, today, horizon_days=14):
    """"À faire" per child (guardians) and per class taught (staff): a fixed number of queries."""
    year = current_school_year()
    viewable = policy.viewable_class_ids(user)
    enrolments = list(
        Enrolment.objects.filter(pupil__guardianships__guardian__user=user, school_year=year, class_page__in=viewable)
        .select_related("pupil", "class_page").distinct().order_by("pupil__first_name")
    )
    taught = list(policy.managed_classes(user).filter(school_year=year).live().order_by("title")[:20])
    class_ids = {e.class_page_id for e in enrolments} | {c.pk for c in taught}
    entries = list(
        HomeworkEntry.objects.filter(class_page_id__in=class_ids, class_page__in=viewable)
        .filter(due_on__gte=today, due_on__lte=today + timedelta(days=horizon_days))
        .order_by("due_on", "subject", "pk")
    ) if class_ids else []
    by_class = {}
    for entry in entries:
        by_class.setdefault(entry.class_page_id, []).append(entry)
    rows = [{"pupil": e.pupil, "class_page": e.class_page, "groups": group_by_due_date(by_class.get(e.class_page_id, []), today)}
            for e in enrolments]
    rows += [{"pupil": None, "class_page": c, "groups": group_by_due_date(by_class.get(c.pk, []), today)} for c in taught]
    return rows


@login_required
@keep_offline
def homework_todo(request):
    today = timezone.localdate()
    return render(request, "class_blog/homework_todo.html", {"rows": homework_rows(request.user, today), "today": today})


@login_required
@keep_offline
def class_homework(request, class_id):
    """A class's notebook, past two weeks and ahead: its families and staff only (never partner classes)."""
    class_page = _class_or_404(request.user, class_id)
    since = timezone.localdate() - timedelta(days=14)
    entries = HomeworkEntry.objects.filter(class_page=class_page, due_on__gte=since).order_by("-due_on", "subject", "pk")
    return render(request, "class_blog/class_homework.html", {
        "class_page": class_page, "entries": entries, "can_manage": policy.can_manage_class(request.user, class_page),
    })


@login_required
def homework_quick_entry(request):
    initial_class = None
    if request.GET.get("classe", "").isdigit():
        initial_class = ClassPage.objects.filter(pk=request.GET["classe"]).first()
    form = HomeworkQuickForm(request.user, request.POST or None, initial_class=initial_class)
    if not form.fields["classes"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        entries = form.save_all(request.user)
        messages.success(request, _("Homework saved for %(count)d class(es).") % {"count": len(entries)})
        return redirect("class_blog:homework_quick_entry")
    recent = HomeworkEntry.objects.filter(created_by=request.user).select_related("class_page").order_by("-created_at")[:10]
    return render(request, "class_blog/homework_form.html", {"form": form, "recent": recent})


@login_required
@require_POST
def homework_delete(request, pk):
    entry = get_object_or_404(HomeworkEntry.objects.select_related("class_page"), pk=pk)
    if not policy.can_manage_class(request.user, entry.class_page):
        raise Http404
    entry.delete()
    messages.success(request, _("Homework deleted."))
    return redirect("class_blog:class_homework", entry.class_page_id)


# ---------------------------------------------------------------------------------------- notes
@login_required
@keep_offline
def note_list(request):
    """A guardian's notes (to acknowledge, then read) and the notes a member of staff sent or oversees."""
    user = request.user
    now = timezone.now()
    received = policy.received_notes(user, now)
    pending_ids = set(note_service.pending_notes_for(user, now).values_list("pk", flat=True))
    sent = note_service.with_ack_counts(policy.managed_notes(user).select_related("class_page", "school"))
    sent = sent.order_by("-created_at")[:50]
    return render(request, "class_blog/note_list.html", {
        "received": received.order_by("-scheduled_for")[:50], "pending_ids": pending_ids, "sent": sent,
        "can_send": policy.can_send_notes(user),
    })


@login_required
def note_create(request):
    initial_class = None
    if request.GET.get("classe", "").isdigit():
        initial_class = ClassPage.objects.filter(pk=request.GET["classe"]).first()
    form = NoteForm(request.user, request.POST or None, initial_class=initial_class)
    if not form.fields["class_page"].queryset.exists() and "school" not in form.fields:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        audience = data["audience"]
        if audience == NoteForm.AUDIENCE_SCHOOL:
            if not policy.can_manage_school(request.user, data["school"]):
                raise PermissionDenied
            target = {"school": data["school"]}
        else:
            if not policy.can_manage_class(request.user, data["class_page"]):
                raise PermissionDenied
            target = {"class_page": data["class_page"]}
            if audience == NoteForm.AUDIENCE_FAMILIES:
                target["pupils"] = list(data["pupils"])
        note = note_service.send_note(request.user, title=data["title"], text=data["text"],
                                      scheduled_for=data.get("scheduled_for"), **target, **form.reply_slip())
        if note.is_delivered:
            messages.success(request, _("Note sent to %(count)d guardian(s).") % {"count": note.recipients.values("guardian").distinct().count()})
        else:
            messages.success(request, _("Note scheduled for %(when)s.") % {
                "when": timezone.localtime(note.scheduled_for).strftime("%d/%m/%Y %H:%M")})
        return redirect("class_blog:note_detail", note.pk)
    return render(request, "class_blog/note_form.html", {"form": form})


def _note_or_404(user, pk):
    note = get_object_or_404(Note.objects.select_related("class_page", "school", "sender"), pk=pk)
    if not policy.can_view_note(user, note):
        raise Http404
    return note


@login_required
@keep_offline
def note_detail(request, pk):
    note = _note_or_404(request.user, pk)
    manager = policy.can_manage_note(request.user, note)
    mine = note.recipients.filter(guardian__user=request.user)
    context = {
        "note": note,
        "can_manage": manager,
        "is_recipient": mine.exists(),
        "pending": mine.filter(acknowledged_at__isnull=True).exists(),
        "my_ack": mine.exclude(acknowledged_at__isnull=True).order_by("acknowledged_at").first(),
    }
    if note.asks_answer:
        context.update(_reply_slip_context(request.user, note, manager))
    if manager:
        context["rows"] = note_service.acknowledgement_rows(note)
        context["counts"] = note_service.with_ack_counts(Note.objects.filter(pk=note.pk)).values(
            "recipient_count", "acknowledged_count")[0]
    return render(request, "class_blog/note_detail.html", context)


def _reply_slip_context(user, note, manager):
    """The children the user answers for (with their current answers) and, for the sender, every answer."""
    answers = {a.pupil_id: a for a in note.answers.all()}
    children = [
        {"pupil": pupil, "answer": answers.get(pupil.pk),
         "display": reply_slips.display_value(note, answers[pupil.pk].value) if pupil.pk in answers else ""}
        for pupil in reply_slips.answerable_pupils(note, user)
    ]
    context = {"answer_children": children}
    if manager:
        rows = reply_slips.answer_rows(note)
        context["answer_rows"] = rows
        context["answer_counts"], context["answer_missing"] = reply_slips.answer_summary(note, rows)
    return context


@login_required
@require_POST
def note_answer(request, pk):
    """A guardian answers the reply slip for one child (either guardian may; the latest answer counts)."""
    note = _note_or_404(request.user, pk)
    try:
        pupil = reply_slips.record_answer(note, request.user, request.POST.get("pupil", ""), request.POST.get("value", ""))
    except reply_slips.AnswerRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Thank you, your answer for %(name)s is recorded.") % {"name": pupil.first_name})
    return redirect("class_blog:note_detail", note.pk)


@login_required
def note_answers_export(request, pk):
    note = _note_or_404(request.user, pk)
    if not policy.can_manage_note(request.user, note) or not note.asks_answer:
        raise Http404
    response, writer = csv_response(f"mot-{note.pk}-reponses.csv")
    writer.writerow([_("Last name"), _("First name"), _("Answer"), _("Answered by"), _("Answered at")])
    writer.writerows(reply_slips.export_rows(note))
    return response


@login_required
@require_POST
def note_acknowledge(request, pk):
    note = _note_or_404(request.user, pk)
    if note_service.acknowledge(note, request.user):
        messages.success(request, _("Thank you, your acknowledgement is recorded."))
    next_url = request.POST.get("next")
    if next_url == "home":
        return redirect("ent_pages:my_space")
    return redirect("class_blog:note_detail", note.pk)


@login_required
def note_export(request, pk):
    note = _note_or_404(request.user, pk)
    if not policy.can_manage_note(request.user, note):
        raise Http404
    response, writer = csv_response(f"mot-{note.pk}-accuses.csv")
    log_action(request.user, "preau.export", target=note,
               schools=[note.school], data={"export": "note_acknowledgements"})
    writer.writerow([_("Pupil"), _("Guardian"), _("Acknowledged"), _("Acknowledged at")])
    for row in note_service.acknowledgement_rows(note):
        for recipient in row["recipients"]:
            writer.writerow([
                str(row["pupil"]), str(recipient.guardian), _("yes") if recipient.acknowledged_at else _("no"),
                timezone.localtime(recipient.acknowledged_at).strftime("%d/%m/%Y %H:%M") if recipient.acknowledged_at else "",
            ])
    return response


@login_required
@require_POST
def note_remind(request, pk):
    note = _note_or_404(request.user, pk)
    if not policy.can_manage_note(request.user, note):
        raise Http404
    sent = note_service.remind(note)
    if note.reminder_due_at:
        messages.info(request, _("Quiet hours: the reminder will be sent at %(when)s.") % {
            "when": timezone.localtime(note.reminder_due_at).strftime("%d/%m/%Y %H:%M")})
    else:
        messages.success(request, _("Reminder sent to %(count)d guardian(s).") % {"count": sent})
    return redirect("class_blog:note_detail", note.pk)


# ------------------------------------------------------------------------------------- comments
def _post_or_404(user, post_id):
    post = get_object_or_404(ClassPostPage.objects.live(), pk=post_id)
    if not policy.can_view(user, post):
        raise Http404
    return post


@login_required
@require_POST
def comment_add(request, post_id):
    post = _post_or_404(request.user, post_id)
    class_page = post.class_page
    options = comment_rules.options_for(class_page)
    if not options.comments_enabled or not policy.can_comment(request.user, post):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Your comment is empty or too long."))
        return redirect(post.url)
    if comment_rules.rate_limited(request.user):
        messages.error(request, _("You have sent many comments in a short time; please try again later."))
        return redirect(post.url)
    text = comment_rules.sanitise(form.cleaned_data["text"])
    if not text:
        messages.error(request, _("Your comment is empty or too long."))
        return redirect(post.url)
    approved = options.trust_comments or policy.can_manage_class(request.user, class_page)
    Comment.objects.create(post=post, author=request.user, text=text, approved=approved)
    messages.success(request, _("Comment published.") if approved else _("Thank you: your comment will appear once a teacher approves it."))
    return redirect(post.url)


@login_required
@require_POST
def comment_approve(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    class_page = comment.post.class_page
    if not policy.can_manage_class(request.user, class_page):
        raise Http404
    Comment.objects.filter(pk=pk).update(approved=True)
    messages.success(request, _("Comment approved."))
    return redirect(_next_or(request, comment.post.url))


@login_required
@require_POST
def comment_delete(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    class_page = comment.post.class_page
    if not policy.can_delete_comment(request.user, comment, class_page):
        raise Http404
    comment.delete()
    messages.success(request, _("Comment deleted."))
    return redirect(_next_or(request, comment.post.url))


# ------------------------------------------------------------------ class management: options, partners
@login_required
def class_manage(request, class_id):
    """A teacher's corner for the class blog: comment options, comments to approve, partner classes."""
    class_page = _class_or_404(request.user, class_id, manage=True)
    options = ClassBlogOptions.objects.filter(class_page=class_page).first() or ClassBlogOptions(class_page=class_page)
    options_form = ClassBlogOptionsForm(request.POST or None, instance=options, prefix="options")
    if request.method == "POST" and options_form.is_valid():
        options_form.save()
        messages.success(request, _("Options saved."))
        return redirect("class_blog:class_manage", class_page.pk)
    posts = ClassPostPage.objects.descendant_of(class_page)
    pending = Comment.objects.filter(post__in=posts, approved=False).select_related("post", "author").order_by("created_at")
    return render(request, "class_blog/class_manage.html", {
        "class_page": class_page,
        "options_form": options_form,
        "pending_comments": pending,
        "invite_form": PartnershipInviteForm(class_page, prefix="invite"),
        "sent": ClassPartnership.objects.filter(inviting_class=class_page).select_related("invited_class").order_by("-created_at"),
        "received": ClassPartnership.objects.filter(invited_class=class_page).select_related("inviting_class").order_by("-created_at"),
    })


@login_required
@require_POST
def partnership_invite(request, class_id):
    class_page = _class_or_404(request.user, class_id, manage=True)
    form = PartnershipInviteForm(class_page, request.POST, prefix="invite")
    if form.is_valid():
        partnership, created = ClassPartnership.objects.get_or_create(
            inviting_class=class_page, invited_class=form.cleaned_data["invited_class"],
            defaults={"invited_by": request.user, "message": form.cleaned_data["message"]},
        )
        if not created and partnership.status != PartnershipStatus.ACCEPTED:
            partnership.status, partnership.invited_by = PartnershipStatus.PENDING, request.user
            partnership.message = form.cleaned_data["message"]
            partnership.save()
        _log_partnership(request.user, partnership)
        messages.success(request, _("Invitation sent to %(class)s.") % {"class": partnership.invited_class.title})
    else:
        messages.error(request, _("Choose a class to invite."))
    return redirect("class_blog:class_manage", class_page.pk)


@login_required
@require_POST
def partnership_answer(request, pk, action):
    """accept / decline (the invited class's teachers), revoke (either side's teachers)."""
    partnership = get_object_or_404(ClassPartnership.objects.select_related("inviting_class", "invited_class"), pk=pk)
    user = request.user
    invited_side = policy.can_manage_class(user, partnership.invited_class)
    inviting_side = policy.can_manage_class(user, partnership.inviting_class)
    transitions = {
        "accepter": (invited_side and partnership.status == PartnershipStatus.PENDING, PartnershipStatus.ACCEPTED),
        "refuser": (invited_side and partnership.status == PartnershipStatus.PENDING, PartnershipStatus.DECLINED),
        "retirer": ((invited_side or inviting_side) and partnership.status in (PartnershipStatus.PENDING, PartnershipStatus.ACCEPTED),
                    PartnershipStatus.REVOKED),
    }
    if action not in transitions or not (invited_side or inviting_side):
        raise Http404
    allowed, status = transitions[action]
    if not allowed:
        raise PermissionDenied
    partnership.status, partnership.answered_by = status, user
    partnership.save(update_fields=["status", "answered_by", "updated_at"])
    _log_partnership(user, partnership)
    messages.success(request, _("Partnership updated: %(status)s.") % {"status": partnership.get_status_display()})
    back = partnership.invited_class if invited_side else partnership.inviting_class
    return redirect("class_blog:class_manage", back.pk)


def _log_partnership(user, partnership):
    """Partnerships open a class's blog to another class: logged for both schools (ent_pages.audit)."""
    log_action(user, "preau.partnership_changed", target=partnership,
               title=f"{partnership.inviting_class.title} → {partnership.invited_class.title}",
               schools=[school_of(partnership.inviting_class), school_of(partnership.invited_class)],
               data={"status": partnership.status})


# ------------------------------------------------------------------------- preferences, quiet hours
@login_required
def notification_preferences(request):
    """The email digest, and what other apps add through the ``notification_preferences_sections`` hook
    (fn(request, context) updates the context and returns a template name, e.g. push's devices)."""
    from wagtail import hooks

    preference, _created = DigestPreference.objects.get_or_create(user=request.user)
    form = DigestPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences are saved."))
        return redirect("class_blog:notification_preferences")
    context = {"form": form}
    context["sections"] = [name for fn in hooks.get_hooks("notification_preferences_sections") if (name := fn(request, context))]
    return render(request, "class_blog/notification_preferences.html", context)


@login_required
def school_quiet_hours(request, school_id):
    school = get_object_or_404(SchoolPage, pk=school_id)
    if not policy.can_manage_school(request.user, school):
        raise Http404
    instance = SchoolQuietHours.objects.filter(school=school).first() or SchoolQuietHours(school=school)
    form = QuietHoursForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Quiet hours saved."))
        return redirect("class_blog:school_quiet_hours", school.pk)
    return render(request, "class_blog/quiet_hours_form.html", {"form": form, "school": school})
