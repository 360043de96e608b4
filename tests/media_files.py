"""Image and document files built in memory for media tests (no downloads, no fixtures on disk)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

#: A GPS position (Toulouse, Capitole) written in test photos: it must never reach storage.
GPS = {1: "N", 2: (43.0, 36.0, 16.0), 3: "E", 4: (1.0, 26.0, 39.0)}


def photo_bytes(size=(1200, 900), fmt="JPEG", gps=True, orientation=None, color=(200, 80, 40)):
    """A photo as a phone writes it: EXIF with camera make, GPS block and an orientation tag."""
    image = Image.new("RGB", size, color)
    image.paste((20, 120, 220), (0, 0, size[0] // 2, size[1] // 3))  # a feature to check orientation
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = "iPhone 15"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    image.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf_bytes(text="Liste des fournitures"):
    image = Image.new("RGB", (400, 560), "white")
    out = io.BytesIO()
    image.save(out, "PDF")
    return out.getvalue()


def has_exif(data):
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        return bool(exif) or "exif" in image.info


def has_gps(data):
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))


def png_bomb_bytes(width=20_000, height=20_000):
    """A valid 1-bit PNG of width × height whose pixels compress to a few kilobytes (a decompression bomb)."""
    import struct
    import zlib

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def stored_files(root):
    """Every file under a storage folder (to prove that a refused upload left nothing behind)."""
    import os

    return sorted(os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files)
