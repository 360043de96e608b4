"""The accessibility statement (déclaration d'accessibilité) that the RGAA requires of a city's online service.

It says honestly where Préau stands: "non conforme" until a full RGAA audit has been made, since only an
automated check runs today. That check is tests/look/test_accessibility.py: axe-core (AXE_CORE_VERSION,
pinned in package-lock.json) on each page type of AUDITED_PAGES, failing on any serious or critical
violation; the test audits exactly these page types, so the list shown here is the list checked.
"""

import datetime

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

#: The axe-core release the audit runs (package-lock.json; a test keeps both equal).
AXE_CORE_VERSION = "4.10.3"
#: The day this statement was drawn up (RGAA: the statement is dated and updated after each audit).
STATEMENT_DATE = datetime.date(2026, 12, 2)

#: The page types the automated audit checks, by audience: (key, label). Keys are the test's.
AUDITED_PAGES = {
    _("Public pages"): [
        ("city_home", _("City home page")),
        ("school", _("School page")),
        ("resources", _("Resources for families")),
        ("workbook", _("Holiday workbook")),
        ("search", _("Search results")),
        ("legal", _("Terms of use and privacy notice")),
        ("statement", _("This accessibility statement")),
        ("login", _("Log in")),
        ("activation", _("Account activation")),
    ],
    _("Family pages"): [
        ("my_space", _("My space")),
        ("class", _("Class page")),
        ("post", _("Class post")),
        ("gallery", _("After-school centre photo gallery")),
        ("note", _("Note to acknowledge")),
        ("homework", _("Homework")),
        ("notifications", _("Notification settings and devices")),
    ],
    _("Pupil pages"): [
        ("pupil_start", _("Pupil login: choosing the school")),
        ("pupil_class", _("Pupil login: choosing the class and the first name")),
        ("pupil_pictures", _("Pupil login: the picture password")),
        ("pupil_space", _("Pupil space")),
    ],
    _("Staff pages"): [
        ("staff_my_space", _("My space of a teacher")),
        ("note_create", _("Sending a note to families")),
        ("homework_entry", _("Writing homework")),
        ("admin_post_edit", _("Administration: editing a class post")),
        ("admin_image_upload", _("Administration: adding images")),
    ],
}


def audited_keys():
    return [key for pages in AUDITED_PAGES.values() for key, _label in pages]


def statement(request):
    """/accessibilite/: the accessibility statement, public."""
    return render(request, "ent_pages/accessibility_statement.html", {
        "audited_pages": AUDITED_PAGES,
        "axe_version": AXE_CORE_VERSION,
        "statement_date": STATEMENT_DATE,
        "contact_email": settings.PREAU_ACCESSIBILITY_CONTACT_EMAIL,
    })
