from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntPagesConfig(AppConfig):
    name = "ent_pages"
    verbose_name = _("Schools, classes and people")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks, signals  # noqa: F401  (deploy checks; role groups in sync with pages and assignments)
        from .media import links, usage
        from .media import signals as media_signals  # noqa: F401  (cleans Wagtail's pending uploads)
        from .tree import city_home_after_migrate
        from .webapp import connect as connect_webapp

        usage.connect()  # which files live pages show (LiveFileUsage)
        links.connect()  # media key rotated at login, dropped at logout
        connect_webapp()  # a logout response clears the site's data in the browser (offline pages)
        post_migrate.connect(city_home_after_migrate, sender=self)  # the tree's city home exists after migrate
