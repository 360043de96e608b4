"""Feed previews: a thumbnail and a short excerpt for each item of the family feed.

Read from the published rows of live pages (never from drafts), in a bounded number of queries
for a page of the feed whatever its length: one per page type, one for gallery photos, one (plus
renditions) for the images.
"""

from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.images import get_image_model

#: The pre-generated thumbnail spec (ent_pages.media.uploads.RENDITION_SPECS): no rendition made on a family's view.
THUMBNAIL_SPEC = "fill-320x240"
EXCERPT_CHARS = 180


def _image_id(value):
    """An image id from a raw ImageBlock / ImageChooserBlock value (an id, or a dict holding one)."""
    if isinstance(value, int):
        return value
    if isinstance(value, dict):
        return _image_id(value.get("image"))
    return None


def stream_preview(raw_blocks):
    """(first image id, first text) of a StreamField's raw data, without converting its blocks."""
    image_id, text = None, ""
    for block in raw_blocks or ():
        kind, value = block.get("type"), block.get("value")
        if image_id is None and kind == "image":
            image_id = _image_id(value)
        elif image_id is None and kind == "gallery" and isinstance(value, dict):
            for item in value.get("images") or ():
                image_id = _image_id(item.get("value") if isinstance(item, dict) and "type" in item else item)
                if image_id is not None:
                    break
        elif not text and kind == "paragraph" and isinstance(value, str):
            text = strip_tags(value).strip()
        if image_id is not None and text:
            break
    return image_id, text


def _raw(stream_value):
    return getattr(stream_value, "raw_data", stream_value)


def attach_previews(items, models_by_ct):
    """Set ``feed_image`` (an image or None) and ``feed_excerpt`` on plain Page rows of the feed."""
    by_model = {}
    for item in items:
        item.feed_image, item.feed_excerpt = None, ""
        model = models_by_ct.get(item.content_type_id)
        if model is not None:
            by_model.setdefault(model, []).append(item)
    image_ids = {}
    for model, rows in by_model.items():
        ids = [row.pk for row in rows]
        previews = _previews_for(model, ids)
        for row in rows:
            image_id, text = previews.get(row.pk, (None, ""))
            row.feed_excerpt = Truncator(" ".join(text.split())).chars(EXCERPT_CHARS)
            if image_id is not None:
                image_ids[row.pk] = image_id
    if image_ids:
        images = get_image_model().objects.filter(pk__in=set(image_ids.values())).prefetch_renditions(THUMBNAIL_SPEC)
        images = {image.pk: image for image in images}
        for item in items:
            item.feed_image = images.get(image_ids.get(item.pk))


def _previews_for(model, ids):
    """{page id: (image id, text)} for pages of one model: its own ``feed_preview_rows`` or a body StreamField."""
    custom = getattr(model, "feed_preview_rows", None)
    if custom is not None:
        return custom(ids)
    field_names = {f.name for f in model._meta.get_fields()}
    if "body" not in field_names:
        return {}
    return {pk: stream_preview(_raw(body)) for pk, body in model.objects.filter(pk__in=ids).values_list("pk", "body")}
