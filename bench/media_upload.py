"""Upload of 50 photos of 12 megapixels through the Wagtail admin's multiple-upload view.

Goal (issue 3): per-photo server time (clean + downscale + renditions) ≤ 0.8 s median, peak
memory per worker ≤ 400 MiB. Photos are drawn in memory (gradient + sensor-like noise, EXIF with
GPS, ~4 MB JPEG each) and written to disk by the parent process; a child process, standing for one
server worker, uploads them one request at a time, as the admin's uploader does, and reports the
time of each request and its peak resident memory (ru_maxrss).

    .venv/bin/python bench/media_upload.py [--photos 50] [--megapixels 12]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _media_common import bootstrap, class_with_people, median, percentile  # noqa: E402


def make_photos(folder, count, megapixels):
    from PIL import ExifTags, Image, ImageFilter

    width = int((megapixels * 1_000_000 * 4 / 3) ** 0.5)
    height = width * 3 // 4
    noise = Image.effect_noise((width // 2, height // 2), 40).resize((width, height)).filter(ImageFilter.SMOOTH)
    paths = []
    for i in range(count):
        path = Path(folder) / f"IMG_{i:04d}.jpg"
        paths.append(path)
        if path.exists():
            continue
        base = Image.linear_gradient("L").resize((width, height)).rotate(i * 7, expand=False)
        rgb = Image.merge("RGB", (base, noise, Image.blend(base, noise, (i % 10) / 10)))
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "Apple"
        exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (43.0, 36.0, 16.0), 3: "E", 4: (1.0, 26.0, 39.0)}
        rgb.save(path, "JPEG", quality=92, exif=exif.tobytes())
    return paths


def worker(folder):
    bootstrap()
    from django.test import Client
    from django.urls import reverse

    from ent_pages import uploads

    class_page, teacher, _parent = class_with_people()
    client = Client(HTTP_HOST="localhost")
    client.force_login(teacher)

    phases = {"clean": [], "renditions": []}

    def timed(name, func):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                phases[name].append(time.perf_counter() - start)
        return wrapper

    uploads.clean_image_bytes = timed("clean", uploads.clean_image_bytes)
    uploads.pregenerate_renditions = timed("renditions", uploads.pregenerate_renditions)

    from django.core.files.uploadedfile import SimpleUploadedFile

    paths = sorted(Path(folder).glob("IMG_*.jpg"))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times, cpu_times, sizes = [], [], []
    for path in paths:
        data = path.read_bytes()
        sizes.append(len(data))
        upload = SimpleUploadedFile(path.name, data, content_type="image/jpeg")
        start, cpu_start = time.perf_counter(), time.process_time()
        response = client.post(reverse("wagtailimages:add_multiple"), {"files[]": upload})
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
        assert response.status_code == 200 and response.json()["success"], response.content[:500]
        del data, upload, response
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "count": len(times), "median": median(times), "cpu_median": median(cpu_times), "load": os.getloadavg()[0], "p90": percentile(times, 0.9), "max": max(times),
        "clean_median": median(phases["clean"]), "renditions_median": median(phases["renditions"]),
        "rss_before_mib": rss_before / 1024, "rss_peak_mib": rss_peak / 1024,
        "mean_upload_mib": sum(sizes) / len(sizes) / 1024 / 1024, "specs": len(uploads.RENDITION_SPECS),
    }))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=50)
    parser.add_argument("--megapixels", type=float, default=12)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    folder = Path(tempfile.gettempdir()) / f"preau-bench-photos-{args.megapixels:g}mp"
    folder.mkdir(exist_ok=True)
    for stale in sorted(folder.glob("IMG_*.jpg"))[args.photos:]:
        stale.unlink()
    started = time.perf_counter()
    make_photos(folder, args.photos, args.megapixels)
    print(f"photos ready in {folder} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    output = subprocess.run(  # noqa: S603 - runs this very script
        [sys.executable, __file__, "--worker", str(folder)], check=True, capture_output=True, text=True,
        # glibc gives each thread its own malloc arena; Wagtail renders renditions in threads. Two
        # arenas keep a worker's memory flat (docs/private-media.md, production gunicorn settings).
        env={"MALLOC_ARENA_MAX": "2", **os.environ},
    )
    result = json.loads(output.stdout.strip().splitlines()[-1])
    print(f"media_upload: {result['count']} photos of {args.megapixels:g} MP "
          f"(mean {result['mean_upload_mib']:.1f} MiB JPEG, EXIF+GPS), admin multiple-upload view, one worker")
    print(f"  per-photo server time: median {result['median']:.3f} s, p90 {result['p90']:.3f} s, max {result['max']:.3f} s"
          f"   (goal ≤ 0.8 s median)")
    print(f"  per-photo CPU time (all threads of the worker): median {result['cpu_median']:.3f} s"
          f"   (machine load average during the run: {result['load']:.1f} on {os.cpu_count()} CPUs)")
    print(f"    of which clean+downscale median {result['clean_median']:.3f} s, "
          f"renditions ({result['specs']} specs) median {result['renditions_median']:.3f} s")
    print(f"  peak memory of the worker: {result['rss_peak_mib']:.0f} MiB (after start-up {result['rss_before_mib']:.0f} MiB)"
          f"   (goal ≤ 400 MiB)")


if __name__ == "__main__":
    main()
