"""GET /v1/openapi.json: the OpenAPI 3.1 description of the whole HTTP API.

The document is plain Python data built by :func:`document`, so enums come
from the same constants the code validates with (categories, sports, modes,
paces...). ``tests/contract`` validates it with openapi-spec-validator,
checks real responses against it and runs schemathesis on a live server.

Every endpoint of the service is described, including the export, widget,
oEmbed and admin endpoints (``x-yueyou-module`` names the blueprint that
serves each of them). Errors share one shape,
``{"error": {"code", "message", "field", "details"?}}``, with the codes each
status can carry listed per status.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any, Optional

from chalice import Blueprint

from ..batches.service import MAX_ITEMS as MAX_BATCH_ITEMS
from ..catalog import bundle
from ..catalog.model import (
    A_LEVELS,
    ACCESS_LEVELS,
    BBOX,
    CATEGORIES,
    COORD_CONFIDENCE,
    EVENT_CONFIDENCE,
    EVENT_KINDS,
    EVENT_STATUS,
    FOOD_KINDS,
    HERITAGE_LEVELS,
    HOURS_CONFIDENCE,
    HUB_KINDS,
    ROUTE_KINDS,
    SETTINGS,
    SPORTS,
    WANTED_EVENT_KINDS,
)
from ..config import Settings
from ..errors import ERROR_CODES as ERROR_REGISTRY
from ..i18n import LANGS
from ..planning.document import RailDoc, RideDoc, StopDoc, TravelDoc, json_schema
from ..planning.endpoints import ARRIVAL_TRANSFER, DEPARTURE_BUFFER
from ..planning.explain import REASONS
from ..planning.fields import DAYS, PACES, REQUEST_FIELDS, TIME_LIMIT
from ..planning.mobility import MAX_WALK_M, REST_EVERY_MIN, REST_MINUTES, WALK_SLOWDOWN
from ..planning.request import FIELDS as REQUEST_KEYS
from ..planning.request import FIRST_DATE, INTEREST_CATEGORIES, LAST_DATE, ONLY_WHEN_USED
from ..planning.review import CODES as REVIEW_CODES
from ..planning.settings import PlanSettings
from ..planning.travel import MODES
from ..planning.weather import HOT_APPARENT_C, WET_MM, WET_PROBABILITY
from ..planning.weather import KINDS as WEATHER_KINDS
from ..schedule.repository import SERIES_WINDOW_DAYS
from .body import MAX_BODY_BYTES
from .http import CORS, Params, endpoint, json_response
from .urls import base_url_or_root
from .webapp import ASSETS as WEB_ASSETS

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)

OPENAPI_VERSION = "3.1.0"
API_VERSION = "0.1.0"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$"
HHMM_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

# The error codes each status can carry, from their one registry (chalicelib/errors.py).
ERROR_CODES = {str(status): codes for status, codes in ERROR_REGISTRY.items()}

_ERROR_TEXT = {
    "400": "Invalid input: a bad or unknown query parameter, header or body field (named by `error.field`).",
    "401": "The `x-api-key` header is missing (when anonymous use is off) or not a valid key.",
    "403": "Admin endpoints: the admin token is missing or wrong, or admin endpoints are disabled. Insights: "
    "the API key lacks the operator scope.",
    "404": "No such resource (an itinerary that is not yours reads as missing, too).",
    "409": "A request with the same Idempotency-Key is still being processed; retry shortly. Or (replan "
    "without If-Match) the itinerary changed while it was being replanned: re-read and retry. Or "
    "`capacity_full`: a must-visit has fewer places left than the group (`error.field` names it).",
    "405": "The path exists but not with this method (`Allow` lists the methods).",
    "406": "card.pdf without an `Accept` header that takes application/pdf (or */*).",
    "415": "The body is not `application/json`.",
    "412": "If-Match names an older version of the itinerary (`details` has both versions).",
    "413": f"The request body exceeds {MAX_BODY_BYTES} bytes.",
    "422": "Well-formed but impossible (`details.conflicts` names the clashing items), "
    "or an Idempotency-Key reused for a different request.",
    "429": "Per-minute request rate or daily plan quota exceeded; see Retry-After and X-RateLimit-*.",
    "500": "Unexpected server error (JSON, never a stack trace).",
    "501": "Not implemented (oEmbed `format` other than json).",
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _array(items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **extra}


def _obj(
    properties: dict[str, Any], required: Optional[list[str]] = None, closed: bool = False, **extra: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        out["required"] = required
    if closed:
        out["additionalProperties"] = False
    out.update(extra)
    return out


DATE_TIME = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset, Asia/Shanghai (+08:00)"}
DATE = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
HHMM = {"type": "string", "pattern": HHMM_PATTERN, "description": "HH:MM, 00:00 to 24:00"}
ID = {"type": "string", "minLength": 1}
LON = {"type": "number", "minimum": -180, "maximum": 180}
LAT = {"type": "number", "minimum": -90, "maximum": 90}
MONEY = nullable({"type": "number", "minimum": 0})
BILINGUAL = _obj(
    {"zh": {"type": "string"}, "en": {"type": "string"}}, ["zh", "en"], description="The same text in both languages"
)


# --- schemas -----------------------------------------------------------------------------


def _schemas() -> dict[str, Any]:
    s: dict[str, Any] = {}

    # GeoJSON (RFC 7946): positions are [lon, lat] in WGS84.
    s["Position"] = {
        "type": "array",
        "minItems": 2,
        "maxItems": 3,
        "prefixItems": [LON, LAT],
        "items": {"type": "number"},
        "description": "RFC 7946 position: [longitude, latitude] (WGS84)",
    }
    s["Point"] = _obj({"type": {"const": "Point"}, "coordinates": ref("Position")}, ["type", "coordinates"])
    s["LineString"] = _obj(
        {"type": {"const": "LineString"}, "coordinates": _array(ref("Position"), minItems=2)}, ["type", "coordinates"]
    )
    s["Geometry"] = {"oneOf": [ref("Point"), ref("LineString")]}
    s["Feature"] = _obj(
        {
            "type": {"const": "Feature"},
            "id": {"type": ["string", "number"]},
            "geometry": nullable(ref("Geometry")),
            "properties": nullable({"type": "object"}),
            "bbox": _array({"type": "number"}, minItems=4),
        },
        ["type", "geometry", "properties"],
        description="RFC 7946 Feature",
    )
    s["FeatureCollection"] = _obj(
        {
            "type": {"const": "FeatureCollection"},
            "features": _array(ref("Feature")),
            "bbox": _array({"type": "number"}, minItems=4),
        },
        ["type", "features"],
        description="RFC 7946 FeatureCollection",
    )

    s["VenueInfo"] = _obj(
        {
            "sports": _array({"enum": list(SPORTS)}),
            "sport_names": _array({"type": "string"}),
            "capacity": nullable({"type": "integer", "minimum": 0}),
            "entry_buffer_minutes": {"type": "integer", "minimum": 0},
        },
        ["sports", "sport_names", "capacity", "entry_buffer_minutes"],
    )
    price_pair = nullable(_array({"type": "number", "minimum": 0}, minItems=2, maxItems=2))
    s["PoiProperties"] = _obj(
        {
            "id": ID,
            "name": {"type": "string"},
            "names": BILINGUAL,
            "description": {"type": "string"},
            "category": {"enum": list(CATEGORIES)},
            "category_name": {"type": "string"},
            "district": {"type": "string", "examples": _districts()},
            "district_name": {"type": "string"},
            "visit_minutes": {"type": "integer", "minimum": 0},
            "opening_hours": {"type": "string", "description": "OpenStreetMap opening_hours syntax"},
            "hours_confidence": {
                "enum": list(HOURS_CONFIDENCE),
                "description": "sourced: a cited page gives the hours; general: typical hours for such a place, "
                "not confirmed by a source (check before you go); unknown: no hours (never planned)",
            },
            "hours_today": nullable(
                _array(
                    {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]$"},
                    description="Open today (Asia/Shanghai) as HH:MM-HH:MM; [] closed today; null when the hours are unknown",
                )
            ),
            "ticket_cny": MONEY,
            "tags": _array({"type": "string"}),
            "coord_confidence": {"enum": list(COORD_CONFIDENCE)},
            "sources": _array({"type": "string"}),
            "venue": ref("VenueInfo"),
            "food": _obj(
                {
                    "kind": {"enum": list(FOOD_KINDS)},
                    "price_per_person_cny": price_pair,
                    "takeaway": {"type": "boolean", "description": "a source says the food is packed to go"},
                },
                ["kind", "price_per_person_cny", "takeaway"],
            ),
            "lodging": _obj({"type": {"type": "string"}, "price_band_cny": price_pair}, ["type", "price_band_cny"]),
            "hub": _obj({"kind": {"enum": list(HUB_KINDS)}, "lines": _array({"type": "string"})}, ["kind", "lines"]),
            "setting": {"enum": list(SETTINGS), "description": "outdoor places are planned in daylight"},
            "part_of": nullable(dict(ID, description="the POI that contains this one")),
            "area": nullable({"type": "string", "description": "scenic area visited in one day"}),
            "night": nullable({"type": "string", "description": "after-dark opening (OSM opening_hours)"}),
            "prominence": {"type": "number", "minimum": 0, "maximum": 1},
            "rating": nullable(
                _obj(
                    {
                        "a_level": nullable({"enum": list(A_LEVELS)}),
                        "heritage": nullable({"enum": list(HERITAGE_LEVELS)}),
                        "sources": _array({"type": "string"}),
                    },
                    ["a_level", "heritage", "sources"],
                )
            ),
            "accessibility": _obj(
                {
                    "level": {"enum": list(ACCESS_LEVELS)},
                    "note": nullable({"type": "string"}),
                    "sources": _array({"type": "string"}),
                },
                ["level", "note", "sources"],
            ),
            "reservation": nullable(
                _obj(
                    {
                        "required": nullable({"type": "boolean"}),
                        "how": nullable({"type": "string"}),
                        "as_of": nullable({"type": "integer"}),
                        "sources": _array({"type": "string"}),
                    },
                    ["required", "how", "as_of", "sources"],
                )
            ),
            "distance_km": {"type": "number", "minimum": 0, "description": "only with near="},
            "session_count": {"type": "integer", "minimum": 0, "description": "/v1/venues only"},
            "first_session": nullable(DATE_TIME),
            "last_session": nullable(DATE_TIME),
            "role": {"enum": ["stop"], "description": "route stops only"},
            "order": {"type": "integer", "minimum": 1, "description": "route stops only"},
            "note": nullable({"type": "string"}),
        },
        [
            "id",
            "name",
            "names",
            "description",
            "category",
            "category_name",
            "district",
            "district_name",
            "visit_minutes",
            "opening_hours",
            "hours_confidence",
            "hours_today",
            "ticket_cny",
            "tags",
            "coord_confidence",
            "sources",
            "setting",
            "part_of",
            "area",
            "night",
            "prominence",
            "rating",
            "accessibility",
            "reservation",
        ],
    )
    s["PoiFeature"] = {
        "allOf": [
            ref("Feature"),
            _obj({"id": ID, "geometry": ref("Point"), "properties": ref("PoiProperties")}, ["id"]),
        ]
    }
    page = {
        "total": {"type": "integer", "minimum": 0},
        "limit": {"type": "integer", "minimum": 1},
        "next_cursor": nullable({"type": "string"}),
        "lang": {"enum": list(LANGS)},
    }
    s["PoiCollection"] = {
        "allOf": [
            ref("FeatureCollection"),
            _obj(dict(page, features=_array(ref("PoiFeature"))), ["features", "total", "limit", "next_cursor", "lang"]),
        ]
    }
    s["VenueCollection"] = {
        "allOf": [
            ref("FeatureCollection"),
            _obj(
                {
                    "features": _array(
                        {
                            "allOf": [
                                ref("PoiFeature"),
                                _obj(
                                    {
                                        "properties": _obj(
                                            {}, ["venue", "session_count", "first_session", "last_session"]
                                        )
                                    }
                                ),
                            ]
                        }
                    ),
                    "total": page["total"],
                    "lang": page["lang"],
                },
                ["features", "total", "lang"],
            ),
        ]
    }

    s["Event"] = _obj(
        {
            "id": ID,
            "kind": {"enum": list(EVENT_KINDS)},
            "kind_name": {"type": "string"},
            "series": nullable(dict(ID, description="The recurring series this is a date of")),
            "sport": nullable({"enum": list(SPORTS)}),
            "sport_name": nullable({"type": "string"}),
            "title": {"type": "string"},
            "titles": BILINGUAL,
            "venue_id": ID,
            "venue_name": nullable({"type": "string"}),
            "venue_coordinates": nullable(ref("Position")),
            "start": DATE_TIME,
            "end": DATE_TIME,
            "confidence": {"enum": list(EVENT_CONFIDENCE)},
            "confidence_note": {"type": "string"},
            "status": {"enum": list(EVENT_STATUS)},
            "ticket_cny": MONEY,
            "note": nullable({"type": "string"}),
            "sources": _array({"type": "string"}),
        },
        [
            "id",
            "kind",
            "kind_name",
            "series",
            "sport",
            "sport_name",
            "title",
            "titles",
            "venue_id",
            "venue_name",
            "venue_coordinates",
            "start",
            "end",
            "confidence",
            "confidence_note",
            "status",
            "ticket_cny",
            "note",
            "sources",
        ],
    )
    s["EventList"] = _obj(dict(page, events=_array(ref("Event"))), ["events", "total", "limit", "next_cursor", "lang"])

    s["RouteSummary"] = _obj(
        {
            "id": ID,
            "name": {"type": "string"},
            "names": BILINGUAL,
            "description": {"type": "string"},
            "kind": {"enum": list(ROUTE_KINDS)},
            "kind_name": {"type": "string"},
            "ordered": {"type": "boolean"},
            "suggested_days": {"type": "integer", "minimum": 1},
            "stop_count": {"type": "integer", "minimum": 0},
            "length_km": {"type": "number", "minimum": 0},
        },
        [
            "id",
            "name",
            "names",
            "description",
            "kind",
            "kind_name",
            "ordered",
            "suggested_days",
            "stop_count",
            "length_km",
        ],
    )
    s["RouteList"] = _obj(
        {"routes": _array(ref("RouteSummary")), "total": page["total"], "lang": page["lang"]},
        ["routes", "total", "lang"],
    )
    s["RouteLineFeature"] = {
        "allOf": [
            ref("Feature"),
            _obj(
                {
                    "id": ID,
                    "geometry": ref("LineString"),
                    "properties": {
                        "allOf": [
                            ref("RouteSummary"),
                            _obj(
                                {
                                    "role": {"const": "route"},
                                    "lodging": _array(ID),
                                    "sources": _array({"type": "string"}),
                                },
                                ["role", "lodging", "sources"],
                            ),
                        ]
                    },
                },
                ["id"],
            ),
        ]
    }
    s["RouteStopFeature"] = {"allOf": [ref("PoiFeature"), _obj({"properties": _obj({}, ["role", "order", "note"])})]}
    s["RouteCollection"] = {
        "allOf": [
            ref("FeatureCollection"),
            _obj(
                {
                    "features": {
                        "type": "array",
                        "minItems": 1,
                        "prefixItems": [ref("RouteLineFeature")],
                        "items": ref("RouteStopFeature"),
                    },
                    "route": ID,
                },
                ["features", "route"],
            ),
        ],
        "description": "The route's LineString first, then its stops in order",
    }

    s["Health"] = _obj(
        {
            "status": {"const": "ok"},
            "message": {"type": "string"},
            "version": {"type": "string"},
            "stage": {"type": "string"},
            "catalog": _obj(
                {k: {"type": "integer", "minimum": 0} for k in ("pois", "events", "routes")},
                ["pois", "events", "routes"],
            ),
            "store": _obj({"store": {"type": "string"}}, ["store"]),
        },
        ["status", "message", "version", "stage", "catalog", "store"],
    )

    # --- itinerary requests ---
    s["LodgingRef"] = _obj({"poi_id": ID}, ["poi_id"], closed=True, description="A lodging POI of the catalog")
    s["LodgingPoint"] = _obj(
        {
            "lon": {"type": "number", "minimum": BBOX[0], "maximum": BBOX[2]},
            "lat": {"type": "number", "minimum": BBOX[1], "maximum": BBOX[3]},
        },
        ["lon", "lat"],
        closed=True,
        description="Any place inside Shaoxing (WGS84)",
    )
    s["LodgingPlace"] = {"oneOf": [ref("LodgingRef"), ref("LodgingPoint")]}
    s["MealWindow"] = _obj(
        {"start": HHMM, "end": HHMM, "minutes": {"type": "integer", "minimum": 15, "maximum": 180}},
        closed=True,
        description="Earliest start, latest end and length of a meal",
    )
    s["DayWindow"] = _obj({"day_start": HHMM, "day_end": HHMM}, closed=True)
    interest = {"type": "number", "minimum": 0, "maximum": 1}
    s["ItineraryRequest"] = _obj(
        {
            "start_date": dict(
                DATE,
                description=f"First day of the trip (YYYY-MM-DD); the trip lies between {FIRST_DATE} and {LAST_DATE}",
            ),
            "days": REQUEST_FIELDS["days"].schema(),
            "lang": REQUEST_FIELDS["lang"].schema(),
            "lodging": {
                "oneOf": [
                    ref("LodgingPlace"),
                    _array(
                        ref("LodgingPlace"),
                        minItems=1,
                        maxItems=DAYS.high,
                        description="one place, or one per night (length = days)",
                    ),
                ],
                "description": "Default: the stage's default hotel, or the route's hotels",
            },
            "day_start": REQUEST_FIELDS["day_start"].schema(),
            "day_end": REQUEST_FIELDS["day_end"].schema(),
            "mode": REQUEST_FIELDS["mode"].schema(),
            "pace": REQUEST_FIELDS["pace"].schema(),
            "interests": _obj(
                {c: interest for c in INTEREST_CATEGORIES},
                closed=True,
                description="category -> weight 0..1; unnamed categories keep their defaults",
            ),
            "must_visit": _array(ID, uniqueItems=True, description="POI ids that must appear"),
            "avoid": _array(ID, uniqueItems=True, description="POI ids that must not appear"),
            "events": _array(ID, uniqueItems=True, description="Session ids to attend (mandatory)"),
            "want_sports": {
                "oneOf": [{"type": "boolean"}, _array({"enum": list(SPORTS)})],
                "default": False,
                "description": "true (any sport) or sports to add matches for",
            },
            "access": ref("Access"),
            "weather": _array(
                ref("Spell"),
                description="Wet or hot spells: no outdoor visit during them (filled from a forecast when a "
                "provider is configured and the request gives none)",
            ),
            "arrive": dict(
                ref("Endpoint"),
                description="Arriving by train or plane: day 1 starts at the hub after the arrival plus a transfer "
                f"({_transfers(ARRIVAL_TRANSFER)} min); `at` must be on start_date",
            ),
            "depart": dict(
                ref("Endpoint"),
                description="Leaving by train or plane: the last day ends at the hub before the departure less a "
                f"buffer ({_transfers(DEPARTURE_BUFFER)} min); `at` must be on the last day",
            ),
            "want_events": {
                "oneOf": [{"type": "boolean"}, _array({"enum": list(WANTED_EVENT_KINDS)})],
                "default": False,
                "description": "true (any kind) or kinds of recurring events (festivals, ceremonies, shows) "
                "to add when their dates fall in the trip; dates without a published time are named in notes",
            },
            "route": nullable(dict(ID, description="A route id to follow in order")),
            "budget_cny": REQUEST_FIELDS["budget_cny"].schema(),
            "meals": REQUEST_FIELDS["meals"].schema(),
            "lunch": nullable(ref("MealWindow")),
            "dinner": nullable(ref("MealWindow")),
            "time_limit_s": TIME_LIMIT.schema(PlanSettings().default_time_limit_s, Settings().solve_time_limit_cap_s),
            "seed": REQUEST_FIELDS["seed"].schema(),
            "group_size": REQUEST_FIELDS["group_size"].schema(),
            "avoid_crowds": REQUEST_FIELDS["avoid_crowds"].schema(),
            "windows": nullable(
                _array(
                    nullable(ref("DayWindow")),
                    minItems=1,
                    maxItems=DAYS.high,
                    description="Per-day windows, one per day (null = the default)",
                )
            ),
            "on_day": nullable(
                {
                    "type": "object",
                    "propertyNames": ID,
                    "additionalProperties": {"type": "integer", "minimum": 0, "maximum": DAYS.high - 1},
                    "description": "POI id -> trip day index (0 = first day) it must be visited on",
                }
            ),
            "avoid_events": nullable(
                _array(ID, uniqueItems=True, description="Session ids never to propose (not in `events`)")
            ),
        },
        ["start_date"],
        closed=True,
        description="Cross-field rules (answered with 400/404/422 naming the field): lodging lists have "
        "1 or `days` entries, windows has `days` entries, day_end >= day_start + 2 h, the "
        "dinner window starts after the lunch window ends, ids must exist in the catalog, "
        "events must fall within the trip dates.",
        examples=[
            {
                "start_date": "2023-09-30",
                "days": 2,
                "lang": "en",
                "mode": "transit",
                "events": ["ag2023-baseball-2023-10-01-1830-field1"],
                "interests": {"history": 1},
                "time_limit_s": 1,
            }
        ],
    )

    s["NormalizedRequest"] = _obj(
        {
            "start_date": DATE,
            "days": {"type": "integer", "minimum": DAYS.low, "maximum": DAYS.high},
            "lang": {"enum": list(LANGS)},
            "lodging": _array(
                _obj(
                    {"poi_id": nullable(ID), "lon": {"type": "number"}, "lat": {"type": "number"}},
                    ["poi_id", "lon", "lat"],
                )
            ),
            "day_start": HHMM,
            "day_end": HHMM,
            "mode": {"enum": list(MODES)},
            "pace": {"enum": list(PACES)},
            "interests": {"type": "object", "additionalProperties": {"type": "number"}},
            "must_visit": _array(ID),
            "avoid": _array(ID),
            "events": _array(ID),
            "want_sports": _array({"enum": list(SPORTS)}),
            "want_events": _array({"enum": list(WANTED_EVENT_KINDS)}),
            "arrive": ref("Endpoint"),
            "depart": ref("Endpoint"),
            "access": ref("Access"),
            "weather": _array(ref("Spell")),
            "route": nullable(ID),
            "budget_cny": nullable({"type": "number"}),
            "meals": {"type": "boolean"},
            "lunch": ref("MealWindow"),
            "dinner": ref("MealWindow"),
            "time_limit_s": {"type": "number"},
            "seed": {"type": "integer"},
            "windows": _array(ref("DayWindow")),
            "on_day": {"type": "object", "additionalProperties": {"type": "integer"}},
            "avoid_events": _array(ID),
        },
        [f for f in REQUEST_KEYS if f not in ONLY_WHEN_USED],
        description="The request as the engine read it, defaults filled in",
    )

    # --- itineraries ---
    # The plan's stop shape is defined once in planning/document.py.
    fragments: dict[str, dict[str, Any]] = {"ID": ID, "LON": LON, "LAT": LAT, "DATE_TIME": DATE_TIME}
    s["Ride"] = json_schema(RideDoc, fragments, {})
    s["Rail"] = json_schema(RailDoc, fragments, {RideDoc: "Ride"})
    s["Travel"] = json_schema(TravelDoc, fragments, {RailDoc: "Rail"})
    s["Stop"] = json_schema(StopDoc, fragments, {TravelDoc: "Travel"})
    s["Day"] = _obj(
        {
            "date": DATE,
            "window": _obj({"start": DATE_TIME, "end": DATE_TIME}, ["start", "end"]),
            "lodging": _obj(
                {"poi_id": nullable(ID), "name": {"type": "string"}, "lon": LON, "lat": LAT},
                ["poi_id", "name", "lon", "lat"],
            ),
            "stops": _array(ref("Stop")),
            "plan_b": _array(
                _obj(
                    {
                        "instead_of": ID,
                        "poi_id": ID,
                        "name": {"type": "string"},
                        "km": {"type": "number", "minimum": 0},
                    },
                    ["instead_of", "poi_id", "name", "km"],
                ),
                description="If it rains: an indoor sight near each outdoor visit, open at its time",
            ),
        },
        ["date", "window", "lodging", "stops", "plan_b"],
    )
    s["Unscheduled"] = _obj(
        {
            "poi_id": nullable(ID),
            "event_id": ID,
            "reason_code": {"enum": sorted(REASONS)},
            "reason": {"type": "string"},
            "meal": {"enum": ["lunch", "dinner"]},
            "date": DATE,
            "extra_minutes": {
                "type": "integer",
                "minimum": 0,
                "description": "detour: minutes on the road the left-out place would add on `date`",
            },
        },
        ["poi_id", "reason_code", "reason"],
    )
    s["ReviewNote"] = _obj(
        {
            "code": {"enum": list(REVIEW_CODES)},
            "day": nullable({"type": "integer", "minimum": 0}),
            "stop": nullable({"type": "integer", "minimum": 0}),
            "poi_id": nullable(ID),
            "value": {"type": "number"},
            "limit": {"type": "number"},
            "message": {"type": "string"},
        },
        ["code", "day", "stop", "poi_id", "value", "limit", "message"],
        description="What a local guide would still circle in the plan (planning/review.py)",
    )
    s["Totals"] = _obj(
        {
            "score": {"type": "number"},
            "travel_minutes": {"type": "integer", "minimum": 0},
            "ticket_cny": {"type": "number", "minimum": 0},
            "visits": {"type": "integer", "minimum": 0},
        },
        ["score", "travel_minutes", "ticket_cny", "visits"],
    )
    s["Solver"] = _obj(
        {
            "status": {"type": "string", "examples": ["solution_limit", "time_limit"]},
            "wall_ms": {"type": "integer", "minimum": 0},
            "engine_ms": {"type": "integer", "minimum": 0},
            "objective": nullable({"type": "number"}),
            "seed": {"type": "integer"},
            "time_limit_s": {"type": "number"},
        },
        ["status", "wall_ms", "objective", "seed", "time_limit_s"],
    )
    link_names = ("self", "share", "replan", "card_pdf", "card_html", "ics", "gpx", "geojson", "share_qr", "widget")
    s["ItineraryLinks"] = _obj(
        {k: {"type": "string", "format": "uri-reference"} for k in link_names},
        list(link_names),
        description="Relative links; `share` ones carry ?share=",
    )
    s["PlanWarning"] = _obj(
        {
            "code": {"enum": ["event_cancelled", "event_moved", "event_missing", "weather_changed"]},
            "event_id": ID,
            "poi_id": ID,
            "message": {"type": "string"},
            "planned": {"type": "object"},
            "current": nullable({"type": "object"}),
            "changed_at": nullable({"type": "string"}),
            "action": {"const": "replan"},
        },
        ["code", "message"],
        description="A planned match changed after planning (event_id), or the forecast turned wet or hot over an "
        "outdoor visit in the next 3 days (poi_id; current: the spell)",
    )
    s["Lock"] = _obj(
        {
            "type": {"enum": ["visit", "event", "meal"]},
            "day": {"type": "integer", "minimum": 0},
            "poi_id": nullable(ID),
            "event_id": nullable(ID),
            "meal": nullable({"enum": ["lunch", "dinner"]}),
            "start": DATE_TIME,
        },
        ["type", "day", "poi_id", "event_id", "meal", "start"],
    )
    diff_item = _obj(
        {"poi_id": ID, "event_id": ID, "day": {"type": "integer", "minimum": 0}, "start": DATE_TIME}, ["day", "start"]
    )
    moved_at = _obj({"day": {"type": "integer", "minimum": 0}, "start": DATE_TIME}, ["day", "start"])
    s["PlanDiff"] = _obj(
        {
            "added": _array(diff_item),
            "removed": _array(diff_item),
            "moved": _array(_obj({"poi_id": ID, "event_id": ID, "from": moved_at, "to": moved_at}, ["from", "to"])),
            "unchanged": {"type": "integer", "minimum": 0},
        },
        ["added", "removed", "moved", "unchanged"],
    )
    s["Itinerary"] = _obj(
        {
            "id": ID,
            "status": {"enum": ["ok", "partial"]},
            "lang": {"enum": list(LANGS)},
            "request": ref("NormalizedRequest"),
            "days": _array(ref("Day"), minItems=DAYS.low, maxItems=DAYS.high),
            "unscheduled": _array(ref("Unscheduled")),
            "totals": ref("Totals"),
            "solver": ref("Solver"),
            "notes": _array({"type": "string"}),
            "review": _array(ref("ReviewNote")),
            "version": {"type": "integer", "minimum": 1},
            "created_at": DATE_TIME,
            "updated_at": DATE_TIME,
            "links": ref("ItineraryLinks"),
            "warnings": _array(ref("PlanWarning")),
            "locks": _array(ref("Lock"), description="replanned plans: stops kept in place"),
            "diff": dict(ref("PlanDiff"), description="replanned plans: changes from the previous plan"),
            "previous_id": nullable(dict(ID, description="replanned plans: the plan id it was derived from")),
        },
        [
            "id",
            "status",
            "lang",
            "request",
            "days",
            "unscheduled",
            "totals",
            "solver",
            "notes",
            "version",
            "created_at",
            "updated_at",
            "links",
            "warnings",
        ],
    )
    s["ItinerarySummary"] = _obj(
        {
            "id": ID,
            "version": {"type": "integer", "minimum": 1},
            "created_at": DATE_TIME,
            "updated_at": DATE_TIME,
            "status": nullable({"enum": ["ok", "partial"]}),
            "days": {"type": "integer", "minimum": 0},
            "start_date": nullable(DATE),
            "links": ref("ItineraryLinks"),
        },
        ["id", "version", "created_at", "updated_at", "status", "days", "start_date", "links"],
    )
    s["ItineraryList"] = _obj(
        {"itineraries": _array(ref("ItinerarySummary")), "next_cursor": nullable({"type": "string"})},
        ["itineraries", "next_cursor"],
    )

    # --- replan edits (chalicelib/planning/replan.py) ---
    day = {"type": "integer", "minimum": 0, "maximum": DAYS.high - 1, "description": "trip day index (0 = first day)"}
    ids = _array(ID, uniqueItems=True)
    s["Spell"] = _obj(
        {"date": DATE, "from": HHMM, "to": HHMM, "kind": {"enum": list(WEATHER_KINDS)}},
        ["date", "from", "to", "kind"],
        closed=True,
        description=f"wet: rain chance >= {WET_PROBABILITY}% or >= {WET_MM} mm in an hour; "
        f"hot: apparent temperature >= {HOT_APPARENT_C:g} °C",
    )
    s["Access"] = _obj(
        {
            "wheelchair": {"type": "boolean", "default": False, "description": "only places sourced as step-free"},
            "stroller": {"type": "boolean", "default": False, "description": "step-free or partly step-free places"},
            "max_walk_m": nullable(
                {
                    "type": "integer",
                    "minimum": MAX_WALK_M[0],
                    "maximum": MAX_WALK_M[1],
                    "description": "longer walks (route metres) become taxi legs",
                }
            ),
            "rest_every_min": nullable(
                {
                    "type": "integer",
                    "minimum": REST_EVERY_MIN[0],
                    "maximum": REST_EVERY_MIN[1],
                    "description": f"a {REST_MINUTES}-min rest after a visit for every full span of this many minutes",
                }
            ),
        },
        [],
        closed=True,
        description=f"Step-free and slower trips; walking is {WALK_SLOWDOWN}x slower with a wheelchair or a stroller",
    )
    s["Endpoint"] = {
        "oneOf": [
            _obj({"hub": ID, "at": DATE_TIME}, ["hub", "at"], closed=True),
            _obj(
                {
                    "lon": s["LodgingPoint"]["properties"]["lon"],
                    "lat": s["LodgingPoint"]["properties"]["lat"],
                    "at": DATE_TIME,
                },
                ["lon", "lat", "at"],
                closed=True,
            ),
        ],
        "description": "A transport hub (GET /v1/pois?category=hub) or a point, and the time (with offset)",
    }
    s["ReplanEdits"] = _obj(
        {
            "lock": _array(
                {
                    "oneOf": [
                        _obj(
                            {"day": day, "poi_id": ID, "meal": {"enum": ["lunch", "dinner"]}},
                            ["day", "poi_id"],
                            closed=True,
                        ),
                        _obj({"day": day, "event_id": ID}, ["day", "event_id"], closed=True),
                    ]
                },
                description="Keep these stops at their day and start time",
            ),
            "lock_all": {"type": "boolean", "description": "lock every current visit and match"},
            "unlock": dict(ids, description="release locks carried from an earlier replan"),
            "remove": dict(ids, description="POI ids (avoided from now on) or event ids"),
            "add_must_visit": ids,
            "move": _array(_obj({"poi_id": ID, "to_day": day}, ["poi_id", "to_day"], closed=True)),
            "lodging": _array(
                {
                    "oneOf": [
                        _obj({"day": day, "poi_id": ID}, ["day", "poi_id"], closed=True),
                        _obj(
                            {
                                "day": day,
                                "lon": s["LodgingPoint"]["properties"]["lon"],
                                "lat": s["LodgingPoint"]["properties"]["lat"],
                            },
                            ["day", "lon", "lat"],
                            closed=True,
                        ),
                    ]
                },
                description="the lodging of a night (one entry per day at most)",
            ),
            "window": _array(
                _obj({"day": day, "day_start": HHMM, "day_end": HHMM}, ["day"], closed=True, minProperties=2),
                description="one entry per day at most",
            ),
            "add_events": ids,
            "time_limit_s": TIME_LIMIT.schema(),
        },
        closed=True,
        description="Edits to a stored plan; errors name the edit (`edits.move[1].to_day`)",
        examples=[{"lock_all": True, "remove": ["shen-garden"], "time_limit_s": 1}],
    )

    # --- batches ---
    s["BatchRequest"] = _obj(
        {
            "requests": _array(ref("ItineraryRequest"), minItems=1, maxItems=MAX_BATCH_ITEMS),
            "name": nullable({"type": "string", "maxLength": 200}),
        },
        ["requests"],
        closed=True,
    )
    item_error = _obj(
        {
            "code": {"type": "string"},
            "field": nullable({"type": "string"}),
            "status": {"type": "integer"},
            "message": {"type": "string"},
        },
        ["code", "field", "status", "message"],
    )
    s["BatchItem"] = _obj(
        {
            "index": {"type": "integer", "minimum": 0},
            "status": {"enum": ["queued", "running", "done", "failed"]},
            "itinerary_id": nullable(ID),
            "plan_status": nullable({"enum": ["ok", "partial"]}),
            "links": nullable(_obj({"itinerary": {"type": "string"}}, ["itinerary"])),
            "error": nullable(item_error),
            "updated_at": DATE_TIME,
        },
        ["index", "status", "itinerary_id", "plan_status", "links", "error", "updated_at"],
    )
    count = {"type": "integer", "minimum": 0}
    s["BatchStatus"] = _obj(
        {
            "id": ID,
            "name": nullable({"type": "string"}),
            "state": {"enum": ["queued", "running", "done"]},
            "total": {"type": "integer", "minimum": 1},
            "counts": _obj(
                {k: count for k in ("queued", "running", "done", "failed")}, ["queued", "running", "done", "failed"]
            ),
            "progress": {"type": "number", "minimum": 0, "maximum": 1},
            "created_at": DATE_TIME,
            "items": _array(ref("BatchItem")),
        },
        ["id", "name", "state", "total", "counts", "progress", "created_at", "items"],
    )

    # --- crowds and capacity (chalicelib/crowds) ---
    hour = {"type": "integer", "minimum": 0, "maximum": 23}
    level = {"enum": ["busy", "quiet"]}
    s["CrowdInsights"] = _obj(
        {
            "date": {"type": "string", "format": "date"},
            "suppressed_below": count,
            "busy_at": count,
            "match_attendance_share": {"type": "number"},
            "plans": nullable(count),
            "pois": _array(
                _obj(
                    {
                        "poi_id": ID,
                        "name": {"type": "string"},
                        "category": nullable({"type": "string"}),
                        "lon": nullable({"type": "number"}),
                        "lat": nullable({"type": "number"}),
                        "planned_shown": count,
                        "hours": _array(
                            _obj(
                                {
                                    "hour": hour,
                                    "planned": nullable(count),
                                    "suppressed": {"type": "boolean"},
                                    "match_estimate": nullable(count),
                                    "level": level,
                                },
                                ["hour", "planned", "suppressed", "match_estimate", "level"],
                            )
                        ),
                    },
                    ["poi_id", "name", "planned_shown", "hours"],
                )
            ),
            "top": _array(
                _obj({"poi_id": ID, "name": {"type": "string"}, "planned_shown": count}, ["poi_id", "planned_shown"])
            ),
            "matches": _array({"type": "object"}),
        },
        ["date", "suppressed_below", "busy_at", "plans", "pois", "top", "matches"],
        description="Planned people per place and hour (operators). Counts below `suppressed_below` are withheld.",
    )
    s["CrowdHints"] = _obj(
        {
            "date": {"type": "string", "format": "date"},
            "pois": _array(
                _obj(
                    {"poi_id": ID, "hours": {"type": "object", "additionalProperties": level}},
                    ["poi_id", "hours"],
                )
            ),
        },
        ["date", "pois"],
        description="Busy or quiet per place and hour (07:00-21:59); no counts",
    )
    s["CapacityLimit"] = _obj(
        {
            "poi_id": ID,
            "daily": nullable({"type": "integer", "minimum": 0, "maximum": 10**6}),
            "hourly": nullable({"type": "integer", "minimum": 0, "maximum": 10**6}),
            "source": {"type": "string", "minLength": 1, "maxLength": 500},
        },
        ["poi_id", "daily", "hourly", "source"],
    )
    s["CapacityLimitInput"] = _obj(
        {
            "daily": nullable({"type": "integer", "minimum": 0, "maximum": 10**6}),
            "hourly": nullable({"type": "integer", "minimum": 0, "maximum": 10**6}),
            "source": {"type": "string", "minLength": 1, "maxLength": 500},
        },
        ["source"],
        description="At least one of daily and hourly; source says where the number comes from",
    )
    s["CapacityList"] = _obj(
        {"date": {"type": "string", "format": "date"}, "limits": _array({"type": "object"})}, ["date", "limits"]
    )

    # --- oEmbed, feeds ---
    s["OEmbed"] = _obj(
        {
            "type": {"const": "rich"},
            "version": {"const": "1.0"},
            "title": {"type": "string"},
            "provider_name": {"type": "string"},
            "provider_url": {"type": "string"},
            "html": {"type": "string"},
            "width": {"type": "integer", "minimum": 1},
            "height": {"type": "integer", "minimum": 1},
            "cache_age": {"type": "integer"},
            "yueyou_kind": {"enum": ["itinerary", "route"]},
        },
        ["type", "version", "html", "width", "height"],
        description="oEmbed 1.0 rich response",
    )
    s["FeedReport"] = _obj(
        {
            "feed": {"type": "string"},
            "ok": {"type": "boolean"},
            **{k: count for k in ("created", "updated", "cancelled", "unchanged")},
            "error": nullable({"type": "object"}),
            "fetched_at": nullable({"type": "string"}),
            "content_hash": nullable({"type": "string"}),
            "notes": _array({"type": "object"}),
        },
        ["feed", "ok", "error"],
    )
    s["FeedIngestResult"] = _obj(
        {"reports": _array(ref("FeedReport")), "ok": {"type": "boolean"}, "lang": {"enum": list(LANGS)}},
        ["reports", "ok", "lang"],
    )
    s["FeedStates"] = _obj({"feeds": _array({"type": "object"}), "lang": {"enum": list(LANGS)}}, ["feeds", "lang"])

    # --- errors ---
    s["ErrorBody"] = _obj(
        {
            "code": {
                "type": "string",
                "description": "machine-readable; the codes per status are listed in each response",
            },
            "message": {"type": "string", "description": "in the request's language"},
            "field": nullable(
                {
                    "type": "string",
                    "description": "the offending parameter, header or body "
                    "field, e.g. `limit`, `If-Match`, `lodging[1].poi_id`",
                }
            ),
            "details": {
                "description": "e.g. `conflicts` (422), `expected_version`/`current_version` (412), "
                "`retry_after`/`limit`/`remaining`/`reset`/`kind` (429), `retry_after` (409)"
            },
        },
        ["code", "message", "field"],
    )
    s["Error"] = _obj(
        {"error": ref("ErrorBody")},
        ["error"],
        closed=True,
        examples=[{"error": {"code": "out_of_range", "message": "limit must be between 1 and 200", "field": "limit"}}],
    )
    for status, codes in ERROR_CODES.items():
        s[f"Error{status}"] = {"allOf": [ref("Error"), _obj({"error": _obj({"code": {"enum": list(codes)}})})]}
    s["Error422"]["allOf"][1]["properties"]["error"]["properties"]["details"] = _obj(
        {"conflicts": _array({"type": "string"})}
    )
    s["Error429"]["allOf"][1]["properties"]["error"]["properties"]["details"] = _obj(
        {
            "retry_after": {"type": "integer", "minimum": 0},
            "limit": {"type": "integer"},
            "remaining": {"type": "integer"},
            "reset": {"type": "integer"},
            "kind": {"enum": ["request", "plan"]},
        },
        ["retry_after"],
    )
    s["Error409"]["allOf"][1]["properties"]["error"]["properties"]["details"] = _obj(
        {"retry_after": {"type": "integer", "minimum": 0}}, ["retry_after"]
    )
    return s


# --- parameters, headers, responses --------------------------------------------------------


def _query(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description, **extra}


def _comma_list(name: str, items: dict[str, Any], description: str) -> dict[str, Any]:
    return _query(name, _array(items), description + " (comma-separated)", style="form", explode=False)


def _parameters() -> dict[str, Any]:
    return {
        "lang": _query("lang", {"enum": list(LANGS)}, "Response language (default: Accept-Language, else zh)"),
        "exportLang": _query(
            "lang", {"enum": list(LANGS) + ["both"]}, "Language of the document; `both` prints zh and en"
        ),
        "acceptLanguage": {
            "name": "Accept-Language",
            "in": "header",
            "required": False,
            "schema": {"type": "string"},
            "description": "Used when `lang` is absent",
        },
        "cursor": _query(
            "cursor", {"type": "string", "minLength": 1}, "Opaque cursor from a previous page's `next_cursor`"
        ),
        "poiLimit": _query("limit", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}, "Page size"),
        "eventLimit": _query("limit", {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}, "Page size"),
        "itineraryLimit": _query(
            "limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "Page size"
        ),
        "share": _query(
            "share", {"type": "string"}, "Share token from `links.share`: read access without being the owner"
        ),
        "ifMatch": {
            "name": "If-Match",
            "in": "header",
            "required": False,
            "schema": {
                "type": "string",
                "pattern": r'^(?:\*|(?:W/)?"?[0-9]{0,8}[1-9]"?)$',
                "examples": ['"1"', 'W/"3"', "*"],
            },
            "description": "ETag of the version you read; a stale one is a 412 (optimistic concurrency)",
        },
        "ifNoneMatch": {
            "name": "If-None-Match",
            "in": "header",
            "required": False,
            "schema": {"type": "string"},
            "description": "The ETag you hold: unchanged plans are a 304",
        },
        "idempotencyKey": {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
            "description": "Retries with the same key (per caller, 24 h) return the first "
            "result instead of planning again",
        },
        "poiId": {
            "name": "poi_id",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": ID_PATTERN, "examples": ["shen-garden"]},
        },
        "assetName": {
            "name": "name",
            "in": "path",
            "required": True,
            "schema": {"enum": sorted(WEB_ASSETS)},
        },
        "eventId": {
            "name": "event_id",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": ID_PATTERN, "examples": ["ag2023-softball-2023-10-02-1800"]},
        },
        "routeId": {
            "name": "route_id",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": ID_PATTERN, "examples": ["tang-poetry-road"]},
        },
        "itineraryId": {
            "name": "itinerary_id",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": ID_PATTERN},
        },
        "batchId": {
            "name": "batch_id",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": ID_PATTERN},
        },
        "pageSize": _query(
            "size", {"type": "string", "pattern": "^[Aa][45]$", "default": "A5"}, "Card page size: A5 or A4"
        ),
        "colourPrimary": _query(
            "primary",
            {"type": "string", "pattern": "^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"},
            "Widget accent colour (#rgb or #rrggbb)",
        ),
        "colourBg": _query(
            "bg", {"type": "string", "pattern": "^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"}, "Widget background colour"
        ),
        "colourFg": _query(
            "fg", {"type": "string", "pattern": "^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"}, "Widget text colour"
        ),
        "embedKey": _query(
            "key", {"type": "string"}, "Public id of an agency key: its embedding policy (frame-ancestors, CORS)"
        ),
    }


def _districts() -> list[str]:
    """The catalog's district ids (the data defines them, not this document)."""
    return sorted(bundle.load().districts)


