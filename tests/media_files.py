"""Image and document files built in memory for media tests (no downloads, no fixtures on disk)."""

import functools
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

#: A GPS position (Toulouse, Capitole) written in test photos: it must never reach storage.
GPS = {1: "N", 2: (43.0, 36.0, 16.0), 3: "E", 4: (1.0, 26.0, 39.0)}


def photo_bytes(size=(1200, 900), fmt="JPEG", gps=True, orientation=None, color=(200, 80, 40)):
    """A photo as a phone writes it: EXIF with camera make, GPS block and an orientation tag."""
    image = Image.new("RGB", size, color)
    image.paste((20, 120, 220), (0, 0, size[0] // 2, size[1] // 3))  # a feature to check orientation
    return _save_as_camera(image, fmt, ("Apple", "iPhone 15"), orientation=orientation, gps=gps)


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


# ------------------------------------------------------------------ broken and unusual files (issue 10)
def textured_photo_bytes(size=(1600, 1200), fmt="JPEG", orientation=None, gps=True):
    """A phone-like photo with sensor-like texture (so that it weighs what photos weigh), EXIF and GPS."""
    from PIL import ImageFilter

    base = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, 30).filter(ImageFilter.SMOOTH)
    image = Image.merge("RGB", (base, noise, Image.blend(base, noise, 0.5)))
    return _save_as_camera(image, fmt, ("Canon", "EOS R6"), orientation=orientation, gps=gps,
                           **({"quality": 90} if fmt in ("JPEG", "HEIF") else {}))


def png_photo_bytes(size=(800, 600)):
    return textured_photo_bytes(size=size, fmt="PNG", gps=False)


def cut(data, fraction):
    """The file as an interrupted transfer leaves it: only the first `fraction` of its bytes."""
    return data[: max(1, int(len(data) * fraction))]


def _png_chunks(data):
    import struct

    offset, chunks = 8, []
    while offset < len(data):
        length = struct.unpack(">I", data[offset : offset + 4])[0]
        chunks.append((offset, length, data[offset + 4 : offset + 8]))
        offset += 12 + length
    return chunks


def png_with_broken_idat(data, fix_crc=True):
    """A PNG whose compressed picture data is damaged; with `fix_crc`, its chunk checksums still match
    (a broken zlib stream), otherwise the IDAT checksum is wrong too."""
    import struct
    import zlib

    offset, length, _kind = next(c for c in _png_chunks(data) if c[2] == b"IDAT")
    payload = bytearray(data[offset + 8 : offset + 8 + length])
    payload[length // 3 : length // 3 + 64] = b"\xff" * 64
    crc = zlib.crc32(b"IDAT" + bytes(payload)) if fix_crc else struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])[0]
    return data[: offset + 8] + bytes(payload) + struct.pack(">I", crc) + data[offset + 12 + length :]


def with_damaged_header(data):
    """The file's signature is intact but the header after it is garbage (what a bad sector does)."""
    keep = 8 if data.startswith(b"\x89PNG") else 12 if data[4:8] == b"ftyp" else 3
    return data[:keep] + bytes(range(7, 7 + 40)) + data[keep + 40 :]


def animated_bytes(fmt="GIF", frames=3, size=(120, 90)):
    """An animation of `frames` frames: GIF, WEBP or PNG (APNG)."""
    images = [Image.new("RGB", size, (60 * i, 200 - 50 * i, 90)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, fmt, save_all=True, append_images=images[1:], duration=100, loop=0)
    return out.getvalue()


#: What the uploader is told (French), for each kind of damage.
INCOMPLETE = "Cette image est incomplète"
DAMAGED_DATA = "Cette image est abîmée"
DAMAGED_HEADER = "L'en-tête de cette image"
NOT_ACCEPTED = "dans un format accepté par Préau (JPEG, PNG, HEIC, WebP, GIF)"


@functools.cache
def phone_files():
    """(JPEG, PNG, HEIC): a portrait phone photo (orientation 6) and a drawing, with EXIF/GPS where the format has it."""
    return textured_photo_bytes(size=(1600, 1200), orientation=6), png_photo_bytes(), textured_photo_bytes(size=(1200, 900), fmt="HEIF")


@functools.cache
def broken_files():
    """{case: (file name, bytes, content type, what the uploader must be told, in French)}."""
    JPEG, PNG, HEIC = phone_files()  # noqa: N806
    return {
        "jpeg-cut-in-its-header": ("IMG_2041.jpg", cut(JPEG, 0.002), "image/jpeg", INCOMPLETE),
        "jpeg-cut-at-10%": ("IMG_2042.jpg", cut(JPEG, 0.1), "image/jpeg", INCOMPLETE),
        "jpeg-cut-at-half": ("IMG_2043.jpg", cut(JPEG, 0.5), "image/jpeg", INCOMPLETE),
        "jpeg-missing-its-last-bytes": ("IMG_2044.jpg", JPEG[:-200], "image/jpeg", INCOMPLETE),
        "jpeg-damaged-header": ("IMG_2045.jpg", with_damaged_header(JPEG), "image/jpeg", DAMAGED_HEADER),
        "png-cut-at-half": ("dessin.png", cut(PNG, 0.5), "image/png", INCOMPLETE),
        "png-broken-zlib-stream": ("dessin.png", png_with_broken_idat(PNG), "image/png", DAMAGED_DATA),
        "png-bad-idat-checksum": ("dessin.png", png_with_broken_idat(PNG, fix_crc=False), "image/png", DAMAGED_DATA),
        "png-damaged-header": ("dessin.png", with_damaged_header(PNG), "image/png", DAMAGED_HEADER),
        "heic-cut-at-half": ("IMG_0042.heic", cut(HEIC, 0.5), "image/heic", INCOMPLETE),
        "heic-damaged-header": ("IMG_0043.heic", with_damaged_header(HEIC), "image/heic", DAMAGED_HEADER),
        "text-renamed-jpg": ("photo.jpg", b"Ceci n'est pas une image.\n" * 40, "image/jpeg", NOT_ACCEPTED),
    }


#: A few of them, for the paths that share the same field (one of each kind of damage).
SOME_BROKEN_FILES = ["jpeg-cut-at-half", "png-broken-zlib-stream", "jpeg-damaged-header", "heic-cut-at-half"]


def _save_as_camera(image, fmt, camera, *, orientation=None, gps=True, **save_options):
    """Encode `image` as a camera would: its make and model, an orientation tag, a GPS block."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make], exif[ExifTags.Base.Model] = camera
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    image.save(out, fmt, exif=exif.tobytes(), **save_options)
    return out.getvalue()
