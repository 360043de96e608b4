import pytest

from ent_pages.registry.generator import generate_city


@pytest.fixture
def city_dir(tmp_path):
    """A small synthetic city (3 schools, 150 pupils, two or three classes each) in the registry format."""
    generate_city(tmp_path / "city", schools=3, pupils=150, seed=7)
    return tmp_path / "city"


def read_csv(path):
    return path.read_text(encoding="utf-8").splitlines()


def write_csv(path, lines, encoding="utf-8"):
    path.write_text("\r\n".join(lines) + "\r\n", encoding=encoding)