def _headers() -> dict[str, Any]:
    def h(description: str, schema: Optional[dict[str, Any]] = None, required: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"description": description, "schema": schema or {"type": "string"}}
        if required:
            out["required"] = True
        return out

    return {
        "ETag": h("Version of the itinerary, e.g. \"3\"", {"type": "string", "pattern": r'^"[0-9]+"$'}, True),
        "Location": h("URL of the created resource", {"type": "string"}, True),
        "X-RateLimit-Limit": h("Limit of the window this response counts against", {"type": "integer"}),
        "X-RateLimit-Remaining": h("What is left in the window", {"type": "integer", "minimum": 0}),
        "X-RateLimit-Reset": h("Seconds until the window resets", {"type": "integer", "minimum": 0}),
        "Retry-After": h("Seconds to wait before retrying", {"type": "integer", "minimum": 0}, True),
        "Idempotent-Replayed": h("`true` when an Idempotency-Key replay returned the original plan", {"const": "true"}),
        "Cache-Control": h("Caching policy"),
        "Content-Disposition": h("inline or attachment, with a file name"),
        "Content-Security-Policy": h("Per-response policy (widgets carry a script nonce)"),
    }


RATE_HEADERS = {
    k: {"$ref": f"#/components/headers/{k}"}
    for k in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
}


