"""Production settings pass Django's deployment checklist given the documented environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "preau.settings.production", **env}
    full_env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, check=False)


def test_check_deploy_is_clean_with_the_documented_environment():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY="x" * 64 + "-production-secret-for-the-check", ALLOWED_HOSTS="preau.example.fr",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", SECRET_KEY="", ALLOWED_HOSTS="preau.example.fr")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
