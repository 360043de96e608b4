"""Forms of the family-facing account pages."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import User

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
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email, guardian_records__isnull=False).exists():
            raise forms.ValidationError(
                _("An account already uses this email address. Log in with it, then type your code again: "
                  "the child will be added to your account."),
                code="email_taken",
            )
        return email

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
