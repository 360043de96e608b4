"""Class login cards: A4 sheets of 8 cards (2 × 4), one per pupil, printed by the teacher.

Each card shows the pupil's first name, a QR code holding the pupil's login link (scanned by the
class tablet) and the picture password, in order, for tablets without a camera. Printing gives new
credentials to the pupils on the sheet (pupils.credentials): the previous cards stop working.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from . import pictures
from .credentials import issue_card

COLUMNS, ROWS = 2, 4
MARGIN = 10 * mm
CARD_W = (A4[0] - 2 * MARGIN) / COLUMNS
CARD_H = (A4[1] - 2 * MARGIN) / ROWS


def login_url(token: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("pupils:card_login", args=[token])


def issue_cards(accounts):
    """New credentials for `accounts` (ordered) and the PDF of their cards: returns PDF bytes."""
    cards = []
    for account in accounts:
        token, sequence = issue_card(account)
        cards.append((account.user.first_name, account.user.last_name, token, sequence))
    return render_pdf(cards, class_title=getattr(accounts[0], "class_title", "") if accounts else "")


def render_pdf(cards, class_title="") -> bytes:
    """cards: (first name, last-name initial, token, picture sequence) tuples."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(_("Préau login cards"))
    pdf.setAuthor(settings.WAGTAIL_SITE_NAME)
    per_page = COLUMNS * ROWS
    for index, card in enumerate(cards):
        if index and index % per_page == 0:
            pdf.showPage()
        slot = index % per_page
        column, row = slot % COLUMNS, slot // COLUMNS
        x = MARGIN + column * CARD_W
        y = A4[1] - MARGIN - (row + 1) * CARD_H
        _card(pdf, x, y, card, class_title)
    if not cards:
        pdf.setFont("Helvetica", 12)
        pdf.drawString(25 * mm, 270 * mm, _("No pupil account in this class."))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _card(pdf, x, y, card, class_title):
    first_name, initial, token, sequence = card
    pad = 4 * mm
    pdf.setStrokeColor(HexColor("#999999"))
    pdf.setDash(3, 3)
    pdf.rect(x, y, CARD_W, CARD_H, stroke=1, fill=0)  # cutting line
    pdf.setDash()
    pdf.setFillColor(HexColor("#000000"))
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawString(x + pad, y + CARD_H - pad - 20, first_name)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(x + pad, y + CARD_H - pad - 34, f"{initial} {class_title}".strip())
    # QR code on the right.
    qr_size = 34 * mm
    draw_qr(pdf, login_url(token), x + CARD_W - pad - qr_size, y + CARD_H - pad - qr_size, qr_size)
    pdf.setFont("Helvetica", 7)
    pdf.drawRightString(x + CARD_W - pad, y + CARD_H - pad - qr_size - 8, _("Scan me on the class tablet"))
    # Picture password along the bottom, numbered.
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(x + pad, y + 23 * mm, _("My secret pictures, in order:"))
    size = 14 * mm
    for position, key in enumerate(sequence):
        px = x + pad + 3 * mm + position * (size + 10 * mm)
        py = y + 7 * mm
        pictures.draw(pdf, key, px, py, size)
        pdf.setFillColor(HexColor("#000000"))
        pdf.setFont("Helvetica-Bold", 11)
        pdf.drawString(px - 1 * mm, py + size - 3 * mm, str(position + 1))
        pdf.setFont("Helvetica", 8)
        pdf.drawCentredString(px + size / 2, py - 4 * mm, pictures.label(key))


def qr_modules(data: str):
    """The QR code of `data` as rows of booleans (reportlab's encoder, error correction M).

    The encoder is asked once with mask pattern 0 instead of trying the eight masks for the lowest
    penalty (``QRCode.make``): every mask gives a valid code that readers decode, and it is 8 times
    cheaper, which keeps a class's cards well under the 2-second goal.
    """
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(data)
    code.version = code.calculate_version()
    code.makeImpl(False, 0)
    return code.modules


def draw_qr(pdf, data, x, y, size, quiet=2):
    """Draw the QR code of `data` in the square (x, y, size), dark runs of each row as one rectangle."""
    modules = qr_modules(data)
    count = len(modules) + 2 * quiet
    cell = size / count
    pdf.saveState()
    pdf.setFillColor(HexColor("#000000"))
    path = pdf.beginPath()
    for row, line in enumerate(modules):
        top = y + size - (row + quiet + 1) * cell
        col = 0
        while col < len(line):
            if line[col]:
                start = col
                while col < len(line) and line[col]:
                    col += 1
                path.rect(x + (start + quiet) * cell, top, (col - start) * cell, cell)
            else:
                col += 1
    pdf.drawPath(path, stroke=0, fill=1)
    pdf.restoreState()
