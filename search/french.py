"""French text analysis shared by every search backend: accent folding, elision, light stemming.

The database backend behaves differently on SQLite (FTS5 folds accents, never stems) and on
PostgreSQL (the ``french`` configuration stems but keeps accents). To give both the same French
behaviour, indexed pages carry one extra search field holding their text folded and lightly
stemmed (``FrenchSearchable.french_search_text``), and queries are normalised the same way:
"écrans", "ecrans" and "écran" all become ``ecran``; "cantines" becomes ``cantin`` like "cantine".

The stemmer is deliberately light (plurals, feminine forms, a few common endings), in the spirit of
Lucene's FrenchLightStemmer that the Elasticsearch analyzer uses: it must never merge unrelated words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from django.utils.html import strip_tags

WORD_RE = re.compile(r"\w+", re.UNICODE)
#: Elided articles and pronouns ("l'école", "qu'il") once split from their word.
ELIDED = {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}
LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def fold(text: str) -> str:
    """Lower-case and strip accents: "Écrans à l'école" → "ecrans a l'ecole"."""
    text = text.translate(LIGATURES).lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=100_000)
def term(word: str) -> str:
    """The index term of one word as written: folded, then stemmed (memoised: words repeat a lot)."""
    return stem(fold(word))


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Light French stemming of one folded word (plural and feminine marks, common endings)."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("aux") and len(word) > 5:  # journaux → journal, chevaux → cheval
        word = word[:-3] + "al"
    elif word.endswith(("s", "x")) and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for ending in ("ement", "euse", "ive", "ee", "ere", "er", "ez", "e"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            break
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiouy":  # belle → bell → bel
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Folded words of a text, HTML and elided articles removed."""
    return [w for w in WORD_RE.findall(fold(strip_tags(text or ""))) if w not in ELIDED]


def analyse(text: str) -> list[str]:
    """Folded, stemmed terms of a text, in order."""
    return [term(w) for w in WORD_RE.findall(strip_tags(text or "")) if fold(w) not in ELIDED]


def normalise_query(query: str) -> str:
    """The query as the index sees the French text field: folded, stemmed, terms separated by spaces."""
    return " ".join(dict.fromkeys(analyse(query)))


def plain_query(query: str) -> str:
    """The user's words without punctuation (safe for every backend's query syntax)."""
    return " ".join(WORD_RE.findall(query or ""))
