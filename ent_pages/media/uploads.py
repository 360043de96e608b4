"""Cleaning of uploaded images, on every path: admin single and multiple upload, choosers, galleries, API.

The stored original never carries EXIF (so no GPS position, no camera serial), is turned the right
way up (the EXIF orientation is applied to the pixels before the tag goes), is at most
``PREAU_IMAGE_MAX_LONG_SIDE`` pixels on its long side, and is a JPEG when the phone sent HEIC.
Files that are not images, too heavy or with too many pixels (decompression bombs) are refused
before anything is stored.

Called from ``PrivateImage.save()``, so that no path can store an uncleaned file; Wagtail's image
form field refuses bad files earlier with its own messages.
"""

from __future__ import annotations

import datetime
import io
import logging
import os
import struct
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from wagtail.images.models import Filter
from wagtail.utils.file import hash_filelike

try:  # pragma: no cover - pyvips-binary ships libvips; without it every format goes through Pillow
    import pyvips

    pyvips.cache_set_max(0)  # one pass per upload: nothing worth caching, memory returned at once
except (ImportError, OSError):
    pyvips = None

from .formats import ACCEPTED_FORMATS_TEXT

try:  # pillow-heif comes with Wagtail (Willow's HEIC/AVIF support)
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - HEIC is then refused as "not an image"
    pass

logger = logging.getLogger(__name__)

#: The large rendition: a photo opened full screen.
LARGE_SPEC = "max-1600x1600"
#: Thumbnails: drawn from the large rendition rather than from the original (same pixels at these
#: sizes, a third of the decoding and resampling work).
THUMBNAIL_SPECS = (
    "max-165x165",  # Wagtail admin listings and choosers
    "fill-320x240",  # photo thumbnails (class page, galleries)
    "width-960",  # images in class posts (class_blog captioned image block)
)
#: The renditions that Préau's templates use ({% image %} specs), generated at upload so that a
#: family's first view is fast. Shared by every app: add the specs your templates use here
#: (tests/ent_pages/test_private_media.py checks that every template spec is listed).
RENDITION_SPECS = (
    "original",  # ImageBlock in StreamFields (wagtail.images.blocks)
    LARGE_SPEC,
    *THUMBNAIL_SPECS,
)

#: Formats kept as they are (re-encoded without metadata); everything else becomes JPEG.
_KEEP_FORMATS = {"PNG": ("PNG", "png"), "WEBP": ("WEBP", "webp"), "GIF": ("PNG", "png")}
_JPEG_QUALITY = 85
#: Decoded by libvips (pyvips with its binary wheel, no system library): phone photos.
_VIPS_FORMATS = {"JPEG", "MPO"}
#: Pillow's names for the accepted formats (MPO: a JPEG with a second picture, as some phones write).
_ACCEPTED_DECODERS = {"JPEG", "MPO", "PNG", "GIF", "WEBP", "HEIF", "AVIF"}


def max_long_side():
    return getattr(settings, "PREAU_IMAGE_MAX_LONG_SIDE", 2560)


def max_pixels():
    return getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 50_000_000)


def max_bytes():
    return getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 25 * 1024 * 1024)


