"""Serve views of private media: the only way out for originals, renditions and documents.

Each view asks the access policy. An anonymous visitor is sent to the login page, a logged-in
outsider gets 404 (the file's existence is not disclosed), and a private answer is never cached
(``Cache-Control: private, no-store``). Files of public pages (the city home, school
presentations) are answered with public cache headers. The bytes are sent by django-sendfile2:
in production nginx sends the file (X-Accel-Redirect to an ``internal`` location, see
docs/private-media.md); in development and tests Django streams it.
"""

import mimetypes
import posixpath

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django_sendfile import sendfile

from ..access import PUBLIC_FILE, policy
from ..caching import mark_public
from .models import PrivateDocument, PrivateImage, PrivateRendition

#: Public files (city pages, school presentations) may be cached by browsers and proxies.
PUBLIC_MAX_AGE = 60 * 60
#: Where Wagtail's rendition upload_to puts rendition files (AbstractRendition.get_upload_to).
RENDITIONS_FOLDER = "images"


def rendition(request, image_id, filename):
    obj = get_object_or_404(
        PrivateRendition.objects.select_related("image"),
        image_id=image_id, file=posixpath.join(RENDITIONS_FOLDER, filename),
    )
    return _serve(request, obj, obj.file, filename)


def image_original(request, image_id, filename):
    obj = get_object_or_404(PrivateImage, pk=image_id)
    return _serve(request, obj, obj.file, filename)


def document(request, document_id, filename):
    obj = get_object_or_404(PrivateDocument, pk=document_id)
    return _serve(request, obj, obj.file, filename, attachment=True)


def _serve(request, obj, field_file, filename, attachment=False):
    access = policy.file_access(request.user, obj)
    if not access:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    if not field_file or filename != field_file.name.rsplit("/", 1)[-1]:
        raise Http404
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    try:
        path = field_file.path
    except NotImplementedError:  # object storage without local paths: stream it (see docs)
        response = FileResponse(field_file.open("rb"), content_type=content_type,
                                as_attachment=attachment, filename=filename)
    else:
        response = sendfile(request, path, attachment=attachment, attachment_filename=filename, mimetype=content_type)
    if access == PUBLIC_FILE:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        mark_public(response)  # the same file for everyone: PrivateResponsesMiddleware leaves it cacheable
    else:
        patch_cache_control(response, private=True, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response
