#!/usr/bin/env python
"""Django's command-line utility for Préau."""

import os
import sys
from pathlib import Path

# The importable project package lives in site/ (a folder named "site" cannot be a
# package: the standard library's site module is imported first).
sys.path.insert(0, str(Path(__file__).resolve().parent / "site"))

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "preau.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
