"""Weather plan B (issue #15 part 2): wet and hot spells keep outdoor visits out."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from chalicelib.errors import YueyouError
from chalicelib.planning import plan
from chalicelib.planning.check import check
from chalicelib.planning.problem import build
from chalicelib.planning.request import parse_request
from chalicelib.planning.travel import GeodesicTravel
from chalicelib.planning.weather import Spell, classify, spells_from_hours, without_spells

DAY = "2026-05-16"
RAIN = [{"date": DAY, "from": "08:00", "to": "21:00", "kind": "wet"}]


def outdoor_visits(result, catalog):
    return [
        s
        for d in result["days"]
        for s in d["stops"]
        if s["type"] == "visit" and catalog.pois[s["poi_id"]].setting == "outdoor"
    ]


def test_the_forecast_rules():
    assert classify(60, 0, 20) == "wet" and classify(10, 0.5, 20) == "wet"
    assert classify(59, 0.4, 34.9) == "fine" and classify(0, 0, 35) == "hot"
    assert classify(None, None, None) == "fine"
    hours = [(date(2026, 5, 16), h, "wet") for h in (10, 11, 12)] + [(date(2026, 5, 16), 15, "hot")]
    assert spells_from_hours(hours, date(2026, 5, 16), 1) == (Spell(0, 600, 780, "wet"), Spell(0, 900, 960, "hot"))
    assert without_spells(((480, 1020),), (Spell(0, 600, 780, "wet"),), 0) == ((480, 600), (780, 1020))


def test_a_rainy_day_plans_no_outdoor_visit(catalog):
    dry = plan({"start_date": DAY, "days": 1, "lang": "en"}, catalog)
    wet = plan({"start_date": DAY, "days": 1, "lang": "en", "weather": RAIN}, catalog)
    assert outdoor_visits(dry, catalog)  # a dry day does use the outdoor sights
    assert outdoor_visits(wet, catalog) == []
    assert any(u["reason_code"] == "weather" for u in wet["unscheduled"])
    assert wet["request"]["weather"] == RAIN
    assert wet["review"] == []  # the rainy day still reads well to a guide


def test_a_hot_afternoon_moves_outdoor_visits_to_the_morning(catalog):
    hot = [{"date": DAY, "from": "11:00", "to": "17:00", "kind": "hot"}]
    result = plan({"start_date": DAY, "days": 1, "weather": hot}, catalog)
    for stop in outdoor_visits(result, catalog):
        start, end = datetime.fromisoformat(stop["start"]), datetime.fromisoformat(stop["end"])
        assert end.hour * 60 + end.minute <= 11 * 60 or start.hour >= 17


def test_the_checker_proves_it(catalog):
    body = {"start_date": DAY, "days": 1, "weather": RAIN}
    dry = plan({"start_date": DAY, "days": 1}, catalog)
    problem = build(parse_request(body, catalog), catalog, GeodesicTravel())
    violations = check(problem, dict(dry, request=parse_request(body, catalog).to_json()))
    assert any("during a wet spell" in v for v in violations)


@pytest.mark.parametrize(
    "weather,field",
    [
        ("rain", "weather"),
        ([{"date": DAY, "from": "08:00", "to": "21:00"}], "weather[0]"),
        ([{"date": "2026-05-20", "from": "08:00", "to": "21:00", "kind": "wet"}], "weather[0].date"),
        ([{"date": DAY, "from": "12:00", "to": "10:00", "kind": "wet"}], "weather[0].to"),
        ([{"date": DAY, "from": "08:00", "to": "21:00", "kind": "snow"}], "weather[0].kind"),
    ],
)
def test_bad_weather_is_a_400_naming_the_field(catalog, weather, field):
    with pytest.raises(YueyouError) as refused:
        plan({"start_date": DAY, "weather": weather}, catalog)
    assert (refused.value.status, refused.value.field) == (400, field)


def test_every_day_carries_a_plan_b_for_rain(catalog):
    from chalicelib.render.card_html import card_html
    from chalicelib.render.view import plan_view

    result = plan({"start_date": DAY, "days": 2, "lang": "en"}, catalog)
    planned = {s["poi_id"] for d in result["days"] for s in d["stops"] if s.get("poi_id")}
    for day in result["days"]:
        outdoor = {s["poi_id"] for s in outdoor_visits({"days": [day]}, catalog)}
        assert {b["instead_of"] for b in day["plan_b"]} <= outdoor
        for b in day["plan_b"]:
            alt = catalog.pois[b["poi_id"]]
            assert alt.setting != "outdoor" and alt.id not in planned and b["km"] <= 6.0
    alternatives = [b for d in result["days"] for b in d["plan_b"]]
    assert alternatives  # two old-town days have outdoor visits with indoor sights nearby
    html = card_html(plan_view(result, catalog), "both", "https://example.org/plan")
    first = alternatives[0]
    assert "If it rains" in html and catalog.pois[first["poi_id"]].name.en in html
    # a rainy day planned around the weather has no outdoor visit, hence no plan B to offer
    wet = plan({"start_date": DAY, "days": 1, "weather": RAIN}, catalog)
    assert wet["days"][0]["plan_b"] == []


def test_the_pdf_card_prints_plan_b_under_the_outdoor_stop(catalog):
    import io

    from pypdf import PdfReader

    from chalicelib.render.pdf import card_pdf
    from chalicelib.render.view import plan_view

    result = plan({"start_date": DAY, "days": 1, "lang": "en"}, catalog)
    day = result["days"][0]
    assert day["plan_b"]
    text = (
        PdfReader(io.BytesIO(card_pdf(plan_view(result, catalog), "en", "https://example.org/p")))
        .pages[0]
        .extract_text()
    )
    alt = catalog.pois[day["plan_b"][0]["poi_id"]].name.en
    assert "If it rains" in text and alt.split(" ")[0] in text
