"""Write the page nginx answers when Préau is over capacity (deploy/serve.py runs it at start).

A self-contained HTML file (inline style, no external asset: nothing else is fetched from a server
that is already full), in the site's language, that reloads itself after ``--retry-after`` seconds,
the same delay nginx sends in the ``Retry-After`` header.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.utils import translation


class Command(BaseCommand):
    help = "Render the over-capacity waiting page (HTTP 503) into a file that nginx serves."

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="file to write, e.g. var/serve/_attente.html")
        parser.add_argument("--retry-after", type=int, default=20, help="seconds before the page reloads itself")

    def handle(self, *args, output, retry_after, **options):
        with translation.override(settings.LANGUAGE_CODE):
            html = render_to_string("ent_pages/waiting.html", {"retry_after": retry_after,
                                                                "language_code": settings.LANGUAGE_CODE})
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(html, encoding="utf-8")
        self.stdout.write(f"Waiting page written to {output}.")
