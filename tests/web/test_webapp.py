"""The app's pages and files in-process (chalice.test.Client through the ``api`` fixture)."""

from __future__ import annotations

import json
import re

from chalicelib.api.webapp import ASSETS, slash_redirect


def test_pages_and_assets(api):
    page = api.get("/")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    config = json.loads(re.search(r'<script id="config" type="application/json">(.*?)</script>', page.text).group(1))
    assert config["tile_url"].startswith("https://tile.openstreetmap.org/") and config["tile_crs"] == "wgs84"
    assert config["interests"]["history"] == 0.7
    for name in ASSETS:
        asset = api.get(f"/app/{name}")
        assert asset.status_code == 200 and asset.content, name
    assert api.get("/app/app.py").status_code == 404
    assert api.get("/docs").status_code == 200
    assert "serviceWorker" not in api.get("/sw.js").text and "caches" in api.get("/sw.js").text


def test_the_stage_root_without_its_slash_is_redirected():
    assert slash_redirect("/prod") == "/prod/"
    assert slash_redirect("/prod/") is None and slash_redirect("/") is None and slash_redirect("") is None


def test_the_config_cannot_close_its_script_tag(api, monkeypatch):
    import dataclasses

    from chalicelib import services

    svc = services.get()
    hostile = dataclasses.replace(svc.settings, tile_attribution="</script><script>alert(1)</script>")
    monkeypatch.setattr(svc, "settings", hostile)
    page = api.get("/").text
    assert "</script><script>alert(1)" not in page and "\\u003c/script>" in page
