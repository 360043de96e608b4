"""Pupil accounts, their login cards, and what each class's teachers open to pupils.

Only what the login needs is kept about a child (CNIL minimisation): the account is a User with
the first name and the last-name initial, no email and no password; the pupil record
(ent_pages.Pupil) gives the class. The card's QR token and picture password are stored only as keyed
hashes (pupils.credentials), like activation codes.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ent_pages.access import (
    PUPIL_SEES_BLOG,
    PUPIL_SEES_HOMEWORK,
    PUPIL_SEES_MESSAGES,
    PUPIL_SEES_PARTNERS,
    PUPIL_SEES_WORKBOOKS,
)


class PupilAccount(models.Model):
    """The login of one pupil: created by the import for the levels the city enables (pupils.accounts)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pupil_account",
                                verbose_name=_("account"))
    pupil = models.OneToOneField("ent_pages.Pupil", on_delete=models.CASCADE, related_name="login_account",
                                 verbose_name=_("pupil"))
    #: False when the pupil left, their level is not enabled, or a teacher disabled the account.
    is_active = models.BooleanField(_("active"), default=True)
    disabled_by_teacher = models.BooleanField(_("disabled by a teacher"), default=False)
    #: HMAC of the card's QR token (unique) and of the picture password with its salt; empty before a card is printed.
    token_digest = models.CharField(_("card token digest"), max_length=64, unique=True, null=True, blank=True)
    pictures_digest = models.CharField(_("picture password digest"), max_length=64, blank=True)
    pictures_salt = models.CharField(max_length=32, blank=True)
    card_printed_at = models.DateTimeField(_("card printed at"), null=True, blank=True)
    #: Wrong picture passwords in a row; the account is locked at PUPIL_LOCK_AFTER until a teacher unlocks it.
    failed_attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pupil account")
        verbose_name_plural = _("pupil accounts")

    def __str__(self):
        return str(self.user)

    @property
    def has_card(self):
        return bool(self.token_digest and self.pictures_digest)


class ClassPupilSettings(models.Model):
    """Per class: pupil accounts on or off, and what pupils see. Edited by the class's teachers.

    A class without a row uses the defaults (accounts on; blog, homework and workbooks shown; partner
    classes' blogs not shown; messages with the class's teachers off).
    """

    class_page = models.OneToOneField("ent_pages.ClassPage", on_delete=models.CASCADE, related_name="pupil_settings",
                                      verbose_name=_("class"))
    accounts_enabled = models.BooleanField(_("pupil accounts"), default=True)
    show_blog = models.BooleanField(_("class blog and galleries"), default=True)
    show_homework = models.BooleanField(_("homework"), default=True)
    show_workbooks = models.BooleanField(_("holiday workbooks"), default=True)
    show_partners = models.BooleanField(_("partner classes' blogs"), default=False)
    #: Pupils may write to the class's teachers (conversations, pupil threads); off until a teacher turns it on.
    messages_enabled = models.BooleanField(_("messages with my pupils"), default=False)
    #: Set when too many wrong picture passwords were tried in the class in a short time; a teacher unlocks.
    pictures_locked_at = models.DateTimeField(_("picture logins locked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("class pupil settings")
        verbose_name_plural = _("class pupil settings")

    def __str__(self):
        return str(self.class_page)

    def pupil_sees(self):
        shown = {PUPIL_SEES_BLOG: self.show_blog, PUPIL_SEES_HOMEWORK: self.show_homework,
                 PUPIL_SEES_WORKBOOKS: self.show_workbooks, PUPIL_SEES_PARTNERS: self.show_partners,
                 PUPIL_SEES_MESSAGES: self.messages_enabled}
        return {name for name, on in shown.items() if on}


class DisableRequest(models.Model):
    """A guardian asks the class's teachers to disable their child's pupil account."""

    pupil = models.ForeignKey("ent_pages.Pupil", on_delete=models.CASCADE, related_name="account_disable_requests",
                              verbose_name=_("pupil"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account disable request")
        verbose_name_plural = _("account disable requests")
        constraints = [models.UniqueConstraint(fields=["pupil"], condition=models.Q(handled_at__isnull=True),
                                               name="one_open_disable_request_per_pupil")]

    def __str__(self):
        return f"{self.pupil_id} ({self.created_at:%Y-%m-%d})"
