"""A push service on 127.0.0.1 (the one thing not real), and devices with real P-256 keys and auth secrets
that decrypt what it receives (RFC 8291, aes128gcm) as a browser would."""

import base64
import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse

from tests.factories import ClassPageFactory, make_parent, make_teacher


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class PushService:
    """Records every push; answers 201, or the status set for a path (410: the browser dropped it)."""

    port: int = 0
    received: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def to(self, path):
        return [r for r in self.received if r.path == path]


@pytest.fixture
def push_service(settings):
    service = PushService()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            service.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(service.statuses.get(self.path, 201))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PREAU_PUSH_SERVICE_HOSTS = ["127.0.0.1"]
    settings.PREAU_PUSH_ALLOW_HTTP = True
    yield service
    server.shutdown()
    server.server_close()


class Device:
    """A browser's side of a subscription: its own key pair and auth secret, created here."""

    def __init__(self, service, name):
        self.service, self.path = service, f"/push/{name}"
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    @property
    def subscription(self):
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"endpoint": self.service.url(self.path), "keys": {"p256dh": b64url(point), "auth": b64url(self.auth)}}

    def subscribe(self, client, user, kinds=None):
        client.force_login(user)
        data = {"subscription": self.subscription}
        if kinds is not None:
            data["kinds"] = kinds
        response = client.post(
            reverse("push:subscribe"),
            json.dumps(data),
            content_type="application/json",
            HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36",
        )
        assert response.status_code == 201, response.content
        client.logout()
        return response.json()["id"]

    def decrypt(self, received):
        assert received.headers["content-encoding"] == "aes128gcm"
        plain = http_ece.decrypt(received.body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")
        return json.loads(plain)

    def pushes(self):
        return [self.decrypt(r) for r in self.service.to(self.path)]


@pytest.fixture
def device(push_service):
    return lambda name: Device(push_service, name)


@pytest.fixture
def people(school, class_page):
    """CE1 B (its teacher, Emma Lefort's parent), CM2 A (its parent)."""
    teacher = make_teacher(class_page, username="mme.ndiaye")
    parent, pupil = make_parent(class_page, username="parent.emma", first_name="Emma", last_name="Lefort")
    cm2 = ClassPageFactory(parent=school, title="CM2 A")
    cm2_parent, _ = make_parent(cm2, username="parent.cm2", first_name="Lina", last_name="Bernard")
    return {"teacher": teacher, "parent": parent, "pupil": pupil, "cm2": cm2, "cm2_parent": cm2_parent}
