"""Admin forms of ent_pages: the image form every upload path of the Wagtail admin goes through."""

from django.core.exceptions import ValidationError
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from .uploads import header_pixels, pregenerate_renditions


class HeaderCheckedImageField(WagtailImageField):
    """Wagtail's upload field, counting pixels from the header before anything is decoded.

    Wagtail's own check asks Willow for the size, which decodes the whole image first: a
    decompression bomb below Pillow's hard limit would be decoded (hundreds of MiB) before being
    refused, and every 12 MP photo is decoded once just to be counted.
    """

    def check_image_pixel_size(self, f):
        source = f.image.f
        try:
            pixels = header_pixels(source)
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning, OSError, SyntaxError, ValueError):
            pixels = None
        if self.max_image_pixels is not None and (pixels is None or pixels > self.max_image_pixels):
            raise ValidationError(
                self.error_messages["file_too_many_pixels"]
                % {"num_pixels": pixels if pixels is not None else "?", "max_pixels_count": self.max_image_pixels},
                code="file_too_many_pixels",
            )


class PrivateImageForm(BaseImageForm):
    """Base of Wagtail's image forms (single upload, multiple upload, chooser upload, edit).

    The file is checked from its content (format, size, pixels from the header) and cleaned by
    ``ent_pages.uploads`` when the image is saved (PrivateImage.save).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is not None and not isinstance(field, HeaderCheckedImageField):
            self.fields["file"] = HeaderCheckedImageField(
                label=field.label, required=field.required, widget=field.widget, help_text=field.help_text
            )

    def save(self, commit=True):
        replaced = commit and "file" in self.changed_data and self.instance.pk is not None and bool(self.original_file)
        image = super().save(commit=commit)
        if replaced:
            # Wagtail's form deletes every rendition after a file is replaced, including those
            # PrivateImage.save() just generated from the new file: generate them again.
            pregenerate_renditions(image)
        return image
