"""The Chromium of this folder's browser tests (tests.browser.SharedChromium), one per test.

A Chromium kept open from one test to the next would leave Playwright's event loop running in this
thread while the next test's database is set up, and Django would then not restore the serialized
data (the page tree root is missing): so it is closed at the end of each test, before the database is.
"""

import pytest

from tests.browser import SharedChromium

_chromium = SharedChromium()


@pytest.fixture
def browser(live_server):
    try:
        yield _chromium.get()
    finally:
        _chromium.close()
