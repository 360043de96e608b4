"""Content-Security-Policy for the site and for Wagtail's admin (django-csp; see docs/security.md).

The site's policy (settings.CONTENT_SECURITY_POLICY) is strict: scripts and styles from Préau's own
static files only, a nonce for the rare script that must be inline, no inline event handlers, no
plugins, no framing. Wagtail 8's admin still writes a few inline scripts (inline panels, date
widgets) and style attributes, so below ``/admin/`` the script and style directives are relaxed to
what it needs (settings.PREAU_ADMIN_CSP_OVERRIDES); every other directive stays the site's.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class PreauCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's relaxed script and style sources under /admin/."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(settings.PREAU_ADMIN_PATH_PREFIX):
            parts.replace = {**settings.PREAU_ADMIN_CSP_OVERRIDES, **(parts.replace or {})}
            parts.nonce = None  # a nonce would disable 'unsafe-inline' for the admin's own scripts
        return parts
