"""A plan for calendars (iCalendar), GPS apps (GPX) and maps (GeoJSON).

* ``itinerary_ics``: one VEVENT per visit, match and meal (the start/end at
  the lodging are not appointments), DTSTART/DTEND with TZID=Asia/Shanghai
  and a VTIMEZONE, LOCATION, GEO, DESCRIPTION, URL to the live plan.
* ``route_gpx``: GPX 1.1 waypoints (every stop, the lodging once) and one
  track per day through the day's stops in order, with times.
* ``itinerary_geojson``: RFC 7946 FeatureCollection, stops as Points and
  legs as LineStrings, ``[lon, lat]``, WGS84, no ``crs``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, Optional
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

import gpxpy.gpx
from icalendar import Calendar, Event, Timezone, vGeo

from .view import DayView, PlanView, StopView, details, money, names, travel_line

TZID = "Asia/Shanghai"
PRODID = "-//Yueyou//Shaoxing itineraries//ZH-EN"


def langs_of(lang: str) -> tuple[str, ...]:
    return ("zh", "en") if lang == "both" else (lang,)


def _name(stop: StopView, langs: Sequence[str]) -> str:
    return " / ".join(names(stop.name, tuple(langs)))


def _description(stop: StopView, langs: Sequence[str], live_url: Optional[str]) -> str:
    lines = []
    for lang in langs:
        travel = travel_line(stop, lang)
        facts = details(stop, lang)
        if stop.type == "meal":
            facts.insert(0, stop.type_name.get(lang))
        if travel:
            facts.insert(0, ("从上一站" if lang == "zh" else "from the previous stop: ") + travel)
        if facts:
            lines.append(" · ".join(facts))
    if live_url:
        lines.append(live_url)
    return "\n".join(lines)


def _appointments(day: DayView) -> list[StopView]:
    return [s for s in day.stops if s.type not in ("start", "end")]


# -- iCalendar ------------------------------------------------------------------------


def itinerary_ics(
    plan: PlanView, lang: str, live_url: Optional[str] = None, now: Optional[datetime] = None, host: str = "yueyou"
) -> bytes:
    langs = langs_of(lang)
    tz = ZoneInfo(TZID)
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", " / ".join(dict.fromkeys(plan.title.get(l) for l in langs)))
    cal.add("x-wr-timezone", TZID)
    # Shanghai has been UTC+8 without daylight saving since 1991: one STANDARD block.
    cal.add_component(Timezone.from_tzid(TZID, first_date=date(2000, 1, 1), last_date=date(2100, 1, 1)))
    for day in plan.days:
        for stop in _appointments(day):
            event = Event()
            event.add("uid", f"{plan.id}-{stop.uid}@{host}")
            event.add("dtstamp", stamp)
            event.add("summary", _name(stop, langs))
            event.add("dtstart", stop.start.astimezone(tz))
            end = stop.end if stop.end > stop.start else stop.depart
            event.add("dtend", end.astimezone(tz))
            location = _name(stop, langs) if stop.event is None else " / ".join(names(stop.event.venue, tuple(langs)))
            event.add("location", location)
            event.add("geo", vGeo((stop.lat, stop.lon)))
            event.add("description", _description(stop, langs, live_url))
            event.add("categories", [stop.type_name.get(l) for l in langs])
            if live_url:
                event.add("url", live_url)
            event.add("transp", "OPAQUE")
            cal.add_component(event)
    return cal.to_ical()


# -- GPX ------------------------------------------------------------------------------


def route_gpx(plan: PlanView, lang: str, live_url: Optional[str] = None) -> str:
    langs = langs_of(lang)
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "Yueyou 越游"
    gpx.name = " / ".join(dict.fromkeys(plan.title.get(l) for l in langs))
    gpx.description = plan.id
    if live_url:
        # gpxpy writes attribute values as given (element text it escapes).
        gpx.link = xml_escape(live_url, {'"': "&quot;"})
    seen: set[tuple[str, float, float]] = set()
    for day in plan.days:
        track = gpxpy.gpx.GPXTrack(name=f"{day.number}: {day.date.isoformat()}")
        track.number = day.number
        segment = gpxpy.gpx.GPXTrackSegment()
        for stop in day.stops:
            when = stop.depart if stop.type == "start" else stop.arrive
            segment.points.append(
                gpxpy.gpx.GPXTrackPoint(stop.lat, stop.lon, time=when.astimezone(UTC), name=_name(stop, langs))
            )
            if stop.type in ("start", "end"):
                key = ("lodging", stop.lon, stop.lat)
                if key in seen:
                    continue
                seen.add(key)
            symbol = {"start": "Lodging", "end": "Lodging", "event": "Stadium", "meal": "Restaurant"}.get(
                stop.type, "Scenic Area"
            )
            waypoint = gpxpy.gpx.GPXWaypoint(
                stop.lat,
                stop.lon,
                time=stop.start.astimezone(UTC),
                name=_name(stop, langs),
                description=_description(stop, langs, None),
                symbol=symbol,
                type=stop.type,
            )
            gpx.waypoints.append(waypoint)
        track.segments.append(segment)
        gpx.tracks.append(track)
    return gpx.to_xml(version="1.1")


# -- GeoJSON --------------------------------------------------------------------------


def _stop_properties(stop: StopView, lang: str) -> dict[str, Any]:
    props: dict[str, Any] = {
        "role": "stop",
        "day": stop.day,
        "order": stop.index,
        "number": stop.number,
        "type": stop.type,
        "poi_id": stop.poi_id,
        "event_id": stop.event_id,
        "name": stop.name.get(lang),
        "names": stop.name.to_json(),
        "arrive": stop.arrive.isoformat(),
        "start": stop.start.isoformat(),
        "end": stop.end.isoformat(),
        "depart": stop.depart.isoformat(),
        "ticket_cny": None
        if stop.ticket_cny is None
        else (int(stop.ticket_cny) if float(stop.ticket_cny).is_integer() else stop.ticket_cny),
        "ticket": money(stop.ticket_cny, lang) if stop.type in ("visit", "event") else None,
        "category": stop.category,
        "opening_hours": stop.opening_hours,
        "hours_confidence": stop.hours_confidence,
        "meal": stop.meal,
    }
    if stop.event is not None:
        props["venue"] = stop.event.venue.get(lang)
        props["venue_names"] = stop.event.venue.to_json()
        props["entry_buffer_minutes"] = stop.event.entry_buffer_minutes
    return props


def itinerary_geojson(plan: PlanView, lang: str) -> dict[str, Any]:
    lang = "zh" if lang == "both" else lang
    features: list[dict[str, Any]] = []
    lons, lats = [], []
    for day in plan.days:
        prev: Optional[StopView] = None
        for stop in day.stops:  # stop, leg to the next stop, stop, ...
            if prev is not None:
                travel = stop.travel
                features.append(
                    {
                        "type": "Feature",
                        "id": f"{plan.id}-{stop.uid}-leg",
                        "geometry": {"type": "LineString", "coordinates": [[prev.lon, prev.lat], [stop.lon, stop.lat]]},
                        "properties": {
                            "role": "leg",
                            "day": day.number,
                            "from_order": prev.index,
                            "to_order": stop.index,
                            "mode": travel.mode if travel else None,
                            "minutes": travel.minutes if travel else None,
                            "km": travel.km if travel else None,
                            "depart": prev.depart.isoformat(),
                            "arrive": stop.arrive.isoformat(),
                        },
                    }
                )
            lons.append(stop.lon)
            lats.append(stop.lat)
            features.append(
                {
                    "type": "Feature",
                    "id": f"{plan.id}-{stop.uid}",
                    "geometry": {"type": "Point", "coordinates": [stop.lon, stop.lat]},
                    "properties": _stop_properties(stop, lang),
                }
            )
            prev = stop
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if lons:
        doc["bbox"] = [min(lons), min(lats), max(lons), max(lats)]
    doc["itinerary"] = plan.id
    doc["lang"] = lang
    return doc


def geojson_text(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
