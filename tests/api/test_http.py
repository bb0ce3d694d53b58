"""The real service over HTTP: chalice local on a free 127.0.0.1 port."""

from __future__ import annotations

import json
import math

import pytest

# The catalog endpoints' HTTP contract, in this process (chalice.test.Client via
# the ``api`` fixture): part of `make test-fast`. The same app on a real socket
# is covered by tests/api/test_local_server.py and the itinerary HTTP tests.


def get(api, path, **params):
    return api.get(path, params=params)


def assert_error(response, status, field):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) >= {"code", "message", "field"}
    assert error["field"] == field, error
    assert error["message"]
    return error


def assert_point_feature(feature):
    assert feature["type"] == "Feature"
    geometry = feature["geometry"]
    assert geometry["type"] == "Point"
    lon, lat = geometry["coordinates"]
    # RFC 7946 order is [lon, lat]; Shaoxing is near 120.6 E, 30.0 N.
    assert 119.9 <= lon <= 121.3 and 29.2 <= lat <= 30.4, geometry


def assert_feature_collection(doc):
    assert doc["type"] == "FeatureCollection"
    assert isinstance(doc["features"], list)
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        assert "properties" in feature and "geometry" in feature


def test_health(api, catalog):
    body = get(api, "/v1/health", lang="en").json()
    assert body["status"] == "ok"
    assert body["catalog"]["pois"] == len(catalog.pois)
    assert body["store"] == {"store": "sqlite"}  # no file path for the world to read
    assert ".db" not in json.dumps(body)
    assert get(api, "/v1/health", lang="zh").json()["message"] != body["message"]


def test_pois_are_geojson_in_both_languages(api, catalog):
    zh = get(api, "/v1/pois", limit=200).json()
    en = get(api, "/v1/pois", limit=200, lang="en").json()
    assert_feature_collection(zh)
    assert zh["total"] == len(catalog.pois) == len(zh["features"])
    for feature in zh["features"]:
        assert_point_feature(feature)
        poi = catalog.pois[feature["id"]]
        assert feature["geometry"]["coordinates"] == [poi.lon, poi.lat]
        assert feature["properties"]["name"] == poi.name.zh
    assert [f["properties"]["name"] for f in en["features"]] == [catalog.pois[f["id"]].name.en for f in en["features"]]


