from __future__ import annotations

import copy
import json

import pytest

from chalicelib.catalog import Catalog
from chalicelib.catalog.bundle import BUNDLE_PATH


@pytest.fixture()
def document():
    with open(BUNDLE_PATH, encoding="utf-8") as handle:
        return json.load(handle)


def mutate(document, kind, index, **changes):
    doc = copy.deepcopy(document)
    doc[kind][index].update(changes)
    return doc


def test_bundle_builds_a_catalog(document):
    assert len(Catalog.from_json(document).pois) == len(document["pois"])


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"lon": 30.0, "lat": 120.58}, "outside Shaoxing"),  # swapped lon/lat
        ({"category": "casino"}, "unknown category"),
        ({"opening_hours": "Mo-Su 25:00-26:00 nonsense"}, "opening_hours"),
        ({"name": {"zh": "只有中文", "en": ""}}, "'en'"),
        ({"weight": 1.5}, "weight"),
        ({"district": "atlantis"}, "unknown district"),
        ({"id": "Not A Slug"}, "slug"),
    ],
)
def test_invalid_poi_is_refused(document, changes, message):
    with pytest.raises(ValueError, match=message):
        Catalog.from_json(mutate(document, "pois", 0, **changes))


def test_duplicate_ids_are_refused(document):
    doc = copy.deepcopy(document)
    doc["pois"].append(copy.deepcopy(doc["pois"][0]))
    with pytest.raises(ValueError, match="duplicate"):
        Catalog.from_json(doc)


def test_dangling_references_are_refused(document):
    with pytest.raises(ValueError, match="unknown venue"):
        Catalog.from_json(mutate(document, "events", 0, venue_id="nowhere"))
    doc = copy.deepcopy(document)
    doc["routes"][0]["stops"].append({"poi_id": "nowhere"})
    with pytest.raises(ValueError, match="unknown stop"):
        Catalog.from_json(doc)


def test_event_must_end_after_start(document):
    event = document["events"][0]
    with pytest.raises(ValueError, match="end must be after start"):
        Catalog.from_json(mutate(document, "events", 0, end=event["start"]))
