"""Throttling per token, and errors as JSON in French."""

import pytest
from django.test import override_settings

from tests.api.conftest import ApiClient, client_for
from tests.factories import make_parent

pytestmark = pytest.mark.django_db


@override_settings(PREAU_API_RATE="3/min")
def test_each_token_is_throttled_on_its_own(class_page):
    parent, _child = make_parent(class_page)
    busy, other = client_for(parent, "Téléphone"), client_for(parent, "Tablette")
    for _ in range(3):
        assert busy.get("/api/v1/me/").status_code == 200
    refused = busy.get("/api/v1/me/")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert refused.json()["detail"].startswith("Requête ralentie.")
    assert "Retry-After" in refused
    assert other.get("/api/v1/me/").status_code == 200


def test_unknown_paths_and_bad_input_answer_json_in_french(class_page):
    parent, _child = make_parent(class_page)
    client = client_for(parent)
    unknown = client.get("/api/v1/nulle-part/")
    assert unknown.status_code == 404 and unknown.json() == {"detail": "Pas trouvé.", "code": "not_found"}
    bad_date = client.get("/api/v1/homework/?depuis=demain")
    assert bad_date.status_code == 400
    assert bad_date.json()["detail"] == "Données invalides." and "date" in str(bad_date.json()["errors"]).lower()
    missing = ApiClient().post("/api/v1/auth/login/", {}, content_type="application/json")
    assert missing.status_code == 400
    assert missing.json()["errors"]["username"] == ["Ce champ est obligatoire."]
    not_json = ApiClient().post("/api/v1/auth/login/", "{", content_type="application/json")
    assert not_json.status_code == 400 and not_json.json()["code"] == "parse_error"
    assert "JSON" in not_json.json()["detail"]
    wrong_method = client.delete("/api/v1/me/")
    assert wrong_method.status_code == 405 and "non autorisée" in wrong_method.json()["detail"]
