"""Content-Security-Policy and Permissions-Policy: strict on the site, as strict as Wagtail's admin allows."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import UserFactory, make_parent

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_site_pages_send_a_strict_content_security_policy(client, class_page):
    for who in (None, make_parent(class_page)[0]):
        if who:
            client.force_login(who)
        for url in ("/", class_page.url if who else "/connexion/", "/recherche/?q=cantine"):
            response = client.get(url)
            assert response.status_code == 200, url
            policy = directives(response["Content-Security-Policy"])
            assert policy["default-src"] == ["'self'"]
            assert policy["script-src"][0] == "'self'" and "'unsafe-inline'" not in policy["script-src"]
            assert "'unsafe-eval'" not in policy["script-src"]
            assert policy["style-src"] == ["'self'"]
            assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
            assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]


def test_site_pages_send_a_permissions_policy(client):
    header = client.get("/")["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in header


def test_admin_relaxes_only_scripts_styles_and_previews(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]  # Wagtail 8 admin's inline scripts
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]
    assert "gravatar" not in response.content.decode()
    assert "w-upgrade" not in response.content.decode()  # the update check (releases.wagtail.org) would be refused


def test_a_nonce_is_offered_to_templates_and_sent_in_the_header(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse
    from django.template import engines

    template = engines["django"].from_string('<script nonce="{{ CSP_NONCE }}">1</script>')
    request = rf.get("/")

    def view(request):
        return HttpResponse(template.render({}, request))

    response = CSPMiddleware(view)(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


#: Files nginx sends by itself, without the site's CSP (the over-capacity page, deploy/nginx.conf.template):
#: their style travels inline because nothing else should be fetched from a server that is already full.
SENT_BY_NGINX = {"ent_pages/templates/ent_pages/waiting.html"}


def project_templates():
    folders = [ROOT / "site"] + [ROOT / app for app in ("ent_pages", "class_blog", "periscolaire", "resources", "search", "push")]
    return [path for folder in folders for path in folder.rglob("templates/**/*.html")]


def test_templates_contain_no_inline_script_without_nonce_nor_event_handler():
    templates = project_templates()
    assert len(templates) > 30
    offences = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
            if "src=" not in tag and "CSP_NONCE" not in tag and 'type="application/json"' not in tag:
                offences.append(f"{path.relative_to(ROOT)}: inline {tag}")
        for handler in re.findall(r"<[^>]*\son[a-z]+\s*=", text, flags=re.I):
            offences.append(f"{path.relative_to(ROOT)}: event handler {handler[-40:]}")
        if "javascript:" in text:
            offences.append(f"{path.relative_to(ROOT)}: javascript: URL")
        if "/admin/" not in str(path) and str(path.relative_to(ROOT)) not in SENT_BY_NGINX and re.search(r"\sstyle\s*=|<style\b", text):
            offences.append(f"{path.relative_to(ROOT)}: inline style (the site allows only its stylesheets)")
    assert offences == []


def test_video_providers_may_be_framed_on_the_site():
    from class_blog.blocks import DEFAULT_VIDEO_HOSTS

    frame_src = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"]
    for player in ("https://www.youtube-nocookie.com", "https://player.vimeo.com", "https://www.dailymotion.com"):
        assert player in frame_src
    assert {src.removeprefix("https://") for src in frame_src} & set(DEFAULT_VIDEO_HOSTS)
