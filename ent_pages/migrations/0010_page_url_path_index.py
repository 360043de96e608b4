"""An index on Wagtail's ``wagtailcore_page.url_path``: page serving finds a page by its URL path in one
query (ent_pages.serving), and Wagtail declares no index on that column, so every page view scanned the
whole page table (at the search corpus's 110,523 pages: 30–39 ms a request, 0.6–1.4 ms with the index).

A plain B-tree on both databases (equality only: the route query compares whole paths). Written as SQL
because the column belongs to Wagtail's model.
"""

from django.db import migrations

INDEX = "preau_page_url_path"


class Migration(migrations.Migration):
    dependencies = [
        ("ent_pages", "0009_merge_20261201_0635"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailcore_page (url_path)",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
