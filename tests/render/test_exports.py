"""ICS, GPX and GeoJSON exports, each parsed back with the library that reads it."""

from __future__ import annotations

import json
from datetime import timedelta

import gpxpy
import icalendar
import pytest

from chalicelib.catalog.model import in_shaoxing
from chalicelib.render import exports
from chalicelib.render.view import plan_view

from . import plans

LIVE = "https://trips.example/v1/itineraries/it-test?share=tok"


@pytest.fixture(scope="module", params=[1, 3, 7])
def view(request):
    return plan_view(plans.solved(request.param), plans.catalog(), plan_id=f"it-test-{request.param}")


def appointments(view):
    return [s for d in view.days for s in d.stops if s.type not in ("start", "end")]


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_ics_parses_back_with_one_event_per_stop(view, lang):
    data = exports.itinerary_ics(view, lang, LIVE, host="trips.example")
    lines = data.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-2] == b"END:VCALENDAR" and lines[-1] == b""
    assert all(len(line) <= 75 for line in lines), "RFC 5545 folds lines at 75 octets"
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    zones = cal.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Asia/Shanghai"]
    events = cal.walk("VEVENT")
    stops = appointments(view)
    assert len(events) == len(stops)
    assert len({str(e["UID"]) for e in events}) == len(events)
    for event, stop in zip(events, stops):
        start, end = event["DTSTART"], event["DTEND"]
        assert start.params["TZID"] == "Asia/Shanghai" and end.params["TZID"] == "Asia/Shanghai"
        assert start.dt == stop.start and start.dt.utcoffset() == timedelta(hours=8)
        assert end.dt >= start.dt
        summary = str(event["SUMMARY"])
        if lang in ("zh", "both"):
            assert stop.name.zh in summary
        if lang in ("en", "both"):
            assert stop.name.en in summary
        geo = event["GEO"]
        assert (round(geo.latitude, 5), round(geo.longitude, 5)) == (round(stop.lat, 5), round(stop.lon, 5))
        assert str(event["LOCATION"])
        assert LIVE in str(event["DESCRIPTION"]) and str(event["URL"]) == LIVE
        if stop.event is not None:
            venue = stop.event.venue.get("en" if lang == "en" else "zh")
            assert venue in str(event["LOCATION"])


def test_gpx_parses_back_with_waypoints_and_a_track_per_day(view):
    text = exports.route_gpx(view, "en", LIVE)
    assert 'version="1.1"' in text and "http://www.topografix.com/GPX/1/1" in text
    gpx = gpxpy.parse(text)
    assert len(gpx.tracks) == len(view.days)
    for track, day in zip(gpx.tracks, view.days):
        assert len(track.segments) == 1
        points = track.segments[0].points
        assert [(p.longitude, p.latitude) for p in points] == [(s.lon, s.lat) for s in day.stops]
        times = [p.time for p in points]
        assert times == sorted(times)
        assert day.date.isoformat() in track.name
    names = [w.name for w in gpx.waypoints]
    for stop in appointments(view):
        assert stop.name.en in names
    lodging = {(s.lon, s.lat) for d in view.days for s in d.stops if s.type in ("start", "end")}
    assert len(gpx.waypoints) == len(appointments(view)) + len(lodging)
    assert all(in_shaoxing(w.longitude, w.latitude) for w in gpx.waypoints)


def test_geojson_is_rfc7946(view):
    doc = json.loads(exports.geojson_text(exports.itinerary_geojson(view, "en")))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    points = [f for f in doc["features"] if f["geometry"]["type"] == "Point"]
    lines = [f for f in doc["features"] if f["geometry"]["type"] == "LineString"]
    assert len(points) == len(view.stops)
    assert len(lines) == sum(len(d.stops) - 1 for d in view.days)
    assert len({f["id"] for f in doc["features"]}) == len(doc["features"])
    positions = [p["geometry"]["coordinates"] for p in points] + [
        c for line in lines for c in line["geometry"]["coordinates"]
    ]
    for lon, lat in positions:  # [lon, lat], WGS84 degrees
        assert in_shaoxing(lon, lat)
    west, south, east, north = doc["bbox"]
    assert all(west <= lon <= east and south <= lat <= north for lon, lat in positions)
    for line in lines:
        assert len(line["geometry"]["coordinates"]) >= 2
        assert line["properties"]["role"] == "leg"
    for feature, stop in zip(points, view.stops):
        props = feature["properties"]
        assert feature["geometry"]["coordinates"] == [stop.lon, stop.lat]
        assert props["name"] == stop.name.en and props["names"] == stop.name.to_json()
        assert props["start"] == stop.start.isoformat()
        assert props["hours_confidence"] == stop.hours_confidence
    # order: a stop, the leg to the next stop, that stop, ...
    first_day = [f for f in doc["features"] if f["properties"]["day"] == 1]
    roles = [f["properties"]["role"] for f in first_day]
    assert roles == ["stop"] + ["leg", "stop"] * (len(view.days[0].stops) - 1)


def test_hostile_names_survive_exports_verbatim():
    view = plan_view(plans.hostile(1), plans.catalog(), plan_id="it-x")
    cal = icalendar.Calendar.from_ical(exports.itinerary_ics(view, "en", LIVE))
    assert plans.XSS_NAME in [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    gpx = gpxpy.parse(exports.route_gpx(view, "en", LIVE))  # XML-escaped, parses back
    assert plans.XSS_NAME in [w.name for w in gpx.waypoints]
    assert plans.XSS_LODGING in [w.name for w in gpx.waypoints]
    doc = exports.itinerary_geojson(view, "en")
    assert plans.XSS_NAME in [f["properties"].get("name") for f in doc["features"]]


def test_gpx_link_with_query_string_stays_well_formed(view):
    import gpxpy

    from chalicelib.render.exports import route_gpx

    url = "https://trips.example/v1/itineraries/it-1/card.html?share=a&lang=both"
    parsed = gpxpy.parse(route_gpx(view, "en", url))
    assert parsed.link == url


def test_cards_mark_hours_no_source_confirms(view):
    """A stop's hours line says when they are typical hours that no source
    confirms (``hours_confidence: general``), in each language, and not for
    sourced hours or an open street's "24/7"; a print shop's card must not
    pass guesses off as facts."""
    from chalicelib.render.view import details, details_multi

    timed = [s for s in appointments(view) if s.opening_hours]
    general = [s for s in timed if s.hours_confidence == "general" and s.opening_hours != "24/7"]
    assert general  # most of the catalog's hours are general knowledge
    for stop in timed:
        en = next(line for line in details(stop, "en") if line.startswith("hours "))
        zh = next(line for line in details(stop, "zh") if line.startswith("开放时间"))
        both = next(line for line in details_multi(stop, ("zh", "en")) if line.startswith("开放时间 / hours"))
        marked = stop.hours_confidence == "general" and stop.opening_hours != "24/7"
        assert ("not confirmed" in en) == marked and ("未经核实" in zh) == marked
        assert ("not confirmed" in both and "未经核实" in both) == marked
