"""The hourly scheduled function and the admin endpoint through Chalice's test client."""

from __future__ import annotations

import hashlib
import json

import pytest
from chalice import Chalice, Rate
from chalice.test import Client

from chalicelib import services as services_module
from chalicelib.api import feeds as feeds_api
from chalicelib.feeds import event_id, run_scheduled_ingest
from chalicelib.feeds.__main__ import main as cli_main
from chalicelib.schedule.repository import COLLECTION as EVENTS

from .conftest import VENUE, good_feed

TOKEN = "s3cret-admin-token"


def _app() -> Chalice:
    """app.py's app once it is wired; until then the same wiring on a test app.

    A Chalice blueprint can be registered on one app per process only (the
    second registration loses the route's methods), so never both.
    """
    import app as app_module

    if "/v1/admin/feeds/ingest" in app_module.app.routes and "ingest_feeds" in app_module.app.handler_map:
        return app_module.app
    test_app = Chalice(app_name="yueyou-feeds-test")
    test_app.register_blueprint(feeds_api.bp)

    # Exactly what app.py adds (see chalicelib/feeds/README.md).
    @test_app.schedule(Rate(1, unit=Rate.HOURS))
    def ingest_feeds(event):
        reports = run_scheduled_ingest(services_module.get())
        return {"reports": [r.to_json("en") for r in reports]}

    return test_app


app = _app()


@pytest.fixture
def env(monkeypatch, server):
    url = server.serve("/bb.json", good_feed())
    feeds = [{"id": "bb", "url": url, "format": "json", "venue_id": VENUE, "sport": "baseball"}]
    monkeypatch.setenv("YUEYOU_FEEDS", json.dumps(feeds))
    monkeypatch.setenv("YUEYOU_FEED_HOSTS", "127.0.0.1")
    monkeypatch.setenv("YUEYOU_FEED_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("YUEYOU_FEED_TIMEOUT_S", "0.5")
    monkeypatch.setenv("YUEYOU_STAGE", "dev")
    monkeypatch.setenv("YUEYOU_ADMIN_TOKEN_SHA256", hashlib.sha256(TOKEN.encode()).hexdigest())
    return feeds


@pytest.fixture
def client(services, tmp_path):
    services_module.configure(lambda: services)
    try:
        # project_dir without .chalice/: the stage config cannot override the test's env
        with Client(app, project_dir=str(tmp_path)) as c:
            yield c
    finally:
        from chalicelib.services import Services

        services_module.configure(Services.from_env)


def test_scheduled_function_ingests(env, client, store):
    event = client.events.generate_cw_event(
        source="aws.events",
        detail_type="Scheduled Event",
        detail={},
        resources=["arn:aws:events:ap-southeast-1:123456789012:rule/yueyou-dev-ingest_feeds"],
    )
    response = client.lambda_.invoke("ingest_feeds", event)
    [report] = response.payload["reports"]
    assert report["ok"] and report["created"] == 3
    assert store.get(EVENTS, event_id("bb", "s1")).data["origin"] == "feed:bb"
    again = client.lambda_.invoke("ingest_feeds", event).payload["reports"][0]
    assert again["ok"] and again["unchanged"] == 3 and again["created"] == 0


def test_admin_endpoint(env, client, store):
    response = client.http.post("/v1/admin/feeds/ingest?lang=en", headers={"x-admin-token": TOKEN})
    assert response.status_code == 200, response.body
    body = json.loads(response.body)
    assert body["ok"] and body["reports"][0]["created"] == 3
    state = client.http.get("/v1/admin/feeds", headers={"x-admin-token": TOKEN})
    assert json.loads(state.body)["feeds"][0]["content_hash"] == body["reports"][0]["content_hash"]
    one = client.http.post("/v1/admin/feeds/ingest?feed=bb", headers={"x-admin-token": TOKEN})
    assert json.loads(one.body)["reports"][0]["unchanged"] == 3
    unknown = client.http.post("/v1/admin/feeds/ingest?feed=nope", headers={"x-admin-token": TOKEN})
    assert unknown.status_code == 400 and json.loads(unknown.body)["error"]["field"] == "feed"


def test_admin_endpoint_refuses_without_the_token(env, client, monkeypatch):
    for headers in ({}, {"x-admin-token": "wrong"}):
        response = client.http.post("/v1/admin/feeds/ingest?lang=en", headers=headers)
        assert response.status_code == 403
        assert json.loads(response.body)["error"]["code"] == "forbidden"
    monkeypatch.delenv("YUEYOU_ADMIN_TOKEN_SHA256")
    response = client.http.post("/v1/admin/feeds/ingest", headers={"x-admin-token": TOKEN})
    error = json.loads(response.body)["error"]
    assert response.status_code == 403 and error["code"] == "admin_disabled"
    assert "YUEYOU_ADMIN_TOKEN_SHA256" in error["message"]


def test_bad_feed_config_is_a_clear_json_error(env, client, monkeypatch):
    monkeypatch.setenv("YUEYOU_FEEDS", "[{")
    response = client.http.post("/v1/admin/feeds/ingest?lang=en", headers={"x-admin-token": TOKEN})
    assert response.status_code == 500
    error = json.loads(response.body)["error"]
    assert error["code"] == "feed_config_invalid" and "YUEYOU_FEEDS" in error["message"]


def test_cli(env, monkeypatch, tmp_path, capsys, server):
    monkeypatch.setenv("YUEYOU_STORE", "sqlite")
    monkeypatch.setenv("YUEYOU_SQLITE_PATH", str(tmp_path / "cli.db"))
    assert cli_main(["ingest", "--lang", "zh"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["reports"][0]["created"] == 3
    server.serve("/bb.json", b"broken")
    assert cli_main(["ingest"]) == 1
    failed = json.loads(capsys.readouterr().out)["reports"][0]
    assert failed["error"]["code"] == "malformed_feed"
    assert cli_main(["status"]) == 0
    assert json.loads(capsys.readouterr().out)["feeds"][0]["last_error"]["code"] == "malformed_feed"
