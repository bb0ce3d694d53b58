"""Catalog value objects: POIs, events, routes, districts.

Each validates itself at construction, so a loaded catalog is a valid one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from ..i18n import Text
from ..timeutil import parse_datetime
from . import hours

CATEGORIES = ("history", "culture", "nature", "religion", "shopping", "food", "venue", "lodging", "hub")
# Transport hubs: where visitors arrive (high-speed rail, conventional rail, the airport).
HUB_KINDS = ("hsr", "rail", "metro", "airport")
SIGHT_CATEGORIES = ("history", "culture", "nature", "religion", "shopping")
SPORTS = ("baseball", "softball", "basketball", "volleyball", "sport-climbing")
FOOD_KINDS = ("restaurant", "street", "tasting", "market")
# time_tbc: the date is sourced, the clock time is not: the event covers its
# whole day(s), is shown as "time to be confirmed" and never planned as a stop.
EVENT_CONFIDENCE = ("exact", "start_sourced", "date_only", "estimated", "time_tbc")
# match: a sports session (has a sport); the others come from recurring series
# (``catalog/series.py``) at sights: festivals, ceremonies, shows.
EVENT_KINDS = ("match", "festival", "ceremony", "show")
WANTED_EVENT_KINDS = EVENT_KINDS[1:]  # request field want_events
EVENT_STATUS = ("scheduled", "cancelled")
# Arrive this long before a festival, ceremony or show at a sight (no gate
# security like a stadium's; a planning default, not a sourced fact).
SIGHT_EVENT_BUFFER = 20
# An event whose time is estimated (a typical slot) keeps this much more time
# free before (arrive earlier) and after (leave later) than a published one.
ESTIMATE_SLACK = 30
ROUTE_KINDS = ("poetry-road", "sports", "city-line")
# A route day holds about 7 h of visiting (the rest is travel, meals and rest):
# a route needs suggested_days * ROUTE_DAY_MINUTES >= the sum of its stops' visit_minutes.
ROUTE_DAY_MINUTES = 420
# sourced: from a source that places the building; approx: within a few hundred
# metres; unknown: only the village/town is known (listed, never suggested as lodging).
COORD_CONFIDENCE = ("sourced", "approx", "unknown")
# Where a POI's opening_hours come from: a cited page (sourced), general
# knowledge (typical hours for such a place, no page: most of the reference
# sheet's), or nowhere ("" hours: listed, never planned).
HOURS_CONFIDENCE = ("sourced", "general", "unknown")
# Where a visit happens: outdoor sights are planned in daylight (dusk computed
# per date and place), indoor ones may be used any time they are open.
SETTINGS = ("indoor", "outdoor", "mixed")
# Sourced prominence: China's national tourist-attraction grade (A-level, GB/T
# 17775) and the protection level of a cultural-relic site. A place's
# prominence is the highest value of the two; unrated places get UNRATED.
A_LEVELS = {"5A": 1.0, "4A": 0.8, "3A": 0.6, "2A": 0.45, "1A": 0.4}
HERITAGE_LEVELS = {"national": 0.8, "provincial": 0.6, "city": 0.45}
UNRATED = 0.3

# Shaoxing's extent with a margin (the prefecture spans about 119.9-121.3 E,
# 29.2-30.4 N); anything outside is a typo or a swapped lon/lat.
BBOX = (119.9, 29.2, 121.3, 30.4)


def in_shaoxing(lon: float, lat: float) -> bool:
    return BBOX[0] <= lon <= BBOX[2] and BBOX[1] <= lat <= BBOX[3]


def _check(cond: bool, what: str) -> None:
    if not cond:
        raise ValueError(what)


def _flag(value: Any, what: str) -> bool:
    _check(isinstance(value, bool), f"{what} must be true or false")
    return bool(value)


def _range(value: Any, what: str) -> Optional[tuple[float, float]]:
    if value is None:
        return None
    _check(
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(v, (int, float)) for v in value)
        and 0 <= value[0] <= value[1],
        f"{what} must be [low, high] or null",
    )
    return (float(value[0]), float(value[1]))


@dataclass(frozen=True)
class VenueInfo:
    sports: tuple[str, ...]
    capacity: Optional[int]
    entry_buffer_minutes: int = 45
    egress_surge_factor: float = 1.5
    egress_surge_minutes: int = 45

    def __post_init__(self) -> None:
        _check(bool(self.sports) and all(s in SPORTS for s in self.sports), f"unknown sport in {self.sports}")
        _check(0 <= self.entry_buffer_minutes <= 240, "entry_buffer_minutes out of range")
        _check(1.0 <= self.egress_surge_factor <= 4.0, "egress_surge_factor out of range")
        _check(0 <= self.egress_surge_minutes <= 240, "egress_surge_minutes out of range")


@dataclass(frozen=True)
class FoodInfo:
    kind: str
    price_per_person_cny: Optional[tuple[float, float]]
    # A source says the food is packed to go (a chunbing roll): a plan may
    # pick up lunch here to eat on a hike that spans lunch time.
    takeaway: bool = False

    def __post_init__(self) -> None:
        _check(self.kind in FOOD_KINDS, f"unknown food kind {self.kind!r}")


@dataclass(frozen=True)
class HubInfo:
    kind: str
    lines: tuple[str, ...] = ()  # lines or routes serving it, as named by the source

    def __post_init__(self) -> None:
        _check(self.kind in HUB_KINDS, f"unknown hub kind {self.kind!r}")


@dataclass(frozen=True)
class LodgingInfo:
    type: str
    price_band_cny: Optional[tuple[float, float]]


ACCESS_LEVELS = ("step_free", "partial", "no", "unknown")


@dataclass(frozen=True)
class Access:
    """Step-free access of the main visit: ``step_free`` (a source says
    wheelchair-accessible throughout), ``partial`` (some parts, or accessible
    facilities beside steps), ``no`` (a source says stairs only), ``unknown``
    (no source: the default, and what most places honestly are)."""

    level: str = "unknown"
    sources: tuple[str, ...] = ()
    note: Optional[Text] = None

    def __post_init__(self) -> None:
        _check(self.level in ACCESS_LEVELS, f"accessibility must be one of {ACCESS_LEVELS}")
        _check(self.level == "unknown" or bool(self.sources), "an accessibility level needs its sources")

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Access:
        return cls(
            level=d["level"],
            sources=tuple(d.get("sources", ())),
            note=None if d.get("note") is None else Text.from_json(d["note"]),
        )

    def to_json(self) -> dict[str, Any]:
        return {"level": self.level, "sources": list(self.sources), "note": self.note.to_json() if self.note else None}


@dataclass(frozen=True)
class Reservation:
    """Whether a visit must be booked ahead (real-name booking, a mini
    program): ``required`` True/False as a dated source says, None unknown."""

    required: Optional[bool] = None
    how: Optional[Text] = None
    sources: tuple[str, ...] = ()
    as_of: Optional[int] = None  # the year of the source: booking rules change

    def __post_init__(self) -> None:
        _check(self.required is None or bool(self.sources), "a reservation rule needs its sources")
        _check(self.as_of is None or 1990 <= self.as_of <= 2100, "reservation as_of must be a year")

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Reservation:
        return cls(
            required=d.get("required"),
            how=None if d.get("how") is None else Text.from_json(d["how"]),
            sources=tuple(d.get("sources", ())),
            as_of=d.get("as_of"),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "required": self.required,
            "how": self.how.to_json() if self.how else None,
            "sources": list(self.sources),
            "as_of": self.as_of,
        }


@dataclass(frozen=True)
class Rating:
    """A-level grade and/or heritage protection level, with the pages that say so."""

    a_level: Optional[str] = None
    heritage: Optional[str] = None
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check(self.a_level is None or self.a_level in A_LEVELS, f"unknown A-level {self.a_level!r}")
        _check(self.heritage is None or self.heritage in HERITAGE_LEVELS, f"unknown heritage level {self.heritage!r}")
        _check(self.a_level is not None or self.heritage is not None, "a rating needs a_level or heritage")
        _check(bool(self.sources), "a rating needs its sources")

    @property
    def prominence(self) -> float:
        return max(A_LEVELS.get(self.a_level or "", 0.0), HERITAGE_LEVELS.get(self.heritage or "", 0.0))


@dataclass(frozen=True)
class Poi:
    id: str
    name: Text
    description: Text
    category: str
    district: str
    lon: float
    lat: float
    coord_confidence: str
    visit_minutes: int
    opening_hours: str
    ticket_cny: Optional[float]
    weight: float
    tags: tuple[str, ...] = ()
    hours_confidence: str = "general"  # required in the JSON (from_json); the default serves tests only
    sources: tuple[str, ...] = ()
    venue: Optional[VenueInfo] = None
    food: Optional[FoodInfo] = None
    lodging: Optional[LodgingInfo] = None
    hub: Optional[HubInfo] = None
    setting: str = "mixed"  # required in the JSON (from_json); the default serves tests only
    part_of: Optional[str] = None  # the POI that contains this one (Luzhen inside Keyan)
    area: Optional[str] = None  # a scenic area shared with other POIs (kuaiji): visit them on one day
    rating: Optional[Rating] = None
    night: Optional[str] = None  # opening_hours when lit and worth a visit after dark
    accessibility: Access = Access()  # required in the JSON (from_json); the default serves tests only
    reservation: Optional[Reservation] = None  # required in the JSON for sights and venues

    def __post_init__(self) -> None:
        _check(is_slug(self.id), f"POI id {self.id!r} is not a slug")
        _check(self.category in CATEGORIES, f"{self.id}: unknown category {self.category!r}")
        _check(in_shaoxing(self.lon, self.lat), f"{self.id}: [{self.lon}, {self.lat}] is outside Shaoxing")
        _check(self.coord_confidence in COORD_CONFIDENCE, f"{self.id}: bad coord_confidence")
        _check(
            isinstance(self.visit_minutes, int) and 0 <= self.visit_minutes <= 600,
            f"{self.id}: visit_minutes out of range",
        )
        _check(self.ticket_cny is None or self.ticket_cny >= 0, f"{self.id}: negative ticket")
        _check(0.0 <= self.weight <= 1.0, f"{self.id}: weight must be within 0..1")
        _check((self.category == "venue") == (self.venue is not None), f"{self.id}: venue block iff category venue")
        _check((self.category == "food") == (self.food is not None), f"{self.id}: food block iff category food")
        _check(
            (self.category == "lodging") == (self.lodging is not None), f"{self.id}: lodging block iff category lodging"
        )
        _check((self.category == "hub") == (self.hub is not None), f"{self.id}: hub block iff category hub")
        # "" says the hours are unknown (no source gives them): allowed for hubs and
        # food places, which are then listed but never planned (no visit, no meal).
        _check(self.opening_hours != "" or self.category in ("hub", "food"), f"{self.id}: opening_hours is required")
        _check(
            self.hours_confidence in HOURS_CONFIDENCE, f"{self.id}: hours_confidence must be one of {HOURS_CONFIDENCE}"
        )
        _check(
            (self.opening_hours == "") == (self.hours_confidence == "unknown"),
            f"{self.id}: hours_confidence is 'unknown' exactly when opening_hours is empty",
        )
        _check(self.setting in SETTINGS, f"{self.id}: setting must be one of {SETTINGS}")
        _check(self.part_of is None or (is_slug(self.part_of) and self.part_of != self.id), f"{self.id}: bad part_of")
        _check(self.area is None or is_slug(self.area), f"{self.id}: area must be a slug")
        try:
            if self.opening_hours:
                hours.validate(self.opening_hours)
            if self.night is not None:
                hours.validate(self.night)
        except ValueError as exc:
            raise ValueError(f"{self.id}: {exc}") from None

    @property
    def prominence(self) -> float:
        """0..1 from the sourced rating (``A_LEVELS``/``HERITAGE_LEVELS``), else ``UNRATED``."""
        return max(UNRATED, self.rating.prominence) if self.rating else UNRATED

    @property
    def hours_unconfirmed(self) -> bool:
        """Restricted hours no source confirms: worth checking before going
        (an open street or lake, "24/7" by its nature, is not)."""
        return self.hours_confidence == "general" and self.opening_hours != "24/7"

    @property
    def entry_buffer(self) -> int:
        """Minutes to arrive before an event here starts: the venue's gate
        buffer (security, crowds), else ``SIGHT_EVENT_BUFFER`` at a sight."""
        return self.venue.entry_buffer_minutes if self.venue else SIGHT_EVENT_BUFFER

    @property
    def coordinates(self) -> tuple[float, float]:
        """GeoJSON order: [lon, lat]."""
        return (self.lon, self.lat)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Poi:
        venue = d.get("venue")
        food = d.get("food")
        lodging = d.get("lodging")
        hub = d.get("hub")
        rating = d.get("rating")
        if d.get("category") in SIGHT_CATEGORIES + ("venue",) and "reservation" not in d:
            raise ValueError(f"POI {d.get('id', '?')}: missing field 'reservation' (null fields for unknown)")
        try:
            return cls(
                id=d["id"],
                name=Text.from_json(d["name"]),
                description=Text.from_json(d["description"]),
                category=d["category"],
                district=d["district"],
                lon=float(d["lon"]),
                lat=float(d["lat"]),
                coord_confidence=d["coord_confidence"],
                visit_minutes=d["visit_minutes"],
                opening_hours=d["opening_hours"],
                hours_confidence=d["hours_confidence"],
                ticket_cny=None if d.get("ticket_cny") is None else float(d["ticket_cny"]),
                weight=float(d["weight"]),
                tags=tuple(d.get("tags", ())),
                sources=tuple(d.get("sources", ())),
                venue=None
                if venue is None
                else VenueInfo(
                    sports=tuple(venue["sports"]),
                    capacity=venue.get("capacity"),
                    entry_buffer_minutes=int(venue.get("entry_buffer_minutes", 45)),
                    egress_surge_factor=float(venue.get("egress_surge_factor", 1.5)),
                    egress_surge_minutes=int(venue.get("egress_surge_minutes", 45)),
                ),
                food=None
                if food is None
                else FoodInfo(
                    kind=food["kind"],
                    price_per_person_cny=_range(food.get("price_per_person_cny"), "price_per_person_cny"),
                    takeaway=_flag(food.get("takeaway", False), "takeaway"),
                ),
                lodging=None
                if lodging is None
                else LodgingInfo(
                    type=lodging.get("type", ""), price_band_cny=_range(lodging.get("price_band_cny"), "price_band_cny")
                ),
                hub=None if hub is None else HubInfo(kind=hub["kind"], lines=tuple(hub.get("lines", ()))),
                setting=d["setting"],
                part_of=d.get("part_of"),
                area=d.get("area"),
                rating=None
                if rating is None
                else Rating(
                    a_level=rating.get("a_level"),
                    heritage=rating.get("heritage"),
                    sources=tuple(rating.get("sources", ())),
                ),
                night=d.get("night"),
                accessibility=Access.from_json(d["accessibility"]),
                reservation=None if d.get("reservation") is None else Reservation.from_json(d["reservation"]),
            )
        except KeyError as exc:
            raise ValueError(f"POI {d.get('id', '?')}: missing field {exc}") from None


@dataclass(frozen=True)
class Event:
    id: str
    sport: Optional[str]  # matches only
    title: Text
    venue_id: str  # the venue of a match, the POI of a festival or show
    start: datetime
    end: datetime
    confidence: str
    ticket_cny: Optional[float] = None
    status: str = "scheduled"
    note: Optional[Text] = None
    sources: tuple[str, ...] = ()
    kind: str = "match"
    series: Optional[str] = None  # the recurring series this is a date of

    def __post_init__(self) -> None:
        _check(is_slug(self.id), f"event id {self.id!r} is not a slug")
        _check(self.kind in EVENT_KINDS, f"{self.id}: unknown kind {self.kind!r}")
        if self.kind == "match":
            _check(self.sport in SPORTS, f"{self.id}: unknown sport {self.sport!r}")
        else:
            _check(self.sport is None or self.sport in SPORTS, f"{self.id}: unknown sport {self.sport!r}")
        _check(self.end > self.start, f"{self.id}: end must be after start")
        _check(self.confidence in EVENT_CONFIDENCE, f"{self.id}: bad confidence {self.confidence!r}")
        _check(self.status in EVENT_STATUS, f"{self.id}: bad status {self.status!r}")
        _check(self.ticket_cny is None or self.ticket_cny >= 0, f"{self.id}: negative ticket")

    @property
    def estimated(self) -> bool:
        """The clock time is a typical slot or a guess: shown as "time to be
        confirmed", and planned with ``ESTIMATE_SLACK`` either side."""
        return self.confidence in ("date_only", "estimated")

    @property
    def slack(self) -> int:
        """Extra minutes kept free before and after: the real time may differ."""
        return ESTIMATE_SLACK if self.estimated else 0

    @property
    def timed(self) -> bool:
        """False when only the date is known ("time to be confirmed"): never a plan stop."""
        return self.confidence != "time_tbc"

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Event:
        try:
            return cls(
                id=d["id"],
                sport=d.get("sport"),
                title=Text.from_json(d["title"]),
                venue_id=d["venue_id"],
                start=parse_datetime(d["start"], "start"),
                end=parse_datetime(d["end"], "end"),
                confidence=d["confidence"],
                ticket_cny=None if d.get("ticket_cny") is None else float(d["ticket_cny"]),
                status=d.get("status", "scheduled"),
                note=None if d.get("note") is None else Text.from_json(d["note"]),
                sources=tuple(d.get("sources", ())),
                kind=d.get("kind", "match"),
                series=d.get("series"),
            )
        except KeyError as exc:
            raise ValueError(f"event {d.get('id', '?')}: missing field {exc}") from None


