"""Subscribing, listing and revoking devices from the outside, and who may never receive a push."""

import json
from datetime import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from py_vapid import Vapid

from push.models import PushSubscription
from push.vapid import public_key
from tests.factories import ClassPostPageFactory

PARIS = timezone.get_fixed_timezone(60)


def test_a_pupil_is_never_owed_a_push_nor_may_subscribe(
    client, people, class_page, device, django_capture_on_commit_callbacks
):
    from tests.pupils.conftest import log_in_with_card, make_pupil

    class_page.levels = ["CE1"]
    class_page.save()
    card = make_pupil(class_page, first_name="Léo", last_name="Martin")
    tablet, forged = device("tablet"), device("forged")
    log_in_with_card(client, card)
    response = client.post(
        reverse("push:subscribe"), json.dumps({"subscription": tablet.subscription}), content_type="application/json"
    )
    assert response.status_code != 201
    assert not PushSubscription.objects.exists()
    info = forged.subscription  # a row written by other means still gets nothing
    PushSubscription.objects.create(user=card.account.user, endpoint=info["endpoint"], **info["keys"])
    with (
        time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=PARIS), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        post = ClassPostPageFactory(parent=class_page, title="Sortie", live=False, owner=people["teacher"])
        post.save_revision(user=people["teacher"]).publish()
    assert forged.pushes() == []


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://10.0.0.1/push/x",
        "https://intranet.mairie.example/push",
        "file:///etc/passwd",
        "javascript:alert(1)",
    ],
)
def test_a_subscription_to_an_address_that_is_no_push_service_is_refused(client, people, device, endpoint):
    subscription = device("phone").subscription | {"endpoint": endpoint}
    client.force_login(people["parent"])
    response = client.post(
        reverse("push:subscribe"), json.dumps({"subscription": subscription}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "Le service de notification de ce navigateur n’est pas accepté."
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"{}",
        b'{"subscription": {"endpoint": 3}}',
        b"\xff\xfe",
        b'{"subscription": {"endpoint": "x", "keys": {"p256dh": "abc", "auth": "abc"}}}',
    ],
)
def test_an_unreadable_subscription_gets_a_french_error_not_a_500(client, people, push_service, body):
    client.force_login(people["parent"])
    response = client.post(reverse("push:subscribe"), body, content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.json()


def test_bad_keys_are_refused(client, people, device):
    subscription = device("phone").subscription
    subscription["keys"]["p256dh"] = subscription["keys"]["auth"]  # 16 bytes, not a P-256 point
    client.force_login(people["parent"])
    response = client.post(
        reverse("push:subscribe"), json.dumps({"subscription": subscription}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "Cet abonnement est illisible. Rechargez la page et réessayez."


def test_a_visitor_cannot_subscribe(client, db, device):
    response = client.post(
        reverse("push:subscribe"),
        json.dumps({"subscription": device("x").subscription}),
        content_type="application/json",
    )
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert not PushSubscription.objects.exists()


def test_a_device_subscribed_again_by_another_account_changes_hands(client, people, device):
    phone = device("shared")
    phone.subscribe(client, people["parent"])
    client.force_login(people["cm2_parent"])
    response = client.post(
        reverse("push:subscribe"), json.dumps({"subscription": phone.subscription}), content_type="application/json"
    )
    assert response.status_code == 201
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [people["cm2_parent"].pk]


def test_the_notification_page_lists_devices_and_offers_this_one(client, people, device, django_assert_max_num_queries):
    phone = device("phone")
    pk = phone.subscribe(client, people["parent"], kinds=["note", "message"])
    client.force_login(people["parent"])
    url = reverse("class_blog:notification_preferences")
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    html = response.content.decode()
    assert "Recevoir les notifications sur cet appareil" in html
    assert f'data-key="{public_key()}"' in html
    assert "Chrome sur Android" in html
    assert f'id="push-{pk}-note" name="kinds" value="note" checked' in html
    assert f'id="push-{pk}-post" name="kinds" value="post">' in html
    assert reverse("push:revoke", args=[pk]) in html
    assert 'src="/static/push/push.js"' in html
    # Another family sees none of it.
    client.force_login(people["cm2_parent"])
    assert reverse("push:revoke", args=[pk]) not in client.get(url).content.decode()
    assert client.post(reverse("push:update", args=[pk]), {"kinds": ["post"]}).status_code == 404


def test_the_service_worker_shows_pushes_and_opens_links_inside_preau(client, db):
    worker = client.get("/sw.js").content.decode()
    assert 'addEventListener("push"' in worker and "showNotification" in worker
    assert 'addEventListener("notificationclick"' in worker and "openWindow" in worker
    assert "url.origin === self.location.origin" in worker


def test_vapid_keys_come_from_the_environment_in_production(settings, capsys, tmp_path):
    call_command("generate_vapid_keys")
    out = capsys.readouterr().out
    private = out.split("PREAU_VAPID_PRIVATE_KEY=")[1].split()[0]
    derived = out.split("sent to browsers): ")[1].split()[0]
    settings.PREAU_VAPID_PRIVATE_KEY, settings.PREAU_VAPID_KEY_FILE = private, None
    assert public_key() == derived
    assert Vapid.from_raw(private.encode()).public_key is not None
    settings.PREAU_VAPID_PRIVATE_KEY = ""
    assert public_key() == ""  # production without the variable: push is off, nothing generated
    settings.PREAU_VAPID_KEY_FILE = tmp_path / "var" / "vapid.txt"
    generated = public_key()  # development: a key of its own under var/, kept
    assert generated and public_key() == generated
    assert oct((tmp_path / "var" / "vapid.txt").stat().st_mode & 0o777) == "0o600"
