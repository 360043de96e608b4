"""Image consent (*droit à l'image*): per child, per purpose, per school year, by each guardian.

The CNIL asks for a consent per use and per year, not a blanket form. Each guardian decides; a
child counts as consenting for a purpose only when every guardian consents (one refusal wins).
Without a decision, a guardian's position is the registry's photo authorisation where there is
one (see ``periscolaire.consent.registry_photo_authorisation``), else "not given". Every change
is logged in ``ConsentChange``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ent_pages.school_year import current_school_year, validate_school_year


class ConsentPurpose(models.TextChoices):
    GROUP = "group", _("Shown to the families of the class or CLAE group")
    SCHOOL = "school", _("Shown to all the families of the school")
    PUBLIC = "public", _("Used on the city's public pages")


class ConsentDecision(models.TextChoices):
    GIVEN = "given", _("Consent given")
    REFUSED = "refused", _("Consent refused")
    #: Never stored on ImageConsent: the absence of a decision (and of a registry authorisation).
    NOT_GIVEN = "not_given", _("Not given")


class ImageConsent(models.Model):
    """One guardian's decision for one child, one purpose and one school year."""

    pupil = models.ForeignKey("ent_pages.Pupil", on_delete=models.CASCADE, related_name="image_consents", verbose_name=_("pupil"))
    guardian = models.ForeignKey(
        "ent_pages.Guardian", on_delete=models.CASCADE, related_name="image_consents", verbose_name=_("guardian")
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    school_year = models.CharField(_("school year"), max_length=9, default=current_school_year, validators=[validate_school_year])
    decision = models.CharField(
        _("decision"), max_length=16, choices=[(c.value, c.label) for c in (ConsentDecision.GIVEN, ConsentDecision.REFUSED)]
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now=True)

    class Meta:
        verbose_name = _("image consent")
        verbose_name_plural = _("image consents")
        constraints = [
            models.UniqueConstraint(fields=["pupil", "guardian", "purpose", "school_year"], name="one_consent_per_guardian_purpose_year"),
        ]
        indexes = [models.Index(fields=["school_year", "purpose", "pupil"], name="consent_year_purpose_pupil")]

    def __str__(self):
        return f"{self.pupil} / {self.guardian} / {self.get_purpose_display()} / {self.school_year}: {self.get_decision_display()}"


class ConsentChange(models.Model):
    """The log of consent changes: who changed what, when, from what to what. Never edited."""

    pupil = models.ForeignKey("ent_pages.Pupil", on_delete=models.CASCADE, related_name="consent_changes", verbose_name=_("pupil"))
    guardian = models.ForeignKey(
        "ent_pages.Guardian", on_delete=models.CASCADE, related_name="consent_changes", verbose_name=_("guardian")
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    school_year = models.CharField(_("school year"), max_length=9)
    old_decision = models.CharField(_("before"), max_length=16, choices=ConsentDecision.choices)
    new_decision = models.CharField(_("after"), max_length=16, choices=ConsentDecision.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("image consent change")
        verbose_name_plural = _("image consent changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.pupil} / {self.purpose}: {self.old_decision} → {self.new_decision}"
