"""A replan that loses a race to another writer (in process, both stores)."""

from __future__ import annotations

import json

from chalice.test import Client

from chalicelib import services
from chalicelib.catalog import bundle
from chalicelib.config import Settings

BODY = {"start_date": "2026-05-16", "days": 1, "mode": "walk", "time_limit_s": 1}


def test_replan_losing_a_race_is_409_without_if_match_and_412_with_it(store):
    import app as app_module

    catalog = bundle.load()
    racing = {"on": False}

    def solver(fn, *args, **kwargs):
        result = fn(*args, **kwargs)
        if racing["on"]:  # another writer saves a new version while this replan was solving
            svc = services.get()
            record = svc.itineraries.get(racing["id"])
            svc.itineraries.update(record.id, record.owner, record.version, record.request, record.plan)
        return result

    services.configure(lambda: services.Services(Settings(), catalog=catalog, store=store, solver=solver))
    try:
        with Client(app_module.app) as client:
            created = client.http.post(
                "/v1/itineraries", headers={"Content-Type": "application/json"}, body=json.dumps(BODY)
            )
            assert created.status_code == 201, created.body
            racing.update(on=True, id=json.loads(created.body)["id"])
            path = f"/v1/itineraries/{racing['id']}/replan"
            lost = client.http.post(
                path, headers={"Content-Type": "application/json"}, body=json.dumps({"time_limit_s": 1})
            )
            assert lost.status_code == 409, lost.body
            assert json.loads(lost.body)["error"]["code"] == "concurrent_update"
            stale = client.http.post(
                path,
                headers={"Content-Type": "application/json", "If-Match": '"2"'},
                body=json.dumps({"time_limit_s": 1}),
            )
            assert stale.status_code == 412 and json.loads(stale.body)["error"]["field"] == "If-Match"
    finally:
        services.configure(services.Services.from_env)
