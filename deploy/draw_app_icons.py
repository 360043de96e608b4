"""Draw Préau's app icons (PNG) from the favicon's geometry, once; the PNGs are committed.

    .venv/bin/python deploy/draw_app_icons.py

Writes site/preau/static/img/icon-192.png, icon-512.png (rounded square, transparent corners: "any"),
icon-maskable-192.png, icon-maskable-512.png (full-bleed square, drawing inside the 80 % safe zone)
and apple-touch-icon.png (180 px, full bleed: iOS rounds the corners itself). The drawing is
favicon.svg's: a white roof over an amber "P" on the city blue. Run it again only if the drawing changes.
"""

import math
from pathlib import Path

from PIL import Image, ImageDraw

IMG = Path(__file__).resolve().parent.parent / "site" / "preau" / "static" / "img"
BLUE, WHITE, AMBER = "#1f4e8c", "#ffffff", "#ffbf47"
SUPERSAMPLE = 4


def _line(draw, points, width, colour):
    """A stroke with round caps and joins (as the SVG's stroke-linecap/linejoin="round")."""
    draw.line(points, fill=colour, width=round(width), joint="curve")
    r = width / 2
    for x, y in (points[0], points[-1]):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def draw_icon(size, *, maskable=False, rounded=True):
    """The icon at `size` px. Maskable: the 64-unit drawing scaled into the central safe circle."""
    s = size * SUPERSAMPLE
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded and not maskable:
        draw.rounded_rectangle((0, 0, s - 1, s - 1), radius=s * 14 / 64, fill=BLUE)
    else:
        draw.rectangle((0, 0, s, s), fill=BLUE)
    scale = 0.72 if maskable else 1.0  # the drawing's farthest point then sits at ~58 % of the radius

    def at(x, y):  # favicon units (0-64) to pixels, scaled around the centre
        return ((32 + (x - 32) * scale) * s / 64, (32 + (y - 32) * scale) * s / 64)

    stroke = 6 * scale * s / 64
    _line(draw, [at(10, 30), at(32, 12), at(54, 30)], stroke, WHITE)
    # The "P": a stem from (24, 52) up to (24, 30), a bowl of radius 7 from (34, 30) to (34, 44), back to the stem.
    bowl = [at(34 + 7 * math.sin(a / 20 * math.pi), 37 - 7 * math.cos(a / 20 * math.pi)) for a in range(21)]
    _line(draw, [at(24, 52), at(24, 30), *bowl, at(24, 44)], stroke, AMBER)
    return image.resize((size, size), Image.LANCZOS)


def main():
    for size in (192, 512):
        draw_icon(size).save(IMG / f"icon-{size}.png", optimize=True)
        draw_icon(size, maskable=True).save(IMG / f"icon-maskable-{size}.png", optimize=True)
    draw_icon(180, rounded=False).convert("RGB").save(IMG / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
