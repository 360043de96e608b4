"""Highlighted snippets: the passage of a page's text around the first words matching the query.

Matching is French-aware like the search itself ("ecrans" highlights "écrans", "cantines" highlights
"cantine"); every piece of text is escaped before <mark> tags are added.
"""

import itertools

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .french import WORD_RE, analyse, term

SNIPPET_CHARS = 220


def _query_terms(query):
    return set(analyse(query))


def highlight(text, query, length=SNIPPET_CHARS):
    """A window of `text` (plain, no HTML) of about `length` characters with matching words in <mark>.

    Words are stemmed only up to the window's end: the first match places the window, and the words
    after it are no part of the snippet (a page's whole text was stemmed for ten hits, every first search).
    """
    text = " ".join((text or "").split())
    terms = _query_terms(query)
    words = WORD_RE.finditer(text)
    match = next((word for word in words if term(word.group()) in terms), None) if terms else None
    if match:
        start = max(0, match.start() - length // 3)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < match.start() else start
    else:
        start = 0
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    parts, position = [], start
    if match:
        # The first match, then the words after it while they end inside the window.
        for word in itertools.chain([match], words):
            if word.end() > end:
                break
            if word is match or term(word.group()) in terms:
                parts.append(escape(text[position:word.start()]))
                parts.append(f"<mark>{escape(word.group())}</mark>")
                position = word.end()
    parts.append(escape(text[position:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(parts) + suffix)  # noqa: S308 - every piece escaped above
