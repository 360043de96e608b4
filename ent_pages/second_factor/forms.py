"""The one field of the second step: a code from the authenticator app, or a recovery code."""

from django import forms
from django.utils.translation import gettext_lazy as _

CODE_REFUSED = _("This code does not work. Type the 6 digits your authenticator app shows now, or one of your "
                 "recovery codes.")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                      "spellcheck": "false"}),
    )
