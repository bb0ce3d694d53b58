"""Travel times between points: one interface, two providers.

``TravelTimes.matrix(points, mode)`` returns free-flow minutes and km for
every ordered pair. Congestion is *not* baked into the matrix: it is the
separate, deterministic ``time_factor(mode, minute_of_day)`` so that the
engine, the plan checker and the solver's conservative matrix all apply the
same rule to the same base numbers.

* ``GeodesicTravel`` (default, offline): WGS84 geodesic distance (geopy's
  geodesic, i.e. geographiclib) times a per-mode circuity factor, at a
  per-mode speed; transit adds access + waiting time and falls back to
  walking for short hops; taxi adds the wait for a car.
* ``OsrmTravel``: an OSRM ``/table`` service for walk, bike and car
  profiles; transit (which OSRM does not route) and any failure fall back
  to the geodesic provider, with a warning recorded on the instance.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional, Protocol

import requests
from geographiclib.geodesic import Geodesic
from geopy.distance import geodesic as _geopy_geodesic  # noqa: F401  (documents the dependency)

log = logging.getLogger(__name__)

MODES = ("walk", "bike", "transit", "drive", "taxi")


@dataclass(frozen=True)
class Point:
    lon: float
    lat: float


@dataclass(frozen=True)
class TravelMatrix:
    minutes: list[list[float]]
    km: list[list[float]]


class TravelTimes(Protocol):
    def matrix(self, points: Sequence[Point], mode: str, depart_minute: Optional[int] = None) -> TravelMatrix:
        """Minutes and km between every pair; with ``depart_minute`` the
        time-of-day factor for that minute of the day is applied."""
        ...


@dataclass(frozen=True)
class ModeProfile:
    circuity: float  # road/path length over straight-line length
    speed_kmh: float  # speed for the first ``near_km`` km
    far_speed_kmh: float  # speed beyond that (expressway, intercity coach/rail)
    near_km: float
    fixed_minutes: float  # access + waiting (transit), waiting for a car (taxi)
    walk_below_km: float = 0.0  # shorter hops are walked


# Guide norm: nobody takes a car or a bus for a hop a local would walk. Hops
# under WALK_BELOW_KM in a straight line (about 1 km on foot with the walking
# circuity, 13 minutes) are walked in every motor mode; transit walks a little
# further (1.2 km, ~20 min) because its fixed access and waiting time is larger.
WALK_BELOW_KM = 0.8

PROFILES: dict[str, ModeProfile] = {
    "walk": ModeProfile(1.25, 4.5, 4.5, 0.0, 0.0),
    "bike": ModeProfile(1.3, 13.0, 13.0, 0.0, 0.0),
    "transit": ModeProfile(1.35, 18.0, 45.0, 12.0, 14.0, walk_below_km=1.2),
    # drive: 10 min to park and walk from the car park to the gate (scenic
    # areas' car parks sit outside the gate; the old town is pedestrian).
    "drive": ModeProfile(1.35, 28.0, 70.0, 8.0, 10.0, walk_below_km=WALK_BELOW_KM),
    # taxi: 8 min to hail or wait for a ride-hailing car and to get out at the gate.
    "taxi": ModeProfile(1.35, 28.0, 70.0, 8.0, 8.0, walk_below_km=WALK_BELOW_KM),
}

# Peak hours slow road traffic (and, less, buses); walking and cycling are
# not affected. Minutes after midnight, end exclusive.
PEAKS = ((450, 570), (1020, 1140))
PEAK_FACTOR = {"walk": 1.0, "bike": 1.0, "transit": 1.15, "drive": 1.3, "taxi": 1.3}


def time_factor(mode: str, minute_of_day: int) -> float:
    minute = minute_of_day % 1440
    if any(lo <= minute < hi for lo, hi in PEAKS):
        return PEAK_FACTOR[mode]
    return 1.0


def max_time_factor(mode: str, window: tuple[int, int]) -> float:
    """Largest factor over an absolute window (for a conservative matrix)."""
    lo, hi = window
    factors = [1.0] + [
        PEAK_FACTOR[mode]
        for day in range(lo // 1440, hi // 1440 + 1)
        for p_lo, p_hi in PEAKS
        if day * 1440 + p_lo < hi and day * 1440 + p_hi > lo
    ]
    return max(factors)


_KM_CACHE: dict[tuple[float, float, float, float], float] = {}


def geodesic_km(a: Point, b: Point) -> float:
    """WGS84 geodesic distance, cached (catalog points repeat across requests)."""
    if a == b:
        return 0.0
    key = (a.lon, a.lat, b.lon, b.lat) if (a.lon, a.lat) <= (b.lon, b.lat) else (b.lon, b.lat, a.lon, a.lat)
    km = _KM_CACHE.get(key)
    if km is None:
        km = Geodesic.WGS84.Inverse(a.lat, a.lon, b.lat, b.lon, Geodesic.DISTANCE)["s12"] / 1000.0
        if len(_KM_CACHE) < 500_000:
            _KM_CACHE[key] = km
    return km


def mode_minutes(mode: str, straight_km: float) -> tuple[float, float]:
    """(minutes, route km) for a straight-line distance under ``mode``."""
    if straight_km <= 0:
        return 0.0, 0.0
    profile = PROFILES[mode]
    if straight_km < profile.walk_below_km:
        return mode_minutes("walk", straight_km)
    km = straight_km * profile.circuity
    near = min(km, profile.near_km) if profile.near_km else km
    far = km - near
    minutes = near / profile.speed_kmh * 60 + far / profile.far_speed_kmh * 60 + profile.fixed_minutes
    return minutes, km


def leg_mode(mode: str, route_km: float) -> str:
    """The mode a traveller actually uses for a leg: short motor hops are walked.

    >>> leg_mode("transit", 0.4), leg_mode("transit", 5.0), leg_mode("drive", 0.4), leg_mode("drive", 2.0)
    ('walk', 'transit', 'walk', 'drive')
    """
    profile = PROFILES[mode]
    if profile.walk_below_km and 0 < route_km < profile.walk_below_km * PROFILES["walk"].circuity:
        return "walk"
    return mode


class GeodesicTravel:
    """Default provider: no network, deterministic, fast after warm-up."""

    def matrix(self, points: Sequence[Point], mode: str, depart_minute: Optional[int] = None) -> TravelMatrix:
        _check_mode(mode)
        factor = 1.0 if depart_minute is None else time_factor(mode, depart_minute)
        n = len(points)
        minutes = [[0.0] * n for _ in range(n)]
        kms = [[0.0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                m, km = mode_minutes(mode, geodesic_km(points[i], points[j]))
                minutes[i][j] = minutes[j][i] = m * factor
                kms[i][j] = kms[j][i] = km
        return TravelMatrix(minutes, kms)


OSRM_PROFILES = {"walk": "foot", "bike": "bike", "drive": "car", "taxi": "car"}


class OsrmTravel:
    """OSRM ``/table`` provider with a geodesic fallback.

    ``warnings`` collects human-readable notes whenever the fallback was
    used, so the engine can tell the traveller the times are estimates.
    """

    def __init__(
        self,
        base_url: str,
        session: Optional[requests.Session] = None,
        timeout_s: float = 5.0,
        fallback: Optional[TravelTimes] = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout_s = timeout_s
        self.fallback = fallback or GeodesicTravel()
        self.warnings: list[str] = []

    def matrix(self, points: Sequence[Point], mode: str, depart_minute: Optional[int] = None) -> TravelMatrix:
        _check_mode(mode)
        base = self.fallback.matrix(points, mode, depart_minute)
        profile = OSRM_PROFILES.get(mode)
        if profile is None or len(points) < 2:
            return base  # OSRM has no transit profile
        coords = ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in points)
        url = f"{self.base_url}/table/v1/{profile}/{coords}"
        try:
            response = self.session.get(url, params={"annotations": "duration,distance"}, timeout=self.timeout_s)
            response.raise_for_status()
            body = response.json()
            if body.get("code") != "Ok":
                raise ValueError(f"OSRM answered code {body.get('code')!r}")
            durations, distances = body["durations"], body.get("distances")
            if len(durations) != len(points):
                raise ValueError("OSRM table has the wrong size")
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            message = f"OSRM table failed ({exc}); using geodesic estimates"
            log.warning(message)
            self.warnings.append(message)
            return base
        factor = 1.0 if depart_minute is None else time_factor(mode, depart_minute)
        fixed = PROFILES[mode].fixed_minutes
        n = len(points)
        minutes = [row[:] for row in base.minutes]
        kms = [row[:] for row in base.km]
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                seconds = durations[i][j]
                if mode != "walk" and leg_mode(mode, base.km[i][j]) == "walk":
                    continue  # a hop walked in every mode: OSRM's car time does not apply
                if seconds is not None:  # null = unroutable pair: keep the estimate
                    minutes[i][j] = (seconds / 60.0 + fixed) * factor
                    if distances is not None and distances[i][j] is not None:
                        kms[i][j] = distances[i][j] / 1000.0
        return TravelMatrix(minutes, kms)


def _check_mode(mode: str) -> None:
    if mode not in PROFILES:
        raise ValueError(f"unknown travel mode {mode!r}")


def provider_from_settings(osrm_url: Optional[str]) -> TravelTimes:
    return OsrmTravel(osrm_url) if osrm_url else GeodesicTravel()


def ceil_minutes(value: float) -> int:
    """Round a travel time up, tolerating float noise (10.0000001 -> 10)."""
    return int(math.ceil(value - 1e-6))
