"""The staff's event form: the page (class, school, CLAE, city) is chosen among those they may publish on."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from ent_pages.access import SCHOOL_DEPTH, policy

from .models import Event


def publishable_pages(user):
    """The pages of the user's calendar they may add events to: the city, their schools, CLAE spaces, classes."""
    candidates = policy.calendar_pages(user).filter(depth__gte=2, depth__lte=SCHOOL_DEPTH + 1).order_by("path")
    if policy.scope(user).superuser:
        candidates = candidates.filter(depth__lte=SCHOOL_DEPTH)
    return [page for page in candidates if policy.can_publish_event(user, page)]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class EventForm(forms.ModelForm):
    page = forms.ModelChoiceField(queryset=Page.objects.none(), label=_("For"))

    class Meta:
        model = Event
        fields = ["page", "kind", "title", "starts_on", "ends_on", "start_time", "end_time", "location", "description"]
        widgets = {
            "starts_on": DateInput(), "ends_on": DateInput(), "start_time": TimeInput(), "end_time": TimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, user, *args, pages=None, **kwargs):
        super().__init__(*args, **kwargs)
        pages = publishable_pages(user) if pages is None else pages
        self.fields["page"].queryset = Page.objects.filter(pk__in=[p.pk for p in pages]).order_by("path")
        self.fields["page"].label_from_instance = lambda page: page.title
        if len(pages) == 1:
            self.initial.setdefault("page", pages[0].pk)
