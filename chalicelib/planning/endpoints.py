"""Arriving and leaving (杭绍同城): a trip that starts at a station or the
airport after the train or plane gets in, and ends there before it leaves.

Request fields ``arrive`` and ``depart``: ``{"hub": "<hub POI id>", "at":
"<ISO date-time>"}`` or ``{"lon", "lat", "at"}``. Day 1 starts at the hub
``ARRIVAL_TRANSFER`` minutes after the arrival (leave the platform, collect
bags, find the exit); the last day ends at the hub ``DEPARTURE_BUFFER``
minutes before the departure (ticket and security checks, boarding). These
are planning assumptions by hub kind, stated here and in the README, not
sourced facts: China Railway closes ticket checks a few minutes before a
train leaves and domestic flights close check-in well before departure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Optional

from ..catalog.catalog import Catalog
from ..catalog.model import in_shaoxing
from ..errors import invalid
from ..timeutil import SHANGHAI, parse_datetime

# minutes after arriving until the traveller is out and on the way
ARRIVAL_TRANSFER = {"hsr": 15, "rail": 15, "metro": 5, "airport": 45, "point": 0}
# minutes before departing that the traveller must be back at the hub
DEPARTURE_BUFFER = {"hsr": 30, "rail": 30, "metro": 10, "airport": 120, "point": 0}


@dataclass(frozen=True)
class Endpoint:
    poi_id: Optional[str]  # a hub of the catalog, or None for a point
    lon: float
    lat: float
    at: datetime  # Asia/Shanghai
    kind: str  # the hub's kind (hsr, rail, metro, airport) or "point"

    @property
    def minute(self) -> int:
        """Minutes after midnight of its day."""
        return self.at.hour * 60 + self.at.minute

    def to_json(self) -> dict[str, Any]:
        where: dict[str, Any] = {"hub": self.poi_id} if self.poi_id else {"lon": self.lon, "lat": self.lat}
        return dict(where, at=self.at.isoformat())


def parse_endpoint(value: Any, field: str, catalog: Catalog, day: date) -> Endpoint:
    """``arrive``/``depart`` (``field``), which must fall on ``day``."""
    if not isinstance(value, Mapping) or "at" not in value:
        raise invalid(
            field,
            f'{field} must be {{"hub", "at"}} or {{"lon", "lat", "at"}}',
            f'{field} 必须是 {{"hub", "at"}} 或 {{"lon", "lat", "at"}}',
        )
    keys = set(value) - {"at"}
    if keys not in ({"hub"}, {"lon", "lat"}):
        raise invalid(field, "give either hub or lon/lat, with at", "请给出 hub 或经纬度之一，以及 at")
    at_field = f"{field}.at"
    if not isinstance(value["at"], str):
        raise invalid(at_field, "at must be an ISO 8601 date-time", "at 必须是 ISO 8601 日期时间")
    at = parse_datetime(value["at"], at_field).astimezone(SHANGHAI)  # without an offset: Shanghai time
    if at.date() != day:
        raise invalid(
            at_field,
            f"{field} must be on {day} (the trip's {'first' if field == 'arrive' else 'last'} day)",
            f"{field} 必须在 {day}（行程的{'第一天' if field == 'arrive' else '最后一天'}）",
        )
    if "hub" in value:
        hub_id = value["hub"]
        if not isinstance(hub_id, str):
            raise invalid(f"{field}.hub", "hub must be an id string", "hub 必须是 id 字符串")
        hub = catalog.poi(hub_id, f"{field}.hub")
        if hub.category != "hub" or hub.hub is None:
            raise invalid(
                f"{field}.hub",
                f"{hub_id} is not a station or airport (GET /v1/pois?category=hub)",
                f"{hub_id} 不是车站或机场（GET /v1/pois?category=hub）",
            )
        return Endpoint(hub.id, hub.lon, hub.lat, at, hub.hub.kind)
    lon, lat = value["lon"], value["lat"]
    for key, v in (("lon", lon), ("lat", lat)):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise invalid(f"{field}.{key}", f"{key} must be a number", f"{key} 必须是数字")
    if not in_shaoxing(float(lon), float(lat)):
        raise invalid(field, "the point must be inside the served area", "地点必须在服务范围内")
    return Endpoint(None, float(lon), float(lat), at, "point")


def usable_window(
    base: tuple[int, int], day: int, days: int, arrive: Optional[Endpoint], depart: Optional[Endpoint]
) -> tuple[int, int]:
    """Day ``day``'s (start, end) minutes: the first day starts when the
    traveller is out of the hub (arrival + transfer) and the last ends when
    they must be back (departure - buffer), whatever day_start/day_end say;
    other days keep ``base``."""
    lo, hi = base
    if arrive is not None and day == 0:
        lo = arrive.minute + ARRIVAL_TRANSFER[arrive.kind]
    if depart is not None and day == days - 1:
        hi = depart.minute - DEPARTURE_BUFFER[depart.kind]
    return lo, hi
