from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The JSON API of the phone app (issue 16): /api/v1/, per-device tokens, the access policy's answers."""

    name = "api"
    verbose_name = _("JSON API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import schema  # noqa: F401 - registers the token's security scheme with drf-spectacular
