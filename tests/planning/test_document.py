"""A plan's stop shape lives once (planning/document.py): the engine writes it,
the OpenAPI document is generated from it."""

from __future__ import annotations

import typing

from chalicelib.api import openapi
from chalicelib.planning import plan
from chalicelib.planning.document import StopDoc, TravelDoc, json_schema


def test_the_document_publishes_the_typed_shape():
    schemas = openapi.document()["components"]["schemas"]
    stop = schemas["Stop"]
    assert set(stop["properties"]) == set(typing.get_type_hints(StopDoc))
    optional = (
        "category",
        "meal",
        "venue",
        "sport",
        "event_kind",
        "time_estimated",
        "crowd",
        "shortened",
        "packed",
        "hours_confidence",
    )
    assert stop["required"] == [k for k in stop["properties"] if k not in optional]
    assert stop["properties"]["travel"] == {"anyOf": [{"$ref": "#/components/schemas/Travel"}, {"type": "null"}]}
    assert (
        set(schemas["Travel"]["properties"])
        == set(typing.get_type_hints(TravelDoc))
        == {"mode", "minutes", "km", "rail"}
    )
    assert schemas["Travel"]["required"] == ["mode", "minutes", "km"]  # rail: only on rail legs
    assert schemas["Travel"]["properties"]["rail"] == {"$ref": "#/components/schemas/Rail"}
    assert schemas["Rail"]["properties"]["rides"] == {"type": "array", "items": {"$ref": "#/components/schemas/Ride"}}


def test_a_new_field_reaches_the_document():
    class Wider(StopDoc):
        crowd: typing.NotRequired[str]

    schema = json_schema(Wider, {"ID": {}, "LON": {}, "LAT": {}, "DATE_TIME": {}}, {TravelDoc: "Travel"})
    assert schema["properties"]["crowd"] == {"type": "string"} and "crowd" not in schema["required"]


def test_every_stop_the_engine_writes_has_exactly_the_typed_keys(catalog):
    result = plan({"start_date": "2023-10-01", "days": 2, "mode": "transit", "want_sports": ["baseball"]}, catalog)
    hints = typing.get_type_hints(StopDoc, include_extras=True)
    required = {k for k, h in hints.items() if typing.get_origin(h) is not typing.NotRequired}
    kinds = set()
    for day in result["days"]:
        for stop in day["stops"]:
            kinds.add(stop["type"])
            assert required <= set(stop) <= set(hints), stop
    assert {"start", "visit", "meal", "end"} <= kinds
