"""One Chromium for the consecutive browser tests of this folder (tests.browser.SharedChromium)."""

import pytest

from tests.browser import SharedChromium

_chromium = SharedChromium()


@pytest.fixture
def browser(live_server):
    return _chromium.get()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    shares_it = (nextitem is not None and nextitem.path.parent == item.path.parent
                 and "browser" in getattr(nextitem, "fixturenames", ()))
    if not shares_it:
        _chromium.close()
