"""StreamField blocks of resources (attachments, links, canteen prices) and of holiday workbooks (exercises).

Every exercise block carries its own correction; `resources.workbooks` grades answers against it.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from ent_pages.blocks import BaseStreamBlock

BLANK_RE = re.compile(r"\[([^\[\]]+)\]")


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(required=False, label=_("Label"), help_text=_("Defaults to the document's title."))

    class Meta:
        icon = "doc-full"
        template = "resources/blocks/attachment_block.html"
        label = _("Attachment")


class ExternalLinkBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("Address"))
    label = blocks.CharBlock(label=_("Label"))
    description = blocks.CharBlock(required=False, label=_("Description"))

    class Meta:
        icon = "link-external"
        template = "resources/blocks/external_link_block.html"
        label = _("External link")


class CanteenPricesBlock(blocks.StructBlock):
    table = SnippetChooserBlock("resources.CanteenPriceTable", label=_("Price table"))

    class Meta:
        icon = "table"
        template = "resources/blocks/canteen_prices_block.html"
        label = _("Canteen prices")


class ResourceStreamBlock(BaseStreamBlock):
    attachment = AttachmentBlock()
    external_link = ExternalLinkBlock()
    canteen_prices = CanteenPricesBlock()


# ------------------------------------------------------------------------------------- exercises
class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"))
    correct = blocks.BooleanBlock(required=False, label=_("Correct answer"))


class MultipleChoiceBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"))
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, label=_("Answers"))
    correction = blocks.TextBlock(required=False, label=_("Correction"), help_text=_("Explanation shown after answering."))

    class Meta:
        icon = "list-ul"
        label = _("Multiple choice")

    def clean(self, value):
        value = super().clean(value)
        if not any(choice["correct"] for choice in value["choices"]):
            raise blocks.StructBlockValidationError(
                block_errors={"choices": ValidationError(_("Mark at least one answer as correct."))}
            )
        return value


class FillBlanksBlock(blocks.StructBlock):
    instructions = blocks.CharBlock(label=_("Instructions"))
    text = blocks.TextBlock(
        label=_("Text with blanks"),
        help_text=_("Put each expected answer in square brackets: « Le chat [mange] la souris. » "
                    "Several accepted answers: [mange|dévore]."),
    )
    correction = blocks.TextBlock(required=False, label=_("Correction"))

    class Meta:
        icon = "edit"
        label = _("Fill in the blanks")

    def clean(self, value):
        value = super().clean(value)
        if not BLANK_RE.search(value["text"]):
            raise blocks.StructBlockValidationError(
                block_errors={"text": ValidationError(_("Add at least one blank in square brackets."))}
            )
        return value


class PairBlock(blocks.StructBlock):
    left = blocks.CharBlock(label=_("Item"))
    right = blocks.CharBlock(label=_("Matches"))


class MatchingBlock(blocks.StructBlock):
    instructions = blocks.CharBlock(label=_("Instructions"))
    pairs = blocks.ListBlock(PairBlock(), min_num=2, label=_("Pairs"))
    correction = blocks.TextBlock(required=False, label=_("Correction"))

    class Meta:
        icon = "resubmit"
        label = _("Matching pairs")


class OrderingBlock(blocks.StructBlock):
    instructions = blocks.CharBlock(label=_("Instructions"))
    items = blocks.ListBlock(blocks.CharBlock(label=_("Item")), min_num=2, label=_("Items in the right order"))
    correction = blocks.TextBlock(required=False, label=_("Correction"))

    class Meta:
        icon = "order"
        label = _("Put in order")


class ExerciseStreamBlock(blocks.StreamBlock):
    multiple_choice = MultipleChoiceBlock()
    fill_blanks = FillBlanksBlock()
    matching = MatchingBlock()
    ordering = OrderingBlock()
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link"], label=_("Text"), icon="pilcrow")
