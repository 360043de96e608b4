"""What a push says: a class or a school and a kind of news, in French, and a link inside Préau.

Never a child's name, a title an editor wrote (a post titled "Bravo Emma !"), a sender's name nor what
was written: a phone's lock screen is read by whoever holds the phone. Several items due at once (held
by quiet hours) make one grouped push that opens "Mon espace".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import PushKind

#: How many lines a grouped push lists before "…".
GROUP_LINES = 4


@dataclass(frozen=True)
class Item:
    kind: str
    text: str
    url: str
    #: Replaces an earlier notification about the same thing on the device.
    tag: str


def item_for(pending, class_titles, now) -> Item | None:
    """The line a pending push becomes (None when its content is gone). `class_titles`: {class id: title}."""
    if pending.kind == PushKind.NOTE and pending.note is not None:
        note = pending.note
        if note.class_page_id:
            text = _("New note from class %(name)s") % {"name": class_titles.get(note.class_page_id, "")}
        else:
            text = _("New note from the school %(name)s") % {"name": note.school.title}
        return Item(PushKind.NOTE, text, reverse("class_blog:note_detail", args=[note.pk]), f"note-{note.pk}")
    if pending.kind == PushKind.HOMEWORK and pending.homework is not None:
        entry = pending.homework
        name = class_titles.get(entry.class_page_id, "")
        today = timezone.localdate(now)
        if entry.due_on == today:
            text = _("Homework for today in %(name)s") % {"name": name}
        elif entry.due_on == today + timedelta(days=1):
            text = _("Homework for tomorrow in %(name)s") % {"name": name}
        else:
            text = _("Homework for %(day)s in %(name)s") % {"day": date_format(entry.due_on, "l j F"), "name": name}
        url = reverse("class_blog:class_homework", args=[entry.class_page_id])
        return Item(PushKind.HOMEWORK, text, url, f"homework-{entry.class_page_id}-{entry.due_on:%Y%m%d}")
    if pending.kind == PushKind.POST and pending.page is not None:
        page = pending.page
        name = class_titles.get(page.path[: 4 * page.steplen], "")
        if page.specific_class.__name__ == "GalleryPage":
            text = _("New photo gallery in %(name)s") % {"name": name}
        else:
            text = _("New post in %(name)s") % {"name": name}
        # Through Préau's own redirect: a page's address is its slug, which an editor's title may fill with a name.
        return Item(PushKind.POST, text, reverse("push:open_page", args=[page.pk]), f"page-{page.pk}")
    if pending.kind == PushKind.MESSAGE and pending.thread_id:
        return Item(
            PushKind.MESSAGE,
            _("New message on Préau"),
            reverse("conversations:thread", args=[pending.thread_id]),
            f"thread-{pending.thread_id}",
        )
    return None


def payload(items) -> bytes:
    """The JSON a device receives (encrypted): title, body, url, tag."""
    if len(items) == 1:
        item = items[0]
        data = {"title": item.text, "body": _("Open Préau to read it."), "url": item.url, "tag": item.tag}
    else:
        lines = [item.text for item in items[:GROUP_LINES]] + (["…"] if len(items) > GROUP_LINES else [])
        data = {
            "title": ngettext("%(count)d new item on Préau", "%(count)d new items on Préau", len(items))
            % {"count": len(items)},
            "body": "\n".join(lines),
            "url": reverse("ent_pages:my_space"),
            "tag": "preau-grouped",
        }
    data["lang"] = "fr"
    return json.dumps(data, ensure_ascii=False).encode()
