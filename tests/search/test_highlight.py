"""Snippets (search.highlight): the window around the first matching words, every word escaped, and no
word stemmed beyond the window."""

import random

from django.utils.html import escape

from search.french import WORD_RE, term
from search.highlight import SNIPPET_CHARS, _query_terms, highlight


def reference_highlight(text, query, length=SNIPPET_CHARS):
    """The snippet as it was written first, stemming every word of the text: the rule the faster
    `highlight` must keep."""
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
        parts.append(escape(text[position : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    parts.append(escape(text[position:end]))
    return ("… " if start > 0 else "") + "".join(parts) + (" …" if end < len(text) else "")


WORDS = ["cantine", "cantines", "Cantinière", "écrans", "ecran", "l'école", "sortie", "musée", "<b>", "&", "tarifs",
         "repas", "goûter", "CLAE", "jeudi", "1,50 €", "élèves", "parents", "inscription", "x" * 60]


def test_a_snippet_is_the_one_the_whole_text_would_give():
    chance = random.Random(12)
    for _ in range(2000):
        text = " ".join(chance.choice(WORDS) for _ in range(chance.randint(0, 120)))
        query = " ".join(chance.sample(["cantine", "écran", "musée", "repas", "kangourou", ""], chance.randint(1, 2)))
        length = chance.choice([SNIPPET_CHARS, 40, 400])
        assert highlight(text, query, length) == reference_highlight(text, query, length), (text, query, length)


def test_a_snippet_marks_the_words_in_french_and_escapes_the_rest():
    snippet = highlight("Les tarifs <2026> de la Cantine & du goûter", "cantines")
    assert snippet == "Les tarifs &lt;2026&gt; de la <mark>Cantine</mark> &amp; du goûter"


def test_a_snippet_stems_no_word_beyond_its_window():
    text = "Menu de la cantine " + " ".join(f"mot{n}unique" for n in range(5000))
    before = term.cache_info().currsize
    snippet = highlight(text, "cantine")
    assert snippet.startswith("Menu de la <mark>cantine</mark> mot0unique") and snippet.endswith(" …")
    assert term.cache_info().currsize - before < 100  # the 5,000 words after the window were never stemmed
