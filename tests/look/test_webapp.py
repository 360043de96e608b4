"""Préau installs on a phone and a family reads its last pages offline — and nobody else ever does
(headless Chromium: Debian's package driven by Playwright, on the live server; see docs/webapp.md).

localhost is a secure context: the service worker, the Cache API and Clear-Site-Data work there as on HTTPS.
"""

import datetime
import json
import time

import pytest
from django.test import Client
from django.urls import reverse

from ent_pages.webapp import offline_key
from tests.browser import browser_marks, import_playwright

playwright = import_playwright()
pytestmark = browser_marks()

PHONE = {"width": 360, "height": 740}
SENT = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)
TAP = 44  # px, the smallest touch target


@pytest.fixture
def families(class_page, other_class):
    """Two families of one school, each with a note from their child's teacher."""
    from class_blog import notes as note_service
    from tests.factories import HomeworkEntryFactory, make_parent, make_teacher

    parent, _child = make_parent(class_page, username="maman.lea")
    other, _other_child = make_parent(other_class, username="papa.noe")
    for user, first_name in ((parent, "Léa"), (other, "Noé")):
        user.first_name = first_name
        user.save(update_fields=["first_name"])
    rows = {}
    for user, page, title in ((parent, class_page, "Sortie au musée des Augustins"), (other, other_class, "Photo de classe")):
        note = note_service.send_note(make_teacher(page), title=title, text="Merci de signer.", class_page=page,
                                      scheduled_for=SENT, now=SENT)
        HomeworkEntryFactory(class_page=page, due_on=datetime.date.today() + datetime.timedelta(days=1))
        rows[user.username] = {"user": user, "note_url": reverse("class_blog:note_detail", args=[note.pk]), "title": title}
    return rows


def _sign_in(context, base_url, user):
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


def _until(page, script, timeout=20):
    """Poll a JavaScript expression (it may return a promise) until it is truthy; returns its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script)
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def _controlled(page):
    """Wait until the service worker is active and controls the page (it claims open pages when it activates)."""
    assert _until(page, "navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)")


def _kept(page, path):
    """Whether some user's offline cache holds `path` (the worker stores it just after answering)."""
    return _until(page, f"""(async () => {{
        for (const name of await caches.keys()) {{
            if (name.startsWith("preau-user-") && await (await caches.open(name)).match({path!r}, {{ignoreVary: true}})) return true;
        }}
        return false;
    }})()""")


def _kept_now(page, path):
    """Whether some user's offline cache holds `path` now (no waiting)."""
    return page.evaluate(f"""(async () => {{
        for (const name of await caches.keys()) {{
            if (name.startsWith("preau-user-") && await (await caches.open(name)).match({path!r}, {{ignoreVary: true}})) return true;
        }}
        return false;
    }})()""")


def _user_caches(page):
    return page.evaluate("caches.keys().then(names => names.filter(n => n.startsWith('preau-user-')))")


def test_the_manifest_is_linked_and_the_service_worker_controls_the_site(browser, live_server, families):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/connexion/")
    manifest_url = page.evaluate("document.querySelector('link[rel=manifest]').href")
    manifest = context.request.get(manifest_url).json()
    assert manifest["start_url"] == "/mon-espace/" and manifest["display"] == "standalone" and manifest["lang"] == "fr"
    for icon in manifest["icons"]:
        assert context.request.get(live_server.url + icon["src"]).headers["content-type"] == "image/png"
    assert {icon["purpose"] for icon in manifest["icons"]} == {"any", "maskable"}
    _controlled(page)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == live_server.url + "/sw.js"
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == live_server.url + "/"
    context.close()


def test_the_install_button_shows_only_when_the_browser_offers_installation(browser, live_server, families):
    context = browser.new_context(viewport=PHONE)
    _sign_in(context, live_server.url, families["maman.lea"]["user"])
    page = context.new_page()
    page.goto(live_server.url + "/mon-espace/")
    button = page.get_by_role("button", name="Installer Préau sur ce téléphone")
    assert button.is_hidden()
    # What Chromium fires when the app may be installed (its own heuristics decide when; here, at once).
    page.evaluate("""() => {
        const offer = new Event("beforeinstallprompt", {cancelable: true});
        offer.prompt = () => { window.preauPrompted = true; return Promise.resolve(); };
        window.dispatchEvent(offer);
    }""")
    assert button.is_visible()
    button.click()
    assert page.evaluate("window.preauPrompted") is True
    assert button.is_hidden()
    context.close()


