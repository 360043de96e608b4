"""SQL that search's migrations run on PostgreSQL only (the page entries and their tables exist there;
SQLite keeps Wagtail's own index, search.engine)."""


def on_postgresql(statements):
    """A RunPython function executing `statements` in order on PostgreSQL, nothing elsewhere."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run
