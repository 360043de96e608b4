"""Admin forms of ent_pages: the image form every upload path of the Wagtail admin goes through."""

from wagtail.images.forms import BaseImageForm


class PrivateImageForm(BaseImageForm):
    """Base of Wagtail's image forms (single upload, multiple upload, chooser upload, edit).

    The file is checked by Wagtail's field (format from content, size, pixels) and cleaned by
    ``ent_pages.uploads`` when the image is saved.
    """
