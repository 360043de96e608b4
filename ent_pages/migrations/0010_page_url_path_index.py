"""An index on Wagtail's ``wagtailcore_page.url_path``: page serving finds a page by its URL path in one
query (ent_pages.serving), and Wagtail declares no index on that column, so every page view scanned the
whole page table (1,833 rows on the bench city, 110,523 on the search corpus: ~10 ms a request there).

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
