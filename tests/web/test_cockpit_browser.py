"""The operators' cockpit (issue #17) in real Chromium: heat map, hour-by-place
heat map, top sights, plans per day and matches for a day of stored plans;
no console errors, every request on 127.0.0.1, screenshots to
``test-artifacts/cockpit/``."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.support.admin import new_key
from tests.support.browser import chromium
from tests.support.server import local_server
from tests.web.test_app_browser import TILE, VIEWPORTS, Watch, _Tiles, axe_serious  # noqa: F401

pytestmark = pytest.mark.integration
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "cockpit"
DAY = "2023-10-01"  # an Asian Games day: matches at the venues


@pytest.fixture(scope="module")
def cockpit(tmp_path_factory):
    from tests.support.browser import serve_handler

    env = {"YUEYOU_SQLITE_PATH": str(tmp_path_factory.mktemp("cockpit") / "yueyou.db")}
    with serve_handler(_Tiles) as tiles:
        env.update(YUEYOU_TILE_URL=tiles + "/{z}/{x}/{y}.png", YUEYOU_TILE_ATTRIBUTION="Test tiles")
        with local_server(env) as base:
            operator = new_key(env, "City", 0, "--scope", "operator")
            body = {"start_date": DAY, "lang": "en", "time_limit_s": 0.5, "avoid_crowds": False, "group_size": 5}
            for seed in range(6):
                r = requests.post(base + "/v1/itineraries", json=dict(body, seed=seed), timeout=60)
                assert r.status_code == 201, r.text
            yield base, operator


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_cockpit_shows_a_day_of_plans(cockpit, viewport):
    base, key = cockpit
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-US")
        page = context.new_page()
        watch = Watch(page)
        page.goto(base + "/cockpit")
        page.wait_for_function("() => window.yueyouCockpitReady === true")
        assert page.locator("h1").inner_text() == "City cockpit"
        page.fill("#key", key)
        page.fill("#date", DAY)
        page.click("#load")
        page.wait_for_selector(f"body[data-loaded='{DAY}']", timeout=30_000)
        assert page.locator("#plans").inner_text() == "6"
        assert int(page.locator("#busy").inner_text()) > 0  # 20 people at once: busy
        assert int(page.locator("#matches-count").inner_text()) > 0
        assert page.locator("#cockpit-map path.leaflet-interactive").count() > 0  # the heat circles
        for chart in ("#heat", "#top", "#days"):
            assert page.locator(f"{chart} canvas").count() >= 1
        assert page.locator("#match-table tbody tr").count() == int(page.locator("#matches-count").inner_text())
        assert axe_serious(page) == []
        page.screenshot(path=str(ARTIFACTS / f"{viewport}-en.png"), full_page=True)
        page.click("#lang")
        page.wait_for_function("() => document.getElementById('load').textContent === '查看'")
        page.wait_for_selector(f"body[data-loaded='{DAY}']")
        page.screenshot(path=str(ARTIFACTS / f"{viewport}-zh.png"), full_page=True)
        assert watch.errors == []
        assert watch.hosts() <= {"127.0.0.1"}
        context.close()


def test_a_key_without_the_operator_scope_is_told_so(cockpit):
    base, _ = cockpit
    with chromium() as browser:
        page = browser.new_page(locale="en-US")
        page.goto(base + "/cockpit")
        page.wait_for_function("() => window.yueyouCockpitReady === true")
        page.fill("#key", "yy_0000000000000000_" + "0" * 48)
        page.fill("#date", DAY)
        page.click("#load")
        page.wait_for_function("() => document.getElementById('status').textContent.includes('operator')")
        assert page.locator("#plans").inner_text() == "–"


def test_the_app_marks_a_visit_in_a_busy_hour(cockpit):
    base, _ = cockpit
    body = {"start_date": DAY, "lang": "en", "time_limit_s": 0.5}
    saved = requests.post(base + "/v1/itineraries", json=body, timeout=60).json()
    visit = next(s for d in saved["days"] for s in d["stops"] if s["type"] == "visit")
    assert visit["crowd"] in ("busy", "quiet")  # the forecast was consulted for this day
    for d in saved["days"]:
        for s in d["stops"]:
            if s is not visit and s["type"] == "visit":
                s["crowd"] = "quiet"
    visit["crowd"] = "busy"
    with chromium() as browser:
        context = browser.new_context(viewport=VIEWPORTS["phone"], locale="en-US")
        page = context.new_page()
        watch = Watch(page)
        page.goto(base + "/")
        page.evaluate(
            "plan => { localStorage.setItem('yueyou.lang', 'en'); localStorage.setItem('yueyou.plan', JSON.stringify(plan)); }",
            saved,
        )
        page.reload()
        page.click("button[data-tab=trip]")
        page.wait_for_selector("#trip .day")
        marks = page.locator("#trip .busy").all_inner_texts()
        assert [m.strip() for m in marks] == ["· busy hour"]  # that visit alone
        assert watch.errors == []
        context.close()
