"""Batches over real HTTP: a group batch with visible progress, refusals, and the agency CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
import requests

pytestmark = pytest.mark.integration


def test_batch_completes_with_visible_progress(base):
    # what this proves over HTTP: 202 + Location, progress while items run on the
    # server's threads, every item done with a readable plan (100-item limits are
    # checked by the refusal test below and by tests/batches/test_service.py)
    total = 12
    starts = ["2026-12-0%d" % d for d in range(1, 8)]
    body = {
        "name": "autumn groups",
        "requests": [
            {
                "start_date": starts[i % 7],
                "days": 1,
                "lang": ("zh", "en")[i % 2],
                "pace": ("relaxed", "normal", "packed")[i % 3],
                "time_limit_s": 1,
            }
            for i in range(total)
        ],
    }
    r = requests.post(base + "/v1/batches", json=body, timeout=60)
    assert r.status_code == 202, r.text
    location = r.headers["Location"]
    seen_partial = False
    deadline = time.monotonic() + 600
    while True:
        status = requests.get(base + location, timeout=30).json()
        finished = status["counts"]["done"] + status["counts"]["failed"]
        assert status["total"] == total and len(status["items"]) == total
        if 0 < finished < total:
            seen_partial = True
            assert status["state"] == "running" and 0 < status["progress"] < 1
        if status["state"] == "done":
            break
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert seen_partial, "progress was never visible while the batch ran"
    assert status["counts"] == {"queued": 0, "running": 0, "done": total, "failed": 0}
    first = status["items"][0]
    plan = requests.get(base + first["links"]["itinerary"], timeout=10).json()
    assert plan["id"] == first["itinerary_id"] and plan["days"][0]["date"] == "2026-12-01"


def test_oversized_and_invalid_batches_are_refused(base):
    r = requests.post(base + "/v1/batches", json={"requests": [{"start_date": "2026-12-01"}] * 101}, timeout=30)
    assert r.status_code == 400 and r.json()["error"]["field"] == "requests"
    r = requests.post(
        base + "/v1/batches", json={"requests": [{"start_date": "2026-12-01"}, {"start_date": "someday"}]}, timeout=30
    )
    assert r.status_code == 400 and r.json()["error"]["field"] == "requests[1].start_date"
    assert requests.get(base + "/v1/batches/bt-nothere", timeout=10).status_code == 404


def test_agency_cli_submits_csv_and_writes_plans(base, tmp_path):
    groups = tmp_path / "groups.csv"
    groups.write_text(
        "group,start_date,days,lang,pace,interests,must_visit\n"
        "Lu Xun readers,2026-12-01,1,en,relaxed,history=1;culture=1,lu-xun-native-place\n"
        "家庭团,2026-12-02,2,zh,normal,nature=1,\n"
        "Impossible,2026-12-01,1,en,normal,,nowhere-at-all\n",
        encoding="utf-8",
    )
    out = tmp_path / "plans"

    def submit(*extra: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "chalicelib.agency", "submit", str(groups), "--api", base, "--out", str(out)]
        return subprocess.run([*command, "--poll", "0.2", *extra], capture_output=True, text=True, timeout=300)

    # The third group names an unknown POI, so the whole batch is refused up front.
    refused = submit()
    assert refused.returncode == 2 and "must_visit" in refused.stderr
    groups.write_text("\n".join(groups.read_text(encoding="utf-8").splitlines()[:3]) + "\n", encoding="utf-8")
    done = submit("--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "2/2" in done.stderr and "[" in done.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [i["group"] for i in summary["items"]] == ["Lu Xun readers", "家庭团"]
    first = json.loads((out / summary["items"][0]["file"]).read_text(encoding="utf-8"))
    visited = {s["poi_id"] for d in first["days"] for s in d["stops"]}
    assert "lu-xun-native-place" in visited
    assert len(json.loads((out / summary["items"][1]["file"]).read_text(encoding="utf-8"))["days"]) == 2
