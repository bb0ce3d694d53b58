"""want_sports as a wish: one session of each named sport, evening matches
stretch only their own day, the venue is not toured again, and the checker
and the review each prove their side independently of the solver."""

from __future__ import annotations

import copy
from datetime import datetime

import pytest

from chalicelib.planning import plan
from chalicelib.planning.check import check
from chalicelib.planning.review import review
from chalicelib.timeutil import iso

from .conftest import build_problem

# Softball sessions at 09:00, 11:30, 15:30 and 19:00 every day of these dates.
SOFTBALL = {"start_date": "2023-09-26", "days": 3, "mode": "transit", "want_sports": ["softball"], "lang": "en"}
# Baseball only at 18:30 (three hours): past the default 21:00 day end.
BASEBALL = {"start_date": "2023-09-26", "days": 3, "want_sports": ["baseball"], "lang": "en"}


def events(result):
    return [s for day in result["days"] for s in day["stops"] if s["type"] == "event"]


@pytest.fixture(scope="module")
def softball(real, fast):
    return plan(SOFTBALL, real, settings=fast), build_problem(SOFTBALL, real, fast)


@pytest.fixture(scope="module")
def baseball(real, fast):
    return plan(BASEBALL, real, settings=fast), build_problem(BASEBALL, real, fast)


def test_a_named_sport_gets_one_session(softball, real):
    result, problem = softball
    attended = events(result)
    assert len(attended) == 1
    assert real.events[attended[0]["event_id"]].sport == "softball"
    assert not [f for f in result["review"] if f["code"] in ("wish_unmet", "silent_wish")]
    # an optional session never makes the traveller leave before day_start
    assert all(day["stops"][0]["depart"][11:16] >= "08:30" for day in result["days"])
    assert check(problem, result) == []


def test_the_match_is_the_venue_visit(softball, real):
    result, _ = softball
    venue = real.events[events(result)[0]["event_id"]].venue_id
    visits = [s for day in result["days"] for s in day["stops"] if s["type"] == "visit"]
    assert venue not in {s["poi_id"] for s in visits}


def test_an_evening_match_stretches_its_own_day_only(baseball, real):
    result, problem = baseball
    (match,) = events(result)
    day_of = match["start"][:10]
    assert match["start"][11:16] == "18:30"
    for day in result["days"]:
        end = day["stops"][-1]["arrive"]
        if day["date"] == day_of:
            assert day["window"]["end"][11:16] > "21:00" and end[11:16] > "21:00"
        else:
            assert day["window"]["end"][11:16] == "21:00" and end[11:16] <= "21:00"
    assert any("stretched" in n for n in result["notes"] if isinstance(n, str))
    assert check(problem, result) == []


def test_the_checker_refuses_a_late_day_without_a_match(baseball):
    result, problem = baseball
    tampered = copy.deepcopy(result)
    quiet = next(day for day in tampered["days"] if not any(s["type"] == "event" for s in day["stops"]))
    end = quiet["stops"][-1]
    for key in ("arrive", "start", "end", "depart"):
        end[key] = iso(datetime.fromisoformat(quiet["date"] + "T21:30:00+08:00"))
    # ``problem`` was built apart from the plan: its day windows are the
    # stretched ones, so only the traveller's-hours rule can catch this
    assert any("outside the traveller's day window" in e for e in check(problem, tampered))
    assert not any("outside the traveller's day window" in e for e in check(problem, result))


def test_the_review_finds_a_wish_left_out(softball):
    result, problem = softball
    tampered = copy.deepcopy(result)
    for day in tampered["days"]:
        day["stops"] = [s for s in day["stops"] if s["type"] != "event"]
    found = [f for f in review(problem, tampered) if f.code == "wish_unmet"]
    assert len(found) == 1 and found[0].value >= 1
    assert not [f for f in review(problem, result) if f.code == "wish_unmet"]


def test_no_fault_when_every_session_clashes_with_a_match_attended(real, fast):
    # A required softball session attended: the wish is met by it.
    data = {**SOFTBALL, "days": 1, "events": ["ag2023-softball-2023-09-26-0900"]}
    result = plan(data, real, settings=fast)
    assert [e["event_id"] for e in events(result)][0] == "ag2023-softball-2023-09-26-0900"
    assert not [f for f in result["review"] if f["code"] == "wish_unmet"]
