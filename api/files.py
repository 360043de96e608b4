"""File entries for the API: signed links (ent_pages.media.links) to files the access policy lets through.

Called inside a view, where the token's media key is the current viewer: ``rendition.url`` and
``signed_url`` sign for that device.
"""

from wagtail.images import get_image_model

from ent_pages.access import policy
from ent_pages.media.links import signed_url

#: The renditions the HTML pages use (ent_pages.media.uploads.RENDITION_SPECS): nothing new is made.
LARGE, THUMBNAIL = "max-1600x1600", "fill-320x240"


def image_file(image, caption=""):
    return {
        "id": image.pk,
        "kind": "image",
        "title": image.title,
        "caption": caption,
        "url": image.get_rendition(LARGE).url,
        "thumbnail": image.get_rendition(THUMBNAIL).url,
    }


def document_file(document, caption=""):
    return {
        "id": document.pk,
        "kind": "document",
        "title": document.title,
        "caption": caption,
        "url": signed_url(document),
        "thumbnail": None,
    }


def page_files(user, page):
    """The files a live page shows `user` (its LiveFileUsage rows, through the policy): images then documents."""
    from ent_pages.models import PrivateDocument

    usages = list(policy.viewable_file_usages(user).filter(page=page).values_list("image_id", "document_id"))
    image_ids = [i for i, _d in usages if i]
    document_ids = [d for _i, d in usages if d]
    images = get_image_model().objects.filter(pk__in=image_ids).prefetch_renditions(LARGE, THUMBNAIL).order_by("pk")
    documents = PrivateDocument.objects.filter(pk__in=document_ids).order_by("pk")
    return [image_file(i) for i in images] + [document_file(d) for d in documents]


def gallery_files(gallery):
    """(photos, works) of a gallery the caller may view, as its page shows them."""
    photos = list(gallery.photos.all())
    works = list(gallery.works.select_related("document"))
    image_ids = [p.image_id for p in photos] + [w.image_id for w in works if w.image_id]
    images = {i.pk: i for i in get_image_model().objects.filter(pk__in=image_ids).prefetch_renditions(LARGE, THUMBNAIL)}
    photo_files = [image_file(images[p.image_id], p.caption) for p in photos if p.image_id in images]
    work_files = []
    for work in works:
        if work.image_id in images:
            work_files.append(image_file(images[work.image_id], work.caption))
        elif work.document is not None:
            work_files.append(document_file(work.document, work.caption))
    return photo_files, work_files
