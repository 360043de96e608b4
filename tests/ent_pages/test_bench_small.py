"""The city-scale bench (bench/import_city.py) at small size: every step runs and meets its goal."""

import pytest

from bench.import_city import GOALS, run

pytestmark = pytest.mark.django_db


def test_small_city_bench_generates_imports_reimports_prints_letters_and_activates():
    lines = []
    figures = run(schools=2, pupils=60, seed=5, out=lines.append)
    assert any("re-import, no change" in line and "changed=False" in line for line in lines)
    assert figures["import_only"] < GOALS["import"]
    assert figures["letters"] < GOALS["letters"]
    assert figures["activation_refused"] < 1.0
