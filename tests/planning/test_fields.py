"""The request's limits live once (planning/fields.py): validation and the
OpenAPI document both follow a change there."""

from __future__ import annotations

import pytest

from chalicelib.api import openapi
from chalicelib.catalog import bundle
from chalicelib.errors import InvalidInput
from chalicelib.planning import fields
from chalicelib.planning.request import parse_request


@pytest.fixture()
def longer_trips():
    """DAYS raised from 14 to 21 for one test (the value object is frozen on purpose)."""
    before = fields.DAYS.high
    object.__setattr__(fields.DAYS, "high", 21)
    openapi._base_document.cache_clear()
    try:
        yield 21
    finally:
        object.__setattr__(fields.DAYS, "high", before)
        openapi._base_document.cache_clear()


def _days_schema(doc):
    return doc["components"]["schemas"]["ItineraryRequest"]["properties"]["days"]


def test_one_limit_drives_the_validator_and_the_document(longer_trips):
    catalog = bundle.load()
    assert parse_request({"start_date": "2026-05-01", "days": 21}, catalog).days == 21
    with pytest.raises(InvalidInput) as refused:
        parse_request({"start_date": "2026-05-01", "days": 22}, catalog)
    assert refused.value.field == "days" and "21" in refused.value.message.en
    doc = openapi.document()
    assert _days_schema(doc)["maximum"] == 21
    assert doc["components"]["schemas"]["Itinerary"]["properties"]["days"]["maxItems"] == 21


def test_defaults_and_choices_come_from_the_field_specs():
    doc = openapi.document()
    props = doc["components"]["schemas"]["ItineraryRequest"]["properties"]
    assert _days_schema(doc)["maximum"] == fields.DAYS.high == 14
    for name, field in fields.REQUEST_FIELDS.items():
        assert props[name] == field.schema(), name
    request = parse_request({"start_date": "2026-05-01"}, bundle.load())
    assert (request.mode, request.pace, request.lang, request.meals) == (
        fields.MODE.default,
        fields.PACE_FIELD.default,
        fields.LANG.default,
        fields.MEALS.default,
    )


def test_the_solve_budget_is_one_field_for_plans_and_replans():
    from chalicelib.planning.replan import EDIT_FIELDS

    catalog = bundle.load()
    doc = openapi.document()["components"]["schemas"]
    assert doc["ItineraryRequest"]["properties"]["time_limit_s"]["exclusiveMinimum"] == 0
    assert doc["ReplanEdits"]["properties"]["time_limit_s"] == fields.TIME_LIMIT.schema()
    assert "time_limit_s" in EDIT_FIELDS
    assert doc["ItineraryRequest"]["properties"]["seed"] == fields.SEED.schema()
    for bad in (0, -1, True, "2", float("inf")):
        with pytest.raises(InvalidInput) as refused:
            parse_request({"start_date": "2026-05-01", "time_limit_s": bad}, catalog)
        assert refused.value.field == "time_limit_s"
        with pytest.raises(InvalidInput) as edit:
            fields.TIME_LIMIT.read({"time_limit_s": bad}, 1.0, prefix="edits.")
        assert edit.value.field == "edits.time_limit_s"
    with pytest.raises(InvalidInput) as seed:
        parse_request({"start_date": "2026-05-01", "seed": 2**31}, catalog)
    assert seed.value.field == "seed"
