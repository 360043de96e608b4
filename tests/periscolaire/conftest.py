import io

import pytest
from PIL import Image

from ent_pages.models import Role
from periscolaire.models import ClaePage
from tests.factories import StaffAssignmentFactory, UserFactory, make_director, make_parent


def jpeg_bytes(size=(64, 48), color=(200, 120, 40)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def png_bytes(size=(40, 40)):
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 100, 200, 128)).save(out, "PNG")
    return out.getvalue()


CORRUPT_JPEG = b"\xff\xd8\xff\xe0" + b"not really a photo" * 50


def make_staff(school, role, username=None):
    user = UserFactory(**({"username": username} if username else {}))
    StaffAssignmentFactory(user=user, school=school, role=role)
    return user


@pytest.fixture
def clae(school):
    return school.add_child(instance=ClaePage(title="CLAE Jules Ferry", slug="clae"))


@pytest.fixture
def animator(school):
    return make_staff(school, Role.CLAE_ANIMATOR, "animatrice")


@pytest.fixture
def clae_director(school):
    return make_staff(school, Role.CLAE_DIRECTOR, "directrice.clae")


@pytest.fixture
def school_director(school):
    return make_director(school, "directeur.ecole")


@pytest.fixture
def parent_and_child(class_page):
    return make_parent(class_page, username="parent.ferry", first_name="Ombeline", last_name="Lefort")


@pytest.fixture
def outsider_parent(other_school):
    from tests.factories import ClassPageFactory

    other_class = ClassPageFactory(parent=other_school, title="CP")
    user, _pupil = make_parent(other_class, username="parent.michel")
    return user
