"""Errors as JSON, in French: ``{"detail": "...", "code": "...", "errors": {...}}``.

DRF's messages go through Django's translation (DRF ships their French catalogue; Préau's are in
locale/fr). Unknown paths under /api/ answer the same JSON 404 (``not_found``).
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: a 500, logged as such
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": _("Invalid data."), "code": "invalid", "errors": data}
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail if not isinstance(exc.detail, (list, dict)) else data
        code = getattr(detail, "code", None) or exc.default_code
        response.data = {"detail": str(detail) if not isinstance(detail, (list, dict)) else detail, "code": code}
    else:  # Http404 and PermissionDenied, turned into DRF's by the default handler
        response.data = {"detail": data.get("detail", ""), "code": getattr(data.get("detail"), "code", "error")}
    return response


def not_found(request, *args, **kwargs):
    """Any other path under /api/v1/: a JSON 404, not the site's HTML page."""
    return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
