"""Hostile input on every endpoint of the real service: a 4xx in our JSON error
shape (naming the field where one applies), never a 500.

Each case is one HTTP request to ``chalice local`` on 127.0.0.1. The values
are what attackers and broken clients send: integers of 400 and 5 000 digits,
non-finite numbers, deeply nested JSON, dates at the calendar's edges, crafted
cursors, wrong content types and methods, unknown paths.
"""

from __future__ import annotations

import base64
import json

import pytest
import requests

from tests.support.server import local_server

pytestmark = pytest.mark.integration

BIG = "1" + "0" * 400  # 1e400 written as an integer literal
HUGE = "9" * 5000  # past Python's int-conversion limit
EDGE_TIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:00-14:00", "0001-01-01", "9999-12-31"]
BAD_NUMBERS = [BIG, "-" + BIG, HUGE, "nan", "inf", "-inf", "1e400", "0x10", "1_000", "１２"]
PLAN = {"start_date": "2026-05-16", "days": 1, "mode": "walk", "time_limit_s": 1}

# query parameters that must be numbers, dates or coordinates
QUERY = {
    "/v1/pois": {
        "radius_km": BAD_NUMBERS,
        "near": [f"{BIG},30", f"120.5,{BIG}", f"{HUGE},1", "nan,nan", "1,2,3"],
        "open_at": EDGE_TIMES[:2] + ["2026-13-01T00:00:00+08:00", "yesterday"],
        "category": ["x" * 3000, "<script>"],
        "district": ["../../etc"],
    },
    "/v1/events": {
        "from": EDGE_TIMES[:2] + ["0000-01-01"],
        "to": EDGE_TIMES[:2] + ["not-a-date"],
        "sport": ["chess"],
        "status": ["gone"],
    },
    "/v1/venues": {"sport": ["chess", "x" * 5000]},
    "/v1/routes": {"kind": ["nope"]},
    "/v1/oembed": {"maxwidth": BAD_NUMBERS, "maxheight": BAD_NUMBERS[:4], "url": ["javascript:alert(1)", BIG]},
    "/v1/itineraries": {
        "cursor": [
            base64.urlsafe_b64encode(HUGE.encode()).decode(),
            base64.urlsafe_b64encode(b'{"k": ' + HUGE.encode() + b"}").decode(),
            "%%%",
            "e30",
            base64.urlsafe_b64encode(b"[" * 5000).decode(),
        ],
        "limit": BAD_NUMBERS[:5],
    },
}

# body fields that must be numbers: each gets a 400-digit and a 5 000-digit literal
NUMBER_FIELDS = ["time_limit_s", "budget_cny", "days", "seed"]
NESTED_NUMBERS = [
    ('"interests": {"nature": %s}', "interests"),
    ('"lodging": {"lon": %s, "lat": 30}', "lodging"),
    ('"lodging": {"lon": 120.5, "lat": %s}', "lodging"),
]


def _with(raw_field: str) -> str:
    return json.dumps(PLAN)[:-1] + ", " + raw_field + "}"


def body_cases() -> list[tuple[str, str, str]]:
    """(path, raw JSON body, the field the error must name; '' = any field)."""
    out = []
    for field in NUMBER_FIELDS:
        for literal in (BIG, "-" + BIG, HUGE):
            out.append(("/v1/itineraries", _with(f'"{field}": {literal}'), field))
    for template, field in NESTED_NUMBERS:
        for literal in (BIG, "-" + BIG, HUGE):
            out.append(("/v1/itineraries", _with(template % literal), field))
    for day in ("9999-12-31", "9999-12-20", "0001-01-01", "0001-01-02", "10000-01-01", "2026-02-30"):
        out.append(("/v1/itineraries", json.dumps(dict(PLAN, start_date=day, days=14)), "start_date"))
    for raw in (
        "[" * 100_000,
        "{" * 50_000,
        '{"a":' * 40_000 + "1" + "}" * 40_000,
        "[" * 1000 + "]" * 1000,
        "nul",
        '{"start_date": "2026-05-16",}',
        "\ud800",
        '"just a string"',
        "[]",
        "1e400",
    ):
        out.append(("/v1/itineraries", raw, ""))
    item = dict(PLAN)
    for literal in (BIG, HUGE):
        out.append(("/v1/batches", '{"items": [' + _with(f'"budget_cny": {literal}') + "]}", ""))
        out.append(("/v1/batches", '{"items": [' + json.dumps(item) + '], "x": ' + literal + "}", ""))
    out.append(("/v1/batches", "[" * 100_000, ""))
    return out


