"""Forms of ent_pages: the image form every upload path of the Wagtail admin goes through, and the
family-facing account forms (activation)."""

import os

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.forms.fields import FileField
from django.utils.translation import gettext_lazy as _
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from .media.uploads import accepted_formats_text, clean_image_bytes, not_accepted_message, pregenerate_renditions
from .models import User


class CleanedImageField(WagtailImageField):
    """Wagtail's upload field, which cleans the file while it validates it.

    Every upload form of the admin (single add, multiple upload, chooser upload, edit) goes through
    it. A file that cannot be stored (not an accepted format, too big, too many pixels, a damaged
    header, cut short, broken picture data) is refused here with a message saying what is wrong,
    before anything is written: an error raised later, from the model's save(), is not caught by
    Wagtail's views and would be a server error. The cleaned file (``clean_image_bytes``) is what
    the form hands to the model, and is kept on the raw upload for Wagtail's "finish later" copy
    (``UploadedFile``, cleaned by ``ent_pages.media.signals``).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.help_text = _("Accepted formats: %(formats)s. Maximum size: %(max)s.") % {
            "formats": accepted_formats_text(), "max": self.max_upload_size_text}
        # Also shown by the multiple uploader's browser-side check.
        self.error_messages["invalid_image_extension"] = not_accepted_message()
        self.error_messages["invalid_image"] = not_accepted_message()

    def to_python(self, data):
        uploaded = FileField.to_python(self, data)
        if uploaded is None:
            return None
        extension = os.path.splitext(uploaded.name)[1].lower().lstrip(".")
        if extension not in self.allowed_image_extensions:
            raise ValidationError(not_accepted_message(uploaded.name), code="invalid_image_extension")
        cleaned = clean_image_bytes(uploaded, uploaded.name)
        uploaded.seek(0)
        uploaded.preau_cleaned_file = cleaned
        return cleaned


class PrivateImageForm(BaseImageForm):
    """Base of Wagtail's image forms (single upload, multiple upload, chooser upload, edit).

    The file is validated and cleaned by its field (``CleanedImageField``); ``PrivateImage.save``
    stores the cleaned file. After an upload, what the uploader should know about the file (an
    animation kept as its first image) is shown next to the title in the multiple uploader.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is not None and not isinstance(field, CleanedImageField):
            self.fields["file"] = CleanedImageField(label=field.label, required=field.required, widget=field.widget)
        notes = getattr(self.instance, "upload_notes", None)
        if notes and "title" in self.fields:
            self.fields["title"].help_text = " ".join(str(note) for note in notes)

    def save(self, commit=True):
        replaced = commit and "file" in self.changed_data and self.instance.pk is not None and bool(self.original_file)
        image = super().save(commit=commit)
        if replaced:
            # Wagtail's form deletes every rendition after a file is replaced, including those
            # PrivateImage.save() just generated from the new file: generate them again.
            pregenerate_renditions(image)
        return image

#: One message for a wrong, expired or already used code: it must not tell which.
CODE_REFUSED = _("This code does not work. Check it on your letter; if it still fails, ask the school for a new letter.")


class ActivationCodeForm(forms.Form):
    """A second letter, for a parent who is logged in: the code only."""

    code = forms.CharField(
        label=_("Activation code"), max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters",
                                      "spellcheck": "false", "placeholder": "XXXX-XXXX-XXXX-XXXX"}),
    )


class ActivationForm(ActivationCodeForm):
    """First activation: the code, then the login (an email) and a password the parent chooses."""

    email = forms.EmailField(label=_("Your email address (it will be your login)"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(label=_("Choose a password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    accept_terms = forms.BooleanField(label=_("I accept the terms of use of Préau"), required=True)

    def clean_email(self):
        # Whether an account already uses the address is never said here: the view decides after the
        # code was checked, and answers alike (ent_pages.views.activation).
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1 and cleaned.get("email"):
            probe = User(username=cleaned["email"], email=cleaned["email"])
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
