"""Card, export and widget endpoints through the real app (chalice.test.Client)."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import parse_qs, quote, urlsplit

import gpxpy
import icalendar
import pytest
from chalice.test import Client
from pypdf import PdfReader

from chalicelib import services
from chalicelib.api import widgets
from chalicelib.config import Settings
from chalicelib.itineraries import ItineraryRepository
from chalicelib.store.sqlite import SqliteStore
from tests.render import plans

HOST = "trips.example"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return SqliteStore(tmp_path_factory.mktemp("widgets") / "yueyou.db")


@pytest.fixture(scope="module")
def records(store):
    repo = ItineraryRepository(store)
    return {
        "1": repo.create("owner-a", plans.REQUESTS[1], plans.solved(1)),
        "3": repo.create("owner-a", plans.REQUESTS[3], plans.solved(3)),
        "xss": repo.create("owner-a", {}, plans.hostile(3)),
    }


@pytest.fixture(scope="module")
def app():
    from app import app as chalice_app

    assert "/v1/widgets/embed.js" in chalice_app.routes, "register exports.bp and widgets.bp in app.py"
    assert "application/pdf" in chalice_app.api.binary_types, "add exports.BINARY_TYPES to app.api.binary_types"
    return chalice_app


@pytest.fixture()
def client(app, store, records):
    yield from _client(app, store, Settings(allowed_hosts=(HOST,)))


@pytest.fixture()
def public_client(app, store, records):
    yield from _client(app, store, Settings(public_base_url="https://yueyou.example/prod/"))


def _client(app, store, settings):
    services.configure(lambda: services.Services(settings, catalog=plans.catalog(), store=store))
    try:
        with Client(app) as client:
            yield client
    finally:
        services.configure(services.Services.from_env)
        widgets.configure_embed_policy(lambda key: widgets.EmbedPolicy())


def get(client, path, **headers):
    headers.setdefault("host", HOST)
    return client.http.get(path, headers=headers)


def share(record):
    return f"share={quote(record.share_token)}"


def error_field(response, status):
    assert response.status_code == status, response.body
    return json.loads(response.body)["error"]["field"]


# -- card ------------------------------------------------------------------------------


def test_card_pdf_is_binary_and_needs_a_matching_accept(client, records):
    rec = records["3"]
    r = get(client, f"/v1/itineraries/{rec.id}/card.pdf?{share(rec)}&lang=both", accept="application/pdf")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/pdf"
    assert r.headers["Content-Disposition"].startswith("inline; filename=")
    reader = PdfReader(io.BytesIO(r.body))
    assert len(reader.pages) == 3
    text = "".join(reader.pages[0].extract_text().split())
    day1 = plans.solved(3)["days"][0]["stops"]
    assert "".join(plans.catalog().pois[day1[1]["poi_id"]].name.zh.split()) in text
    assert (
        f"https://{HOST}/v1/itineraries/{rec.id}/card.html?{share(rec)}&lang=both" in text
    )  # the QR target, printed too
    # A browser's Accept (*/*) is fine; no Accept at all is our JSON 406 naming the header.
    assert get(client, f"/v1/itineraries/{rec.id}/card.pdf?{share(rec)}", accept="*/*").status_code == 200
    refused = get(client, f"/v1/itineraries/{rec.id}/card.pdf?{share(rec)}")
    assert refused.status_code == 406 and json.loads(refused.body)["error"]["field"] == "Accept"


def test_card_pdf_a4_and_parameter_errors(client, records):
    rec = records["1"]
    r = get(client, f"/v1/itineraries/{rec.id}/card.pdf?{share(rec)}&size=a4&lang=en", accept="application/pdf")
    assert r.status_code == 200
    page = PdfReader(io.BytesIO(r.body)).pages[0]
    assert [round(float(v)) for v in page.mediabox.upper_right] == [595, 842]
    base = f"/v1/itineraries/{rec.id}/card.pdf?{share(rec)}"
    assert error_field(get(client, base + "&size=A3", accept="application/pdf"), 400) == "size"
    assert error_field(get(client, base + "&lang=fr", accept="application/pdf"), 400) == "lang"
    assert error_field(get(client, base + "&colour=red", accept="application/pdf"), 400) == "colour"


def test_plans_need_their_share_token(client, records):
    rec = records["1"]
    # (each refusal counts against the anonymous per-minute rate: keep them few)
    for suffix in ("card.pdf", "card.html", "itinerary.ics", "route.gpx", "itinerary.geojson"):
        assert get(client, f"/v1/itineraries/{rec.id}/{suffix}", accept="*/*").status_code == 404
    assert get(client, f"/v1/itineraries/{rec.id}/card.pdf?share=wrong", accept="*/*").status_code == 404
    assert get(client, f"/v1/widgets/itinerary/{rec.id}").status_code == 404
    assert get(client, "/v1/itineraries/it-nope/card.pdf?share=x", accept="*/*").status_code == 404


def test_public_base_url_is_the_qr_target(public_client, records):
    rec = records["1"]
    r = get(public_client, f"/v1/itineraries/{rec.id}/card.pdf?{share(rec)}", accept="application/pdf")
    assert (
        PdfReader(io.BytesIO(r.body)).metadata.subject
        == f"https://yueyou.example/prod/v1/itineraries/{rec.id}/card.html?{share(rec)}&lang=both"
    )


def test_card_html_print_view(client, records):
    rec = records["xss"]
    r = get(client, f"/v1/itineraries/{rec.id}/card.html?{share(rec)}&lang=both")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    html = r.body.decode()
    assert html.count('<section class="day"') == 3 and "@media print" in html
    assert "<script" not in html and "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html


# -- exports ---------------------------------------------------------------------------


def test_exports_over_http_parse_back(client, records):
    rec = records["3"]
    plan = plans.solved(3)
    r = get(client, f"/v1/itineraries/{rec.id}/itinerary.ics?{share(rec)}&lang=both")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert r.headers["Content-Disposition"].startswith("attachment;")
    cal = icalendar.Calendar.from_ical(r.body)
    visits = [s for d in plan["days"] for s in d["stops"] if s["type"] not in ("start", "end")]
    assert len(cal.walk("VEVENT")) == len(visits)
    assert all(str(e["UID"]).endswith("@" + HOST) for e in cal.walk("VEVENT"))

    r = get(client, f"/v1/itineraries/{rec.id}/route.gpx?{share(rec)}&lang=zh")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/gpx+xml")
    gpx = gpxpy.parse(r.body.decode())
    assert len(gpx.tracks) == 3

    r = get(client, f"/v1/itineraries/{rec.id}/itinerary.geojson?{share(rec)}&lang=en")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/geo+json")
    doc = json.loads(r.body)
    assert doc["type"] == "FeatureCollection"
    assert sum(f["geometry"]["type"] == "Point" for f in doc["features"]) == sum(len(d["stops"]) for d in plan["days"])
    assert error_field(get(client, f"/v1/itineraries/{rec.id}/itinerary.geojson?{share(rec)}&lang=both"), 400) == "lang"


# -- widgets ---------------------------------------------------------------------------


def test_itinerary_widget_headers_and_colours(client, records):
    rec = records["3"]
    r = get(client, f"/v1/widgets/itinerary/{rec.id}?{share(rec)}&primary=%23AA0000&bg=%23fff&lang=en")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/html; charset=utf-8"
    policy = r.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    html = r.body.decode()
    assert f'<script nonce="{nonce}">' in html and html.count("<script") == 1
    assert "frame-ancestors *" in policy and "default-src 'none'" in policy
    assert "--yy-primary: #aa0000" in html and "--yy-bg: #fff" in html
    assert 'data-lang="en"' in html
    assert "X-Frame-Options" not in r.headers
    again = get(client, f"/v1/widgets/itinerary/{rec.id}?{share(rec)}")
    assert re.search(r"'nonce-([^']+)'", again.headers["Content-Security-Policy"]).group(1) != nonce


@pytest.mark.parametrize("field,value", [("primary", "red"), ("bg", "%23abcd"), ("fg", "%23aa0000%3B")])
def test_widget_colours_are_validated(client, records, field, value):
    rec = records["1"]
    assert error_field(get(client, f"/v1/widgets/itinerary/{rec.id}?{share(rec)}&{field}={value}"), 400) == field
    assert error_field(get(client, f"/v1/widgets/route/old-town?{field}={value}"), 400) == field


def test_route_widget(client):
    routes = plans.catalog().routes
    route = routes["tang-poetry-road"]
    r = get(client, "/v1/widgets/route/tang-poetry-road?lang=zh")
    assert r.status_code == 200
    html = r.body.decode()
    assert html.count('<li class="yy-stop ') == len(route.stops)
    assert route.name.zh in html and route.name.en in html
    assert error_field(get(client, "/v1/widgets/route/nope"), 404) == "id"
    assert error_field(get(client, "/v1/widgets/route/tang-poetry-road?bogus=1"), 400) == "bogus"


def test_embed_js(client):
    r = get(client, "/v1/widgets/embed.js")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/javascript")
    assert b"data-itinerary" in r.body and b"yueyou:resize" in r.body


def test_agency_policy_sets_frame_ancestors_and_cors(client, records):
    policies = {
        "agency-a": widgets.EmbedPolicy(
            frame_ancestors=("https://agency-a.example",), cors_origins=("https://agency-a.example",)
        )
    }
    widgets.configure_embed_policy(lambda key: policies.get(key, widgets.EmbedPolicy()))
    r = get(client, "/v1/widgets/route/tang-poetry-road?key=agency-a", origin="https://agency-a.example")
    assert r.headers["Content-Security-Policy"].endswith("frame-ancestors https://agency-a.example")
    assert r.headers["Access-Control-Allow-Origin"] == "https://agency-a.example"
    url = quote(f"http://{HOST}/v1/widgets/route/tang-poetry-road")
    r = get(client, f"/v1/oembed?url={url}&key=agency-a", origin="https://elsewhere.example")
    assert r.status_code == 200 and "Access-Control-Allow-Origin" not in r.headers
    assert r.headers["Vary"] == "Origin"
    r = get(client, f"/v1/oembed?url={url}", origin="https://elsewhere.example")
    assert r.headers["Access-Control-Allow-Origin"] == "*"


# -- oEmbed ----------------------------------------------------------------------------


def test_oembed_rich_for_an_itinerary_and_a_route(client, records):
    rec = records["3"]
    url = quote(f"http://{HOST}/v1/widgets/itinerary/{rec.id}?{share(rec)}&primary=%23123456")
    r = get(client, f"/v1/oembed?url={url}&format=json&maxwidth=400&maxheight=900")
    assert r.status_code == 200
    doc = json.loads(r.body)
    assert doc["type"] == "rich" and doc["version"] == "1.0"
    assert doc["width"] <= 400 and doc["height"] <= 900
    src = re.search(r'<iframe src="([^"]+)"', doc["html"]).group(1).replace("&amp;", "&")
    parts = urlsplit(src)
    assert parts.path == f"/v1/widgets/itinerary/{rec.id}"
    assert parse_qs(parts.query)["share"] == [rec.share_token]
    assert parse_qs(parts.query)["primary"] == ["#123456"]
    page = get(client, parts.path + "?" + parts.query)
    assert page.status_code == 200

    url = quote(f"http://{HOST}/v1/routes/tang-poetry-road")
    doc = json.loads(get(client, f"/v1/oembed?url={url}&lang=en").body)
    assert doc["title"] == plans.catalog().routes["tang-poetry-road"].name.en
    assert "/v1/widgets/route/tang-poetry-road?" in doc["html"]


def test_oembed_errors(client, records):
    rec = records["1"]
    ours = quote(f"http://{HOST}/v1/widgets/route/tang-poetry-road")
    assert get(client, f"/v1/oembed?url={ours}&format=xml").status_code == 501
    assert error_field(get(client, "/v1/oembed"), 400) == "url"
    assert error_field(get(client, f"/v1/oembed?url={ours}&maxwidth=0"), 400) == "maxwidth"
    foreign = quote("https://evil.example/v1/widgets/route/tang-poetry-road")
    assert get(client, f"/v1/oembed?url={foreign}").status_code == 404
    unshared = quote(f"http://{HOST}/v1/widgets/itinerary/{rec.id}")
    assert get(client, f"/v1/oembed?url={unshared}").status_code == 404
    bad_colour = quote(f"http://{HOST}/v1/widgets/route/tang-poetry-road?bg=red")
    assert error_field(get(client, f"/v1/oembed?url={bad_colour}"), 400) == "bg"


def test_a_forged_host_never_reaches_a_cached_response(client, records):
    # route widgets and oEmbed are Cache-Control: public: links in them come only from
    # configured or allow-listed hosts (loopback and API Gateway's own domain included)
    for path in (
        "/v1/widgets/route/tang-poetry-road",
        f"/v1/oembed?url={quote('http://evil.example/v1/widgets/route/tang-poetry-road')}",
    ):
        forged = get(client, path, host="evil.example")
        assert forged.status_code == 400 and json.loads(forged.body)["error"]["field"] == "Host"
        assert b"evil.example" not in b"".join(v.encode() for v in forged.headers.values())
    assert get(client, "/v1/widgets/route/tang-poetry-road", host="127.0.0.1:8000").status_code == 200
    assert get(client, "/v1/widgets/route/tang-poetry-road", host=HOST).status_code == 200
