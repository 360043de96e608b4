"""Front-end forms of class life: quick homework entry, notes, comments, partner classes, preferences."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ent_pages.access import policy
from ent_pages.models import ClassPage, Pupil, SchoolPage
from ent_pages.school_year import current_school_year

from .models import AnswerKind, ClassBlogOptions, DigestPreference, HomeworkEntry, SchoolQuietHours
from .models.homework import next_school_day


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ClassChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.title


def managed_classes_this_year(user):
    return policy.managed_classes(user).filter(school_year=current_school_year()).live().order_by("title")


class HomeworkQuickForm(forms.ModelForm):
    """A few fields, one click: the same entry for one or several of the teacher's classes."""

    classes = ClassChoiceField(queryset=ClassPage.objects.none(), widget=forms.CheckboxSelectMultiple, label=_("Classes"))

    class Meta:
        model = HomeworkEntry
        fields = ["due_on", "subject", "text"]
        widgets = {"due_on": DateInput(), "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, user, *args, initial_class=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classes"].queryset = managed_classes_this_year(user)
        choices = list(self.fields["classes"].queryset)
        if initial_class is not None and initial_class in choices:
            self.initial.setdefault("classes", [initial_class.pk])
        elif len(choices) == 1:
            self.initial.setdefault("classes", [choices[0].pk])
        self.initial.setdefault("due_on", next_school_day())
        self.order_fields(["classes", "due_on", "subject", "text"])

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date is in the past."))
        return due_on

    def save_all(self, user):
        entries = [
            HomeworkEntry(class_page=class_page, given_on=timezone.localdate(), created_by=user, **{
                name: self.cleaned_data[name] for name in ("due_on", "subject", "text")
            })
            for class_page in self.cleaned_data["classes"]
        ]
        from ent_pages.my_space_cache import class_life_changed

        created = HomeworkEntry.objects.bulk_create(entries)  # no signal: the homes are told here
        for class_page in self.cleaned_data["classes"]:
            class_life_changed(class_page=class_page)
        return created