def clean_image_bytes(data: bytes | io.IOBase, name: str) -> ContentFile:
    """Return the cleaned image as a named ContentFile, or raise ValidationError (nothing stored).

    The returned file carries ``image_size``, ``preau_cleaned`` and ``upload_notes`` (what the
    uploader should be told although the file was accepted, e.g. an animation kept as its first frame).
    """
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    stream.seek(0)
    size = _stream_size(stream)
    if size > max_bytes():
        raise ValidationError(
            _("This file is too big (%(size)s). The maximum is %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(max_bytes())},
            code="file_too_large",
        )
    head = stream.read(64)
    stream.seek(0)
    try:
        opened = Image.open(stream)
    except Image.DecompressionBombError:
        raise _too_many_pixels(None) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _unreadable(head, stream, size, exc, header=True) from exc
    with opened:
        width, height = opened.size
        if width * height > max_pixels():
            raise _too_many_pixels((width, height))
        source_format = opened.format or ""
        if source_format not in _ACCEPTED_DECODERS:  # e.g. a PSD or a TIFF renamed .jpg
            raise ValidationError(not_accepted_message(), code="invalid_image")
        if source_format in _VIPS_FORMATS and pyvips is not None:
            image = None
        else:
            animated = bool(getattr(opened, "is_animated", False))
            try:
                image = _decoded(opened)
            except Image.DecompressionBombError:
                raise _too_many_pixels((width, height)) from None
            except (OSError, SyntaxError, ValueError, EOFError, zlib.error) as exc:
                raise _unreadable(head, stream, size, exc, header=False) from exc
    stem = os.path.splitext(os.path.basename(name))[0] or "image"
    if image is None:
        stream.seek(0)
        return _clean_with_vips(stream.read(), (width, height), stem, head, stream, size)

    target_format, extension = _KEEP_FORMATS.get(source_format, ("JPEG", "jpg"))
    out = io.BytesIO()
    if target_format == "JPEG":
        if image.mode != "RGB":
            image = _flatten(image)
        image.save(out, "JPEG", quality=_JPEG_QUALITY, optimize=False,
                   icc_profile=image.info.get("icc_profile"))
    elif target_format == "WEBP":
        image.save(out, "WEBP", quality=_JPEG_QUALITY, icc_profile=image.info.get("icc_profile"))
    else:
        image.save(out, "PNG", icc_profile=image.info.get("icc_profile"))
    cleaned = ContentFile(out.getvalue(), name=f"{stem}.{extension}")
    cleaned.image_size = image.size
    cleaned.preau_cleaned = True
    cleaned.upload_notes = [first_frame_note(name)] if animated else []
    return cleaned


def _clean_with_vips(raw, header_size, stem, head, stream, size):
    """A phone photo (JPEG) cleaned by libvips: about half of Pillow's CPU for the same result.

    Decoded at 1/2, 1/4 or 1/8 scale when the photo is at least twice the limit (libjpeg's
    shrink-on-load), turned by its EXIF orientation, resampled once (Lanczos) to the long-side limit,
    encoded without any metadata but its colour profile. The renditions are made from the same
    decoded pixels (``vips_image``), so that none decodes the original again. A file cut short or
    with broken data fails here, before anything is stored.
    """
    limit = max_long_side()
    try:
        shrink = 1
        while shrink < 8 and max(header_size) // (shrink * 2) >= limit:  # the long side: rotation aside
            shrink *= 2
        image = pyvips.Image.new_from_buffer(raw, "", shrink=shrink, fail_on="truncated")
        if max(image.width, image.height) > limit:  # resample before turning: fewer pixels to move
            image = _vips_resized(image, *_fitted((image.width, image.height), limit))
        image = image.autorot()
        if image.interpretation not in ("srgb", "b-w"):
            image = image.colourspace("srgb")
        image = image.copy_memory()  # decode now, once: an error surfaces here
        data = image.jpegsave_buffer(Q=_JPEG_QUALITY, keep="icc")
    except pyvips.Error as exc:
        raise _unreadable(head, stream, size, exc, header=False) from exc
    cleaned = ContentFile(data, name=f"{stem}.jpg")
    cleaned.image_size = (image.width, image.height)
    cleaned.preau_cleaned = True
    cleaned.upload_notes = []
    cleaned.vips_image = image  # the renditions are made from these pixels (pregenerate_renditions)
    return cleaned


def _fitted(size, limit):
    """(width, height) of `size` scaled down so that its long side is `limit`."""
    width, height = size
    scale = limit / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _vips_resized(image, width, height):
    """`image` resampled (Lanczos) to exactly width × height."""
    return image.resize(width / image.width, vscale=height / image.height)


def accepted_formats_text():
    """The formats named to uploaders (``ent_pages.media.formats``): one list on every path."""
    return ACCEPTED_FORMATS_TEXT


def not_accepted_message(name=None):
    """A file whose extension or content is not an accepted image format."""
    if name:
        return _("“%(name)s” is not an image in a format Préau accepts (%(formats)s).") % {
            "name": os.path.basename(name), "formats": ACCEPTED_FORMATS_TEXT}
    return _("This file is not an image in a format Préau accepts (%(formats)s).") % {"formats": ACCEPTED_FORMATS_TEXT}


def first_frame_note(name):
    """Told to the uploader of an animated GIF, WebP or PNG: only the first image is kept."""
    return _("“%(name)s” is an animation: Préau keeps only its first image, as a still photo.") % {
        "name": os.path.basename(name)}


def _too_many_pixels(size):
    if size is None:
        message = _("This image has too many pixels. The maximum is %(max)s million pixels.") % {
            "max": max_pixels() // 1_000_000}
    else:
        message = _(
            "This image has too many pixels (%(width)s × %(height)s). The maximum is %(max)s million pixels."
        ) % {"width": size[0], "height": size[1], "max": max_pixels() // 1_000_000}
    return ValidationError(message, code="file_too_many_pixels")


#: File signatures of the accepted formats: a file that starts like one of them is a damaged image,
#: not "something else".
_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")
_ISO_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")


def _looks_like_accepted_image(head):
    if head.startswith(_SIGNATURES):
        return True
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    return head[4:8] == b"ftyp" and head[8:12] in _ISO_BRANDS


def _cut_short(head, stream, size, exc):
    """Whether the file stops before its end (an interrupted transfer), rather than being damaged."""
    if "truncated" in str(exc).lower():
        return True
    stream.seek(0)
    data = stream.read()
    stream.seek(0)
    if head.startswith(b"\xff\xd8"):  # no end-of-image marker (an EXIF thumbnail has its own: look at the end)
        return not data.rstrip(b"\x00").endswith(b"\xff\xd9")
    if head.startswith(b"\x89PNG"):
        return b"IEND" not in data[-64:]
    if head.startswith((b"GIF87a", b"GIF89a")):
        return not data.rstrip(b"\x00").endswith(b";")
    if head[:4] == b"RIFF":
        return size < 8 + struct.unpack("<I", head[4:8])[0]
    if head[4:8] == b"ftyp":  # ISO boxes: a box longer than what is left means the end is missing
        offset = 0
        while offset + 8 <= size:
            if not data[offset + 4:offset + 8].isalnum():  # not a box type: damaged, not cut short
                return False
            box = struct.unpack(">I", data[offset:offset + 4])[0]
            if box == 1 and offset + 16 <= size:
                box = struct.unpack(">Q", data[offset + 8:offset + 16])[0]
            if box < 8:  # 0: "up to the end of the file"; 2-7: damaged
                return False
            offset += box
        return offset > size
    return False


def _unreadable(head, stream, size, exc, *, header):
    """The ValidationError that says what is wrong with a file Pillow could not read."""
    if not _looks_like_accepted_image(head):
        return ValidationError(not_accepted_message(), code="invalid_image")
    if _cut_short(head, stream, size, exc):
        return ValidationError(
            _("This image is incomplete: the file stops before its end (a transfer or a copy was interrupted). "
              "Send the photo again from the device that took it."),
            code="image_truncated",
        )
    if header:
        return ValidationError(
            _("The header of this image (the start of the file, which gives its format and size) is damaged: "
              "it cannot be read. Send the photo again from the device that took it."),
            code="image_header_damaged",
        )
    return ValidationError(
        _("This image is damaged: its picture data cannot be decoded. Send the photo again from the device that "
          "took it."),
        code="image_data_damaged",
    )


def create_image(*, title, collection, data, name, user=None, **fields):
    """Create a PrivateImage from raw bytes or a file: the entry point for code paths (galleries,
    API, imports, demo). Raises ValidationError, with nothing stored, for a refused file."""
    from .models import PrivateImage

    cleaned = clean_image_bytes(data, name)
    image = PrivateImage(title=title, collection=collection, file=cleaned, uploaded_by_user=user, **fields)
    image.save()
    return image


def _decoded(opened):
    """Decode once, apply the EXIF orientation, downscale, and drop every metadata block."""
    limit = max_long_side()
    if opened.format == "JPEG" and max(opened.size) > 2 * limit:
        opened.draft("RGB", (limit, limit))  # let libjpeg decode at 1/2, 1/4... when it can
    opened.load()
    image = opened
    ImageOps.exif_transpose(image, in_place=True)  # applies and removes the orientation tag
    if max(image.size) > limit:
        # Hamming: a downscaling filter as sharp as bicubic here at the cost of bilinear
        # (0.17 s instead of 0.72 s for Lanczos on a 12 MP photo, on the 2-core test machine).
        image.thumbnail((limit, limit), Image.Resampling.HAMMING, reducing_gap=2.0)
    icc = image.info.get("icc_profile")
    image.info = {"icc_profile": icc} if icc else {}  # EXIF, XMP, GPS, comments: gone
    return image


def _flatten(image):
    """RGB for JPEG, transparent areas on white."""
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        background.info = image.info
        return background
    converted = image.convert("RGB")
    converted.info = image.info
    return converted


def _stream_size(stream):
    position = stream.tell()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def header_size(file) -> tuple[int, int]:
    """(width, height) from the image header, without decoding pixels; the EXIF orientation is
    not applied (stored originals have none once cleaned)."""
    position = file.tell()
    try:
        with Image.open(file) as image:
            return image.size
    finally:
        file.seek(position)


def clean_pending_image(image) -> bool:
    """Clean the file of a PrivateImage about to be saved, when it is new or was replaced.

    New images are always cleaned, even if a view already wrote the raw upload to storage
    (Wagtail's "create from uploaded file" path does): that raw file is then deleted.
    """
    field_file = image.file
    if not field_file:
        return False
    committed = getattr(field_file, "_committed", True)
    if committed and not image._state.adding:
        return False
    if not committed and getattr(field_file.file, "preau_cleaned", False):
        _record_cleaned(image, field_file.file)
        return True
    raw_name = field_file.name if committed else None
    field_file.open("rb")
    try:
        field_file.seek(0)
        cleaned = clean_image_bytes(field_file.file if not committed else field_file.read(), field_file.name)
    finally:
        if committed:
            field_file.close()
    if raw_name:
        field_file.storage.delete(raw_name)
    image.file = cleaned
    _record_cleaned(image, cleaned)
    return True


def _record_cleaned(image, cleaned):
    image.upload_notes = list(getattr(cleaned, "upload_notes", []))
    cleaned.seek(0)
    # What pregenerate_renditions draws from, already in memory: the cleaned bytes, and the large
    # rendition's source when the cleaning made it.
    image._rendition_sources = {"original": cleaned.read()}
    image._vips_source = getattr(cleaned, "vips_image", None)
    image.width, image.height = cleaned.image_size
    image.file_size = cleaned.size
    cleaned.seek(0)
    image.file_hash = hash_filelike(cleaned)
    cleaned.seek(0)
    # The cleaned image replaces the old focal point's frame only if the size changed.
    if (image.focal_point_x or 0) > image.width or (image.focal_point_y or 0) > image.height:
        image.set_focal_point(None)


def pregenerate_renditions(image):
    """Generate the renditions the templates use, so that nobody waits on first view.

    Without a focal point, each is drawn from the smallest source that holds its pixels: the
    "original" rendition is the cleaned file itself (same format and quality: no need to decode
    and encode it again), the large one from the source the cleaning made in memory (or from the
    original), the thumbnails from the large one.
    """
    try:
        if image.has_focal_point():  # crops depend on the focal point, in original coordinates
            image.get_renditions(*RENDITION_SPECS)
            return
        existing = set(image.renditions.filter(filter_spec__in=RENDITION_SPECS).values_list("filter_spec", flat=True))
        vips_source = getattr(image, "_vips_source", None)
        if vips_source is not None:
            renditions = _vips_renditions(image, vips_source, existing)
            image.get_rendition_model().objects.bulk_create(renditions, ignore_conflicts=True)
            return
        sources = getattr(image, "_rendition_sources", None) or {}
        original = sources.get("original")
        if original is None:
            with image.open_file() as f:
                original = f.read()
        renditions = []
        if "original" not in existing:
            renditions.append(_rendition_from_bytes(image, "original", original))
        large = image.generate_rendition_instance(Filter(spec=LARGE_SPEC), io.BytesIO(original))
        if LARGE_SPEC not in existing:
            renditions.append(large)
        large.file.seek(0)
        large_bytes = large.file.read()
        large.file.seek(0)
        for spec in THUMBNAIL_SPECS:
            if spec not in existing:
                renditions.append(image.generate_rendition_instance(Filter(spec=spec), io.BytesIO(large_bytes)))
        image.get_rendition_model().objects.bulk_create(renditions, ignore_conflicts=True)
    except Exception:  # a rendition failure must not lose the upload; it is retried on first view
        logger.exception("Could not pre-generate renditions for image %s", image.pk)
    finally:  # pixels and bytes in memory: let them go (and keep the image picklable for caches)
        image.__dict__.pop("_vips_source", None)
        image.__dict__.pop("_rendition_sources", None)


def _vips_renditions(image, source, existing):
    """The renditions of a photo cleaned by libvips, made from its pixels in memory.

    Each has the geometry Wagtail computes for its spec (``Filter.get_transform``: crop rectangle
    and size) and Wagtail's JPEG encoding (``WAGTAILIMAGES_JPEG_QUALITY``, progressive, optimised);
    thumbnails are drawn from the large rendition's pixels rather than from the original.
    """
    quality = getattr(settings, "WAGTAILIMAGES_JPEG_QUALITY", 76)
    renditions, large = [], None
    for spec in RENDITION_SPECS:
        transform = Filter(spec=spec).get_transform(image, (source.width, source.height))
        base, scale = source, 1.0
        if large is not None and spec in THUMBNAIL_SPECS:  # the large rendition is the whole picture, smaller
            base, scale = large, large.width / source.width
        left, top, right, bottom = (round(v * scale) for v in transform.get_rect())
        width, height = transform.size
        pixels = base.crop(left, top, right - left, bottom - top) if (right - left, bottom - top) != (base.width, base.height) else base
        if (pixels.width, pixels.height) != (width, height):
            pixels = _vips_resized(pixels, width, height).copy_memory()
        if spec == LARGE_SPEC:
            large = pixels
        if spec not in existing:
            # Baseline with optimised Huffman tables: Wagtail's size for half its CPU (progressive
            # encoding costs as much again and, on phones, shows little).
            data = pixels.jpegsave_buffer(Q=quality, optimize_coding=True, keep="icc")
            renditions.append(_rendition_from_bytes(image, spec, data, (width, height), ".jpg"))
    return renditions


def _rendition_from_bytes(image, spec, data, size=None, extension=None):
    """A rendition whose file is `data`, named as Wagtail names its renditions."""
    filter_ = Filter(spec=spec)
    cache_key = filter_.get_cache_key(image)
    stem, stored_extension = os.path.splitext(os.path.basename(image.file.name))
    extension = extension or stored_extension
    output_extension = f"{cache_key}.{spec}{extension}" if cache_key else f"{spec}{extension}"
    name = f"{stem[: 59 - len(output_extension)]}.{output_extension}"
    width, height = size or (image.width, image.height)
    return image.get_rendition_model()(
        image=image, filter_spec=spec, focal_point_key=cache_key, file=ContentFile(data, name=name),
        width=width, height=height,
    )


#: Wagtail's "finish later" copies of uploads older than this are abandoned.
ABANDONED_UPLOAD_AGE = datetime.timedelta(hours=24)


def abandoned_uploads(now=None):
    """Wagtail's pending uploads (``UploadedFile``, kept while an upload's form is incomplete) left
    for more than ``ABANDONED_UPLOAD_AGE``: [(upload, bytes)]. The model has no date: the file's is used."""
    from wagtail.models import UploadedFile

    cutoff = (now or timezone.now()) - ABANDONED_UPLOAD_AGE
    found = []
    for upload in UploadedFile.objects.order_by("pk"):
        name, storage = upload.file.name, upload.file.storage
        try:
            modified, size = storage.get_modified_time(name), storage.size(name)
        except (OSError, NotImplementedError, ValueError):  # no file left: the row alone is abandoned
            modified, size = None, 0
        if modified is None or modified <= cutoff:
            found.append((upload, size))
    return found


def delete_abandoned_uploads(found):
    """Delete the files and rows listed by ``abandoned_uploads``: (count, bytes)."""
    for upload, _size in found:
        if upload.file.name:
            upload.file.storage.delete(upload.file.name)
        upload.delete()
    return len(found), sum(size for _upload, size in found)
