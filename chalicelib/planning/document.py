"""The shape of a plan's stops, defined once.

``StopDoc`` and ``TravelDoc`` are what the engine writes for every stop of a
plan (``engine._render``) and what readers of stored plans (the checker, the
review, replan, the card and widget views) can rely on. The OpenAPI document's
``Stop`` and ``Travel`` schemas are generated from these definitions
(:func:`json_schema`), so a new stop field is added here once and both the
engine's type check (mypy) and the published contract follow.

Field metadata rides on ``Annotated``: a :class:`JS` is merged into the
field's JSON schema; a string names a shared schema fragment the caller
supplies (``"ID"``, ``"LON"``...).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Annotated, Any, NotRequired, Optional, TypedDict, Union

from ..catalog.model import CATEGORIES, EVENT_KINDS, HOURS_CONFIDENCE, SPORTS
from .travel import MODES

STOP_TYPES = ("start", "visit", "event", "meal", "end")
MEALS = ("lunch", "dinner")


class JS:
    """JSON-schema keywords for a field, hashable so ``Annotated`` can carry them."""

    def __init__(self, **keywords: Any) -> None:
        self.items = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in keywords.items()))

    def __hash__(self) -> int:
        return hash(self.items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JS) and other.items == self.items

    def as_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.items}


DateTime = Annotated[str, "DATE_TIME"]
Id = Annotated[str, "ID"]


class RideDoc(TypedDict):
    """One train of a rail leg: the line, where to board and alight, the
    minutes from reaching the station (or the change) to the train leaving
    (security and ticket checks plus the longest gap between trains) and
    the scheduled ride."""

    line: Id
    line_name: str
    board: Id
    board_name: str
    alight: Id
    alight_name: str
    wait_minutes: Annotated[int, JS(minimum=0)]
    ride_minutes: Annotated[int, JS(minimum=0)]


class RailDoc(TypedDict):
    """How a rail leg goes: to the first station, the trains, and on from the last station."""

    access_minutes: Annotated[int, JS(minimum=0)]
    egress_minutes: Annotated[int, JS(minimum=0)]
    rides: list[RideDoc]


class TravelDoc(TypedDict):
    """The leg from the previous stop (``rail``: by train or metro, public-transport trips)."""

    mode: Annotated[str, JS(enum=[*MODES, "rail", "none"])]
    minutes: Annotated[int, JS(minimum=0)]
    km: Annotated[float, JS(minimum=0)]
    rail: NotRequired[RailDoc]


class StopDoc(TypedDict):
    """One stop of a day: its place, its four times and the leg that reached it."""

    type: Annotated[str, JS(enum=list(STOP_TYPES))]
    poi_id: Optional[Id]
    event_id: Optional[Id]
    name: str
    lon: Annotated[float, "LON"]
    lat: Annotated[float, "LAT"]
    arrive: DateTime
    start: DateTime
    end: DateTime
    depart: DateTime
    travel: Optional[TravelDoc]
    ticket_cny: Optional[Annotated[float, JS(minimum=0)]]
    category: NotRequired[Annotated[str, JS(enum=list(CATEGORIES))]]
    meal: NotRequired[Annotated[str, JS(enum=list(MEALS))]]
    venue: NotRequired[str]
    sport: NotRequired[Annotated[str, JS(enum=list(SPORTS))]]  # matches
    event_kind: NotRequired[Annotated[str, JS(enum=list(EVENT_KINDS))]]  # events
    time_estimated: NotRequired[bool]  # events whose time is a typical slot: "time to be confirmed"
    # visits cut below their length at this pace to leave time for a meal (down to ``spine.shortest``)
    shortened: NotRequired[bool]
    # lunch: a takeaway picked up here (a few minutes), eaten on the long visit that follows it
    packed: NotRequired[bool]
    # visits and meals at a place: where its opening hours come from (``catalog.model.HOURS_CONFIDENCE``;
    # general: typical hours, not confirmed by a source, named in the plan's notes)
    hours_confidence: NotRequired[Annotated[str, JS(enum=list(HOURS_CONFIDENCE))]]
    # visits, when the crowd forecast was consulted: busy if the visit overlaps an hour the forecast calls busy
    crowd: NotRequired[Annotated[str, JS(enum=["busy", "quiet"])]]


_PLAIN = {str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"}, bool: {"type": "boolean"}}


def json_schema(
    doc: type, fragments: Mapping[str, dict[str, Any]], refs: Mapping[type, str], description: str = ""
) -> dict[str, Any]:
    """The JSON schema of a TypedDict: required keys from its totality and
    ``NotRequired``; ``Optional`` becomes ``anyOf [.., null]``; a nested
    TypedDict named in ``refs`` becomes a ``$ref``."""
    hints = typing.get_type_hints(doc, include_extras=True)
    properties = {name: _schema(hint, fragments, refs) for name, hint in hints.items()}
    out: dict[str, Any] = {"type": "object", "properties": properties}
    # NotRequired read from the hints: with postponed annotations the class's
    # own __required_keys__ cannot see it.
    required = [name for name, hint in hints.items() if typing.get_origin(hint) is not NotRequired]
    if required:
        out["required"] = required
    text = description or (doc.__doc__ or "").strip()
    if text:
        out["description"] = text
    return out


def _schema(hint: Any, fragments: Mapping[str, dict[str, Any]], refs: Mapping[type, str]) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    if origin is NotRequired:
        return _schema(typing.get_args(hint)[0], fragments, refs)
    if origin is Annotated:
        base, *meta = typing.get_args(hint)
        out = dict(_schema(base, fragments, refs))
        for item in meta:
            if isinstance(item, str):
                out = dict(fragments[item])
            elif isinstance(item, JS):
                extra = item.as_dict()
                out = {k: v for k, v in out.items() if not ("enum" in extra and k == "type")}
                out.update(extra)
        return out
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        inner = _schema(args[0], fragments, refs)
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is list:
        return {"type": "array", "items": _schema(typing.get_args(hint)[0], fragments, refs)}
    if hint in refs:
        return {"$ref": f"#/components/schemas/{refs[hint]}"}
    return dict(_PLAIN[hint])
