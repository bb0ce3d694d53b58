"""Weather forecasts for plan B: Open-Meteo's free forecast API (no key).

``GET {url}?latitude=…&longitude=…&hourly=precipitation_probability,
precipitation,apparent_temperature&timezone=Asia/Shanghai&start_date=…&
end_date=…`` answers ``{"hourly": {"time": ["2026-05-16T00:00", …],
"precipitation_probability": [...], "precipitation": [...],
"apparent_temperature": [...]}}`` (https://open-meteo.com/en/docs). Each hour
becomes fine / wet / hot by ``planning.weather.classify`` and the trip's wet
and hot hours become the request's ``weather`` spells, when the request gives
none and its dates lie within the forecast's ``FORECAST_DAYS``.

Answers are cached in the store per place (0.01°) and day for
``CACHE_S``; a failed call (timeout, HTTP error, bad body) plans without
weather and is logged, never a failed plan. Off unless ``YUEYOU_WEATHER_URL``
is set (tests point it at a local fake server).
"""

from __future__ import annotations

import logging
import time
from datetime import date, datetime, timedelta
from typing import Any, Optional

import requests

from .planning.request import PlanRequest
from .planning.weather import Spell, classify, spells_from_hours
from .store import Store

log = logging.getLogger(__name__)

FORECAST_DAYS = 16  # Open-Meteo's forecast horizon
CACHE_S = 3600
COLLECTION = "forecast"
HOURLY = "precipitation_probability,precipitation,apparent_temperature"


class OpenMeteoForecast:
    def __init__(
        self,
        url: str,
        store: Store,
        timeout_s: float = 4.0,
        session: Optional[requests.Session] = None,
        cache_s: float = CACHE_S,
    ) -> None:
        self.url = url
        self.store = store
        self.cache_s = cache_s
        self.timeout_s = timeout_s
        self.session = session or requests.Session()

    def spells(self, request: PlanRequest, today: date) -> tuple[Spell, ...]:
        """Wet and hot spells for the trip, or () when out of range or unavailable."""
        first, last = request.start_date, request.start_date + timedelta(days=request.days - 1)
        if request.weather or first < today or last > today + timedelta(days=FORECAST_DAYS - 1):
            return ()
        place = request.lodging[0]
        try:
            hours = self._hours(place.lon, place.lat, first, last)
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            log.warning("weather forecast unavailable (%s): planning without it", exc)
            return ()
        return spells_from_hours(hours, first, request.days)

    def spells_at(self, lon: float, lat: float, first: date, days: int) -> tuple[Spell, ...]:
        """Spells at a point for ``days`` days from ``first`` (a stored plan's lodging)."""
        try:
            hours = self._hours(lon, lat, first, first + timedelta(days=days - 1))
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            log.warning("weather forecast unavailable (%s)", exc)
            return ()
        return spells_from_hours(hours, first, days)

    def _hours(self, lon: float, lat: float, first: date, last: date) -> list[tuple[date, int, str]]:
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        cached = {d: self._cached(lon, lat, d) for d in days}
        if any(hours is None for hours in cached.values()):
            fetched = self._fetch(lon, lat, first, last)
            for d in days:
                cached[d] = fetched.get(d, [])
                self.store.put(COLLECTION, _key(lon, lat, d), {"hours": cached[d], "fetched_at": time.time()})
        return [(d, hour, kind) for d in days for hour, kind in (cached[d] or [])]

    def _cached(self, lon: float, lat: float, day: date) -> Optional[list[Any]]:
        item = self.store.get(COLLECTION, _key(lon, lat, day))
        if item is None or time.time() - float(item.data.get("fetched_at", 0)) >= self.cache_s:
            return None
        return [tuple(h) for h in item.data.get("hours", [])]

    def _fetch(self, lon: float, lat: float, first: date, last: date) -> dict[date, list[tuple[int, str]]]:
        response = self.session.get(
            self.url,
            params={
                "latitude": f"{lat:.4f}",
                "longitude": f"{lon:.4f}",
                "hourly": HOURLY,
                "timezone": "Asia/Shanghai",
                "start_date": first.isoformat(),
                "end_date": last.isoformat(),
            },
            timeout=self.timeout_s,
        )
        response.raise_for_status()
        hourly = response.json()["hourly"]
        out: dict[date, list[tuple[int, str]]] = {}
        for k, stamp in enumerate(hourly["time"]):
            moment = datetime.fromisoformat(stamp)
            kind = classify(
                _at(hourly.get("precipitation_probability"), k),
                _at(hourly.get("precipitation"), k),
                _at(hourly.get("apparent_temperature"), k),
            )
            out.setdefault(moment.date(), []).append((moment.hour, kind))
        return out


RECHECK_DAYS = 3  # stored plans starting within this many days are checked against the forecast


def weather_warnings(
    plan: dict[str, Any], forecast: OpenMeteoForecast, today: date, outdoor: set[str], lang: str
) -> list[dict[str, Any]]:
    """``weather_changed`` warnings for a stored plan's outdoor visits in the
    next ``RECHECK_DAYS`` days that the current forecast puts in a wet or hot
    spell (the plan was made with another forecast, or none): replan."""
    days = plan.get("days") or []
    lodging = ((plan.get("request") or {}).get("lodging") or [{}])[0]
    if not days or "lon" not in lodging:
        return []
    first = date.fromisoformat(days[0]["date"])
    horizon = today + timedelta(days=RECHECK_DAYS - 1)
    if first > horizon or first + timedelta(days=len(days) - 1) < today:
        return []
    spells = forecast.spells_at(float(lodging["lon"]), float(lodging["lat"]), first, len(days))
    out: list[dict[str, Any]] = []
    for d, day in enumerate(days):
        if not today <= first + timedelta(days=d) <= horizon:
            continue
        for stop in day.get("stops") or []:
            if stop.get("type") != "visit" or stop.get("poi_id") not in outdoor:
                continue
            start, end = datetime.fromisoformat(stop["start"]), datetime.fromisoformat(stop["end"])
            lo, hi = start.hour * 60 + start.minute, end.hour * 60 + end.minute
            for spell in spells:
                if spell.day == d and spell.start < hi and lo < spell.end:
                    name = stop.get("name") or stop["poi_id"]
                    rain = spell.kind == "wet"
                    message = (
                        f"预报{day['date']} {spell.to_json(first)['from']}–{spell.to_json(first)['to']}"
                        f"{'有雨' if rain else '高温'}，户外的{name}建议换成室内景点：请重新规划（或看当天的雨天备选）"
                        if lang == "zh"
                        else f"The forecast for {day['date']} {spell.to_json(first)['from']}-{spell.to_json(first)['to']} "
                        f"is {'wet' if rain else 'hot'}: swap the outdoor {name} for an indoor sight (replan, or see the "
                        "day's plan B)"
                    )
                    out.append(
                        {
                            "code": "weather_changed",
                            "poi_id": stop["poi_id"],
                            "message": message,
                            "current": spell.to_json(first),
                            "action": "replan",
                        }
                    )
                    break
    return out


def _at(values: Optional[list[Any]], k: int) -> Optional[float]:
    if values is None or k >= len(values) or values[k] is None:
        return None
    return float(values[k])


def _key(lon: float, lat: float, day: date) -> str:
    return f"{lat:.2f},{lon:.2f},{day.isoformat()}"
