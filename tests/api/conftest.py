"""Helpers for the API's tests: a client holding a device token, as the phone app does."""

import pytest
from django.test import Client

from api import tokens


class ApiClient(Client):
    """A test client sending ``Authorization: Bearer <token>`` (and the device's media cookie for files)."""

    def __init__(self, token=None, media_key=None, **kwargs):
        super().__init__(**kwargs)
        self.token = token
        if media_key:
            self.cookies["preau_media"] = media_key

    def generic(self, method, path, *args, headers=None, **kwargs):
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return super().generic(method, path, *args, headers=headers, **kwargs)


def client_for(user, name="Téléphone"):
    row, token = tokens.issue(user, name)
    client = ApiClient(token, tokens.media_key(row))
    client.token_row = row
    return client


@pytest.fixture
def api_client_for(db):
    return client_for


@pytest.fixture
def school_day_morning():
    """A Tuesday at 10:00 in Paris, in term: notes sent now reach families at once (outside quiet hours).

    The clock keeps ticking from there, so tokens and second factors behave as in real time."""
    import time_machine

    with time_machine.travel("2026-11-24 10:00 +0100", tick=True):
        yield
