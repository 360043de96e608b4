"""Headless Chromium for the browser tests: Debian's package, driven by Playwright (no browser download).

On a developer's machine without Chromium the browser tests are skipped with the reason; in CI
(`PREAU_REQUIRE_BROWSER=1`, set by .ci/run after installing it) a missing browser fails them instead.
"""

import os
import shutil

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
