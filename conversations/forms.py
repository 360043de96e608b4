"""Forms of conversations: recipients are offered only among those the access policy allows."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ent_pages.access import policy

from .attachments import validate_upload


class MessageFields(forms.Form):
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(label=_("Photo or document"), required=False, validators=[validate_upload])
    scheduled_for = forms.DateTimeField(
        label=_("Send later (date and time)"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )

    def __init__(self, *args, can_schedule=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_schedule:
            del self.fields["scheduled_for"]

    def clean_scheduled_for(self):
        value = self.cleaned_data.get("scheduled_for")
        if value and value <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return value


class ReplyForm(MessageFields):
    pass


class NewThreadForm(MessageFields):
    recipient = forms.ChoiceField(label=_("To"))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    field_order = ["recipient", "subject", "text", "attachment", "scheduled_for"]

    def __init__(self, *args, user, **kwargs):
        self.contacts = {c.key: c for c in policy.conversation_contacts(user)}
        is_staff = any("pupil_id" not in c.sender_grounds for c in self.contacts.values())
        super().__init__(*args, can_schedule=is_staff, **kwargs)
        self.fields["recipient"].choices = [("", "—")] + [(key, c.label) for key, c in self.contacts.items()]
        self.order_fields(self.field_order)

    def clean_recipient(self):
        key = self.cleaned_data["recipient"]
        if key not in self.contacts:
            raise forms.ValidationError(_("You cannot write to this person."))
        return self.contacts[key]


class BroadcastForm(MessageFields):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    field_order = ["subject", "text", "scheduled_for"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, can_schedule=True, **kwargs)
        del self.fields["attachment"]
        self.order_fields(self.field_order)


class ReportForm(forms.Form):
    context = forms.CharField(label=_("What is wrong with this conversation?"), widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=2000)


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
