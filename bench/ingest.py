"""Ingest cost of a phone photo: CPU time to clean, downscale, store and pre-render one upload.

Goal (issue 10): ≤ 0.25 s median CPU per 12 MP JPEG on one core. Times ``create_image`` (the path
every upload takes once its form is valid: decode, EXIF orientation applied, metadata dropped,
downscale to ``PREAU_IMAGE_MAX_LONG_SIDE``, encode, store, and the renditions the templates use)
with ``time.process_time`` (CPU of every thread of the process) over real-world-like photos: a
scene of smooth gradients, shapes and sensor noise, saved as a phone does (4:3, quality 90, EXIF
with make, model, an orientation tag and a GPS block), ~3 MB per 12 MP JPEG; the same scenes as
HEIC. Photos are generated once into /tmp and reused.

    .venv/bin/python bench/ingest.py [--photos 30] [--megapixels 12] [--formats jpeg,heic]
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _media_common import bootstrap, class_with_people, median, percentile  # noqa: E402

ORIENTATIONS = (1, 6, 1, 8, 1, 3)  # most phone photos are upright (1); portraits are 6 or 8


def scene(width, height, seed):
    """A photo-like frame: sky gradient, ground, a few soft shapes and sensor noise."""
    import random

    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    sky = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (sky.point(lambda v: 90 + v // 3), sky.point(lambda v: 140 + v // 4),
                                sky.point(lambda v: 255 - v // 5)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(70 + rng.randint(0, 40), 110, 50))
    for _ in range(25):
        x, y, r = rng.randint(0, width), rng.randint(height // 3, height), rng.randint(width // 60, width // 10)
        draw.ellipse((x - r, y - r, x + r, y + r),
                     fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)))
    image = image.filter(ImageFilter.GaussianBlur(3))
    noise = Image.effect_noise((width, height), 30).convert("RGB")  # texture: ~3.3 MB at quality 90, as phones write
    return Image.blend(image, noise, 0.2)


def make_photos(folder, count, megapixels, fmt):
    from PIL import ExifTags, Image

    width = int((megapixels * 1_000_000 * 4 / 3) ** 0.5) // 16 * 16
    height = width * 3 // 4
    paths = []
    extension = {"JPEG": "jpg", "HEIF": "heic"}[fmt]
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    for i in range(count):
        path = Path(folder) / f"IMG_{i:04d}.{extension}"
        paths.append(path)
        if path.exists():
            continue
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "Apple"
        exif[ExifTags.Base.Model] = "iPhone 13"
        exif[ExifTags.Base.Orientation] = ORIENTATIONS[i % len(ORIENTATIONS)]
        exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (43.0, 36.0, 16.0 + i), 3: "E", 4: (1.0, 26.0, 39.0)}
        out = io.BytesIO()
        options = {"enc_params": {"preset": "ultrafast"}} if fmt == "HEIF" else {}  # x265's default takes 30 s a photo
        scene(width, height, seed=i).save(out, fmt, quality=90, exif=exif.tobytes(), **options)
        path.write_bytes(out.getvalue())
    return paths


def measure(paths, collection):
    from PIL import ExifTags, Image

    from ent_pages.media.uploads import RENDITION_SPECS, create_image

    cpu, wall = [], []
    for path in paths:
        data = path.read_bytes()
        start, cpu_start = time.perf_counter(), time.process_time()
        image = create_image(title=path.stem, collection=collection, data=data, name=path.name)
        cpu.append(time.process_time() - cpu_start)
        wall.append(time.perf_counter() - start)
        # Sanity: metadata gone, orientation applied, every rendition made.
        with image.open_file() as f, Image.open(f) as stored:
            assert not stored.getexif() and not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo), path
            assert (stored.width > stored.height) == (image.width > image.height)
        assert image.renditions.count() == len(RENDITION_SPECS), path
    last = image
    return cpu, wall, last


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=30)
    parser.add_argument("--megapixels", type=float, default=12)
    parser.add_argument("--formats", default="jpeg,heic")
    args = parser.parse_args()
    # One core, as the goal says: libvips and image libraries must not spread the work on threads.
    os.environ.setdefault("VIPS_CONCURRENCY", "1")
    bootstrap()
    class_page, _teacher, _parent = class_with_people()
    from ent_pages.media.uploads import RENDITION_SPECS
    from ent_pages.roles import page_collection

    collection = page_collection(class_page)
    print(f"ingest: create_image (clean + downscale + store + {len(RENDITION_SPECS)} renditions), "
          f"{args.photos} photos of {args.megapixels:g} MP per format, one process")
    for fmt in args.formats.split(","):
        pil_format = {"jpeg": "JPEG", "heic": "HEIF"}[fmt]
        folder = Path(tempfile.gettempdir()) / f"preau-bench-ingest-{fmt}-{args.megapixels:g}mp"
        folder.mkdir(exist_ok=True)
        started = time.perf_counter()
        paths = make_photos(folder, args.photos, args.megapixels, pil_format)
        print(f"  {fmt}: photos ready in {folder} ({time.perf_counter() - started:.1f} s), "
              f"mean {sum(p.stat().st_size for p in paths) / len(paths) / 1e6:.1f} MB", file=sys.stderr)
        load_before = os.getloadavg()[0]
        cpu, wall, last = measure(paths, collection)
        sizes = {r.filter_spec: f"{r.width}x{r.height}/{r.file.size // 1024}kB" for r in last.renditions.all()}
        print(f"  {fmt.upper()}: CPU per photo median {median(cpu):.3f} s, p90 {percentile(cpu, 0.9):.3f} s "
              f"(wall median {median(wall):.3f} s); load average {load_before:.1f} → {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} CPUs")
        print(f"    last photo stored {last.width}x{last.height}, {last.file_size // 1024} kB; renditions {sizes}")


if __name__ == "__main__":
    main()
