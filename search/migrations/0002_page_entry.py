"""The PostgreSQL search index of pages (search.pgindex), created on PostgreSQL only.

After migrating an existing site: ``manage.py rebuild_search_index`` fills it (pages published later
are indexed as they are published).
"""

import django.contrib.postgres.fields
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

from search.migration_sql import on_postgresql

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # French stemming after folding accents: the order of search.french and of the Elasticsearch analyzer.
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'preau_french') THEN
            CREATE TEXT SEARCH CONFIGURATION preau_french (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION preau_french ALTER MAPPING FOR hword, hword_part, word
                WITH unaccent, french_stem;
        END IF;
    END $$""",
    """CREATE TABLE search_pageentry (
        page_id integer PRIMARY KEY REFERENCES wagtailcore_page (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        content_type_id integer NOT NULL,
        title text NOT NULL,
        title_folded text NOT NULL,
        tags text[] NOT NULL,
        vector tsvector NOT NULL,
        facets text[] NOT NULL DEFAULT '{}',
        valid_from date,
        valid_until date
    )""",
    "CREATE INDEX search_pageentry_vector ON search_pageentry USING gin (vector)",
    "CREATE INDEX search_pageentry_tags ON search_pageentry USING gin (tags)",
    "CREATE INDEX search_pageentry_title_trgm ON search_pageentry USING gin (title_folded gin_trgm_ops)",
]
DROP = ["DROP TABLE IF EXISTS search_pageentry", "DROP TEXT SEARCH CONFIGURATION IF EXISTS preau_french"]


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("search", "0001_pending_reindex"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageEntry",
            fields=[
                (
                    "page",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="wagtailcore.page",
                    ),
                ),
                ("title", models.TextField()),
                ("title_folded", models.TextField()),
                ("tags", django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None)),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
                (
                    "facets",
                    django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), default=list, size=None),
                ),
                ("valid_from", models.DateField(null=True)),
                ("valid_until", models.DateField(null=True)),
                (
                    "content_type",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
            options={
                "verbose_name": "search index entry",
                "verbose_name_plural": "search index entries",
                "db_table": "search_pageentry",
                "managed": False,
            },
        ),
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP)),
    ]
