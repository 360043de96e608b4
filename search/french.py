"""French text analysis shared by every search engine: elision, accent folding, Snowball French stemming.

The database backend behaves differently on SQLite (FTS5 folds accents, never stems) and on
PostgreSQL (the ``french`` configuration stems but keeps accents). To give both the same French
behaviour, indexed pages carry one extra search field holding their text folded and stemmed
(``FrenchSearchable.french_search_text``), and queries are normalised the same way:
"écrans", "ecrans" and "écran" all become ``ecran``; "cantines" becomes ``cantin`` like "cantine".

One stemmer for every engine: Snowball's French algorithm (PyStemmer, the Snowball project's own C
library), applied to the folded word. It is the algorithm of PostgreSQL's ``french_stem`` dictionary
(the ``french`` configuration) and of Elasticsearch's ``french`` stemmer, which the index analyzer
runs after ``asciifolding`` in the same order (search.elastic). Folding first makes "cantinieres" and
"cantinières" one term whatever the user types.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import Stemmer
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


_stemmers = threading.local()  # a PyStemmer object is not thread-safe: one per thread


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Snowball French stem of one folded word ("cantines" → "cantin", "chevaux" → "cheval")."""
    stemmer = getattr(_stemmers, "french", None)
    if stemmer is None:
        stemmer = _stemmers.french = Stemmer.Stemmer("french")
    return stemmer.stemWord(word)


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
