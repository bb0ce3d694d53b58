"""Property tests: random requests; every plan returned must pass the checker,
and anything else must be a clean 4xx error naming what is wrong."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.errors import Unprocessable
from chalicelib.planning import plan
from chalicelib.planning.check import check
from chalicelib.planning.settings import PlanSettings

from .conftest import build_problem

SIGHTS = [
    "alpha-garden",
    "beta-temple",
    "gamma-museum",
    "delta-bridge",
    "epsilon-park",
    "monday-hall",
    "far-lake",
    "eta-street",
]
EVENTS = ["ev-sat-evening", "ev-sat-overlap", "ev-sun-noon"]
FAST = PlanSettings(default_time_limit_s=0.5)


@st.composite
def requests(draw):
    start = date(2024, 5, 3) + timedelta(days=draw(st.integers(0, 3)))
    days = draw(st.integers(1, 3))
    trip = {start + timedelta(days=i) for i in range(days)}
    events = [
        e
        for e in draw(st.lists(st.sampled_from(EVENTS), max_size=2, unique=True))
        if date(2024, 5, 4 if "sat" in e else 5) in trip
    ]
    picked = draw(st.lists(st.sampled_from(SIGHTS), max_size=4, unique=True))
    split = draw(st.integers(0, len(picked)))
    data = {
        "start_date": start.isoformat(),
        "days": days,
        "lang": draw(st.sampled_from(["zh", "en"])),
        "mode": draw(st.sampled_from(["walk", "bike", "transit", "drive", "taxi"])),
        "pace": draw(st.sampled_from(["relaxed", "normal", "packed"])),
        "interests": draw(
            st.dictionaries(
                st.sampled_from(["history", "culture", "nature", "religion", "shopping"]), st.floats(0, 1), max_size=5
            )
        ),
        "must_visit": picked[:split][:2],
        "avoid": picked[split:],
        "events": events,
        "meals": draw(st.booleans()),
        "time_limit_s": 0.5,
        "day_start": draw(st.sampled_from(["07:30", "08:30", "10:00"])),
        "day_end": draw(st.sampled_from(["17:00", "21:00", "22:30"])),
    }
    if draw(st.booleans()):
        data["budget_cny"] = draw(st.sampled_from([0, 30, 100, 400]))
    if draw(st.booleans()):
        data["route"] = "mini-route"
    if draw(st.booleans()):
        data["want_sports"] = True
    if days > 1 and draw(st.booleans()):
        data["lodging"] = [
            draw(st.sampled_from([{"poi_id": "hotel-one"}, {"poi_id": "hotel-two"}, {"lon": 120.59, "lat": 30.01}]))
            for _ in range(days)
        ]
    return data


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=requests())
def test_every_plan_passes_the_checker(mini, data):
    try:
        result = plan(data, mini, settings=FAST)
    except Unprocessable as err:
        # only the documented infeasible cases, each naming what conflicts
        assert err.code == "infeasible" and err.details["conflicts"]
        assert set(err.details["conflicts"]) <= set(data["must_visit"]) | set(data["events"])
        return
    problem = build_problem(data, mini, FAST)
    assert check(problem, result) == []
    assert result["status"] in ("ok", "partial")
    visited = [s["poi_id"] for d in result["days"] for s in d["stops"] if s["type"] == "visit"]
    assert len(visited) == len(set(visited))
    assert not set(visited) & set(data["avoid"])
    assert set(data["must_visit"]) <= set(visited)
    if "budget_cny" in data:
        assert result["totals"]["ticket_cny"] <= data["budget_cny"]