REPLAN = [
    ('{"time_limit_s": %s}' % BIG, "time_limit_s"),
    ('{"time_limit_s": %s}' % HUGE, "time_limit_s"),
    ('{"lodging": [{"day": 0, "lon": %s, "lat": 30}]}' % BIG, ""),
    ('{"lodging": [{"day": %s, "lon": 120.5, "lat": 30}]}' % BIG, ""),
    ('{"lock": [{"day": %s, "poi_id": "x"}]}' % HUGE, ""),
    ("[" * 100_000, ""),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("hostile") / "yueyou.db"
    with local_server({"YUEYOU_SQLITE_PATH": str(db)}) as url:
        session = requests.Session()
        plan = session.post(url + "/v1/itineraries", json=PLAN, timeout=60)
        assert plan.status_code == 201, plan.text
        yield url, session, plan.json()["id"]


def assert_our_error(response: requests.Response, status_range=(400, 499), field: str = "") -> dict:
    assert status_range[0] <= response.status_code <= status_range[1], (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json"), response.text[:300]
    error = response.json()["error"]
    assert set(error) >= {"code", "message", "field"} and error["message"], error
    if field:  # the field itself, or a part of it ("lodging.lon", "edits.time_limit_s")
        assert error["field"] == field or field in (error["field"] or "").split("."), error
    return error


QUERY_CASES = [
    (path, name, value) for path, params in QUERY.items() for name, values in params.items() for value in values
]


@pytest.mark.parametrize("path,name,value", QUERY_CASES, ids=[f"{p}?{n}={v[:12]}" for p, n, v in QUERY_CASES])
def test_bad_query_parameter_is_a_named_400(server, path, name, value):
    url, session, _ = server
    params = {"url": f"{url}/v1/widgets/route/old-town"} if path == "/v1/oembed" else {}
    response = session.get(url + path, params=dict(params, **{name: value}), timeout=30)
    assert_our_error(response, field=name)


BODY_CASES = body_cases()


@pytest.mark.parametrize("path,raw,field", BODY_CASES, ids=[f"{p}:{r[:16]}" for p, r, _ in BODY_CASES])
def test_bad_body_is_a_4xx(server, path, raw, field):
    url, session, _ = server
    response = session.post(
        url + path, data=raw.encode("utf-8", "surrogatepass"), headers={"Content-Type": "application/json"}, timeout=60
    )
    assert_our_error(response, field=field)


@pytest.mark.parametrize("raw,field", REPLAN, ids=[r[:20] for r, _ in REPLAN])
def test_bad_replan_is_a_4xx(server, raw, field):
    url, session, plan_id = server
    response = session.post(
        f"{url}/v1/itineraries/{plan_id}/replan", data=raw, headers={"Content-Type": "application/json"}, timeout=60
    )
    assert_our_error(response, field=field)


ID_PATHS = [
    "/v1/pois/{}",
    "/v1/events/{}",
    "/v1/routes/{}",
    "/v1/itineraries/{}",
    "/v1/batches/{}",
    "/v1/itineraries/{}/card.html",
    "/v1/itineraries/{}/itinerary.ics",
    "/v1/itineraries/{}/route.gpx",
    "/v1/itineraries/{}/itinerary.geojson",
    "/v1/widgets/itinerary/{}",
    "/v1/widgets/route/{}",
]
BAD_IDS = ["x" * 3000, "%00", "..%2F..%2Fetc%2Fpasswd", "%E2%80%AE", "it-" + "9" * 200]


@pytest.mark.parametrize(
    "template,bad",
    [(t, b) for t in ID_PATHS for b in BAD_IDS],
    ids=[f"{t}:{b[:10]}" for t in ID_PATHS for b in BAD_IDS],
)
def test_bad_ids_are_4xx(server, template, bad):
    url, session, _ = server
    response = session.get(url + template.format(bad), timeout=30)
    assert_our_error(response)


@pytest.mark.parametrize(
    "ctype", ["text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data; boundary=x"]
)
@pytest.mark.parametrize("path", ["/v1/itineraries", "/v1/batches", "replan"])
def test_wrong_content_type_is_our_415(server, path, ctype):
    url, session, plan_id = server
    target = f"{url}/v1/itineraries/{plan_id}/replan" if path == "replan" else url + path
    response = session.post(target, data=json.dumps(PLAN), headers={"Content-Type": ctype}, timeout=30)
    assert_our_error(response, (415, 415), "Content-Type")


@pytest.mark.parametrize(
    "method,path",
    [
        ("PUT", "/v1/itineraries"),
        ("DELETE", "/v1/pois"),
        ("POST", "/v1/pois"),
        ("PATCH", "/v1/health"),
        ("GET", "/v1/itineraries/{id}/replan"),
        ("PUT", "/v1/batches"),
    ],
)
def test_wrong_method_is_our_405(server, method, path):
    url, session, plan_id = server
    response = session.request(method, url + path.replace("{id}", plan_id), json=PLAN, timeout=30)
    error = assert_our_error(response, (405, 405), "method")
    assert method not in response.headers["Allow"] and response.headers["Allow"], error


def test_card_pdf_without_pdf_accept_is_our_406(server):
    url, session, plan_id = server
    response = session.get(f"{url}/v1/itineraries/{plan_id}/card.pdf", headers={"Accept": "text/html"}, timeout=30)
    assert_our_error(response, (406, 406), "Accept")
    ok = session.get(f"{url}/v1/itineraries/{plan_id}/card.pdf", headers={"Accept": "application/pdf"}, timeout=60)
    assert ok.status_code == 200 and ok.content.startswith(b"%PDF")
