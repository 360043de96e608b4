"""Signals the ground floor sends so that other apps can act without ent_pages importing them.

- ``registry_imported(year)``: the import command wrote a registry import (not sent for dry runs).
- ``year_rolled_over(year)``: the year rollover ran, inside its transaction (a dry run rolls back too).
- ``demo_seeded(city, stdout)``: the demo city is ready; apps add their demo content.
- ``new_device_signed_in(user, request)``: `user` just signed in from a browser never seen for this
  account, and it is not their first one (ent_pages.second_factor.service; the account was emailed).
  Conversations pause the account's sending until the school confirms.
"""

from django.dispatch import Signal

registry_imported = Signal()
year_rolled_over = Signal()
demo_seeded = Signal()
new_device_signed_in = Signal()
