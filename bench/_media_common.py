"""Shared set-up of the media benches: a throw-away database and private folder, a class, a teacher."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bootstrap(settings_module="preau.settings.dev", workdir=None):
    """Point Django at a fresh SQLite file and private folder under `workdir`, migrate, return the dir."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="preau-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["PRIVATE_MEDIA_ROOT"] = str(workdir / "private")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["STATIC_ROOT"] = str(workdir / "static")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    for path in (str(ROOT), str(ROOT / "site")):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return workdir


def class_with_people():
    """A school, a class, its teacher and a parent (the factories the tests use)."""
    from ent_pages.tree import ensure_city_home
    from tests.factories import ClassPageFactory, SchoolPageFactory, make_parent, make_teacher

    school = SchoolPageFactory(parent=ensure_city_home(), title="École du banc d'essai", uai="0319999Z")
    class_page = ClassPageFactory(parent=school, title="CE1 banc")
    parent, _pupil = make_parent(class_page, username="parent.bench")
    return class_page, make_teacher(class_page, username="teacher.bench"), parent


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]