def _error_responses() -> dict[str, Any]:
    out = {}
    for status, codes in ERROR_CODES.items():
        headers: dict[str, Any] = {}
        if status == "429":
            headers = dict(RATE_HEADERS, **{"Retry-After": {"$ref": "#/components/headers/Retry-After"}})
        elif status == "409":
            headers = {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
        resp: dict[str, Any] = {
            "description": _ERROR_TEXT[status] + " Codes: " + ", ".join(f"`{c}`" for c in codes) + ".",
            "content": {"application/json": {"schema": ref(f"Error{status}")}},
        }
        if headers:
            resp["headers"] = headers
        out[f"E{status}"] = resp
    return out


def _transfers(table: dict[str, int]) -> str:
    return ", ".join(f"{kind} {minutes}" for kind, minutes in table.items() if kind != "point")


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(st): {"$ref": f"#/components/responses/E{st}"} for st in sorted(statuses)}


def _param(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


def _json(schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    return {"content": {media: {"schema": schema}}}


LANG = [_param("lang"), _param("acceptLanguage")]
PUBLIC: list[dict[str, list[str]]] = []
OPTIONAL_KEY: list[dict[str, list[str]]] = [{}, {"ApiKey": []}]


def _op(
    op_id: str,
    tag: str,
    summary: str,
    responses: dict[str, Any],
    parameters: Optional[list] = None,
    security: Optional[list] = None,
    body: Optional[dict[str, Any]] = None,
    description: str = "",
    module: Optional[str] = None,
) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": op_id, "tags": [tag], "summary": summary}
    if description:
        op["description"] = description
    op["parameters"] = parameters or []
    if body is not None:
        op["requestBody"] = body
    op["responses"] = responses
    op["security"] = PUBLIC if security is None else security
    if module:
        op["x-yueyou-module"] = module
    return op


def _paths() -> dict[str, Any]:
    ok = lambda description, schema, media="application/json", **extra: dict(  # noqa: E731
        {"description": description}, **_json(schema, media), **extra
    )
    geo = "application/geo+json"
    p: dict[str, Any] = {}

    p["/v1/health"] = {
        "get": _op(
            "getHealth",
            "service",
            "Catalog counts and store status",
            {"200": ok("Service is up", ref("Health")), **_errors(400, 500)},
            LANG,
        )
    }

    # --- the tourist app and this reference, for browsers (chalicelib/api/webapp.py) ---
    def page(op_id: str, summary: str, media: str, parameters: Optional[list] = None) -> dict[str, Any]:
        return {
            "get": _op(
                op_id,
                "app",
                summary,
                {"200": ok(summary, {"type": "string"}, media), **_errors(*((404,) if parameters else ()), 500)},
                parameters or [],
                module="chalicelib.api.webapp",
            )
        }

    p["/"] = page("getApp", "The tourist app: the Asian Games Shaoxing map, trip planning, the saved trip", "text/html")
    p["/docs"] = page("getApiReference", "This API reference, rendered for people (Redoc)", "text/html")
    p["/cockpit"] = page(
        "getCockpit", "The operators' dashboard (data read with an operator key, /v1/insights/*)", "text/html"
    )
    p["/sw.js"] = page("getServiceWorker", "The app's service worker (offline app shell and plans)", "text/javascript")
    p["/app/{name}"] = page(
        "getAppAsset",
        "A file of the app (scripts and styles, front-end libraries vendored from npm)",
        "text/javascript",
        [_param("assetName")],
    )
    p["/app/{name}"]["get"]["responses"]["200"]["content"]["text/css"] = {"schema": {"type": "string"}}
    p["/v1/openapi.json"] = {
        "get": _op(
            "getOpenApi",
            "service",
            "This OpenAPI 3.1 document",
            {
                "200": ok("The document", {"type": "object", "required": ["openapi", "info", "paths"]}),
                **_errors(400, 500),
            },
            [],
            module="chalicelib.api.openapi",
        )
    }

    p["/v1/pois"] = {
        "get": _op(
            "listPois",
            "catalog",
            "POIs as a GeoJSON FeatureCollection",
            {
                "200": ok("A page of POIs (sorted by distance with `near`)", ref("PoiCollection"), geo),
                **_errors(400, 500),
            },
            [
                _comma_list("category", {"enum": list(CATEGORIES)}, "Categories"),
                _comma_list("district", {"enum": _districts()}, "Districts"),
                _query("q", {"type": "string", "maxLength": 200}, "Text in either language"),
                _query(
                    "near",
                    {
                        "type": "string",
                        "pattern": r"^-?[0-9]{1,3}(?:\.[0-9]+)?,-?[0-9]{1,2}(?:\.[0-9]+)?$",
                        "examples": ["120.5811,29.995"],
                    },
                    "`lon,lat` (WGS84, decimal degrees); results sorted by distance with `distance_km`",
                ),
                _query(
                    "radius_km",
                    {"type": "number", "minimum": 0.001, "maximum": 300, "default": 5},
                    "Search radius around `near` (requires `near`)",
                ),
                _query(
                    "open_at",
                    {"type": "string", "format": "date-time"},
                    "Only POIs open at this moment (ISO 8601; no offset = Asia/Shanghai)",
                ),
                _param("poiLimit"),
                _param("cursor"),
                *LANG,
            ],
        )
    }
    p["/v1/pois/{poi_id}"] = {
        "get": _op(
            "getPoi",
            "catalog",
            "One POI as a GeoJSON Feature",
            {"200": ok("The POI", ref("PoiFeature"), geo), **_errors(400, 404, 500)},
            [_param("poiId"), *LANG],
        )
    }
    p["/v1/venues"] = {
        "get": _op(
            "listVenues",
            "catalog",
            "Asian Games venues with their session counts",
            {"200": ok("Venues", ref("VenueCollection"), geo), **_errors(400, 500)},
            [_comma_list("sport", {"enum": list(SPORTS)}, "Sports"), *LANG],
        )
    }
    bound = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}
    p["/v1/events"] = {
        "get": _op(
            "listEvents",
            "catalog",
            "Competition sessions and the dates of recurring festivals, ceremonies and shows",
            {"200": ok("A page of events in start order", ref("EventList")), **_errors(400, 500)},
            [
                _query(
                    "from",
                    bound,
                    "Events ending at or after (a date = the whole day). Dates of recurring series are "
                    f"listed from this bound (default: today) for at most {SERIES_WINDOW_DAYS} days",
                ),
                _query("to", bound, "Events starting at or before (a date = the whole day)"),
                _comma_list("kind", {"enum": list(EVENT_KINDS)}, "Kinds"),
                _comma_list("sport", {"enum": list(SPORTS)}, "Sports"),
                _comma_list("venue", {"type": "string", "pattern": ID_PATTERN}, "Venue or sight POI ids"),
                _comma_list("status", {"enum": list(EVENT_STATUS)}, "Statuses"),
                _param("eventLimit"),
                _param("cursor"),
                *LANG,
            ],
        )
    }
    p["/v1/events/{event_id}"] = {
        "get": _op(
            "getEvent",
            "catalog",
            "One session, or one date of a recurring series (id <series>-<YYYY-MM-DD>)",
            {"200": ok("The event", ref("Event")), **_errors(400, 404, 500)},
            [_param("eventId"), *LANG],
        )
    }
    p["/v1/routes"] = {
        "get": _op(
            "listRoutes",
            "catalog",
            "Curated routes",
            {"200": ok("Routes", ref("RouteList")), **_errors(400, 500)},
            [_comma_list("kind", {"enum": list(ROUTE_KINDS)}, "Route kinds"), *LANG],
        )
    }
    p["/v1/routes/{route_id}"] = {
        "get": _op(
            "getRoute",
            "catalog",
            "A route: its LineString, then its stops in order",
            {"200": ok("The route", ref("RouteCollection"), geo), **_errors(400, 404, 500)},
            [_param("routeId"), *LANG],
        )
    }

    created_headers = dict(
        RATE_HEADERS, ETag={"$ref": "#/components/headers/ETag"}, Location={"$ref": "#/components/headers/Location"}
    )
    p["/v1/itineraries"] = {
        "get": _op(
            "listItineraries",
            "itineraries",
            "Your stored itineraries, oldest first",
            {
                "200": ok("A page of summaries", ref("ItineraryList"), headers=RATE_HEADERS),
                **_errors(400, 401, 429, 500),
            },
            [_param("itineraryLimit"), _param("cursor"), *LANG],
            OPTIONAL_KEY,
        ),
    }
    plan_links = {
        "GetItinerary": {
            "operationId": "getItinerary",
            "parameters": {"itinerary_id": "$response.body#/id"},
            "description": "Read the plan back",
        },
        "ReplanItinerary": {"operationId": "replanItinerary", "parameters": {"itinerary_id": "$response.body#/id"}},
        "DeleteItinerary": {"operationId": "deleteItinerary", "parameters": {"itinerary_id": "$response.body#/id"}},
        **{
            op_id[3:]: {"operationId": op_id, "parameters": {"itinerary_id": "$response.body#/id"}}
            for op_id in (
                "getItineraryCardPdf",
                "getItineraryCardHtml",
                "getItineraryIcs",
                "getItineraryGpx",
                "getItineraryGeoJson",
                "getItineraryWidget",
            )
        },
    }
    p["/v1/itineraries"]["post"] = _op(
        "createItinerary",
        "itineraries",
        "Plan and store a multi-day trip",
        {
            "201": ok("Planned and stored", ref("Itinerary"), headers=created_headers),
            "200": ok(
                "Idempotency-Key replay: the plan created first",
                ref("Itinerary"),
                headers=dict(
                    created_headers, **{"Idempotent-Replayed": {"$ref": "#/components/headers/Idempotent-Replayed"}}
                ),
            ),
            **_errors(400, 401, 404, 409, 413, 415, 422, 429, 500),
        },
        [_param("idempotencyKey"), *LANG],
        OPTIONAL_KEY,
        {"required": True, **_json(ref("ItineraryRequest"))},
        description="Without `x-api-key` the caller is anonymous, counted per client IP with a small "
        "daily plan quota. The response language is `lang` (query), else the body's `lang`.",
    )
    for status in ("200", "201"):
        p["/v1/itineraries"]["post"]["responses"][status]["links"] = plan_links

    etag_headers = {
        "ETag": {"$ref": "#/components/headers/ETag"},
        "Cache-Control": {"$ref": "#/components/headers/Cache-Control"},
    }
    p["/v1/itineraries/{itinerary_id}"] = {
        "get": _op(
            "getItinerary",
            "itineraries",
            "A stored itinerary (owner or share token)",
            {
                "200": ok(
                    "The plan, with `warnings` about matches changed since", ref("Itinerary"), headers=etag_headers
                ),
                "304": {
                    "description": "Not modified (If-None-Match matched)",
                    "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
                },
                **_errors(400, 401, 404, 429, 500),
            },
            [_param("itineraryId"), _param("share"), _param("ifNoneMatch"), *LANG],
            OPTIONAL_KEY,
        ),
        "delete": _op(
            "deleteItinerary",
            "itineraries",
            "Delete your itinerary",
            {"204": {"description": "Deleted", "headers": RATE_HEADERS}, **_errors(400, 401, 404, 412, 429, 500)},
            [_param("itineraryId"), _param("ifMatch"), *LANG],
            OPTIONAL_KEY,
        ),
    }
    p["/v1/itineraries/{itinerary_id}/replan"] = {
        "post": _op(
            "replanItinerary",
            "itineraries",
            "Edit your itinerary and re-solve around locked stops",
            {
                "200": ok(
                    "The new version (with `locks`, `diff` and `previous_id`)",
                    ref("Itinerary"),
                    headers=dict(etag_headers, **RATE_HEADERS),
                ),
                **_errors(400, 401, 404, 409, 412, 413, 415, 422, 429, 500),
            },
            [_param("itineraryId"), _param("ifMatch"), *LANG],
            OPTIONAL_KEY,
            {"required": True, **_json(ref("ReplanEdits"))},
            description="Counts as a plan against the daily quota. Errors name the edit, e.g. "
            "`edits.move[1].to_day`; a lock the edits made impossible is a 422 naming the lock.",
            module="chalicelib.api.itineraries (engine: chalicelib.planning.replan)",
        )
    }

    export_params = [_param("itineraryId"), _param("share")]
    export_errors = _errors(400, 401, 404, 429, 500)
    file_headers = {
        "ETag": {"$ref": "#/components/headers/ETag"},
        "Content-Disposition": {"$ref": "#/components/headers/Content-Disposition"},
    }

    def export(
        op_id: str, summary: str, media: str, schema: dict[str, Any], extra: list, headers: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "get": _op(
                op_id,
                "exports",
                summary,
                {
                    "200": {"description": summary, "headers": headers, "content": {media: {"schema": schema}}},
                    **export_errors,
                },
                export_params + extra,
                OPTIONAL_KEY,
                module="chalicelib.api.exports",
            )
        }

    base = "/v1/itineraries/{itinerary_id}"
    binary = {"type": "string", "contentMediaType": "application/pdf"}
    p[base + "/card.pdf"] = export(
        "getItineraryCardPdf",
        "Printable route card (PDF, A5/A4, QR code to the live plan)",
        "application/pdf",
        binary,
        [_param("pageSize"), _param("exportLang")],
        file_headers,
    )
    p[base + "/card.pdf"]["get"]["responses"].update(_errors(406))
    p[base + "/card.html"] = export(
        "getItineraryCardHtml",
        "Printable route card (HTML print view)",
        "text/html",
        {"type": "string"},
        [_param("pageSize"), _param("exportLang")],
        {
            "ETag": {"$ref": "#/components/headers/ETag"},
            "Content-Security-Policy": {"$ref": "#/components/headers/Content-Security-Policy"},
        },
    )
    p[base + "/share.svg"] = export(
        "getItineraryShareQr",
        "QR code (SVG) of the plan's link in the tourist app, to open it on another phone",
        "image/svg+xml",
        {"type": "string"},
        [_param("exportLang")],
        {"ETag": {"$ref": "#/components/headers/ETag"}},
    )
    p[base + "/itinerary.ics"] = export(
        "getItineraryIcs",
        "The plan as an iCalendar file (one event per stop)",
        "text/calendar",
        {"type": "string"},
        [_param("exportLang")],
        file_headers,
    )
    p[base + "/route.gpx"] = export(
        "getItineraryGpx",
        "The plan as GPX 1.1 (waypoints and a track per day)",
        "application/gpx+xml",
        {"type": "string"},
        [_param("exportLang")],
        file_headers,
    )
    p[base + "/itinerary.geojson"] = export(
        "getItineraryGeoJson",
        "The plan as GeoJSON: stops (Points) and legs (LineStrings)",
        geo,
        ref("FeatureCollection"),
        LANG,
        file_headers,
    )

    widget_params = [_param("colourPrimary"), _param("colourBg"), _param("colourFg"), _param("embedKey")]
    widget_errors = _errors(400, 404, 500)
    html_ok = {
        "description": "A self-contained HTML page for an <iframe>",
        "headers": {"Content-Security-Policy": {"$ref": "#/components/headers/Content-Security-Policy"}},
        "content": {"text/html": {"schema": {"type": "string"}}},
    }
    p["/v1/widgets/itinerary/{itinerary_id}"] = {
        "get": _op(
            "getItineraryWidget",
            "widgets",
            "Embeddable itinerary widget (HTML)",
            {"200": html_ok, **_errors(400, 401, 404, 429, 500)},
            [_param("itineraryId"), _param("share"), *widget_params, *LANG],
            OPTIONAL_KEY,
            module="chalicelib.api.widgets",
        )
    }
    p["/v1/widgets/route/{route_id}"] = {
        "get": _op(
            "getRouteWidget",
            "widgets",
            "Embeddable route widget (HTML)",
            {"200": html_ok, **widget_errors},
            [_param("routeId"), *widget_params, *LANG],
            module="chalicelib.api.widgets",
        )
    }
    p["/v1/widgets/embed.js"] = {
        "get": _op(
            "getEmbedScript",
            "widgets",
            "Loader script that turns placeholders into widget iframes",
            {
                "200": {
                    "description": "JavaScript",
                    "content": {"application/javascript": {"schema": {"type": "string"}}},
                },
                **_errors(400, 500),
            },
            [_query("v", {"type": "string"}, "Cache-busting version (ignored)"), *LANG],
            module="chalicelib.api.widgets",
        )
    }
    p["/v1/oembed"] = {
        "get": _op(
            "getOEmbed",
            "widgets",
            "oEmbed for widget, itinerary and route URLs of this service",
            {"200": ok("oEmbed rich response", ref("OEmbed")), **_errors(400, 404, 500, 501)},
            [
                {
                    "name": "url",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "format": "uri"},
                    "description": "A widget, itinerary or route URL of this service",
                },
                _query("format", {"enum": ["json"]}, "Only json"),
                _query("maxwidth", {"type": "integer", "minimum": 100, "maximum": 2000}, "Maximum width"),
                _query("maxheight", {"type": "integer", "minimum": 100, "maximum": 10000}, "Maximum height"),
                _param("embedKey"),
                *LANG,
            ],
            module="chalicelib.api.widgets",
        )
    }

    p["/v1/batches"] = {
        "post": _op(
            "createBatch",
            "batches",
            "Plan up to 100 trips asynchronously (travel agencies)",
            {
                "202": ok(
                    "Accepted: the batch status",
                    ref("BatchStatus"),
                    headers=dict(RATE_HEADERS, Location={"$ref": "#/components/headers/Location"}),
                ),
                **_errors(400, 401, 404, 413, 415, 422, 429, 500),
            },
            LANG,
            OPTIONAL_KEY,
            {"required": True, **_json(ref("BatchRequest"))},
            description="Every item is validated first (errors name `requests[i].<field>`), then each counts "
            "as one plan against the daily quota.",
        )
    }
    p["/v1/batches"]["post"]["responses"]["202"]["links"] = {
        "GetBatch": {"operationId": "getBatch", "parameters": {"batch_id": "$response.body#/id"}}
    }
    p["/v1/batches/{batch_id}"] = {
        "get": _op(
            "getBatch",
            "batches",
            "Progress and results of your batch",
            {"200": ok("Batch status", ref("BatchStatus"), headers=RATE_HEADERS), **_errors(400, 401, 404, 429, 500)},
            [_param("batchId"), *LANG],
            OPTIONAL_KEY,
        )
    }

    # --- crowds (chalicelib/api/insights.py) ---
    operator: list[dict[str, list[str]]] = [{"ApiKey": []}]
    day = _query("date", {"type": "string", "format": "date"}, "The day (Asia/Shanghai; default today)")
    poi = _query("poi", {"type": "string", "pattern": ID_PATTERN}, "Only this POI")
    p["/v1/crowds"] = {
        "get": _op(
            "getCrowdHints",
            "crowds",
            "Busy or quiet per place and hour: the forecast from stored plans and matches, coarsened",
            {"200": ok("Hints", ref("CrowdHints")), **_errors(400, 404, 500)},
            [day, poi, *LANG],
            module="chalicelib.api.insights",
        )
    }
    p["/v1/insights/crowds"] = {
        "get": _op(
            "getCrowdInsights",
            "crowds",
            "Planned people per place and hour (operator scope); small counts withheld",
            {"200": ok("Insights", ref("CrowdInsights")), **_errors(400, 401, 403, 404, 429, 500)},
            [day, poi, *LANG],
            operator,
            module="chalicelib.api.insights",
        )
    }
    p["/v1/insights/capacity"] = {
        "get": _op(
            "listCapacity",
            "crowds",
            "Capacity limits with the places taken and left on a day (operator scope)",
            {"200": ok("Limits", ref("CapacityList")), **_errors(400, 401, 403, 429, 500)},
            [day, *LANG],
            operator,
            module="chalicelib.api.insights",
        )
    }
    p["/v1/insights/capacity/{poi_id}"] = {
        "put": _op(
            "setCapacity",
            "crowds",
            "Set a place's daily and/or hourly limit (operator scope); plans never book past it",
            {"200": ok("The limit", ref("CapacityLimit")), **_errors(400, 401, 403, 404, 413, 415, 429, 500)},
            [_param("poiId"), *LANG],
            operator,
            body={"required": True, **_json(ref("CapacityLimitInput"))},
            module="chalicelib.api.insights",
        ),
        "delete": _op(
            "removeCapacity",
            "crowds",
            "Remove a place's limit (operator scope)",
            {"204": {"description": "Removed (or there was none)"}, **_errors(400, 401, 403, 404, 429, 500)},
            [_param("poiId"), *LANG],
            operator,
            module="chalicelib.api.insights",
        ),
    }

    admin: list[dict[str, list[str]]] = [{"AdminToken": []}]
    p["/v1/admin/feeds/ingest"] = {
        "post": _op(
            "ingestFeeds",
            "admin",
            "Fetch and apply the schedule feeds now",
            {"200": ok("One report per feed", ref("FeedIngestResult")), **_errors(400, 403, 500)},
            [_query("feed", {"type": "string"}, "Only this feed id"), *LANG],
            admin,
            module="chalicelib.api.feeds",
        )
    }
    p["/v1/admin/feeds"] = {
        "get": _op(
            "listFeeds",
            "admin",
            "Each configured feed's last fetch, success, hash and error",
            {"200": ok("Feed states", ref("FeedStates")), **_errors(400, 403, 500)},
            LANG,
            admin,
            module="chalicelib.api.feeds",
        )
    }
    return p


