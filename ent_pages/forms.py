"""Forms of ent_pages: the image form every upload path of the Wagtail admin goes through, and the
family-facing account forms (activation)."""

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from .media.uploads import header_pixels, pregenerate_renditions
from .models import User


class HeaderCheckedImageField(WagtailImageField):
    """Wagtail's upload field, counting pixels from the header before anything is decoded.

    Wagtail's own check asks Willow for the size, which decodes the whole image first: a
    decompression bomb below Pillow's hard limit would be decoded (hundreds of MiB) before being
    refused, and every 12 MP photo is decoded once just to be counted.
    """

    def check_image_pixel_size(self, f):
        source = f.image.f
        try:
            pixels = header_pixels(source)
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning, OSError, SyntaxError, ValueError):
            pixels = None
        if self.max_image_pixels is not None and (pixels is None or pixels > self.max_image_pixels):
            raise ValidationError(
                self.error_messages["file_too_many_pixels"]
                % {"num_pixels": pixels if pixels is not None else "?", "max_pixels_count": self.max_image_pixels},
                code="file_too_many_pixels",
            )


class PrivateImageForm(BaseImageForm):
    """Base of Wagtail's image forms (single upload, multiple upload, chooser upload, edit).

    The file is checked from its content (format, size, pixels from the header) and cleaned by
    ``ent_pages.media.uploads`` when the image is saved (PrivateImage.save).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is not None and not isinstance(field, HeaderCheckedImageField):
            self.fields["file"] = HeaderCheckedImageField(
                label=field.label, required=field.required, widget=field.widget, help_text=field.help_text
            )

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
