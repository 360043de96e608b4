"""What a search asks for, read from the French query string of /recherche/ and its JSON twin."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.http import urlencode

from ent_pages.levels import Level
from resources.fields import Audience

PER_PAGE = 10
MAX_PAGE = 100
MAX_QUERY_CHARS = 200
#: Facet name → query-string parameter (French URLs).
FACET_PARAMS = {"type": "type", "audience": "public", "level": "niveau", "theme": "theme"}


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    page: int = 1
    type: str = ""
    audience: str = ""
    level: str = ""
    theme: str = ""
    per_page: int = PER_PAGE

    @classmethod
    def from_query_dict(cls, data) -> SearchParams:
        try:
            page = min(max(int(data.get("page", 1)), 1), MAX_PAGE)
        except (TypeError, ValueError):
            page = 1
        audience = data.get("public", "")
        level = data.get("niveau", "")
        return cls(
            q=" ".join((data.get("q") or "").split())[:MAX_QUERY_CHARS],
            page=page,
            type=(data.get("type") or "")[:100],
            audience=audience if audience in Audience.values else "",
            level=level if level in Level.values else "",
            theme=(data.get("theme") or "")[:80],
        )

    @property
    def filters(self) -> dict:
        return {name: getattr(self, name) for name in FACET_PARAMS if getattr(self, name)}

    def querystring(self, **changes) -> str:
        """The query string of these parameters with some changed (page reset unless given)."""
        params = replace(self, **{"page": 1, **changes})
        data = {"q": params.q}
        for name, param in FACET_PARAMS.items():
            if getattr(params, name):
                data[param] = getattr(params, name)
        if params.page > 1:
            data["page"] = params.page
        return urlencode(data)
