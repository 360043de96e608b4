"""The city's registry files (CSV exports of the school software) and their import.

- ``files``: reading one export (encoding and separator detected, French headers) into rows.
- ``importer``: validating every file, then writing everything in one transaction (``import_city``).
- ``generator``: a deterministic synthetic city in the same format (``generate_city``).

The format is documented in docs/import-format.md.
"""
