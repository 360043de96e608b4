"""A page's search entry goes with the page through a trigger, not a foreign key.

The entries table is unmanaged (PostgreSQL only), so Django's flush (transactional tests, `manage.py
flush`) does not list it, and PostgreSQL refuses to TRUNCATE the pages a foreign key points at. A row
trigger removes the entry of a deleted page just as ON DELETE CASCADE did; the search engine re-checks
every hit against the access policy in any case.
"""

from django.db import migrations

from search.migration_sql import on_postgresql

CREATE = [
    "ALTER TABLE search_pageentry DROP CONSTRAINT IF EXISTS search_pageentry_page_id_fkey",
    """CREATE OR REPLACE FUNCTION preau_drop_page_entry() RETURNS trigger AS $$
    BEGIN
        DELETE FROM search_pageentry WHERE page_id = OLD.id;
        RETURN OLD;
    END;
    $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS preau_drop_page_entry ON wagtailcore_page",
    """CREATE TRIGGER preau_drop_page_entry AFTER DELETE ON wagtailcore_page
    FOR EACH ROW EXECUTE FUNCTION preau_drop_page_entry()""",
]
DROP = [
    "DROP TRIGGER IF EXISTS preau_drop_page_entry ON wagtailcore_page",
    "DROP FUNCTION IF EXISTS preau_drop_page_entry()",
    "DELETE FROM search_pageentry WHERE page_id NOT IN (SELECT id FROM wagtailcore_page)",
    """ALTER TABLE search_pageentry ADD CONSTRAINT search_pageentry_page_id_fkey FOREIGN KEY (page_id)
    REFERENCES wagtailcore_page (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED""",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0002_page_entry")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
