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
