"""The nine pictures of the picture password: simple shapes drawn from one description, as inline SVG
on the login screen and as reportlab drawings on the printed card, each with its French name.

A picture is a list of shapes in a 100 × 100 box (y downwards, as in SVG). No image file, no emoji:
the same drawing on screen and on paper, and a name that a screen reader says.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

_STAR = [(50, 8), (61, 38), (94, 38), (67, 58), (77, 90), (50, 70), (23, 90), (33, 58), (6, 38), (39, 38)]
_HEART = [(50, 88), (14, 52), (8, 36), (12, 22), (24, 14), (38, 16), (50, 28), (62, 16), (76, 14), (88, 22),
          (92, 36), (86, 52)]

#: key → (French name, shapes). Keys are stored (hashed) in passwords: never rename one.
PICTURES = {
    "soleil": (_("sun"), [
        *[("line", 50, 50, x, y, "#e0a100", 6) for x, y in
          [(50, 6), (50, 94), (6, 50), (94, 50), (19, 19), (81, 81), (19, 81), (81, 19)]],
        ("circle", 50, 50, 24, "#ffc928"),
    ]),
    "arbre": (_("tree"), [("rect", 42, 56, 16, 38, "#8a5a2b"), ("circle", 50, 38, 30, "#3c9a3c")]),
    "maison": (_("house"), [("rect", 20, 46, 60, 46, "#e8d4a8"), ("poly", [(10, 48), (50, 12), (90, 48)], "#c0392b"),
                            ("rect", 43, 64, 14, 28, "#7a4a1e")]),
    "poisson": (_("fish"), [("poly", [(70, 50), (94, 30), (94, 70)], "#1f7fc4"), ("ellipse", 46, 50, 34, 22, "#3fa9f5"),
                            ("circle", 30, 45, 4, "#10304a")]),
    "etoile": (_("star"), [("poly", _STAR, "#f5b700")]),
    "coeur": (_("heart"), [("poly", _HEART, "#d6336c")]),
    "voiture": (_("car"), [("rect", 8, 44, 84, 28, "#d9480f"), ("poly", [(24, 44), (34, 24), (66, 24), (76, 44)], "#f08c00"),
                           ("circle", 28, 74, 11, "#222222"), ("circle", 72, 74, 11, "#222222")]),
    "fleur": (_("flower"), [("rect", 47, 54, 6, 42, "#2f9e44"),
                            *[("circle", x, y, 13, "#cc5de8") for x, y in [(50, 18), (70, 34), (62, 56), (38, 56), (30, 34)]],
                            ("circle", 50, 38, 11, "#ffd43b")]),
    "pomme": (_("apple"), [("circle", 50, 58, 32, "#e03131"), ("rect", 47, 14, 6, 16, "#7a4a1e"),
                           ("ellipse", 64, 20, 12, 6, "#2f9e44")]),
}
KEYS = tuple(PICTURES)
SEQUENCE_LENGTH = 3


def label(key) -> str:
    return str(PICTURES[key][0])


def svg(key, size=96) -> str:
    """The picture as inline SVG (decorative: the button around it carries the name)."""
    parts = []
    for shape in PICTURES[key][1]:
        kind = shape[0]
        if kind == "circle":
            parts.append(format_html('<circle cx="{}" cy="{}" r="{}" fill="{}"/>', *shape[1:]))
        elif kind == "ellipse":
            parts.append(format_html('<ellipse cx="{}" cy="{}" rx="{}" ry="{}" fill="{}"/>', *shape[1:]))
        elif kind == "rect":
            parts.append(format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>', *shape[1:]))
        elif kind == "line":
            parts.append(format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}" '
                                     'stroke-linecap="round"/>', *shape[1:]))
        else:
            points = " ".join(f"{x},{y}" for x, y in shape[1])
            parts.append(format_html('<polygon points="{}" fill="{}"/>', points, shape[2]))
    return format_html('<svg class="picture" viewBox="0 0 100 100" width="{}" height="{}" aria-hidden="true" '
                       'focusable="false">{}</svg>', size, size, format_html_join("", "{}", ((p,) for p in parts)))


def draw(canvas, key, x, y, size):
    """Draw the picture on a reportlab canvas in the square whose lower-left corner is (x, y)."""
    from reportlab.lib.colors import HexColor

    scale = size / 100

    def at(px, py):
        return x + px * scale, y + (100 - py) * scale

    canvas.saveState()
    for shape in PICTURES[key][1]:
        kind = shape[0]
        colour = HexColor(shape[-1] if kind != "line" else shape[5])
        canvas.setFillColor(colour)
        canvas.setStrokeColor(colour)
        if kind == "circle":
            cx, cy = at(shape[1], shape[2])
            canvas.circle(cx, cy, shape[3] * scale, stroke=0, fill=1)
        elif kind == "ellipse":
            cx, cy = at(shape[1], shape[2])
            rx, ry = shape[3] * scale, shape[4] * scale
            canvas.ellipse(cx - rx, cy - ry, cx + rx, cy + ry, stroke=0, fill=1)
        elif kind == "rect":
            left, top = at(shape[1], shape[2])
            canvas.rect(left, top - shape[4] * scale, shape[3] * scale, shape[4] * scale, stroke=0, fill=1)
        elif kind == "line":
            canvas.setLineWidth(shape[6] * scale)
            canvas.setLineCap(1)
            canvas.line(*at(shape[1], shape[2]), *at(shape[3], shape[4]))
        else:
            path = canvas.beginPath()
            first, *rest = shape[1]
            path.moveTo(*at(*first))
            for point in rest:
                path.lineTo(*at(*point))
            path.close()
            canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
