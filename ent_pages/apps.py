from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntPagesConfig(AppConfig):
    name = "ent_pages"
    verbose_name = _("Schools, classes and people")

    def ready(self):
        from . import checks, signals  # noqa: F401  (deploy checks; role groups in sync with pages and assignments)
