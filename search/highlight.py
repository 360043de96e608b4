"""Highlighted snippets: the passage of a page's text around the first words matching the query.

Matching is French-aware like the search itself ("ecrans" highlights "écrans", "cantines" highlights
"cantine"); every piece of text is escaped before <mark> tags are added.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .french import WORD_RE, analyse, term

SNIPPET_CHARS = 220


def _query_terms(query):
    return set(analyse(query))


def highlight(text, query, length=SNIPPET_CHARS):
    """A window of `text` (plain, no HTML) of about `length` characters with matching words in <mark>."""
    text = " ".join((text or "").split())
    terms = _query_terms(query)
    matches = [m for m in WORD_RE.finditer(text) if terms and term(m.group()) in terms]
    if matches:
        start = max(0, matches[0].start() - length // 3)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < matches[0].start() else start
    else:
        start = 0
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    parts, position = [], start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        parts.append(escape(text[position:match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    parts.append(escape(text[position:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(parts) + suffix)  # noqa: S308 - every piece escaped above
