"""The OpenAPI 3.1 document: valid, complete, and true of real responses."""

from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

import pytest
import requests
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from tests.support.admin import new_key

from .conftest import ContractError, template_for

pytestmark = pytest.mark.integration

PLAN = {
    "start_date": "2023-09-30",
    "days": 2,
    "lang": "en",
    "events": ["ag2023-baseball-2023-10-01-1830-field1"],
    "interests": {"history": 1},
    "time_limit_s": 0.5,
}
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


# -- the document itself ------------------------------------------------------------------


def test_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1")
    validate(spec)  # openapi-spec-validator picks the 3.1 validator from `openapi`


def test_validator_rejects_a_broken_document(spec):
    broken = json.loads(json.dumps(spec))
    broken["paths"]["/v1/pois"]["get"]["responses"]["200"] = {"content": {}}  # no description
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_every_registered_route_is_documented(spec, routes):
    documented = {
        (path, method.upper()) for path, item in spec["paths"].items() for method in item if method in HTTP_METHODS
    }
    missing = sorted(routes - documented)
    assert not missing, f"routes in app.py without an OpenAPI operation: {missing}"


def test_openapi_endpoint_is_registered(routes):
    assert ("/v1/openapi.json", "GET") in routes, (
        "register the blueprint in app.py: `from chalicelib.api import openapi` and `app.register_blueprint(openapi.bp)`"
    )


def test_operations_are_complete(spec):
    ids = set()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert op["operationId"] not in ids
            ids.add(op["operationId"])
            assert any(s.startswith("2") for s in op["responses"]), (method, path)
            assert "500" in op["responses"], (method, path)
            if op["tags"] != ["app"]:  # browser pages ignore query strings (campaign tags on shared links)
                assert "400" in op["responses"], (method, path)  # every API view refuses unknown parameters
            if "{" in path:
                assert "404" in op["responses"], (method, path)
            if op.get("requestBody"):
                for status in ("400", "413", "415"):
                    assert status in op["responses"], (method, path, status)
            names = {p.get("name") or p["$ref"] for p in op["parameters"]}
            for segment in path.split("/"):
                if segment.startswith("{"):
                    assert f"#/components/parameters/{_param_ref(spec, segment[1:-1])}" in names, (path, segment)


def _param_ref(spec, name):
    return next(k for k, p in spec["components"]["parameters"].items() if p["name"] == name and p["in"] == "path")


def test_request_schemas_refuse_unknown_fields(spec):
    schemas = spec["components"]["schemas"]
    for name in ("ItineraryRequest", "ReplanEdits", "BatchRequest", "LodgingRef", "LodgingPoint", "MealWindow"):
        assert schemas[name]["additionalProperties"] is False, name


def test_itinerary_request_lists_every_engine_field(spec):
    from chalicelib.planning.request import FIELDS

    assert set(spec["components"]["schemas"]["ItineraryRequest"]["properties"]) == set(FIELDS)


def test_replan_edits_list_every_edit(spec):
    from chalicelib.planning.replan import EDIT_FIELDS

    assert set(spec["components"]["schemas"]["ReplanEdits"]["properties"]) == set(EDIT_FIELDS)


def test_enums_match_the_catalog(spec, catalog):
    schemas = spec["components"]["schemas"]
    district = next(p for p in spec["paths"]["/v1/pois"]["get"]["parameters"] if p.get("name") == "district")
    assert set(district["schema"]["items"]["enum"]) == set(catalog.districts)
    assert {p.category for p in catalog.pois.values()} <= set(
        schemas["PoiProperties"]["properties"]["category"]["enum"]
    )


