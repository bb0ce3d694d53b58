"""The widgets in a real browser: headless Chromium (Debian ``chromium``)
driven by Playwright, a partner page on one 127.0.0.1 port embedding widgets
from the real service (``chalice local``) on another, i.e. cross-origin like
a partner site. Screenshots go to ``test-artifacts/widgets/``.

Needs ``apt-get install chromium`` (no ``playwright install``: the browser
is the system one, nothing is downloaded).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from chalicelib.itineraries import ItineraryRepository
from chalicelib.store.sqlite import SqliteStore
from tests.render import plans
from tests.support.browser import chromium, static_site
from tests.support.server import local_server

pytestmark = pytest.mark.integration

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "widgets"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Partner travel agency</title>
<style>body {{ font-family: sans-serif; margin: 20px; width: 560px; }} .slot {{ border: 2px dashed #999; margin: 12px 0; }}</style>
</head><body>
<h1>Partner travel agency — Shaoxing offers</h1>
<div class="slot" id="itinerary-slot">
<script async src="{api}/v1/widgets/embed.js" data-itinerary="{itinerary}" data-share="{share}"
        data-lang="en" data-primary="#0b5394" data-bg="#fffdf5"></script>
</div>
<div class="slot" id="route-slot">
<script async src="{api}/v1/widgets/embed.js" data-route="tang-poetry-road" data-lang="zh"></script>
</div>
<div class="slot" id="oembed-slot"></div>
<script>
  fetch("{api}/v1/oembed?format=json&maxwidth=420&url=" + encodeURIComponent({route_url}))
    .then(function (r) {{ return r.json(); }})
    .then(function (doc) {{ window.__oembed = doc; document.getElementById("oembed-slot").innerHTML = doc.html; }})
    .catch(function (e) {{ window.__oembed = {{error: String(e)}}; }});
</script>
</body></html>
"""


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A 3-day plan with hostile names, written to the store before the server starts."""
    db = tmp_path_factory.mktemp("browser") / "yueyou.db"
    store = SqliteStore(db)
    record = ItineraryRepository(store).create("partner-test", {}, plans.hostile(3))
    return db, record


@pytest.fixture(scope="module")
def api(stored):
    db, _ = stored
    with local_server({"YUEYOU_SQLITE_PATH": str(db)}) as base:
        if requests.get(base + "/v1/widgets/embed.js", timeout=10).status_code != 200:
            pytest.fail("app.py must register chalicelib.api.exports.bp and widgets.bp")
        yield base


@pytest.fixture(scope="module")
def partner(api, stored, tmp_path_factory):
    _, record = stored
    root = tmp_path_factory.mktemp("partner")
    route_url = json.dumps(f"{api}/v1/widgets/route/old-town?lang=en")
    (root / "index.html").write_text(
        PAGE.format(api=api, itinerary=record.id, share=record.share_token, route_url=route_url), encoding="utf-8"
    )
    with static_site(root) as site:
        yield site


def visible_names(frame, day: int) -> list[str]:
    return frame.locator(f'section.yy-day[data-day="{day}"] li.yy-stop .yy-name').all_inner_texts()


def test_widgets_in_chromium(browser, api, partner, stored):
    _, record = stored
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 640, "height": 900})
    fetched, dialogs, errors = [], [], []
    page.on("request", lambda r: fetched.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(partner + "/index.html", wait_until="load")

        # embed.js injected an iframe for the itinerary, pointing at the API origin
        iframe = page.locator("#itinerary-slot iframe.yueyou-widget")
        iframe.wait_for(state="attached", timeout=15000)
        src = iframe.get_attribute("src")
        assert src.startswith(f"{api}/v1/widgets/itinerary/{record.id}?")
        frame = page.frame_locator("#itinerary-slot iframe")
        frame.locator("li.yy-stop").first.wait_for(timeout=15000)

        # the stops in order, in English first (data-lang="en")
        plan = plans.hostile(3)
        cat = plans.catalog()

        def expected(day: int, lang: str) -> list[str]:
            out = []
            for stop in plan["days"][day - 1]["stops"]:
                if stop["event_id"] in cat.events:
                    out.append(cat.events[stop["event_id"]].title.get(lang))
                elif stop["poi_id"] in cat.pois:
                    out.append(cat.pois[stop["poi_id"]].name.get(lang))
                else:
                    out.append(stop["name"])
            return out

        for day in (1, 2, 3):
            assert visible_names(frame, day) == expected(day, "en")

        # the iframe was resized to its content by postMessage
        page.wait_for_function(
            "() => { const f = document.querySelector('#itinerary-slot iframe');"
            " return f && f.getBoundingClientRect().height > 1000; }",
            timeout=10000,
        )
        page.screenshot(path=str(ARTIFACTS / "partner-page-en.png"), full_page=True)
        iframe.screenshot(path=str(ARTIFACTS / "itinerary-widget-en.png"))
        height_en = iframe.evaluate("f => f.getBoundingClientRect().height")

        # switch language inside the widget
        frame.locator("#yy-lang").click()
        frame.locator('html[data-lang="zh"]').wait_for(state="attached", timeout=5000)
        for day in (1, 2, 3):
            assert visible_names(frame, day) == expected(day, "zh")
        assert frame.locator("h1").inner_text() == "绍兴行程 · 3天"
        page.wait_for_timeout(300)  # the resize message after the switch
        iframe.screenshot(path=str(ARTIFACTS / "itinerary-widget-zh.png"))
        height_zh = iframe.evaluate("f => f.getBoundingClientRect().height")
        content = frame.locator("#yy-widget").evaluate("e => e.getBoundingClientRect().height")
        assert abs(height_zh - content) <= 2, (height_zh, content, height_en)

        # the XSS payloads are text: nothing ran, nothing was injected, in page or frame
        assert plans.XSS_NAME in frame.locator("li.yy-stop[data-poi='custom-tea-house'] .yy-name").inner_text()
        assert plans.XSS_LODGING in visible_names(frame, 1)[0]
        widget_frame = next(f for f in page.frames if f.url.startswith(f"{api}/v1/widgets/itinerary/"))
        assert widget_frame.evaluate("() => window.__xss") is None
        assert page.evaluate("() => window.__xss") is None
        assert widget_frame.evaluate("() => document.querySelectorAll('img').length") == 0
        assert widget_frame.evaluate("() => document.scripts.length") == 1
        assert not dialogs and not errors

        # the route widget (zh) and the oEmbed iframe (route via oEmbed JSON, cross-origin fetch)
        route = page.frame_locator("#route-slot iframe")
        route.locator("li.yy-stop").first.wait_for(timeout=15000)
        stops = cat.routes["tang-poetry-road"].stops
        assert route.locator("li.yy-stop .yy-name").all_inner_texts() == [cat.pois[s.poi_id].name.zh for s in stops]
        page.wait_for_function("() => window.__oembed !== undefined", timeout=10000)
        oembed = page.evaluate("() => window.__oembed")
        assert oembed.get("type") == "rich", oembed
        assert oembed["width"] <= 420
        walk = page.frame_locator("#oembed-slot iframe")
        walk.locator("li.yy-stop").first.wait_for(timeout=15000)
        old_town = cat.routes["old-town"].stops
        assert walk.locator("li.yy-stop .yy-name").all_inner_texts() == [cat.pois[s.poi_id].name.en for s in old_town]
        for slot in ("route", "oembed"):
            element = page.locator(f"#{slot}-slot iframe")
            element.scroll_into_view_if_needed()
            page.wait_for_timeout(200)
            element.screenshot(path=str(ARTIFACTS / f"{slot}-widget.png"))
        # the route widget was resized to its content too
        route_height = page.locator("#route-slot iframe").evaluate("f => f.getBoundingClientRect().height")
        route_content = route.locator("#yy-widget").evaluate("e => e.getBoundingClientRect().height")
        assert abs(route_height - route_content) <= 2, (route_height, route_content)

        # nothing left 127.0.0.1: no tiles, fonts or scripts from the internet
        assert fetched and all(u.startswith("http://127.0.0.1:") for u in fetched), [
            u for u in fetched if not u.startswith("http://127.0.0.1:")
        ]
    finally:
        page.close()


def test_frame_ancestors_header_reaches_the_browser(browser, api, stored):
    """The CSP travels with the widget: the browser enforces frame-ancestors."""
    _, record = stored
    page = browser.new_page()
    try:
        response = page.goto(f"{api}/v1/widgets/itinerary/{record.id}?share={quote(record.share_token)}")
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors *" in csp and "script-src 'nonce-" in csp
        assert page.locator("li.yy-stop").count() > 0
    finally:
        page.close()
