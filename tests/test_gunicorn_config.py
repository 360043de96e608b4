"""gunicorn's workers leave the loaded application out of the garbage collector's walks (deploy/gunicorn.conf.py)."""

import gc
import runpy
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def test_a_worker_freezes_what_loading_the_application_made():
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        config["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_make_serve_starts_gunicorn_with_that_file():
    import sys

    sys.path.insert(0, str(DEPLOY))
    try:
        import serve
    finally:
        sys.path.remove(str(DEPLOY))
    assert serve.GUNICORN_CONFIG == DEPLOY / "gunicorn.conf.py" and serve.GUNICORN_CONFIG.exists()
    assert '"--config", str(GUNICORN_CONFIG)' in (DEPLOY / "serve.py").read_text()
