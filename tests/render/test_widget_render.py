"""Widget and print-view HTML: escaping, colours, CSP (no HTTP, no browser)."""

from __future__ import annotations

import dataclasses
import re
from html import escape
from html.parser import HTMLParser

import pytest

from chalicelib.catalog import Catalog
from chalicelib.errors import InvalidInput
from chalicelib.i18n import Text
from chalicelib.render import card_html, widget
from chalicelib.render.view import plan_view

from . import plans


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    return parser


def assert_inert(html: str, nonce: str | None) -> Tags:
    """Only our own script; the payloads are text, never elements or attributes."""
    doc = parse(html)
    scripts = [attrs for tag, attrs in doc.tags if tag == "script"]
    assert scripts == ([{"nonce": nonce}] if nonce else [])
    assert not [a for tag, a in doc.tags if tag == "img"]
    assert not [a for _, a in doc.tags if any(k.startswith("on") for k in a)]
    assert "<script>window.__xss" not in html and "<img src=x" not in html
    return doc


def test_itinerary_widget_escapes_hostile_names():
    view = plan_view(plans.hostile(3), plans.catalog(), plan_id="it-x")
    nonce = widget.new_nonce()
    html = widget.itinerary_widget(view, "en", widget.Colours(), nonce, "https://t.example/card?x=<y>")
    doc = assert_inert(html, nonce)
    text = "".join(doc.text)
    assert plans.XSS_NAME in text and plans.XSS_LODGING in text
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html


def test_card_html_escapes_hostile_names():
    view = plan_view(plans.hostile(1), plans.catalog(), plan_id="it-x")
    html = card_html.card_html(view, "both", "https://t.example/v1/itineraries/it-x?share=a&b=<c>")
    doc = assert_inert(html, None)
    assert plans.XSS_NAME in "".join(doc.text)
    assert "@page" in html and "A5" in html


def test_route_widget_escapes_hostile_catalog_data():
    cat = plans.catalog()
    route = cat.routes["tang-poetry-road"]
    first = route.stops[0].poi_id
    pois = dict(cat.pois)
    pois[first] = dataclasses.replace(
        pois[first], name=Text(plans.XSS_NAME, plans.XSS_NAME), description=Text(plans.XSS_IMG, plans.XSS_IMG)
    )
    hostile = Catalog(districts=cat.districts, pois=pois, events=cat.events, routes=cat.routes)
    nonce = widget.new_nonce()
    html = widget.route_widget(route, hostile, "zh", widget.Colours(), nonce, 192.7)
    doc = assert_inert(html, nonce)
    assert plans.XSS_NAME in "".join(doc.text)


def test_both_languages_rendered_and_switchable():
    view = plan_view(plans.solved(1), plans.catalog(), plan_id="it-x")
    html = widget.itinerary_widget(view, "zh", widget.Colours(), "n0nce", None)
    assert 'data-lang="zh"' in html
    for stop in view.stops:
        assert f'<span lang="zh">{escape(stop.name.zh)}</span>' in html or stop.name.zh == stop.name.en
        assert f'<span lang="en">{escape(stop.name.en)}</span>' in html or stop.name.zh == stop.name.en
    assert 'id="yy-lang"' in html


@pytest.mark.parametrize("value", ["#abc", "#AABBCC", "#a0a0a0"])
def test_colours_accept_hex(value):
    assert widget.parse_colour("primary", value, "#000000") == value.lower()


@pytest.mark.parametrize(
    "value", ["red", "#abcd", "#12345g", "aa0000", "#aa0000;}body{x:url(y)", "#aa0000 ", "rgb(1,2,3)", "#a\u0660a"]
)
def test_colours_refuse_anything_else_naming_the_field(value):
    with pytest.raises(InvalidInput) as info:
        widget.colours_from({"bg": value})
    assert info.value.field == "bg"


def test_csp_has_nonce_and_configurable_frame_ancestors():
    policy = widget.csp("abc", ("https://agency.example", "https://*.partner.example:8443"))
    assert "script-src 'nonce-abc'" in policy
    assert policy.endswith("frame-ancestors https://agency.example https://*.partner.example:8443")
    assert "default-src 'none'" in policy
    assert widget.csp("abc").endswith("frame-ancestors *")
    # anything that is not an origin is dropped, never pasted into the header
    hostile = widget.csp("abc", ("https://ok.example; script-src *", "javascript:alert(1)"))
    assert hostile.endswith("frame-ancestors 'none'")
    assert ";" not in hostile.split("frame-ancestors")[1]


def test_embed_js_has_no_data():
    assert "postMessage" not in widget.EMBED_JS  # it only listens
    assert "event.origin !== src.origin" in widget.EMBED_JS
    assert re.search(r"data-itinerary|data-route", widget.EMBED_JS)