@lru_cache(maxsize=1)
def _base_document() -> dict[str, Any]:
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Yueyou (越游) Shaoxing trip planner API",
            "version": API_VERSION,
            "summary": "Shaoxing POIs, Asian Games sessions, curated routes and multi-day itineraries",
            "description": (
                "Every response speaks Chinese and English (`lang=zh|en`, default zh, or Accept-Language). "
                "Times are Asia/Shanghai (ISO 8601, +08:00); geometry is GeoJSON (RFC 7946, [lon, lat], "
                "WGS84). Unknown query parameters are refused (400 `unknown_parameter`). Errors are "
                "`{\"error\": {\"code\", \"message\", \"field\"}}` in the request's language."
            ),
            "license": {"name": "Proprietary", "identifier": "LicenseRef-Proprietary"},
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": "service"},
            {"name": "app", "description": "The tourist app and the API reference (HTML for browsers)"},
            {"name": "catalog"},
            {"name": "itineraries"},
            {"name": "exports"},
            {"name": "widgets"},
            {"name": "batches"},
            {"name": "admin"},
        ],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "parameters": _parameters(),
            "headers": _headers(),
            "responses": _error_responses(),
            "securitySchemes": {
                "ApiKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "x-api-key",
                    "description": "Agency API key. Optional for planning: anonymous callers get a "
                    "small daily plan quota and request rate per client IP.",
                },
                "AdminToken": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "x-admin-token",
                    "description": "Operator token (its SHA-256 is the stage's YUEYOU_ADMIN_TOKEN_SHA256)",
                },
            },
        },
    }


def document(server_url: str = "/") -> dict[str, Any]:
    """A fresh copy of the document, with ``servers`` pointing at ``server_url``."""
    doc = copy.deepcopy(_base_document())
    doc["servers"] = [{"url": server_url or "/"}]
    return doc


@bp.route("/v1/openapi.json", methods=["GET"], cors=CORS)
@api
def openapi_json():
    request = bp.current_request
    Params(request, ())
    return json_response(document(base_url_or_root(request)), headers={"Cache-Control": "public, max-age=300"})
