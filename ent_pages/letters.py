"""Activation letters: one printed page per guardian (and per member of staff without a password).

A guardian with children in several classes gets a single letter, handed out through the class that
comes first in the school's page order; the letter names all their children. Generating letters gives
new codes to the people on them (the previous letters stop working), so the admin asks first.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from . import activation
from .models import ClassPage, Enrolment, Guardian, Guardianship, Role, SchoolPage, User


@dataclass
class Recipient:
    kind: str  # "guardian" or "user"
    pk: int
    first_name: str
    last_name: str
    school: str = ""
    children: list = field(default_factory=list)  # (first name, class title)
    sort_key: tuple = ()
    code: str = ""
    activated: bool = False


def _classes_of(page):
    page = page.specific
    if isinstance(page, ClassPage):
        return [page]
    if isinstance(page, SchoolPage):
        return list(ClassPage.objects.child_of(page).filter(archived_at__isnull=True).order_by("path"))
    raise ValueError("Letters are printed for a class or a school.")


def guardian_rows(class_pages, *, activated=None):
    """Guardian records of the pupils enrolled in `class_pages`, each with all their children this year.

    Returns {guardian pk: Recipient} for the guardians whose *first* class (in page order) is one of
    `class_pages`, so that a school's letters hold each guardian once. `activated` filters on whether
    the record is linked to an account (None: all).
    """
    class_pks = {c.pk for c in class_pages}
    years = {c.school_year for c in class_pages}
    guardians = Guardian.objects.filter(
        guardianships__pupil__enrolments__class_page__in=class_pks,
        guardianships__pupil__enrolments__school_year__in=years,
    )
    if activated is not None:
        guardians = guardians.filter(user__isnull=not activated)
    links = list(Guardianship.objects.filter(guardian__in=guardians.values("pk")).values_list(
        "guardian", "guardian__first_name", "guardian__last_name", "guardian__user", "pupil"))
    enrolments = {
        pupil: (first_name, class_pk, title, path)
        for pupil, first_name, class_pk, title, path in Enrolment.objects.filter(
            pupil__in={link[4] for link in links}, school_year__in=years,
        ).values_list("pupil", "pupil__first_name", "class_page", "class_page__title", "class_page__path")
    }
    recipients = {}
    for guardian_pk, first, last, user_pk, pupil in links:
        if pupil not in enrolments:
            continue
        recipient = recipients.setdefault(guardian_pk, Recipient("guardian", guardian_pk, first, last, activated=user_pk is not None))
        recipient.children.append(enrolments[pupil])
    result = {}
    for pk, recipient in recipients.items():
        recipient.children.sort(key=lambda child: (child[3], child[0]))
        first_class, path = recipient.children[0][1], recipient.children[0][3]
        if first_class in class_pks:
            recipient.sort_key = (path, recipient.last_name, recipient.first_name)
            recipient.children = [(child[0], child[2]) for child in recipient.children]
            result[pk] = recipient
    return result


def staff_rows(school):
    """Members of staff of `school` who have never chosen a password."""
    users = User.objects.filter(staff_assignments__school=school, is_active=True).exclude(
        staff_assignments__role=Role.CITY_EDITOR).distinct().order_by("last_name", "first_name")
    return [Recipient("user", u.pk, u.first_name, u.last_name, sort_key=("~", u.last_name, u.first_name))
            for u in users if not u.has_usable_password()]


def recipients_for(page):
    """Who would get a letter for this class or school page (not yet activated), in print order."""
    page = page.specific
    classes = _classes_of(page)
    recipients = sorted(guardian_rows(classes, activated=False).values(), key=lambda r: r.sort_key) if classes else []
    if isinstance(page, SchoolPage):
        recipients += staff_rows(page)
    school = page if isinstance(page, SchoolPage) else page.get_parent().specific
    for recipient in recipients:
        recipient.school = school.title
    return recipients


def generate(page):
    """New codes for everyone on the letters of `page` (class or school) and the PDF; returns (pdf bytes, count)."""
    recipients = recipients_for(page)
    codes = activation.issue_codes(
        guardian_ids=[r.pk for r in recipients if r.kind == "guardian"],
        user_ids=[r.pk for r in recipients if r.kind == "user"],
    )
    for recipient in recipients:
        recipient.code = codes[(recipient.kind, recipient.pk)]
    return render_pdf(recipients), len(recipients)


# ------------------------------------------------------------------------------------------ PDF
def activation_url():
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("ent_pages:activation")


def render_pdf(recipients) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(_("Préau activation letters"))
    pdf.setAuthor(settings.WAGTAIL_SITE_NAME)
    url = activation_url()
    until = formats.date_format(timezone.localdate() + timezone.timedelta(days=settings.PREAU_ACTIVATION_CODE_DAYS), "DATE_FORMAT")
    for recipient in recipients:
        _letter_page(pdf, recipient, url, until)
        pdf.showPage()
    if not recipients:
        pdf.setFont("Helvetica", 12)
        pdf.drawString(25 * mm, 270 * mm, _("Everyone has already activated their account."))
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _letter_page(pdf, recipient, url, until):
    width, height = A4
    left, y = 25 * mm, height - 30 * mm

    def line(text, size=11, font="Helvetica", gap=6.5):
        nonlocal y
        pdf.setFont(font, size)
        pdf.drawString(left, y, text)
        y -= gap * mm

    line(settings.WAGTAIL_SITE_NAME, 20, "Helvetica-Bold", 9)
    line(recipient.school, 12, "Helvetica", 12)
    line(f"{recipient.first_name} {recipient.last_name}", 13, "Helvetica-Bold", 10)
    if recipient.kind == "guardian":
        line(_("Your personal code to open your family's space on Préau, for:"), gap=8)
        for first_name, class_title in recipient.children:
            line(f"•  {first_name} — {class_title}", 12, "Helvetica-Bold", 7)
    else:
        line(_("Your personal code to open your staff account on Préau."), gap=8)
    y -= 4 * mm
    line(_("Your activation code:"), 11, "Helvetica", 10)
    line(recipient.code, 24, "Courier-Bold", 14)
    line(_("Valid until %(date)s, once.") % {"date": until}, 10, "Helvetica", 12)
    line(_("How to activate your account (on a phone or a computer):"), 12, "Helvetica-Bold", 8)
    steps = [
        _("1. Go to %(url)s") % {"url": url},
        _("2. Type the code above (capital letters or not, dashes or not)."),
        _("3. Choose your email address: it will be your login."),
        _("4. Choose a password of at least 12 characters mixing 3 kinds"),
        _("    (lowercase, uppercase, digits, symbols), then accept the terms of use."),
        _("You already have a Préau account (another child, another school)? Log in first,"),
        _("then type this code on the same page: the child joins your account."),
    ]
    for step in steps:
        line(step, 11, "Helvetica", 7)
    y -= 6 * mm
    line(_("Keep this code private: it gives access to your child's class space."), 10, "Helvetica-Oblique", 6)
    line(_("Lost or expired? Ask the school for a new letter: the old code will stop working."), 10, "Helvetica-Oblique", 6)


# ------------------------------------------------------------------------------- who activated
def activation_status(page):
    """Rows (guardian, children, activated) for a class or school, every guardian once, for the admin and CSV."""
    classes = _classes_of(page)
    return sorted(guardian_rows(classes).values(), key=lambda r: r.sort_key) if classes else []
