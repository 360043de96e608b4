"""Headless Chromium for the browser tests: Debian's package, driven by Playwright (no browser download).

On a developer's machine without Chromium the browser tests are skipped with the reason; in CI
(`PREAU_REQUIRE_BROWSER=1`, set by .ci/run after installing it) a missing browser fails them instead.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("PREAU_REQUIRE_BROWSER") == "1"


def browser_marks():
    """The marks of a browser test module: Chromium present (or a failure in CI), a database that survives."""
    if CHROMIUM is None and REQUIRED:
        pytest.fail("Chromium is required here (PREAU_REQUIRE_BROWSER=1): apt-get install chromium", pytrace=False)
    return [
        pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)"),
        # Serialized rollback: the flush after a live-server test must not leave the next one without the page tree root.
        pytest.mark.django_db(transaction=True, serialized_rollback=True),
    ]


def import_playwright():
    """Playwright's sync API, skipped (or failed in CI) when the driver is not installed."""
    if REQUIRED:
        from playwright import sync_api

        return sync_api
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


#: Where browser tests leave a screenshot of each page they check (kept as CI artifacts).
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "test-output" / "screenshots"


def screenshot(page, name):
    """Save a full-page screenshot as var/test-output/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


class SharedChromium:
    """Headless Chromium through Playwright's sync API, started on first use, closed by `close()`.

    While it runs, Playwright keeps an event loop running in this thread: Django's async-safety check is
    lifted for the tests' database calls until it is closed.
    """

    def __init__(self):
        self._playwright = self._browser = None

    def get(self):
        if self._browser is None:
            sync_api = import_playwright()
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self._playwright = sync_api.sync_playwright().start()
            self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        return self._browser

    def close(self):
        if self._browser is not None:
            self._browser.close()
            self._playwright.stop()
            self._browser = self._playwright = None
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def log_in(context, base_url, user):
    """Give a browser context the session of `user` (as if they had logged in)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


def log_in_with_second_factor(page, base_url, user, device, password, next_url="/admin/"):
    """Log a member of staff in through the real login: password, then the current code of their
    authenticator (`device`, a confirmed django-otp TOTPDevice made before the browser's first request)."""
    from django_otp.oath import TOTP

    page.goto(f"{base_url}/connexion/?next={next_url}")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url("**/connexion/code/")
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()  # no database read
    page.locator("input[name=code]").fill(str(token).zfill(6))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url(f"**{next_url}")


def open_footer_actions(page):
    """Open the Wagtail editor's footer action menu (save, submit, approve...).

    When the menu has no dropdown (a locked page, no permission, or not the editor at all), fail with
    what the browser shows instead of a bare timeout: the URL, the heading, the footer's text.
    """
    toggle = page.locator("footer .w-dropdown__toggle")
    try:
        toggle.wait_for(state="attached", timeout=15_000)
    except Exception as error:  # Playwright's TimeoutError
        heading = page.locator("h1").first.inner_text(timeout=1_000) if page.locator("h1").count() else ""
        footer = page.locator("footer").first.inner_text(timeout=1_000) if page.locator("footer").count() else ""
        messages = page.locator(".messages").first.inner_text(timeout=1_000) if page.locator(".messages").count() else ""
        raise AssertionError(
            f"no action menu in the editor's footer at {page.url}: heading {heading!r}, footer {footer!r}, "
            f"messages {messages!r}"
        ) from error
    toggle.click()