def test_served_document_is_the_module_document(live, spec):
    r = requests.get(live + "/v1/openapi.json", timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    served = r.json()
    assert served["servers"] == [{"url": live}]
    assert dict(served, servers=None) == dict(spec, servers=None)
    validate(served)
    proxied = requests.get(live + "/v1/openapi.json", headers={"X-Forwarded-Proto": "https"}, timeout=10).json()
    assert proxied["servers"][0]["url"].startswith("https://")
    assert requests.get(live + "/v1/openapi.json?x=1", timeout=10).status_code == 400


# -- real responses against the document ----------------------------------------------------


def call(check, spec, method, url, **kwargs):
    """Make a request and validate the response against its operation."""
    kwargs.setdefault("timeout", 60)
    response = requests.request(method, url, **kwargs)
    template = template_for(spec, urlsplit(url).path)
    check(template, method, response)
    return response


def test_catalog_reads(live, check, spec):
    get = lambda path, **kw: call(check, spec, "GET", live + path, **kw)  # noqa: E731
    assert get("/v1/health").json()["status"] == "ok"
    page = get("/v1/pois?limit=3&lang=en").json()
    assert len(page["features"]) == 3 and page["next_cursor"]
    nxt = get(f"/v1/pois?limit=3&cursor={page['next_cursor']}").json()
    assert nxt["features"][0]["id"] != page["features"][0]["id"]
    near = get("/v1/pois?near=120.5811,29.995&radius_km=1.5&category=history,culture&lang=en").json()
    assert all("distance_km" in f["properties"] for f in near["features"])
    get("/v1/pois?open_at=2026-11-30T09:00:00%2B08:00&district=yuecheng&q=园")
    food = get("/v1/pois?category=food,lodging&limit=200").json()
    assert {f["properties"]["category"] for f in food["features"]} == {"food", "lodging"}
    poi = get("/v1/pois/shen-garden?lang=en").json()
    assert poi["geometry"]["coordinates"][0] > poi["geometry"]["coordinates"][1]  # [lon, lat]
    assert get("/v1/venues?sport=baseball").json()["features"]
    events = get("/v1/events?sport=softball&from=2023-10-02&to=2023-10-02&lang=en").json()["events"]
    assert events
    get(f"/v1/events/{events[0]['id']}")
    get("/v1/events?from=2023-09-20T00:00:00%2B08:00&status=scheduled&limit=500")
    routes = get("/v1/routes?lang=en").json()["routes"]
    for route in routes:
        collection = get(f"/v1/routes/{route['id']}").json()
        assert collection["features"][0]["geometry"]["type"] == "LineString"


@pytest.mark.parametrize(
    "url, status, code",
    [
        ("/v1/pois?limit=0", 400, "out_of_range"),
        ("/v1/pois?foo=1", 400, "unknown_parameter"),
        ("/v1/pois?category=castles", 400, "unknown_value"),
        ("/v1/pois?near=29.9,120.5,1", 400, "invalid_parameter"),
        ("/v1/pois?lang=fr", 400, "invalid_parameter"),
        ("/v1/pois?cursor=%21%21", 400, "invalid_parameter"),
        ("/v1/pois/nope", 404, "not_found"),
        ("/v1/events?from=2023-10-02&to=2023-10-01", 400, "invalid_parameter"),
        ("/v1/events/nope", 404, "not_found"),
        ("/v1/routes/nope", 404, "not_found"),
        ("/v1/itineraries/it-nope", 404, "not_found"),
        ("/v1/batches/bt-nope", 404, "not_found"),
        ("/v1/health?verbose=1", 400, "unknown_parameter"),
    ],
)
def test_read_errors(live, check, spec, url, status, code):
    r = call(check, spec, "GET", live + url)
    assert r.status_code == status and r.json()["error"]["code"] == code


def test_itinerary_lifecycle(live, check, spec, live_env, routes):
    key = new_key(live_env, "Contract Agency", 50)
    auth = {"x-api-key": key}

    def post(path, body, **headers):
        return call(
            check,
            spec,
            "POST",
            live + path,
            json=body,
            headers=dict(auth, **headers),
        )

    created = post("/v1/itineraries", PLAN, **{"Idempotency-Key": "contract-1"})
    assert created.status_code == 201, created.text
    plan = created.json()
    assert created.headers["Location"] == plan["links"]["self"]
    replay = post("/v1/itineraries", PLAN, **{"Idempotency-Key": "contract-1"})
    assert replay.status_code == 200 and replay.json()["id"] == plan["id"]
    reused = post("/v1/itineraries", dict(PLAN, days=3), **{"Idempotency-Key": "contract-1"})
    assert reused.status_code == 422 and reused.json()["error"]["field"] == "Idempotency-Key"

    self_url = live + plan["links"]["self"]
    got = call(check, spec, "GET", self_url, headers=auth)
    assert got.status_code == 200 and got.headers["ETag"] == '"1"'
    assert call(check, spec, "GET", self_url, headers=dict(auth, **{"If-None-Match": '"1"'})).status_code == 304
    assert call(check, spec, "GET", live + plan["links"]["share"]).status_code == 200
    assert call(check, spec, "GET", self_url).status_code == 404  # anonymous, no share token
    for token in ("wrong", "%C3%A9t%C3%A9"):  # a wrong token, also a non-ASCII one, reads as missing
        assert call(check, spec, "GET", self_url + "?share=" + token).status_code == 404
    listed = call(check, spec, "GET", live + "/v1/itineraries?limit=5", headers=auth).json()
    assert plan["id"] in {i["id"] for i in listed["itineraries"]}

    stale = post(plan["links"]["replan"], {"lock_all": True}, **{"If-Match": '"9"'})
    assert stale.status_code == 412 and stale.json()["error"]["code"] == "version_conflict"
    edits = {"lock_all": True, "remove": [plan["days"][0]["stops"][1]["poi_id"]], "time_limit_s": 0.5}
    replanned = post(plan["links"]["replan"], edits, **{"If-Match": '"1"'})
    assert replanned.status_code == 200, replanned.text
    doc = replanned.json()
    assert doc["version"] == 2 and doc["previous_id"] and doc["diff"]["removed"]
    bad_edit = post(plan["links"]["replan"], {"move": [{"poi_id": "shen-garden", "to_day": 7}]})
    assert bad_edit.status_code == 400 and bad_edit.json()["error"]["field"] == "edits.move[0].to_day"
    unknown_edit = post(plan["links"]["replan"], {"shuffle": True})
    assert unknown_edit.status_code == 400

    for name in ("card_pdf", "card_html", "ics", "gpx", "geojson", "widget"):
        url = live + doc["links"][name]
        if (template_for(spec, urlsplit(url).path), "GET") in routes:
            r = call(check, spec, "GET", url, headers={"Accept": "*/*"})
            assert r.status_code == 200, (name, r.text[:300])

    stale_delete = call(check, spec, "DELETE", self_url, headers=dict(auth, **{"If-Match": '"1"'}))
    assert stale_delete.status_code == 412
    deleted = call(check, spec, "DELETE", self_url, headers=dict(auth, **{"If-Match": '"2"'}))
    assert deleted.status_code == 204
    assert call(check, spec, "GET", self_url, headers=auth).status_code == 404


def test_plan_errors(live, check, spec, live_env):
    url = live + "/v1/itineraries"
    post = lambda **kw: call(check, spec, "POST", url, **kw)  # noqa: E731
    bad_json = post(data=b"{not json", headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400 and bad_json.json()["error"]["code"] == "invalid_json"
    assert post(json={"start_date": "2023-09-30", "extra": 1}).json()["error"]["field"] == "extra"
    assert post(json={"days": 2}).json()["error"]["field"] == "start_date"
    assert post(json={"start_date": "2023-09-30", "must_visit": ["nowhere"]}).status_code == 404
    infeasible = post(json={"start_date": "2023-09-30", "events": ["ag2023-baseball-2023-10-01-1830-field1"]})
    assert infeasible.status_code == 422
    assert infeasible.json()["error"]["details"]["conflicts"] == ["ag2023-baseball-2023-10-01-1830-field1"]
    assert post(data="x", headers={"Content-Type": "text/plain"}).status_code == 415
    too_big = post(data=b"{" + b" " * (300 * 1024) + b"}", headers={"Content-Type": "application/json"})
    assert too_big.status_code == 413
    wrong_key = post(json=PLAN, headers={"x-api-key": "yy_0000000000000000_" + "0" * 48})
    assert wrong_key.status_code == 401 and wrong_key.json()["error"]["code"] == "invalid_api_key"
    key = new_key(live_env, "Contract Quota", 1)
    assert post(json=PLAN, headers={"x-api-key": key}).status_code == 201
    over = post(json=PLAN, headers={"x-api-key": key})
    assert over.status_code == 429 and over.json()["error"]["code"] == "quota_exceeded"
    assert int(over.headers["Retry-After"]) > 0 and over.headers["X-RateLimit-Remaining"] == "0"


def test_batch(live, check, spec):
    body = {
        "name": "contract",
        "requests": [
            dict(PLAN, days=1, start_date="2023-10-01", events=[]),
            {"start_date": "2026-12-01", "time_limit_s": 0.5},
        ],
    }
    created = call(check, spec, "POST", live + "/v1/batches", json=body)
    assert created.status_code == 202, created.text
    status_url = live + created.headers["Location"]
    deadline = time.monotonic() + 60
    while True:
        status = call(check, spec, "GET", status_url).json()
        if status["state"] == "done" or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert status["state"] == "done" and status["counts"]["done"] == 2
    bad = call(check, spec, "POST", live + "/v1/batches", json={"requests": [{"days": 1}]})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "requests[0].start_date"
    empty = call(check, spec, "POST", live + "/v1/batches", json={"requests": []})
    assert empty.status_code == 400


def test_validator_catches_a_wrong_body(check, spec):
    class Fake:
        status_code = 200
        headers = {"Content-Type": "application/geo+json"}
        content = b'{"type": "Feature"}'
        text = content.decode()

        def json(self):
            return json.loads(self.content)

    with pytest.raises(ContractError):
        check("/v1/pois/{poi_id}", "GET", Fake())
    Fake.status_code = 418
    with pytest.raises(ContractError, match="not documented"):
        check("/v1/pois/{poi_id}", "GET", Fake())
