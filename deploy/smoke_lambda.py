"""Smoke test of the packaged Lambda artifact, run INSIDE a clean Python 3.12.

``deploy/smoke.py`` (or tests/package) unpacks ``dist/deployment.zip`` and the
layer zip, creates ``python3.12 -m venv --without-pip`` and runs this file with
that venv's interpreter and ``PYTHONPATH=<function dir>:<layer>/python:
<layer>/python/lib/python3.12/site-packages`` (what Lambda puts on sys.path).
Nothing from the repository or the build venv is importable, so this proves
the artifact alone is enough.

It only uses the standard library, then:

1. times ``import app`` (cold: no __pycache__ other than what is in the zips);
2. GET  /v1/pois?limit=1           -> 200, one GeoJSON feature;
3. POST /v1/itineraries (1 day)    -> 201, a plan with visit stops;
4. GET  /v1/itineraries/{id}       -> 200 (read back from the store), and its
   card.pdf when the app has that route (reportlab, Pillow, the bundled font);
5. the scheduled handler ``ingest_feeds`` with an EventBridge event;
6. reports heavy/AWS modules that were imported (boto3, botocore, pandas, ...).

The store is SQLite in a temp dir (``YUEYOU_STORE=sqlite``): DynamoDB is not
reachable here, and Lambda's own boto3 is not in the clean venv.
Prints one JSON line prefixed with ``SMOKE_RESULT`` and exits non-zero on failure.
"""

from __future__ import annotations

import base64
import json
import sys
import time
import uuid

WATCHED = (
    "boto3",
    "botocore",
    "pandas",
    "numpy",
    "ortools",
    "reportlab",
    "segno",
    "gpxpy",
    "requests",
    "icalendar",
    "geopy",
    "opening_hours",
    "google.protobuf",
)


class Context:
    """The bits of the Lambda context object Chalice may read."""

    function_name = "yueyou-prod-APIHandler"
    function_version = "$LATEST"
    memory_limit_in_mb = 1024
    aws_request_id = "smoke"
    invoked_function_arn = "arn:aws:lambda:ap-southeast-1:123456789012:function:yueyou-prod-APIHandler"
    log_group_name = "/aws/lambda/yueyou-prod-APIHandler"
    log_stream_name = "smoke"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def proxy_event(
    method: str, resource: str, path: str, *, query=None, path_params=None, body=None, headers=None
) -> dict:
    """An API Gateway REST API (v1) Lambda proxy event, as API Gateway sends it."""
    hdrs = {
        "Accept": "application/json",
        "Host": "abc123.execute-api.ap-southeast-1.amazonaws.com",
        "User-Agent": "yueyou-smoke",
        "X-Forwarded-For": "203.0.113.7",
        "X-Forwarded-Proto": "https",
    }
    if body is not None:
        hdrs["Content-Type"] = "application/json"
    hdrs.update(headers or {})
    query = query or {}
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": hdrs,
        "multiValueHeaders": {k: [v] for k, v in hdrs.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} or None,
        "pathParameters": path_params,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "abc123",
            "resourcePath": resource,
            "httpMethod": method,
            "extendedRequestId": "smoke=",
            "requestTime": "30/Sep/2023:08:00:00 +0000",
            "path": "/api" + path,
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": "api",
            "domainPrefix": "abc123",
            "requestTimeEpoch": 1696060800000,
            "requestId": str(uuid.uuid4()),
            "apiId": "abc123",
            "domainName": "abc123.execute-api.ap-southeast-1.amazonaws.com",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "yueyou-smoke"},
        },
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


def call(app, event) -> tuple[int, dict, dict, float]:
    started = time.perf_counter()
    response = app(event, Context())
    elapsed = time.perf_counter() - started
    raw = response.get("body") or ""
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        body = {"_raw": raw[:500]}
    return response["statusCode"], body, response.get("headers") or {}, elapsed


