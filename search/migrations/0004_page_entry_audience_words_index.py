"""One GIN index over (tags, vector): the audience and the words answered by one index scan.

With two single-column indexes PostgreSQL read both posting lists in full and ANDed the bitmaps: for a
common word ("cantine": 74,656 of 110,522 entries) the word's list alone took 10–45 ms, to keep the
8,532 within a parent's audience. In one multicolumn GIN index the scan skips through the long list
using the short one (measured on the bench corpus: 1–6 ms). A multicolumn GIN index serves a query on
any subset of its columns, so it replaces both: words alone (superusers), tags alone (the typo and
autocomplete queries, with the title trigram index).
"""

from django.db import migrations

from search.migration_sql import on_postgresql

CREATE = [
    "CREATE INDEX IF NOT EXISTS search_pageentry_tags_vector ON search_pageentry USING gin (tags, vector)",
    "DROP INDEX IF EXISTS search_pageentry_vector",
    "DROP INDEX IF EXISTS search_pageentry_tags",
]
DROP = [
    "CREATE INDEX IF NOT EXISTS search_pageentry_vector ON search_pageentry USING gin (vector)",
    "CREATE INDEX IF NOT EXISTS search_pageentry_tags ON search_pageentry USING gin (tags)",
    "DROP INDEX IF EXISTS search_pageentry_tags_vector",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_page_entry_trigger")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