@dataclass(frozen=True)
class RouteStop:
    poi_id: str
    note: Optional[Text] = None


@dataclass(frozen=True)
class Route:
    id: str
    name: Text
    description: Text
    kind: str
    ordered: bool
    suggested_days: int
    stops: tuple[RouteStop, ...]
    lodging: tuple[str, ...]
    coordinates: tuple[tuple[float, float], ...]
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check(is_slug(self.id), f"route id {self.id!r} is not a slug")
        _check(self.kind in ROUTE_KINDS, f"{self.id}: unknown kind {self.kind!r}")
        _check(len(self.stops) >= 2, f"{self.id}: a route needs at least two stops")
        _check(len(self.coordinates) >= 2, f"{self.id}: LineString needs at least two positions")
        _check(1 <= self.suggested_days <= 14, f"{self.id}: suggested_days out of range")
        for lon, lat in self.coordinates:
            _check(in_shaoxing(lon, lat), f"{self.id}: vertex [{lon}, {lat}] outside Shaoxing")

    @property
    def stop_ids(self) -> tuple[str, ...]:
        return tuple(s.poi_id for s in self.stops)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Route:
        try:
            geometry = d["geometry"]
            _check(geometry.get("type") == "LineString", f"route {d.get('id')}: geometry must be a LineString")
            return cls(
                id=d["id"],
                name=Text.from_json(d["name"]),
                description=Text.from_json(d["description"]),
                kind=d["kind"],
                ordered=bool(d.get("ordered", True)),
                suggested_days=int(d.get("suggested_days", 1)),
                stops=tuple(
                    RouteStop(s["poi_id"], None if s.get("note") is None else Text.from_json(s["note"]))
                    for s in d["stops"]
                ),
                lodging=tuple(d.get("lodging", ())),
                coordinates=tuple((float(c[0]), float(c[1])) for c in geometry["coordinates"]),
                sources=tuple(d.get("sources", ())),
            )
        except KeyError as exc:
            raise ValueError(f"route {d.get('id', '?')}: missing field {exc}") from None


@dataclass(frozen=True)
class District:
    id: str
    name: Text
    # Outside Shaoxing (Hangzhou's Xiaoshan airport): only hubs and lodging may be there.
    outside: bool = False


def is_slug(value: Any) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= 80
        and all(c.islower() or c.isdigit() or c == "-" for c in value)
        and value.isascii()
        and not value.startswith("-")
        and not value.endswith("-")
    )
