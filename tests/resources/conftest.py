import pytest

from resources.demo import seed


@pytest.fixture
def resources_index(city):
    return seed(city)
