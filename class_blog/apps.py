from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassBlogConfig(AppConfig):
    name = "class_blog"
    verbose_name = _("Class life")

    def ready(self):
        from . import signals  # noqa: F401