def main() -> int:
    result: dict = {"python": sys.version.split()[0], "executable": sys.executable}
    started = time.perf_counter()
    import app as app_module

    result["import_app_s"] = round(time.perf_counter() - started, 3)
    result["app_file"] = app_module.__file__
    result["imported_by_import_app"] = sorted(m for m in WATCHED if m in sys.modules)
    app = app_module.app

    failures: list[str] = []

    status, body, _, elapsed = call(app, proxy_event("GET", "/v1/pois", "/v1/pois", query={"limit": "1", "lang": "en"}))
    result["pois"] = {"status": status, "seconds": round(elapsed, 3), "features": len(body.get("features", []))}
    if status != 200 or len(body.get("features", [])) != 1:
        failures.append(f"GET /v1/pois?limit=1 -> {status} {json.dumps(body)[:300]}")

    request = {
        "start_date": "2023-10-03",
        "days": 1,
        "lang": "en",
        "mode": "walk",
        "pace": "normal",
        "meals": True,
        "time_limit_s": 1,
    }
    status, body, headers, elapsed = call(app, proxy_event("POST", "/v1/itineraries", "/v1/itineraries", body=request))
    days = body.get("days") or []
    stops = [s for d in days for s in d.get("stops", [])]
    visits = [s for s in stops if s.get("type") in ("visit", "event")]
    result["plan"] = {
        "status": status,
        "seconds": round(elapsed, 3),
        "days": len(days),
        "stops": len(stops),
        "visits": len(visits),
        "plan_status": body.get("status"),
        "id": body.get("id"),
        "location": headers.get("Location"),
    }
    if status != 201 or len(days) != 1 or not visits:
        failures.append(f"POST /v1/itineraries -> {status} {json.dumps(body)[:500]}")
    else:
        plan_id = body["id"]
        status, got, _, elapsed = call(
            app,
            proxy_event(
                "GET",
                "/v1/itineraries/{itinerary_id}",
                f"/v1/itineraries/{plan_id}",
                path_params={"itinerary_id": plan_id},
            ),
        )
        result["read_back"] = {"status": status, "seconds": round(elapsed, 3)}
        if status != 200 or got.get("id") != plan_id:
            failures.append(f"GET /v1/itineraries/{plan_id} -> {status} {json.dumps(got)[:300]}")
        pdf_route = "/v1/itineraries/{itinerary_id}/card.pdf"
        if pdf_route in app.routes:  # reportlab + Pillow natives + the bundled CJK font
            started = time.perf_counter()
            response = app(
                proxy_event(
                    "GET",
                    pdf_route,
                    f"/v1/itineraries/{plan_id}/card.pdf",
                    path_params={"itinerary_id": plan_id},
                    headers={"Accept": "application/pdf"},
                ),
                Context(),
            )
            pdf = base64.b64decode(response.get("body") or "") if response.get("isBase64Encoded") else b""
            result["card_pdf"] = {
                "status": response["statusCode"],
                "bytes": len(pdf),
                "seconds": round(time.perf_counter() - started, 3),
            }
            if response["statusCode"] != 200 or not pdf.startswith(b"%PDF"):
                failures.append(f"GET card.pdf -> {response['statusCode']} {str(response.get('body'))[:300]}")

    # The hourly rule's target (YUEYOU_FEEDS=[] in the template: nothing fetched).
    scheduled = {
        "version": "0",
        "id": "smoke",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2023-10-03T01:00:00Z",
        "region": "ap-southeast-1",
        "resources": ["arn:aws:events:ap-southeast-1:123456789012:rule/smoke"],
        "detail": {},
    }
    try:
        started = time.perf_counter()
        out = app_module.ingest_feeds(scheduled, Context())
        result["ingest_feeds"] = {
            "seconds": round(time.perf_counter() - started, 3),
            "reports": len((out or {}).get("reports", [])),
        }
    except Exception as exc:
        failures.append(f"ingest_feeds handler raised {type(exc).__name__}: {exc}")

    result["imported_after_requests"] = sorted(m for m in WATCHED if m in sys.modules)
    result["failures"] = failures
    result["ok"] = not failures
    print("SMOKE_RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
