"""The tourist app and the API reference in real Chromium (Playwright), at a
phone and a desktop viewport, against the service as ``make run`` serves it,
with map tiles from a tiny tile server of the test's own: every request the
app makes must stay on 127.0.0.1. Screenshots go to ``test-artifacts/app/``.
"""

from __future__ import annotations

import base64
import http.server
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.browser import chromium, serve_handler
from tests.support.server import local_server

pytestmark = pytest.mark.integration

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "app"
AXE = Path(__file__).resolve().parents[1] / "support" / "vendor" / "axe.min.js"
# a 1x1 light-grey PNG: every tile of the test's map
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP4/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


class _Tiles(http.server.BaseHTTPRequestHandler):
    served = 0

    def do_GET(self):
        _Tiles.served += 1
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(TILE)))
        self.end_headers()
        self.wfile.write(TILE)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def tiles():
    with serve_handler(_Tiles) as url:
        yield url


@pytest.fixture(scope="module")
def site(tiles, tmp_path_factory):
    db = tmp_path_factory.mktemp("app") / "yueyou.db"
    env = {
        "YUEYOU_SQLITE_PATH": str(db),
        "YUEYOU_TILE_URL": tiles + "/{z}/{x}/{y}.png",
        "YUEYOU_TILE_ATTRIBUTION": "Test tiles",
    }
    with local_server(env) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


class Watch:
    """Console errors, page errors and every URL a page asks for."""

    def __init__(self, page):
        self.errors, self.urls = [], []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.urls.append(r.url))

    def hosts(self):
        return {urlsplit(u).hostname for u in self.urls if not u.startswith(("data:", "blob:"))}


def axe_serious(page) -> list[str]:
    # evaluated through the DevTools protocol: the page's CSP (script-src 'self') stays on
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate(
        """() => axe.run(document, {resultTypes: ['violations']}).then(r =>
            r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
             .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')))"""
    )


def ready(page):
    assert page.evaluate("() => window.yueyouReady") is True


