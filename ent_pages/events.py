"""Signals the ground floor sends so that other apps can act without ent_pages importing them.

- ``registry_imported(year)``: the import command wrote a registry import (not sent for dry runs).
- ``year_rolled_over(year)``: the year rollover ran, inside its transaction (a dry run rolls back too).
- ``demo_seeded(city, stdout)``: the demo city is ready; apps add their demo content.
"""

from django.dispatch import Signal

registry_imported = Signal()
year_rolled_over = Signal()
demo_seeded = Signal()
