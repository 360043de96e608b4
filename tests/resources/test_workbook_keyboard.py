"""A child completes the demo workbook with the keyboard alone, in headless Chromium (skipped without it).

Uses Debian's Chromium and the Python Playwright driver (no browser download). Run alone with
`pytest tests/resources/test_workbook_keyboard.py`.
"""

import os

import pytest

from tests.browser import CHROMIUM, browser_marks, import_playwright

playwright = import_playwright()
pytestmark = browser_marks()


@pytest.fixture
def browser_page(live_server):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        yield page
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def tab_to(page, selector, limit=80):
    """Press Tab until the focused element matches `selector` (what a keyboard user does)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def test_workbook_can_be_completed_with_the_keyboard_alone(browser_page, live_server, city):
    from resources.demo import seed
    from resources.models import WorkbookPage

    seed(city)
    workbook = WorkbookPage.objects.get()
    specs = {spec["type"]: spec for spec in workbook.exercise_specs()}
    page = browser_page
    page.goto(live_server.url + workbook.url)
    section = '[data-exercise="{}"]'.format

    # Multiple choice: a wrong answer first, which is corrected, then the right one.
    mc = section(specs["multiple_choice"]["id"])
    tab_to(page, f"{mc} input")
    page.keyboard.press("Space")  # "14"
    tab_to(page, f"{mc} [data-check]")
    page.keyboard.press("Enter")
    feedback = page.locator(f"{mc} [data-feedback]")
    assert "15" in feedback.inner_text() and page.get_attribute(mc, "data-result") == "wrong"
    page.keyboard.press("Shift+Tab")  # back to the checked radio
    page.keyboard.press("ArrowDown")  # "15"
    tab_to(page, f"{mc} [data-check]")
    page.keyboard.press("Enter")
    assert page.get_attribute(mc, "data-result") == "right"

    # Fill in the blanks.
    blanks = section(specs["fill_blanks"]["id"])
    tab_to(page, f"{blanks} [data-blank]")
    page.keyboard.type("suis")
    page.keyboard.press("Tab")
    page.keyboard.type("Sommes")
    tab_to(page, f"{blanks} [data-check]")
    page.keyboard.press("Enter")
    assert page.get_attribute(blanks, "data-result") == "right"

    # Matching pairs: options are alphabetical (le chevreau, le poussin, le veau).
    matching = section(specs["matching"]["id"])
    for presses in (3, 2, 1):  # vache → le veau, poule → le poussin, chèvre → le chevreau
        tab_to(page, f"{matching} select:not([data-done])")
        for _ in range(presses):
            page.keyboard.press("ArrowDown")
        page.evaluate("() => document.activeElement.setAttribute('data-done', '')")
    tab_to(page, f"{matching} [data-check]")
    page.keyboard.press("Enter")
    assert page.get_attribute(matching, "data-result") == "right"

    # Put in order: shown as 21, 102, 120, 12; move 12 up three times.
    ordering = section(specs["ordering"]["id"])
    tab_to(page, f'{ordering} li[data-index="0"] [data-move="-1"]')
    for _ in range(3):
        page.keyboard.press("Enter")
    assert page.locator(f"{ordering} li .item").all_inner_texts() == ["12", "21", "102", "120"]
    tab_to(page, f"{ordering} [data-check]")
    page.keyboard.press("Enter")
    assert page.get_attribute(ordering, "data-result") == "right"

    tab_to(page, "[data-score-button]")
    page.keyboard.press("Enter")
    assert "7" in page.locator("[data-score]").inner_text()
    assert page.locator("[data-score]").inner_text().count("7") == 2  # 7 out of 7