def test_pagination_covers_everything_once(api, catalog):
    seen, cursor = [], None
    while True:
        params = {"limit": 7}
        if cursor:
            params["cursor"] = cursor
        page = get(api, "/v1/pois", **params).json()
        assert len(page["features"]) <= 7
        seen.extend(f["id"] for f in page["features"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(catalog.pois) and len(seen) == len(set(seen))


def test_category_and_district_filters(api, catalog):
    body = get(api, "/v1/pois", category="lodging,food", district="keqiao", limit=200).json()
    expected = {p.id for p in catalog.pois.values() if p.category in ("lodging", "food") and p.district == "keqiao"}
    assert {f["id"] for f in body["features"]} == expected and expected


def test_text_search_in_both_languages(api, catalog):
    shen = next(p for p in catalog.pois.values() if p.name.zh == "沈园")
    assert shen.id in {f["id"] for f in get(api, "/v1/pois", q="沈园").json()["features"]}
    assert shen.id in {f["id"] for f in get(api, "/v1/pois", q="shen garden").json()["features"]}
    assert get(api, "/v1/pois", q="zzzz-nothing").json()["features"] == []


def test_near_radius_sorted_by_distance(api, catalog):
    body = get(api, "/v1/pois", near="120.5811,29.995", radius_km="1.5", limit=200).json()
    distances = [f["properties"]["distance_km"] for f in body["features"]]
    assert distances and distances == sorted(distances) and max(distances) <= 1.5
    # Independent check of the distance with the haversine formula.
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        d = _haversine_km(120.5811, 29.995, lon, lat)
        assert abs(d - feature["properties"]["distance_km"]) < 0.02
    far = {p.id for p in catalog.pois.values() if _haversine_km(120.5811, 29.995, p.lon, p.lat) > 1.6}
    assert not far & {f["id"] for f in body["features"]}


def test_open_at_filter(api, catalog):
    # Monday 2026-11-30 09:00: Qingteng Study style "Mo off" places are closed.
    body = get(api, "/v1/pois", open_at="2026-11-30T09:00:00+08:00", limit=200).json()
    ids = {f["id"] for f in body["features"]}
    closed_mondays = {p.id for p in catalog.pois.values() if "Mo off" in p.opening_hours}
    assert ids and not (ids & closed_mondays)
    night = {f["id"] for f in get(api, "/v1/pois", open_at="2026-11-30T03:00:00+08:00", limit=200).json()["features"]}
    always = {p.id for p in catalog.pois.values() if p.opening_hours == "24/7"}
    assert always and night == always


def test_poi_by_id(api, catalog):
    poi = next(iter(catalog.pois.values()))
    body = get(api, f"/v1/pois/{poi.id}", lang="en").json()
    assert_point_feature(body)
    assert body["id"] == poi.id and body["properties"]["name"] == poi.name.en


def test_venues_with_sessions(api, catalog):
    body = get(api, "/v1/venues", lang="en").json()
    assert_feature_collection(body)
    sports = set()
    for feature in body["features"]:
        assert_point_feature(feature)
        sports.update(feature["properties"]["venue"]["sports"])
        assert feature["properties"]["session_count"] >= 1
    assert sports == {"baseball", "softball", "basketball", "volleyball", "sport-climbing"}
    climbing = get(api, "/v1/venues", sport="sport-climbing").json()["features"]
    assert len(climbing) == 1


def test_events_filters(api, catalog):
    everything = get(api, "/v1/events", kind="match", limit=500).json()
    assert everything["total"] == len(catalog.events)
    body = get(api, "/v1/events", sport="baseball", **{"from": "2023-10-01", "to": "2023-10-02"}, lang="en").json()
    assert body["events"]
    for event in body["events"]:
        assert event["sport"] == "baseball"
        assert event["start"].endswith("+08:00")
        assert "2023-10-01" <= event["start"][:10] <= "2023-10-02"
        assert event["venue_name"] and event["title"] == catalog.events[event["id"]].title.en
    venue = catalog.events[body["events"][0]["id"]].venue_id
    assert all(e["venue_id"] == venue for e in get(api, "/v1/events", venue=venue, limit=500).json()["events"])
    one = get(api, f"/v1/events/{body['events'][0]['id']}", lang="zh").json()
    assert one["title"] == catalog.events[one["id"]].title.zh


def test_recurring_events_have_dates_in_any_future_year(api, catalog):
    april = get(
        api, "/v1/events", kind="festival,ceremony", lang="en", **{"from": "2027-04-01", "to": "2027-04-30"}
    ).json()
    by_series = {e["series"]: e for e in april["events"]}
    festival, ceremony = by_series["lanting-calligraphy-festival"], by_series["dayu-public-ceremony"]
    assert festival["start"] == "2027-04-09T00:00:00+08:00" and festival["confidence"] == "time_tbc"
    assert festival["confidence_note"] == "date published, time to be confirmed"
    assert (ceremony["id"], ceremony["start"], ceremony["kind"]) == (
        "dayu-public-ceremony-2027-04-20",
        "2027-04-20T09:50:00+08:00",
        "ceremony",
    )
    assert ceremony["sport"] is None and ceremony["sources"] and ceremony["venue_name"]
    one = get(api, "/v1/events/dayu-public-ceremony-2027-04-20", lang="zh").json()
    assert one["title"] == "公祭大禹陵典礼"
    assert_error(get(api, "/v1/events/dayu-public-ceremony-2027-04-21"), 404, "id")
    shows = get(api, "/v1/events", kind="show", venue="shen-garden", **{"from": "2027-05-01", "to": "2027-05-07"})
    assert [e["start"][:10] for e in shows.json()["events"]] == [f"2027-05-0{d}" for d in range(1, 8)]
    # no bounds: the series' dates from today, within the listing window
    listed = get(api, "/v1/events", kind="ceremony").json()["events"]
    assert listed and all(e["series"] == "dayu-public-ceremony" for e in listed)
    assert_error(get(api, "/v1/events", kind="party"), 400, "kind")


def test_routes_and_route_geojson(api, catalog):
    listing = get(api, "/v1/routes", lang="en").json()
    ids = {r["id"] for r in listing["routes"]}
    assert "tang-poetry-road" in ids and len(ids) >= 3
    doc = get(api, "/v1/routes/tang-poetry-road", lang="en").json()
    assert_feature_collection(doc)
    line, stops = doc["features"][0], doc["features"][1:]
    assert line["geometry"]["type"] == "LineString"
    for lon, lat in line["geometry"]["coordinates"]:
        assert 119.9 <= lon <= 121.3 and 29.2 <= lat <= 30.4
    assert [s["properties"]["order"] for s in stops] == list(range(1, len(stops) + 1))
    assert [s["id"] for s in stops] == list(catalog.routes["tang-poetry-road"].stop_ids)


@pytest.mark.parametrize(
    "path,params,status,field",
    [
        ("/v1/pois/no-such-place", {}, 404, "id"),
        ("/v1/events/no-such-event", {}, 404, "id"),
        ("/v1/routes/no-such-route", {}, 404, "id"),
        ("/v1/pois", {"category": "casino"}, 400, "category"),
        ("/v1/pois", {"district": "atlantis"}, 400, "district"),
        ("/v1/pois", {"near": "120.58"}, 400, "near"),
        ("/v1/pois", {"near": "abc,def"}, 400, "near"),
        ("/v1/pois", {"near": "200,30"}, 400, "near"),
        ("/v1/pois", {"near": "120.58,30", "radius_km": "-1"}, 400, "radius_km"),
        ("/v1/pois", {"radius_km": "3"}, 400, "radius_km"),
        ("/v1/pois", {"limit": "100000"}, 400, "limit"),
        ("/v1/pois", {"limit": "0"}, 400, "limit"),
        ("/v1/pois", {"limit": "ten"}, 400, "limit"),
        ("/v1/pois", {"cursor": "garbage"}, 400, "cursor"),
        ("/v1/pois", {"open_at": "yesterday"}, 400, "open_at"),
        ("/v1/pois", {"lang": "fr"}, 400, "lang"),
        ("/v1/pois", {"colour": "red"}, 400, "colour"),
        ("/v1/events", {"from": "2023-13-45"}, 400, "from"),
        ("/v1/events", {"from": "2023-10-05", "to": "2023-10-01"}, 400, "to"),
        ("/v1/events", {"sport": "cricket"}, 400, "sport"),
        ("/v1/events", {"venue": "nowhere"}, 400, "venue"),
        ("/v1/venues", {"sport": "chess"}, 400, "sport"),
    ],
)
def test_bad_input_gets_json_4xx_naming_the_field(api, path, params, status, field):
    assert_error(get(api, path, **params), status, field)


def test_errors_speak_the_requested_language(api):
    zh = get(api, "/v1/pois/nowhere", lang="zh").json()["error"]["message"]
    en = get(api, "/v1/pois/nowhere", lang="en").json()["error"]["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    assert en.isascii() and zh != en
    accept = api.get("/v1/pois/nowhere", headers={"Accept-Language": "en-GB,en;q=0.9"}).json()["error"]["message"]
    assert accept == en


def _haversine_km(lon1, lat1, lon2, lat2):
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))
