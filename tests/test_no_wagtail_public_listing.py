"""Préau's own code never lists pages with Wagtail's public(): it does not know about classes."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["ent_pages", "class_blog", "periscolaire", "resources", "search", "site"]


def test_no_module_uses_wagtails_public_queryset():
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(r"\.public\(\)", line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == [], "use ent_pages.access.policy.public()/viewable() instead: " + ", ".join(offenders)
