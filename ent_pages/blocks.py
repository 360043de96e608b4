"""StreamField blocks shared by every app's pages (one place, not copied)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"))
    level = blocks.ChoiceBlock(choices=[("h2", "H2"), ("h3", "H3")], default="h2", label=_("Level"))

    class Meta:
        icon = "title"
        template = "ent_pages/blocks/heading_block.html"
        label = _("Heading")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, label=_("Attribution"))

    class Meta:
        icon = "openquote"
        template = "ent_pages/blocks/quote_block.html"
        label = _("Quote")


class BaseStreamBlock(blocks.StreamBlock):
    """The body most pages share: text, headings, images, quotes."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul"], label=_("Paragraph"), icon="pilcrow"
    )
    image = ImageBlock(label=_("Image"))
    quote = QuoteBlock()
