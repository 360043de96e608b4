from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolCalendarConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "school_calendar"
    verbose_name = _("School calendar")
