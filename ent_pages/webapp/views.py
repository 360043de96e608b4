"""The web app's own files: the manifest, the service worker (at the site root) and the offline page."""

import hashlib
import json
from functools import lru_cache

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import OFFLINE_KEY_HEADER

#: Where the worker never answers: the admin, and private files (their signed links expire; they are
#: never kept, so a photo's link cannot outlive its life in a cache).
WORKER_IGNORES = ("/admin/", "/fichiers/", "/_private-media-is-never-public/")
#: Pages kept per user (the most recently read ones): enough for a term of notes and homework.
WORKER_MAX_PAGES = 60


@require_GET
def manifest(request):
    """/manifest.webmanifest: what a phone needs to install Préau (name, icons, colour, start page)."""
    from ..models.look import CityLook

    colour = CityLook.load(request_or_site=request).brand_colour.lower()
    icons = [{"src": static(f"img/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
             for size in (192, 512)]
    icons += [{"src": static(f"img/icon-maskable-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png",
               "purpose": "maskable"} for size in (192, 512)]
    data = {
        "id": reverse("ent_pages:my_space"),
        "name": "Préau",
        "short_name": "Préau",
        "description": _("The digital workspace of the city's public schools."),
        "lang": "fr",
        "dir": "ltr",
        "start_url": reverse("ent_pages:my_space"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": colour,
        "icons": icons,
    }
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1), content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@lru_cache(maxsize=1)
def _worker_source() -> str:
    """The worker's script, with this release's shell URLs; its version is the hash of what it keeps."""
    offline_url = reverse("ent_pages:offline")
    shell = [
        offline_url, static("css/preau.css"), reverse("ent_pages:theme_css"), static("ent_pages/webapp.js"),
        static("img/icons.svg"), static("img/favicon.svg"), static("img/favicon-32.png"),
        static("img/icon-192.png"),
    ]
    context = {
        "shell": json.dumps(shell), "offline_url": json.dumps(offline_url), "key_header": json.dumps(OFFLINE_KEY_HEADER),
        "ignores": json.dumps(WORKER_IGNORES), "max_pages": WORKER_MAX_PAGES, "version": "",
        "icon": json.dumps(static("img/icon-192.png")), "home_url": json.dumps(reverse("ent_pages:my_space")),
    }
    context["version"] = hashlib.sha256(render_to_string("ent_pages/webapp/service_worker.js", context).encode()).hexdigest()[:12]
    return render_to_string("ent_pages/webapp/service_worker.js", context)


@require_GET
def service_worker(request):
    """/sw.js: the service worker, served from the root so that its scope is the whole site.

    Always revalidated (a new release's worker is picked up at the next visit); the same for everyone.
    """
    response = HttpResponse(_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    """/hors-ligne/: what the app shows offline for a page it did not keep. The same for everyone: it is
    built without the user (kept in the shared shell cache)."""
    response = render(request, "ent_pages/webapp/offline.html", {"my_space_url": reverse("ent_pages:my_space")})
    response["Cache-Control"] = "no-cache"
    return response