def test_a_family_reads_its_last_pages_offline_and_nothing_after_logout(browser, live_server, families):
    lea = families["maman.lea"]
    context = browser.new_context(viewport=PHONE)
    _sign_in(context, live_server.url, lea["user"])
    page = context.new_page()
    page.goto(live_server.url + "/mon-espace/")
    _controlled(page)
    for path in ("/mon-espace/", lea["note_url"], reverse("class_blog:homework_todo")):
        page.goto(live_server.url + path)
        assert _kept(page, path), path
    assert len(_user_caches(page)) == 1

    context.set_offline(True)
    page.goto(live_server.url + "/mon-espace/")
    assert "Bonjour Léa" in page.content()
    page.goto(live_server.url + lea["note_url"])
    assert lea["title"] in page.content()
    page.goto(live_server.url + reverse("class_blog:note_list") + "?jamais-lu")
    assert "Vous êtes hors ligne" in page.content()  # never read online: the offline page

    context.set_offline(False)
    page.goto(live_server.url + "/mon-espace/")
    with page.expect_response(lambda r: r.url.endswith("/deconnexion/")) as logout:
        page.get_by_role("button", name="Déconnexion").click()
    assert logout.value.all_headers()["clear-site-data"] == '"cache", "storage"'
    page.wait_for_load_state()
    assert _user_caches(page) == []
    assert not _kept_now(page, "/mon-espace/") and not _kept_now(page, lea["note_url"])

    context.set_offline(True)
    for path in ("/mon-espace/", lea["note_url"]):
        try:
            page.goto(live_server.url + path)
        except playwright.Error:
            continue  # no worker left to answer: the browser's own offline error
        assert "Léa" not in page.content() and lea["title"] not in page.content()
        if page.url.startswith(live_server.url):  # not the browser's own error page: a worker answered
            assert _user_caches(page) == []
    context.close()


def test_another_account_on_the_same_phone_never_reads_the_first_accounts_pages(browser, live_server, families):
    lea, noe = families["maman.lea"], families["papa.noe"]
    context = browser.new_context(viewport=PHONE)
    _sign_in(context, live_server.url, lea["user"])
    page = context.new_page()
    page.goto(live_server.url + "/mon-espace/")
    _controlled(page)
    page.goto(live_server.url + lea["note_url"])
    assert _kept(page, lea["note_url"])
    [lea_cache] = _user_caches(page)
    assert lea_cache == "preau-user-" + offline_key(lea["user"])  # an opaque key, not the id

    # Another parent signs in on the same phone (no logout: the session simply changed).
    context.clear_cookies()
    _sign_in(context, live_server.url, noe["user"])
    page.goto(live_server.url + "/mon-espace/")
    assert "Bonjour Noé" in page.content()
    assert _until(page, f"caches.keys().then(names => !names.includes({lea_cache!r}))")
    assert _kept(page, "/mon-espace/")
    [noe_cache] = _user_caches(page)
    assert noe_cache != lea_cache

    context.set_offline(True)
    page.goto(live_server.url + lea["note_url"])
    assert lea["title"] not in page.content() and "Vous êtes hors ligne" in page.content()
    page.goto(live_server.url + "/mon-espace/")
    assert "Bonjour Noé" in page.content() and "Léa" not in page.content()
    context.close()


#: Links, buttons and fields smaller than 44 × 44 px, except a link inside a sentence of running text
#: (WCAG 2.5.8's inline exception: its block holds other words than its own).
SMALL_TARGETS = """() => {
    const small = [];
    const targets = "a[href], button, input:not([type=hidden]), select, textarea, summary";
    for (const el of document.querySelectorAll(`header :is(${targets}), main :is(${targets}), footer :is(${targets})`)) {
        const box = el.getBoundingClientRect();
        if (!box.width || !box.height || getComputedStyle(el).visibility === "hidden") continue;
        if (box.width >= 43.5 && box.height >= 43.5) continue;  // 2.75rem, give or take a rounding
        const block = el.closest("p, li, td, dd, figcaption");
        let words = "";
        if (block) {  // the block's own words, without any link's or button's
            const copy = block.cloneNode(true);
            copy.querySelectorAll("a, button").forEach((target) => target.remove());
            words = copy.textContent.replace(/[\\s·|,.:;()–—-]/g, "");
        }
        const inSentence = el.tagName === "A" && getComputedStyle(el).display === "inline" && words.length > 0;
        if (!inSentence) small.push(`${el.tagName} "${(el.textContent || el.name || "").trim().slice(0, 40)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
    return small;
}"""


def test_family_pages_fit_a_360_px_phone_with_44_px_touch_targets(browser, live_server, families, class_page):
    lea = families["maman.lea"]
    context = browser.new_context(viewport=PHONE)
    _sign_in(context, live_server.url, lea["user"])
    page = context.new_page()
    problems = {}
    for path in ("/mon-espace/", class_page.url, lea["note_url"], reverse("class_blog:note_list"),
                 reverse("class_blog:homework_todo"), reverse("class_blog:class_homework", args=[class_page.pk])):
        assert page.goto(live_server.url + path).status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        small = page.evaluate(SMALL_TARGETS)
        if width > PHONE["width"] or small:
            problems[path] = {"scroll_width": width, "small_targets": small}
    context.close()
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)