def open_form(browser, site, viewport="phone"):
    """A fresh English-speaking browser on the app's Plan tab: (context, page)."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-US")
    page = context.new_page()
    page.goto(site + "/")
    ready(page)
    page.click("button[data-tab=plan]")
    return context, page


def submit(page):
    """Send the form and wait for the trip."""
    page.click("#plan-submit")
    page.wait_for_selector("#trip .day", timeout=60_000)


def saved_plan(page):
    return page.evaluate("() => JSON.parse(localStorage.getItem('yueyou.plan'))")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_map_plan_share_offline_and_language(browser, site, catalog, viewport):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
    page = context.new_page()
    watch = Watch(page)
    page.goto(site + "/")
    ready(page)
    # the map: one marker per POI of the categories shown by default (lodging and hubs are off)
    shown = [p for p in catalog.pois.values() if p.category not in ("lodging", "hub")]
    assert page.locator("#map path.leaflet-interactive").count() >= len(shown)
    assert page.locator("#count").inner_text() == f"显示 {len(shown)} 个地点"
    page.fill("#search", "沈园")
    assert page.locator("#count").inner_text() == "显示 1 个地点"
    page.fill("#search", "")
    assert _Tiles.served > 0
    assert axe_serious(page) == []
    page.screenshot(path=str(ARTIFACTS / f"{viewport}-map-zh.png"))

    # every visible text switches language
    page.click("#lang")
    assert page.locator("h1").inner_text() == "Asian Games Shaoxing map"
    assert page.evaluate("() => document.documentElement.lang") == "en"
    texts = page.locator("[data-i18n]").all_inner_texts()
    assert texts and not any(any("\u4e00" <= ch <= "\u9fff" for ch in x) for x in texts if x)
    assert page.locator("#count").inner_text() == f"{len(shown)} places shown"

    # a plan from the form, shown on the timeline and the map
    page.click("button[data-tab=plan]")
    page.fill("#start_date", "2026-05-16")
    page.fill("#days", "1")
    page.select_option("#mode", "walk")
    assert axe_serious(page) == []
    before = page.locator("#map path").count()
    page.click("#plan-submit")
    page.wait_for_selector("#trip .day", timeout=60_000)
    stops = page.locator("#trip .stops li").all_inner_texts()
    assert len(stops) >= 4 and "Start" in stops[0]
    if page.evaluate("() => JSON.parse(localStorage.getItem('yueyou.plan')).days[0].plan_b.length"):
        assert "If it rains" in page.locator("#trip").inner_text()
    assert page.locator("#map path").count() > before  # the day's line and stops
    page.wait_for_function("() => document.querySelector('#trip figure.qr img').naturalWidth > 0")  # the share QR
    assert axe_serious(page) == []
    page.screenshot(path=str(ARTIFACTS / f"{viewport}-trip-en.png"), full_page=True)

    # the share link opens the same plan in a fresh browser
    share = page.locator("#trip a.link-share").get_attribute("href")
    assert "#trip=" in share
    other = browser.new_context(viewport=VIEWPORTS[viewport])
    fresh = other.new_page()
    fresh.goto(share)
    ready(fresh)
    fresh.wait_for_selector("#trip .day")
    assert len(fresh.locator("#trip .stops li").all_inner_texts()) == len(stops)
    other.close()

    # offline: the saved plan still opens, and the app says it is offline
    context.set_offline(True)
    page.reload()
    page.click("button[data-tab=trip]")
    page.wait_for_selector("#trip .day")
    assert len(page.locator("#trip .stops li").all_inner_texts()) == len(stops)
    assert page.locator("#offline").is_visible()
    page.screenshot(path=str(ARTIFACTS / f"{viewport}-offline.png"))
    context.set_offline(False)

    assert watch.hosts() <= {"127.0.0.1"}, watch.hosts()
    offline_noise = [e for e in watch.errors if "ERR_INTERNET_DISCONNECTED" not in e and "Failed to fetch" not in e]
    assert offline_noise == []
    context.close()


def test_the_api_reference_renders_every_operation(browser, site):
    document = requests.get(site + "/v1/openapi.json", timeout=30).json()
    operations = [
        op["operationId"] for path in document["paths"].values() for op in path.values() if "operationId" in op
    ]
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    watch = Watch(page)
    page.goto(site + "/docs")
    page.wait_for_selector("[id$='operation/" + operations[0] + "']", state="attached", timeout=60_000)
    missing = [op for op in operations if page.locator(f"[id$='operation/{op}']").count() == 0]
    assert missing == []
    page.screenshot(path=str(ARTIFACTS / "docs.png"))
    assert watch.hosts() <= {"127.0.0.1"}, watch.hosts()
    assert watch.errors == []


def test_the_app_is_served_with_its_security_headers(site):
    page = requests.get(site + "/", timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "http://127.0.0.1" in csp  # the configured tile host only
    assert requests.get(site + "/app/leaflet.js", timeout=30).status_code == 200
    missing = requests.get(site + "/app/../app.py", timeout=30)
    assert missing.status_code == 404 and missing.headers["Content-Type"].startswith("application/json")


# Published reference points (wandergis/coordtransform's documented results for 116.404, 39.915).
WGS84_TO_GCJ02 = ((116.404, 39.915), (116.41024449916938, 39.91640428150164))
GCJ02_TO_BD09 = ((116.404, 39.915), (116.41036949371029, 39.92133699351021))


def test_navigation_links_convert_wgs84_for_each_map_app(browser, site):
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    page.goto(site + "/")
    ready(page)
    (lon, lat), expected = WGS84_TO_GCJ02
    got = page.evaluate(f"() => window.yueyouGcj02({lon}, {lat})")
    assert abs(got[0] - expected[0]) < 1e-9 and abs(got[1] - expected[1]) < 1e-9
    (lon, lat), expected = GCJ02_TO_BD09
    got = page.evaluate(f"() => window.yueyouBd09({lon}, {lat})")
    assert abs(got[0] - expected[0]) < 1e-9 and abs(got[1] - expected[1]) < 1e-9
    assert page.evaluate("() => window.yueyouGcj02(-74.006, 40.7128)") == [-74.006, 40.7128]  # outside China: as is
    # Shen Garden (WGS84 120.5855, 29.9962): Amap and Apple get GCJ-02, Baidu BD-09 (lat,lon order)
    links = dict(page.evaluate("() => window.yueyouNavLinks(120.5855, 29.9962, '沈园')"))
    g = page.evaluate("() => window.yueyouGcj02(120.5855, 29.9962)")
    b = page.evaluate(f"() => window.yueyouBd09({g[0]}, {g[1]})")
    assert f"position={g[0]:.6f},{g[1]:.6f}" in links["Amap 高德"] and "coordinate=gaode" in links["Amap 高德"]
    assert f"ll={g[1]:.6f},{g[0]:.6f}" in links["Apple"]
    assert f"location={b[1]:.6f},{b[0]:.6f}" in links["Baidu 百度"] and "coord_type=bd09ll" in links["Baidu 百度"]
    # the shift is the expected few hundred metres, not a swapped axis
    assert 0.002 < g[0] - 120.5855 < 0.007 and -0.004 < g[1] - 29.9962 < 0.001
    page.close()


def test_replan_edits_round_trip_and_a_stale_plan_is_reloaded(browser, site):
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="en-US")
    page = context.new_page()
    watch = Watch(page)
    page.goto(site + "/")
    ready(page)
    assert page.evaluate("() => document.documentElement.lang") == "en"  # the browser's language decides
    page.click("button[data-tab=plan]")
    page.fill("#start_date", "2026-05-16")
    page.fill("#days", "1")
    page.select_option("#mode", "walk")
    page.click("#plan-submit")
    page.wait_for_selector("#trip .day", timeout=60_000)

    def visits():
        return page.evaluate(
            "() => JSON.parse(localStorage.getItem('yueyou.plan')).days.flatMap(d => d.stops)"
            ".filter(s => s.type === 'visit').map(s => s.poi_id)"
        )

    first = visits()
    assert len(first) >= 3
    # remove a stop: through the replan endpoint, the diff is reported
    page.locator("#trip button.edit.remove").first.click()
    page.wait_for_function("() => document.getElementById('trip-status').textContent.startsWith('Updated')")
    assert "1 removed" in page.locator("#trip-status").inner_text()
    assert first[0] not in visits()
    # lock a stop: it comes back pressed
    page.locator("#trip button.edit.lock").first.click()
    page.wait_for_selector("#trip button.edit.lock[aria-pressed=true]")
    # someone else (same owner, another device) changes the plan meanwhile
    plan_id, etag = page.evaluate(
        "() => [JSON.parse(localStorage.getItem('yueyou.plan')).id, localStorage.getItem('yueyou.etag')]"
    )
    other = visits()[-1]
    changed = requests.post(f"{site}/v1/itineraries/{plan_id}/replan", json={"remove": [other]}, timeout=60)
    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] != etag
    # this device's edit is refused (412), the app reloads the latest plan and says so
    page.locator("#trip button.edit.remove").last.click()
    page.wait_for_function("() => document.getElementById('trip-status').textContent.includes('changed elsewhere')")
    assert other not in visits()
    assert page.evaluate("() => localStorage.getItem('yueyou.etag')") == changed.headers["ETag"]
    assert axe_serious(page) == []
    page.screenshot(path=str(ARTIFACTS / "replan.png"), full_page=True)
    assert watch.hosts() <= {"127.0.0.1"}
    assert [e for e in watch.errors if "412" not in e] == []  # the refused request is logged by Chromium
    context.close()


def test_the_share_qr_encodes_the_app_link(site):
    from chalicelib.render import qr

    made = requests.post(site + "/v1/itineraries", json={"start_date": "2026-05-16", "time_limit_s": 0.5}, timeout=60)
    assert made.status_code == 201, made.text
    plan = made.json()
    token = plan["links"]["share"].split("share=")[1]
    svg = requests.get(site + plan["links"]["share_qr"] + "&lang=en", timeout=30)
    assert svg.status_code == 200 and svg.headers["Content-Type"] == "image/svg+xml"
    expected = qr.svg(f"{site}/#trip={plan['id']}&share={token}", size=200, label="Scan to open this plan on a phone")
    assert svg.text == expected
    missing = requests.get(f"{site}/v1/itineraries/no-such-plan/share.svg?share={token}", timeout=30)
    assert missing.status_code == 404 and missing.headers["Content-Type"].startswith("application/json")


def test_matches_are_picked_from_the_schedule_in_the_form(browser, site):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="en-US")
    page = context.new_page()
    page.goto(site + "/")
    ready(page)
    page.click("button[data-tab=plan]")
    assert (page.input_value("#mode"), page.input_value("#pace")) == ("transit", "normal")  # the API's defaults
    page.fill("#start_date", "2023-10-02")
    page.fill("#days", "1")
    page.dispatch_event("#days", "change")
    session = "ag2023-baseball-2023-10-02-1200-field1"
    page.wait_for_selector(f"#dated-events input[value='{session}']")
    page.check(f"#dated-events input[value='{session}']")
    page.click("#plan-submit")
    page.wait_for_selector("#trip .day", timeout=60_000)
    events = page.evaluate(
        "() => JSON.parse(localStorage.getItem('yueyou.plan')).days.flatMap(d => d.stops)"
        ".filter(s => s.type === 'event').map(s => s.event_id)"
    )
    assert events == [session]
    assert axe_serious(page) == []
    context.close()


def test_details_hours_today_stay_here_and_interests(browser, site, catalog):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="en-US")
    page = context.new_page()
    page.goto(site + "/")
    ready(page)
    # a sight's details say when it is open today
    page.fill("#search", "Shen Garden")
    page.locator("#map path.leaflet-interactive").last.click(force=True)
    page.wait_for_selector("#details dt")
    details = page.locator("#details").inner_text()
    assert "Open today" in details and "Step-free access" in details
    # pick a hotel on the map: it becomes the plan's lodging
    page.check("#categories input[value=lodging]")
    page.fill("#search", "Xianheng Hotel")
    assert page.locator("#count").inner_text() == "1 places shown"
    page.locator("#map path.leaflet-interactive").last.click(force=True)
    page.click("#stay-here")
    assert page.input_value("#lodging") == "shaoxing-xianheng-hotel"
    assert page.locator("#panel-plan").is_visible()
    # interests: the sliders start at the planner's defaults; changed ones are sent
    assert page.input_value("#interest-history") == "0.7"
    page.fill("#interest-nature", "1")
    page.fill("#interest-shopping", "0")
    page.fill("#start_date", "2026-05-16")
    page.fill("#days", "1")
    page.click("#plan-submit")
    page.wait_for_selector("#trip .day", timeout=60_000)
    request = page.evaluate("() => JSON.parse(localStorage.getItem('yueyou.plan')).request")
    assert request["interests"]["nature"] == 1 and request["interests"]["shopping"] == 0
    assert request["interests"]["history"] == 0.7  # untouched: the default
    assert request["lodging"][0]["poi_id"] == "shaoxing-xianheng-hotel"
    assert axe_serious(page) == []
    context.close()


def test_a_trip_arriving_by_train_from_the_form(browser, site):
    context, page = open_form(browser, site)
    page.fill("#start_date", "2026-05-15")
    page.fill("#days", "2")
    page.select_option("#arrive_hub", "shaoxing-north-station")
    page.fill("#arrive_time", "09:40")
    page.select_option("#depart_hub", "shaoxing-north-station")
    page.fill("#depart_time", "18:30")
    submit(page)
    plan = saved_plan(page)
    assert plan["request"]["arrive"] == {"hub": "shaoxing-north-station", "at": "2026-05-15T09:40:00+08:00"}
    assert plan["request"]["depart"] == {"hub": "shaoxing-north-station", "at": "2026-05-16T18:30:00+08:00"}
    assert "Shaoxing North" in plan["days"][0]["stops"][0]["name"]
    assert "Shaoxing North" in plan["days"][-1]["stops"][-1]["name"]
    assert axe_serious(page) == []
    context.close()


def test_access_needs_from_the_form(browser, site):
    context, page = open_form(browser, site)
    page.fill("#start_date", "2026-05-16")
    page.fill("#days", "1")
    page.check("#stroller")
    page.fill("#max_walk_m", "500")
    page.fill("#rest_every_min", "60")
    submit(page)
    plan = saved_plan(page)
    assert plan["request"]["access"] == {"wheelchair": False, "stroller": True, "max_walk_m": 500, "rest_every_min": 60}
    assert "step-free" in page.locator("#trip").inner_text()  # the left-out places say why
    assert axe_serious(page) == []
    context.close()
