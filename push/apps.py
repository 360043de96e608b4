from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PushConfig(AppConfig):
    name = "push"
    verbose_name = _("Push notifications")

    def ready(self):
        from . import signals  # noqa: F401  (notes, homework, posts, galleries and messages owe pushes)
