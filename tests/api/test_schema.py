"""Schemathesis against /api/v1/schema/ with a parent's token: no 5xx, no answer outside the schema.

Bounded for CI: a few derandomized examples per operation, in-process (WSGI), on the test database.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from class_blog.notes import send_note
from tests.api.conftest import client_for
from tests.factories import ClassPostPageFactory, HomeworkEntryFactory, make_parent, make_teacher

pytestmark = pytest.mark.django_db

#: Examples per operation: enough to try odd ids, dates and pages, short enough for CI.
EXAMPLES = 6


@pytest.fixture
def _one_connection():
    """Calls go through Django's WSGI handler in-process, which closes the database connection at the end of
    each request: keep the test's connection (and its transaction) open, as Django's test client does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def parent_with_content(class_page, other_class):
    parent, _child = make_parent(class_page)
    teacher = make_teacher(class_page)
    ClassPostPageFactory(parent=class_page, title="Au musée")
    ClassPostPageFactory(parent=other_class, title="Ailleurs")
    HomeworkEntryFactory(class_page=class_page)
    send_note(teacher, title="Sortie", text="Signez svp", class_page=class_page)
    return parent


def test_api_answers_within_its_schema_and_never_5xx(_one_connection, parent_with_content):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_within_schema(case):
            # A fresh token per example: an example may log out or revoke the token it holds.
            token = client_for(parent_with_content).token
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        answers_within_schema()
