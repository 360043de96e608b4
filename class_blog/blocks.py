"""StreamField blocks of class posts: text, pictures, galleries, videos, children's recordings, documents.

Images and documents are stored as ids in the body's JSON (ImageBlock, DocumentChooserBlock): no
foreign key to the media models, which the private-media work owns.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock, EmbedValue
from wagtail.images.blocks import ImageBlock

from ent_pages.blocks import HeadingBlock, QuoteBlock

#: Video providers a teacher may embed (no tracking-heavy or unknown hosts). Settings may override.
DEFAULT_VIDEO_HOSTS = (
    "youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com",
    "vimeo.com", "player.vimeo.com", "dailymotion.com", "www.dailymotion.com", "dai.ly",
    "tube-numerique-educatif.apps.education.fr", "podeduc.apps.education.fr",
)


def allowed_video_hosts():
    return tuple(getattr(settings, "CLASS_BLOG_VIDEO_HOSTS", DEFAULT_VIDEO_HOSTS))


def validate_video_url(url):
    parts = urlsplit(url or "")
    if parts.scheme != "https" or (parts.hostname or "").lower() not in allowed_video_hosts():
        raise ValidationError(
            _("Videos can only come from these providers: %(hosts)s."), params={"hosts": ", ".join(allowed_video_hosts())}
        )


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "class_blog/blocks/captioned_image.html"


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, max_length=120, label=_("Title"))
    images = blocks.ListBlock(ImageBlock(label=_("Image")), min_num=1, max_num=60, label=_("Images"))

    class Meta:
        icon = "image"
        label = _("Gallery")
        template = "class_blog/blocks/gallery.html"


class VideoBlock(EmbedBlock):
    """A video from an allowed provider (see DEFAULT_VIDEO_HOSTS), embedded with oEmbed."""

    def clean(self, value):
        url = value.url if isinstance(value, EmbedValue) else value
        validate_video_url(url)
        # The host is checked; fetching the embed is left to rendering (a link when it fails).
        return blocks.URLBlock.clean(self, value)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "class_blog/blocks/video.html"


class AudioBlock(blocks.StructBlock):
    """A recording (children reading a poem...): a document from the class's collection."""

    title = blocks.CharBlock(max_length=120, label=_("Title"))
    recording = DocumentChooserBlock(label=_("Recording (mp3, m4a, ogg)"))

    class Meta:
        icon = "media"
        label = _("Audio")
        template = "class_blog/blocks/audio.html"


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(required=False, max_length=120, label=_("Title"))

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "class_blog/blocks/attachment.html"


class ClassPostStreamBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"], label=_("Paragraph"), icon="pilcrow")
    heading = HeadingBlock()
    image = CaptionedImageBlock()
    gallery = GalleryBlock()
    video = VideoBlock()
    audio = AudioBlock()
    document = AttachmentBlock()
    quote = QuoteBlock()


class HomeworkAttachmentsBlock(blocks.StreamBlock):
    document = AttachmentBlock()
