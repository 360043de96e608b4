from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Municipal resources")

    def ready(self):
        from . import signals  # noqa: F401  (editing rights and workflow on the resource index)
