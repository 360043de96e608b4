"""A small in-memory evaluator of the Elasticsearch query DSL subset search.elastic sends as filters.

Semantics follow Elasticsearch's: a `bool` needs every `must` and `filter`, no `must_not`, and at least
`minimum_should_match` of its `should` (1 when it has only `should`, 0 otherwise); a field holding a list
matches when one of its values does; a missing field matches no `term`, `terms`, `range`, `prefix` or
`exists`. Anything else raises, so a query that grows a clause this evaluator ignores fails loudly.
"""

from __future__ import annotations

from datetime import date, datetime


def _values(doc, field):
    value = doc.get(field)
    if value is None:
        return []
    values = value if isinstance(value, list | tuple) else [value]
    return [_comparable(v) for v in values if v is not None and v != ""]


def _comparable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _one(clause: dict):
    (name, body), = clause.items()
    return name, body


def _field_and_value(body):
    (field, value), = body.items()
    return field, value


def matches(query: dict, doc: dict) -> bool:
    """Whether the document (a dict of field values, as the indexer makes it) satisfies the query."""
    name, body = _one(query)
    if name == "match_all":
        return True
    if name == "bool":
        return _bool(body, doc)
    if name == "term":
        field, value = _field_and_value(body)
        if isinstance(value, dict):
            value = value["value"]
        return _comparable(value) in _values(doc, field)
    if name == "terms":
        field, values = _field_and_value(body)
        wanted = {_comparable(v) for v in values}
        return any(v in wanted for v in _values(doc, field))
    if name == "range":
        field, bounds = _field_and_value(body)
        return any(_in_range(v, bounds) for v in _values(doc, field))
    if name == "exists":
        return bool(_values(doc, body["field"]))
    if name == "prefix":
        field, value = _field_and_value(body)
        if isinstance(value, dict):
            value = value["value"]
        return any(isinstance(v, str) and v.startswith(value) for v in _values(doc, field))
    raise NotImplementedError(f"query clause {name!r} is not evaluated offline")


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _bool(body, doc):
    unknown = set(body) - {"must", "filter", "should", "must_not", "minimum_should_match"}
    if unknown:
        raise NotImplementedError(f"bool options {unknown} are not evaluated offline")
    must = _as_list(body.get("must")) + _as_list(body.get("filter"))
    should = _as_list(body.get("should"))
    if not all(matches(clause, doc) for clause in must):
        return False
    if any(matches(clause, doc) for clause in _as_list(body.get("must_not"))):
        return False
    minimum = body.get("minimum_should_match", 0 if must else 1 if should else 0)
    return sum(matches(clause, doc) for clause in should) >= int(minimum)


def _in_range(value, bounds):
    value = _comparable(value)
    checks = {"gt": lambda b: value > b, "gte": lambda b: value >= b, "lt": lambda b: value < b, "lte": lambda b: value <= b}
    for op, bound in bounds.items():
        if op not in checks:
            raise NotImplementedError(f"range option {op!r} is not evaluated offline")
        if not checks[op](_comparable(bound)):
            return False
    return True


def visible(query: dict, documents: dict[int, dict]) -> set[int]:
    """Ids of the documents the query selects."""
    return {pk for pk, doc in documents.items() if matches(query, doc)}
