"""A rentrée morning: over capacity, nginx answers a French waiting page at once, logged-in families first.

Through the real stack (deploy/serve.py: nginx in front of gunicorn) with 2 requests in flight of
which 1 anonymous. Slots are held by requests that never finish (a POST whose announced body never
arrives: nginx waits for it while counting the request), then released by closing their sockets.
"""

import http.client
import socket
import time
from contextlib import contextmanager, suppress

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.serve_stack import ROOT, running_stack

RETRY_AFTER = 15
LOGGED_IN = {"Cookie": f"{settings.SESSION_COOKIE_NAME}=a-session-key"}
WAITING_TITLE = "Préau est très sollicité"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("overload"), "--in-flight", "2", "--anonymous-in-flight", "1",
                       "--retry-after", str(RETRY_AFTER)) as ports:
        # The worker's first requests load the URLconf, the session machinery, the views (slow on a loaded machine).
        for path, headers in (("/", None), ("/mon-espace/", LOGGED_IN), ("/connexion/", None), ("/activation/", None),
                              ("/eleve/", None)):
            get(ports, path, headers, timeout=60)
        yield ports


def get(stack, path, headers=None, timeout=10):
    """(status, headers, text, seconds) of one GET; a request left queued fails the test."""
    conn = http.client.HTTPConnection("127.0.0.1", stack["port"], timeout=timeout)
    start = time.monotonic()
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, response.headers, body, time.monotonic() - start
    finally:
        conn.close()


def served_by_the_application(answer):
    status, _headers, body, _seconds = answer
    return status not in (502, 503, 504) and WAITING_TITLE not in body


def waiting_page(answer):
    status, headers, body, seconds = answer
    return status == 503 and WAITING_TITLE in body and headers["Retry-After"] == str(RETRY_AFTER) and seconds < 1


def _answered(sock, wait=0.3):
    """Whether nginx already answered a held request (it found no free slot: the previous request's was
    not yet released, which happens on a loaded machine): such a request holds nothing."""
    sock.settimeout(wait)
    try:
        return bool(sock.recv(1, socket.MSG_PEEK))
    except TimeoutError:
        return False
    except OSError:
        return True


@contextmanager
def held(stack, *headers_list):
    """One request in flight per headers dict, until the block ends (the body never arrives).

    A request nginx answered at once (503: a slot not yet released) is sent again until it is held."""
    sockets = []
    try:
        for headers in headers_list:
            lines = ["POST /inscriptions/ HTTP/1.1", "Host: 127.0.0.1", "Content-Type: text/plain",
                     "Content-Length: 100000", *(f"{name}: {value}" for name, value in headers.items())]
            deadline = time.monotonic() + 10
            while True:
                sock = socket.create_connection(("127.0.0.1", stack["port"]), timeout=3)
                sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
                if not _answered(sock) or time.monotonic() > deadline:
                    break
                sock.close()
                time.sleep(0.1)
            sockets.append(sock)
        yield
    finally:
        for sock in sockets:  # a FIN nginx sees at once: the request ends and its slot is freed
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def eventually(check, seconds=10.0):
    deadline = time.monotonic() + seconds
    while True:
        answer = check()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def test_beyond_the_anonymous_share_visitors_wait_while_families_and_sign_ins_are_served(stack):
    assert served_by_the_application(get(stack, "/"))
    with held(stack, {}):
        assert eventually(lambda: waiting_page(get(stack, "/"))), get(stack, "/")[:2]
        status, headers, body, seconds = get(stack, "/ecoles/")
        assert status == 503 and seconds < 1
        assert headers["Retry-After"] == str(RETRY_AFTER) and "no-store" in headers["Cache-Control"]
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert f'<meta http-equiv="refresh" content="{RETRY_AFTER}">' in body and 'lang="fr"' in body
        # (`eventually`: the previous answer's slot is freed a moment after its last byte was sent.)
        assert eventually(lambda: served_by_the_application(get(stack, "/mon-espace/", LOGGED_IN)))
        for sign_in in ("/connexion/", "/activation/", "/eleve/"):
            assert eventually(lambda path=sign_in: served_by_the_application(get(stack, path))), sign_in
    assert eventually(lambda: served_by_the_application(get(stack, "/")))


def test_when_every_slot_is_taken_even_logged_in_families_get_the_waiting_page_then_pass_again(stack):
    with held(stack, LOGGED_IN, LOGGED_IN):
        assert eventually(lambda: waiting_page(get(stack, "/mon-espace/", LOGGED_IN)))
        assert waiting_page(get(stack, "/connexion/"))
        assert waiting_page(get(stack, "/"))
    assert eventually(lambda: served_by_the_application(get(stack, "/mon-espace/", LOGGED_IN)))
    assert eventually(lambda: served_by_the_application(get(stack, "/")))


def test_static_files_are_not_counted(stack):
    with held(stack, LOGGED_IN, LOGGED_IN):
        assert eventually(lambda: get(stack, "/")[0] == 503)
        status, _headers, body, _seconds = get(stack, "/static/hello.txt")
        assert status == 200 and body == "static"


def test_nginx_recognises_a_session_by_the_cookie_django_sets():
    template = (ROOT / "deploy" / "nginx.conf.template").read_text()
    assert f'"$cookie_{settings.SESSION_COOKIE_NAME}:$preau_signing_in"' in template


def test_the_waiting_page_is_french_self_contained_and_reloads_itself(tmp_path):
    page = tmp_path / "_attente.html"
    call_command("render_waiting_page", str(page), "--retry-after", "20", stdout=open("/dev/null", "w"))  # noqa: SIM115
    html = page.read_text(encoding="utf-8")
    assert f"<title>{WAITING_TITLE}</title>" in html and 'lang="fr"' in html
    assert "Nouvel essai dans 20 secondes." in html
    assert '<meta http-equiv="refresh" content="20">' in html
    assert "<style>" in html and "src=" not in html and "stylesheet" not in html and "http" not in html.split("<body>")[1]
