from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntPagesConfig(AppConfig):
    name = "ent_pages"
    verbose_name = _("Schools, classes and people")

    def ready(self):
        from . import checks, signals  # noqa: F401  (deploy checks; role groups in sync with pages and assignments)
        from .media import links, usage
        from .media import signals as media_signals  # noqa: F401  (cleans Wagtail's pending uploads)
        from .webapp import connect as connect_webapp

        usage.connect()  # which files live pages show (LiveFileUsage)
        links.connect()  # media key rotated at login, dropped at logout
        connect_webapp()  # a logout response clears the site's data in the browser (offline pages)
