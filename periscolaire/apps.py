from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeriscolaireConfig(AppConfig):
    name = "periscolaire"
    verbose_name = _("After-school centres (CLAE)")

    def ready(self):
        from . import signals  # noqa: F401
