"""Browsers for tests that read pages as a person would: one client per person, their HTML as text."""

from django.test import Client


def browser(user=None) -> Client:
    """A browser of its own: signed in as `user`, or a visitor when None."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page_text(client, url) -> str:
    """The HTML at `url`, which must answer 200."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()
