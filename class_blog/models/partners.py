"""Partner classes (correspondance scolaire): a class invites another one to read and comment its blog."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class PartnershipStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    REVOKED = "revoked", _("revoked")


class ClassPartnershipQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(status=PartnershipStatus.ACCEPTED)


class ClassPartnership(models.Model):
    """The inviting class's blog opened to the invited class (its families and teachers), once accepted.

    This row is the grant the access policy reads (AccessPolicy._partner_class_paths); revoking it
    removes the access at the next request. Partners never see homework or notes.
    """

    inviting_class = models.ForeignKey(
        "ent_pages.ClassPage", on_delete=models.CASCADE, related_name="partnerships_sent", verbose_name=_("inviting class")
    )
    invited_class = models.ForeignKey(
        "ent_pages.ClassPage", on_delete=models.CASCADE, related_name="partnerships_received", verbose_name=_("invited class")
    )
    status = models.CharField(_("status"), max_length=10, choices=PartnershipStatus.choices, default=PartnershipStatus.PENDING)
    message = models.TextField(_("message"), blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ClassPartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("class partnership")
        verbose_name_plural = _("class partnerships")
        constraints = [
            models.UniqueConstraint(fields=["inviting_class", "invited_class"], name="one_partnership_per_pair"),
            models.CheckConstraint(condition=~Q(inviting_class=F("invited_class")), name="partnership_between_two_classes"),
        ]

    def __str__(self):
        return f"{self.inviting_class} → {self.invited_class} ({self.get_status_display()})"
