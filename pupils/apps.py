from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PupilsConfig(AppConfig):
    name = "pupils"
    verbose_name = _("Pupil accounts")

    def ready(self):
        from . import signals  # noqa: F401  (import end, rollover and demo hooks)
