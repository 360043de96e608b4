"""Factories for resources' pages (kept apart from the foundation's factories)."""

import factory
from wagtail.test.utils.wagtail_factories import PageFactory

from resources.models import ResourceIndexPage, ResourcePage, WorkbookPage


class ResourceIndexPageFactory(PageFactory):
    class Meta:
        model = ResourceIndexPage

    title = "Ressources"
    slug = "ressources"


class ResourcePageFactory(PageFactory):
    class Meta:
        model = ResourcePage

    title = factory.Sequence(lambda n: f"Ressource {n}")
    summary = "Une ressource de la ville."
    audience = factory.LazyFunction(lambda: ["families"])


class WorkbookPageFactory(PageFactory):
    class Meta:
        model = WorkbookPage

    title = factory.Sequence(lambda n: f"Cahier {n}")
    summary = "Un cahier de vacances."
