"""Test runs leave no temporary folders behind."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_loading_the_test_settings_creates_no_folder():
    code = "import preau.settings.test as s; print(s.PREAU_TEST_FILES_DIR.exists(), s.PREAU_TEST_FILES_DIR)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "site"), str(ROOT)])}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    exists, folder = result.stdout.split()
    assert exists == "False"
    assert not Path(folder).exists()


def test_stored_files_live_in_the_one_folder_removed_at_the_end_of_the_session(settings):
    """tests/conftest.py `_test_media_folders` removes PREAU_TEST_FILES_DIR; both storages live inside it."""
    from django.core.files.storage import storages

    folder = Path(settings.PREAU_TEST_FILES_DIR)
    assert folder.name == f"preau-test-{os.getpid()}"
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT, storages["private"].location):
        assert Path(root).is_relative_to(folder)
