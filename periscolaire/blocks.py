"""StreamField blocks of the CLAE space (team members, news items)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class TeamMemberBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"))
    role = blocks.CharBlock(label=_("Role"), required=False, help_text=_("For example: CLAE director, animator."))

    class Meta:
        icon = "user"
        label = _("Team member")
        template = "periscolaire/blocks/team_member_block.html"


class NewsItemBlock(blocks.StructBlock):
    date = blocks.DateBlock(label=_("Date"))
    title = blocks.CharBlock(label=_("Title"))
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul"], label=_("Text"))

    class Meta:
        icon = "doc-full"
        label = _("News item")
        template = "periscolaire/blocks/news_item_block.html"


class TeamBlock(blocks.StreamBlock):
    member = TeamMemberBlock()


class NewsBlock(blocks.StreamBlock):
    news_item = NewsItemBlock()
