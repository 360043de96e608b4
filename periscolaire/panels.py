"""Editor panels of the galleries: the image consent warning."""

from django.urls import reverse
from wagtail.admin.panels import Panel


class ConsentWarningPanel(Panel):
    """Lists, at the top of a gallery's editor, the children without image consent for its audience.

    The animator or teacher sees it while preparing the gallery and before publishing or
    submitting; the approver sees it when reviewing (and again in the approve dialog).
    """

    @property
    def clean_name(self):
        return super().clean_name or "consent_warning"

    class BoundPanel(Panel.BoundPanel):
        template_name = "periscolaire/panels/consent_warning.html"

        def get_context_data(self, parent_context=None):
            from .consent import consent_warnings

            context = super().get_context_data(parent_context)
            page = self.instance
            context["saved"] = bool(page.pk)
            if page.pk:
                context["warnings"] = consent_warnings(page)
                context["purpose"] = page.consent_purpose
                context["school_year"] = page.school_year
                context["upload_url"] = reverse("periscolaire_admin:gallery_upload", args=(page.pk,))
            return context