class NoteForm(forms.Form):
    AUDIENCE_CLASS, AUDIENCE_SCHOOL, AUDIENCE_FAMILIES = "class", "school", "families"

    audience = forms.ChoiceField(label=_("To"), widget=forms.RadioSelect, choices=[
        (AUDIENCE_CLASS, _("All the families of a class")),
        (AUDIENCE_FAMILIES, _("Chosen families of a class")),
        (AUDIENCE_SCHOOL, _("All the families of the school")),
    ], initial=AUDIENCE_CLASS)
    class_page = forms.ModelChoiceField(queryset=ClassPage.objects.none(), required=False, label=_("Class"))
    pupils = forms.ModelMultipleChoiceField(
        queryset=Pupil.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Families of")
    )
    school = forms.ModelChoiceField(queryset=SchoolPage.objects.none(), required=False, label=_("School"))
    title = forms.CharField(max_length=200, label=_("Title"))
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label=_("Text"))
    scheduled_for = forms.DateTimeField(
        required=False, widget=DateTimeInput(), label=_("Send later"),
        help_text=_("Leave empty to send now. Nothing reaches families during quiet hours: it waits until they end."),
    )
    answer_kind = forms.ChoiceField(label=_("Reply slip"), choices=AnswerKind.choices, initial=AnswerKind.NONE,
                                    widget=forms.RadioSelect, required=False)
    question = forms.CharField(max_length=200, required=False, label=_("Question"),
                               help_text=_("For example: “May your child take part in the outing?”"))
    answer_choices = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Choices"),
                                     help_text=_("One choice per line."))
    respond_by = forms.DateField(required=False, label=_("Answer by"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    REPLY_FIELDS = ("answer_kind", "question", "answer_choices", "respond_by")

    def __init__(self, user, *args, initial_class=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        classes = managed_classes_this_year(user)
        self.fields["class_page"].queryset = classes
        self.fields["class_page"].label_from_instance = lambda obj: obj.title
        self.fields["pupils"].queryset = (
            Pupil.objects.filter(enrolments__class_page__in=classes, enrolments__school_year=current_school_year())
            .distinct().order_by("last_name", "first_name")
        )
        scope = policy.scope(user)
        schools = SchoolPage.objects.all() if scope.superuser else SchoolPage.objects.filter(path__in=scope.director_school_paths)
        self.fields["school"].queryset = schools
        if not schools.exists():
            del self.fields["school"]
            self.fields["audience"].choices = self.fields["audience"].choices[:2]
        if initial_class is None:
            # A teacher of one class writes to that class: no choice to make.
            only = list(classes.values_list("pk", flat=True)[:2])
            if len(only) == 1:
                self.initial.setdefault("class_page", only[0])
        else:
            self.initial.setdefault("class_page", initial_class.pk)

    def clean_reply_slip(self, data):
        kind = data["answer_kind"] = data.get("answer_kind") or AnswerKind.NONE
        if kind == AnswerKind.NONE:
            data.update(question="", answer_choices="", respond_by=None)
            return
        if not data.get("question"):
            self.add_error("question", _("Write the question the families answer."))
        if kind == AnswerKind.CHOICE:
            choices = [line.strip() for line in (data.get("answer_choices") or "").splitlines() if line.strip()]
            if len(choices) < 2:
                self.add_error("answer_choices", _("Give at least two choices, one per line."))
            data["answer_choices"] = "\n".join(choices)
        else:
            data["answer_choices"] = ""

    def reply_slip(self):
        return {name: self.cleaned_data.get(name) or ("" if name != "respond_by" else None) for name in self.REPLY_FIELDS}

    def clean(self):
        data = super().clean()
        self.clean_reply_slip(data)
        audience = data.get("audience")
        if audience in (self.AUDIENCE_CLASS, self.AUDIENCE_FAMILIES) and not data.get("class_page"):
            self.add_error("class_page", _("Choose the class."))
        if audience == self.AUDIENCE_FAMILIES:
            pupils = data.get("pupils") or []
            if not pupils:
                self.add_error("pupils", _("Choose at least one family."))
            elif data.get("class_page") and any(
                not p.enrolments.filter(class_page=data["class_page"], school_year=current_school_year()).exists()
                for p in pupils
            ):
                self.add_error("pupils", _("Choose families of the chosen class."))
        if audience == self.AUDIENCE_SCHOOL and not data.get("school"):
            self.add_error("school", _("Choose the school."))
        return data


class CommentForm(forms.Form):
    text = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), label=_("Your comment"))


class ClassBlogOptionsForm(forms.ModelForm):
    class Meta:
        model = ClassBlogOptions
        fields = ["comments_enabled", "trust_comments"]


class PartnershipInviteForm(forms.Form):
    invited_class = forms.ModelChoiceField(queryset=ClassPage.objects.none(), label=_("Class to invite"))
    message = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Message"))

    def __init__(self, inviting_class, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited_class"].queryset = (
            ClassPage.objects.live().filter(school_year=inviting_class.school_year)
            .exclude(pk=inviting_class.pk).order_by("path")
        )
        schools = dict(SchoolPage.objects.values_list("path", "title"))
        steplen = ClassPage.steplen
        self.fields["invited_class"].label_from_instance = (
            lambda obj: f"{obj.title} — {schools.get(obj.path[: 3 * steplen], '')}"
        )


class DigestPreferenceForm(forms.ModelForm):
    class Meta:
        model = DigestPreference
        fields = ["frequency"]
        widgets = {"frequency": forms.RadioSelect}


class QuietHoursForm(forms.ModelForm):
    class Meta:
        model = SchoolQuietHours
        fields = ["evening", "morning", "weekend"]
        widgets = {"evening": forms.TimeInput(attrs={"type": "time"}), "morning": forms.TimeInput(attrs={"type": "time"})}
