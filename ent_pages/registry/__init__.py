"""The city's registry files (CSV exports of the school software) and their import.

- ``files``: reading one export (encoding and separator detected, French headers) into rows.
- ``onde``: reading ONDE extractions (one folder per school) into the importer's records.
- ``importer``: validating every file, then writing everything in one transaction (``import_city``).
- ``generator``: a deterministic synthetic city in either layout (``generate_city``).

The format is documented in docs/import-format.md.
"""
