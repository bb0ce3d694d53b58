"""The guide benchmark's engine-independent interest measure."""

from types import SimpleNamespace

import pytest

from benchmarks.guide.bench import interest_summary, measure
from chalicelib.catalog import bundle


@pytest.fixture(scope="module")
def catalog():
    return bundle.load()


def _plan(*poi_ids: str) -> dict:
    stops = [
        {
            "type": "visit",
            "poi_id": p,
            "start": f"2026-05-01T{9 + k:02d}:00:00+08:00",
            "end": f"2026-05-01T{9 + k:02d}:30:00+08:00",
            "travel": {"minutes": 10},
        }
        for k, p in enumerate(poi_ids)
    ]
    return {"days": [{"stops": stops}]}


def test_a_place_inside_a_visited_place_counts_once(catalog):
    problem = SimpleNamespace(request=SimpleNamespace(interest=lambda category: 1.0))
    keyan, luzhen = catalog.pois["keyan-scenic-area"], catalog.pois["luzhen"]
    assert luzhen.part_of == keyan.id
    both = measure(_plan("keyan-scenic-area", "luzhen"), problem, catalog)
    assert both["interest_score"] == pytest.approx(keyan.weight + luzhen.weight)
    assert both["interest_unique"] == pytest.approx(keyan.weight)
    alone = measure(_plan("luzhen"), problem, catalog)  # without Keyan, Luzhen counts
    assert alone["interest_unique"] == pytest.approx(luzhen.weight)
    twice = measure(_plan("luzhen", "luzhen"), problem, catalog)
    assert twice["interest_unique"] == pytest.approx(luzhen.weight)
    assert twice["visits"] == 2


def test_interest_summary_splits_route_trips():
    rows = [
        {
            "route": "tang-poetry-road",
            "interest_score": 4.0,
            "baseline_interest_score": 8.0,
            "interest_unique": 4.0,
            "baseline_interest_unique": 5.0,
        },
        {
            "route": "",
            "interest_score": 9.0,
            "baseline_interest_score": 10.0,
            "interest_unique": 9.0,
            "baseline_interest_unique": 9.0,
        },
    ]
    text = "\n".join(interest_summary(rows))
    assert "| all (2) | 13.00 / 18.00 = **0.722** | 13.00 / 14.00 = **0.929** |" in text
    assert "| route trips (1) | 4.00 / 8.00 = **0.500** | 4.00 / 5.00 = **0.800** |" in text
    assert "| other trips (1) | 9.00 / 10.00 = **0.900** | 9.00 / 9.00 = **1.000** |" in text
    assert interest_summary([{"interest_score": 1.0}]) == []
