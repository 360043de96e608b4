"""A pupil's messages with the teachers of their class (/eleve/messages/): list, write, read and reply.

Large type and few words. The rules are the access policy's (section "conversations"): a pupil
writes only to the teachers of their current class, only while those teachers turn pupil messages
on (pupils.ClassPupilSettings.messages_enabled), never to another pupil or a family. A thread the
pupil may not open is a 404, like one that does not exist. Pupils get no email: their teachers
answer from their usual inbox (/messages/), and the pupil reads the answer here.
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conversations import sending
from conversations.inbox import inbox_page
from conversations.models import Message, Thread
from ent_pages.access import PUPIL_SEES_MESSAGES, policy

from .session import is_pupil_session
from .views import _pupil_page

#: A pupil's message is short: a few sentences.
PUPIL_MAX_LENGTH = 1000


class PupilMessageForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("My message"), max_length=PUPIL_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 5, "class": "big-text"}))


class PupilNewMessageForm(PupilMessageForm):
    recipient = forms.ChoiceField(label=gettext_lazy("Who do I write to?"), widget=forms.RadioSelect)
    field_order = ["recipient", "text"]

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.contacts = {c.key: c for c in contacts}
        self.fields["recipient"].choices = [(c.key, c.label) for c in contacts]
        if len(contacts) == 1:
            self.fields["recipient"].initial = contacts[0].key

    def clean_recipient(self):
        return self.contacts[self.cleaned_data["recipient"]]


def _messaging(request):
    """None when the pupil may use messages; else the answer to send (log in again, or messages closed)."""
    if not is_pupil_session(request):
        return redirect("pupils:start")
    if not policy.pupil_may_see(request.user, PUPIL_SEES_MESSAGES):
        return _pupil_page(request, "pupils/messages/closed.html", status=403)
    return None


def message_list(request):
    refused = _messaging(request)
    if refused:
        return refused
    rows, _has_next = inbox_page(request.user)
    return _pupil_page(request, "pupils/messages/list.html", {"rows": rows})


def write(request):
    refused = _messaging(request)
    if refused:
        return refused
    user = request.user
    contacts = policy.conversation_contacts(user)
    form = PupilNewMessageForm(request.POST or None, contacts=contacts)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                thread, _message = sending.start_thread(
                    user, form.cleaned_data["recipient"], text=form.cleaned_data["text"],
                    subject=_("Message from %(name)s") % {"name": user.first_name})
        except sending.SendRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("pupils:message_thread", pk=thread.pk)
    return _pupil_page(request, "pupils/messages/write.html", {"form": form, "no_contact": not contacts},
                       status=400 if form.errors else 200)


def thread(request, pk):
    refused = _messaging(request)
    if refused:
        return refused
    user, now = request.user, timezone.now()
    conversation = get_object_or_404(Thread.objects.filter(kind=Thread.Kind.PUPIL), pk=pk)
    participation = policy.thread_participation(user, conversation)
    if participation is None:
        raise Http404
    can_post = policy.can_post_in_thread(user, conversation, participation)
    form = PupilMessageForm(request.POST or None)
    if request.method == "POST" and can_post and form.is_valid():
        try:
            with transaction.atomic():
                sending.post_message(user, conversation, participation, text=form.cleaned_data["text"])
        except sending.SendRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("pupils:message_thread", pk=conversation.pk)
    shown = list(Message.objects.filter(thread=conversation).visible_to(user, now).select_related("sender"))
    for message in shown:
        message.mine = message.sender_id == user.pk
    sending.mark_read(participation, now)
    return _pupil_page(request, "pupils/messages/thread.html", {
        "thread": conversation, "thread_messages": shown, "form": form, "can_post": can_post,
    }, status=400 if form.errors else 200)
