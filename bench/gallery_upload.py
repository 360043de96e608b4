"""Bulk upload of 50 photos of 12 megapixels into a CLAE gallery, end to end through the upload view.

Builds a throw-away test database (SQLite in memory by default, PostgreSQL when DATABASE_URL is
set), a school with its CLAE space and an animator, generates the photos with Pillow (4000 × 3000
JPEG, camera-like noise so that files weigh what phone photos weigh), makes one of them corrupt
(truncated), and posts them one by one to the gallery upload view with Django's test client, as
the page's script does. Prints total time, per-photo median and p90, and checks that every good
photo is in the gallery's draft and the corrupt one alone was refused.

    .venv/bin/python bench/gallery_upload.py [--photos 50] [--corrupt-index 17]
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "preau.settings.test")


def make_photos(count, size=(4000, 3000)):
    from PIL import Image, ImageChops

    base = Image.merge("RGB", [Image.effect_noise((size[0] + 64, size[1] + 64), sigma) for sigma in (40, 48, 56)])
    gradient = Image.linear_gradient("L").resize((size[0] + 64, size[1] + 64)).convert("RGB")
    base = ImageChops.add(base, gradient, scale=2.0)
    photos = []
    for i in range(count):
        dx, dy = (i * 7) % 64, (i * 13) % 64
        frame = base.crop((dx, dy, dx + size[0], dy + size[1]))
        out = io.BytesIO()
        frame.save(out, "JPEG", quality=90)
        photos.append((f"IMG_{i + 1:04d}.JPG", out.getvalue()))
    return photos


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=50)
    parser.add_argument("--corrupt-index", type=int, default=17, help="0-based index of the corrupt photo")
    args = parser.parse_args()

    import django

    django.setup()
    import warnings

    from django.db import connection
    from django.test.utils import setup_test_environment

    warnings.filterwarnings("ignore", message="No directory at")
    setup_test_environment()
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return run(args, db_name)
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


def run(args, db_name):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from wagtail.images import get_image_model

    from ent_pages.models import Role, SchoolPage, StaffAssignment, User
    from ent_pages.tree import ensure_city_home
    from periscolaire.models import ClaePage, GalleryPage

    city = ensure_city_home()
    school = city.add_child(instance=SchoolPage(title="École du banc d'essai", slug="banc", uai="0319999Z"))
    clae = school.add_child(instance=ClaePage(title="CLAE", slug="clae"))
    animator = User.objects.create_user("animateur.banc", password="Un-mot-de-passe-2026")
    StaffAssignment.objects.create(user=animator, school=school, role=Role.CLAE_ANIMATOR)
    gallery = clae.add_child(instance=GalleryPage(title="Carnaval", slug="carnaval", live=False))

    started = time.perf_counter()
    photos = make_photos(args.photos)
    generation = time.perf_counter() - started
    good, bad_name = list(photos), None
    if 0 <= args.corrupt_index < len(photos):
        name, data = photos[args.corrupt_index]
        photos[args.corrupt_index] = (name, data[: len(data) // 3])  # truncated mid-transfer
        bad_name = name
    sizes = [len(data) for _name, data in photos]

    client = Client()
    client.force_login(animator)
    url = reverse("periscolaire_admin:gallery_upload", args=(gallery.pk,))
    timings, cpu_timings, statuses, errors = [], [], {}, {}
    total_start, total_cpu_start = time.perf_counter(), time.process_time()
    for name, data in photos:
        start, cpu_start = time.perf_counter(), time.process_time()
        response = client.post(url, {"photo": SimpleUploadedFile(name, data, content_type="image/jpeg")})
        timings.append(time.perf_counter() - start)
        cpu_timings.append(time.process_time() - cpu_start)
        statuses[name] = response.status_code
        if response.status_code != 201:
            errors[name] = response.json().get("error")
    total = time.perf_counter() - total_start
    total_cpu = time.process_time() - total_cpu_start

    draft = GalleryPage.objects.get(pk=gallery.pk).get_latest_revision_as_object()
    in_gallery = [p.image.title for p in draft.photos.all()]
    expected = [n.rsplit(".", 1)[0] for n, _d in good if n != bad_name]
    stored = get_image_model().objects.filter(collection__path__startswith=gallery_collection_path(gallery))
    stored_bytes = sum(i.file_size or 0 for i in stored)

    ok = in_gallery == expected and set(errors) == ({bad_name} if bad_name else set())
    good_timings = [t for (n, _d), t in zip(photos, timings, strict=True) if n != bad_name]
    good_cpu = [t for (n, _d), t in zip(photos, cpu_timings, strict=True) if n != bad_name]
    print(f"Database: {connection.vendor} ({db_name if connection.vendor != 'sqlite' else 'in memory'})")
    print(f"Photos: {len(photos)} × 4000×3000 JPEG (12 MP), {statistics.mean(sizes) / 1e6:.1f} MB average, "
          f"{sum(sizes) / 1e6:.0f} MB in all (generated in {generation:.1f} s)")
    print(f"Upload total: {total:.1f} s for {len(photos)} requests ({len(photos) / total:.2f} photos/s); "
          f"CPU time of this process {total_cpu:.1f} s (wall > CPU: the machine was busy or waiting on I/O)")
    print(f"Per photo: median {statistics.median(good_timings) * 1000:.0f} ms, "
          f"p90 {sorted(good_timings)[int(0.9 * (len(good_timings) - 1))] * 1000:.0f} ms, "
          f"max {max(good_timings) * 1000:.0f} ms; CPU median {statistics.median(good_cpu) * 1000:.0f} ms")
    if bad_name:
        print(f"Corrupt photo {bad_name}: HTTP {statuses[bad_name]} — {errors.get(bad_name)!r} "
              f"({timings[args.corrupt_index] * 1000:.0f} ms)")
    print(f"Kept in the gallery draft: {len(in_gallery)} of {len(expected)} good photos, in order: {in_gallery == expected}; "
          f"stored originals {stored_bytes / 1e6:.1f} MB (downscaled to 2560 px, no EXIF)")
    print("RESULT:", "OK — no good photo lost" if ok else "FAILED")
    return 0 if ok else 1


def gallery_collection_path(gallery):
    from periscolaire.media import linked_collection

    return linked_collection(gallery).path


if __name__ == "__main__":
    sys.exit(main())
