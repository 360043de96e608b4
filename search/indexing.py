"""What a page model adds to be searched in French (see search.french).

A page model opts in with ``FrenchSearchable`` and ``*french_search_fields()`` in its search_fields:
the database backend then indexes its text folded and lightly stemmed, and Elasticsearch documents
read the same plain text. Pages that do not opt in are still found by their raw words.
"""

from django.utils.html import strip_tags
from modelsearch.index import AutocompleteField, RelatedFields, SearchField

from .french import analyse, fold

FRENCH_TEXT_FIELD = "french_search_text"
FRENCH_TITLE_FIELD = "french_title"
_OWN_FIELDS = {FRENCH_TEXT_FIELD, FRENCH_TITLE_FIELD}


def french_search_fields():
    return [SearchField(FRENCH_TEXT_FIELD), AutocompleteField(FRENCH_TITLE_FIELD)]


def _flatten(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [strip_tags(value)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _flatten(v)]
    if isinstance(value, list | tuple | set):
        return [t for v in value for t in _flatten(v)]
    return [strip_tags(str(value))]


def _field_texts(obj, fields):
    for field in fields:
        if isinstance(field, SearchField) and field.field_name not in _OWN_FIELDS:
            yield from _flatten(field.get_value(obj))
        elif isinstance(field, RelatedFields):
            related = field.get_value(obj)
            if related is None:
                continue
            items = related.all() if hasattr(related, "all") else [related]
            for item in items:
                yield from _field_texts(item, field.fields)


def searchable_text(page) -> str:
    """The plain text of a page's search fields (titles, bodies, tags...), for indexing and snippets."""
    return " ".join(t for t in _field_texts(page, page.get_search_fields()) if t and t.strip())


_CACHE_ATTR = "_preau_french_search_text"


class FrenchSearchable:
    """Mixin for page models: the folded, stemmed text and folded title the French search matches.

    The database backend asks for every search field three times per object (title, body and
    autocomplete passes): the analysed text is computed once and kept on the instance until it is saved.
    """

    def french_search_text(self):
        cached = self.__dict__.get(_CACHE_ATTR)
        if cached is None:
            cached = self.__dict__[_CACHE_ATTR] = " ".join(analyse(searchable_text(self)))
        return cached

    def save(self, *args, **kwargs):
        self.__dict__.pop(_CACHE_ATTR, None)
        return super().save(*args, **kwargs)

    def french_title(self):
        return fold(self.title or "")
