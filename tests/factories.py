"""Factories for Préau's tests: small trees built per test, never the whole demo."""

import factory
from factory.django import DjangoModelFactory
from wagtail.test.utils.wagtail_factories import PageFactory

from ent_pages.models import (
    ClassPage,
    Enrolment,
    Guardian,
    Guardianship,
    Pupil,
    Relationship,
    Role,
    SchoolKind,
    SchoolPage,
    StaffAssignment,
    TeachingAssignment,
    User,
)
from ent_pages.school_year import current_school_year
from ent_pages.tree import ensure_city_home


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("Un-mot-de-passe-2026")


class SchoolPageFactory(PageFactory):
    class Meta:
        model = SchoolPage

    title = factory.Sequence(lambda n: f"École {n}")
    uai = factory.Sequence(lambda n: f"{310000 + n:07d}A")
    kind = SchoolKind.ELEMENTAIRE
    parent = factory.LazyFunction(ensure_city_home)


class ClassPageFactory(PageFactory):
    class Meta:
        model = ClassPage

    title = factory.Sequence(lambda n: f"CE1 {n}")
    levels = factory.LazyFunction(lambda: ["CE1"])
    school_year = factory.LazyFunction(current_school_year)
    parent = factory.SubFactory(SchoolPageFactory)


class PupilFactory(DjangoModelFactory):
    class Meta:
        model = Pupil

    external_id = factory.Sequence(lambda n: f"ELV{n:06d}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    pupil = factory.SubFactory(PupilFactory)
    class_page = factory.SubFactory(ClassPageFactory)
    school_year = factory.LazyAttribute(lambda e: e.class_page.school_year)


class GuardianFactory(DjangoModelFactory):
    class Meta:
        model = Guardian

    external_id = factory.Sequence(lambda n: f"RL{n:06d}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    user = factory.SubFactory(UserFactory)


class GuardianshipFactory(DjangoModelFactory):
    class Meta:
        model = Guardianship

    guardian = factory.SubFactory(GuardianFactory)
    pupil = factory.SubFactory(PupilFactory)
    relationship = Relationship.MOTHER


class StaffAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = StaffAssignment

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolPageFactory)
    role = Role.TEACHER


class TeachingAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = TeachingAssignment

    user = factory.SubFactory(UserFactory)
    class_page = factory.SubFactory(ClassPageFactory)


def make_parent(class_page, username=None, **pupil_kwargs):
    """A parent account whose child is enrolled in `class_page` this year; returns (user, pupil)."""
    user = UserFactory(**({"username": username} if username else {}))
    pupil = PupilFactory(**pupil_kwargs)
    EnrolmentFactory(pupil=pupil, class_page=class_page)
    GuardianshipFactory(guardian=GuardianFactory(user=user), pupil=pupil)
    return user, pupil


def make_teacher(class_page, username=None):
    user = UserFactory(**({"username": username} if username else {}))
    StaffAssignmentFactory(user=user, school=class_page.get_parent().specific, role=Role.TEACHER)
    TeachingAssignmentFactory(user=user, class_page=class_page)
    return user


def make_director(school, username=None):
    user = UserFactory(**({"username": username} if username else {}))
    StaffAssignmentFactory(user=user, school=school, role=Role.DIRECTOR)
    return user


# ------------------------------------------------------------------------------ class life (class_blog)
from class_blog.models import (  # noqa: E402
    CityNewsIndexPage,
    CityNewsPage,
    ClassPartnership,
    ClassPostPage,
    ClassProjectPage,
    HomeworkEntry,
    PartnershipStatus,
    SchoolNewsPage,
)


class ClassPostPageFactory(PageFactory):
    class Meta:
        model = ClassPostPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Billet {n}")
    parent = factory.SubFactory(ClassPageFactory)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)
            self.save()


class ClassProjectPageFactory(PageFactory):
    class Meta:
        model = ClassProjectPage

    title = factory.Sequence(lambda n: f"Projet {n}")
    parent = factory.SubFactory(ClassPageFactory)


class HomeworkEntryFactory(DjangoModelFactory):
    class Meta:
        model = HomeworkEntry

    class_page = factory.SubFactory(ClassPageFactory)
    text = factory.Sequence(lambda n: f"Lire la page {n}")


class SchoolNewsPageFactory(PageFactory):
    class Meta:
        model = SchoolNewsPage

    title = factory.Sequence(lambda n: f"Nouvelle de l'école {n}")
    parent = factory.SubFactory(SchoolPageFactory)


class CityNewsIndexPageFactory(PageFactory):
    class Meta:
        model = CityNewsIndexPage

    title = "Actualités de la ville"
    slug = "actualites"
    parent = factory.LazyFunction(ensure_city_home)


class CityNewsPageFactory(PageFactory):
    class Meta:
        model = CityNewsPage

    title = factory.Sequence(lambda n: f"Menu de la cantine {n}")
    parent = factory.SubFactory(CityNewsIndexPageFactory)


class ClassPartnershipFactory(DjangoModelFactory):
    class Meta:
        model = ClassPartnership

    inviting_class = factory.SubFactory(ClassPageFactory)
    invited_class = factory.SubFactory(ClassPageFactory)
    status = PartnershipStatus.ACCEPTED
