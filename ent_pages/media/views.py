"""Serve views of private media for development and tests: the same check nginx makes in production.

A request is answered only when it carries a valid link for the media cookie it sends
(``ent_pages.media.links``): no database, no session, no cache is read. In production these URLs
never reach Django: nginx checks the signature and sends the file (deploy/nginx.conf.template).

Answers: the file with ``Cache-Control: private, no-store`` (``public, max-age=3600`` for a link
signed for a browser without media key, which only public pages hand out); 403 for a missing,
expired, altered or other browser's link; 404 when the file does not exist.
"""

import mimetypes
import posixpath

from django.http import FileResponse, Http404, HttpResponseForbidden
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from ..caching import mark_public
from . import links
from .models import private_storage

#: Links without media key come from public pages (city home, school presentations).
PUBLIC_MAX_AGE = 60 * 60


def rendition(request, image_id, filename):
    return _serve(request, links.FOLDERS["rendition"], filename)


def image_original(request, image_id, filename):
    return _serve(request, links.FOLDERS["original"], filename)


def document(request, document_id, filename):
    return _serve(request, links.FOLDERS["document"], filename, attachment=True)


def _serve(request, folder, filename, attachment=False):
    if not links.verify_request(request):
        return HttpResponseForbidden(
            _("This link has expired or was made for another browser. Reload the page that shows the file."),
            content_type="text/plain; charset=utf-8",
        )
    name = posixpath.join(folder, filename)
    storage = private_storage()
    if filename.startswith(".") or not storage.exists(name):
        raise Http404
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(storage.open(name, "rb"), content_type=content_type, as_attachment=attachment,
                            filename=filename)
    if request.COOKIES.get(links.COOKIE_NAME):
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        mark_public(response)  # the same file for everyone: PrivateResponsesMiddleware leaves it cacheable
    response["X-Content-Type-Options"] = "nosniff"
    return response
