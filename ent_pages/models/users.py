from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """An account: a parent, a member of staff or a city editor.

    Parents' usernames are the email they chose at activation; staff accounts carry the registry id
    of the staff member so that imports update them instead of creating duplicates.
    """

    external_id = models.CharField(
        _("registry id"), max_length=64, unique=True, null=True, blank=True,
        help_text=_("Identifier of a member of staff in the city's registry."),
    )
    #: Set by the year rollover when the account has no child or assignment left in the city;
    #: the account is deleted three months later (ent_pages.rollover).
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username
