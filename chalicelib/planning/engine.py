"""The itinerary engine: request -> problem -> solve -> re-time -> check -> JSON.

``plan`` is the single entry point shared by the API, the CLI and the
benchmarks. It never returns a plan the checker has not proven.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time as _time
from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any, Optional, Union

from ..catalog.catalog import Catalog
from ..catalog.holidays import during
from ..catalog.labels import MEAL_NAMES
from ..catalog.series import events_between
from ..errors import Unprocessable, YueyouError
from ..i18n import Text
from ..timeutil import SHANGHAI, iso
from . import check, meals, solver
from . import problem as problem_mod
from .document import StopDoc
from .explain import explain
from .pace import visit_length as pace_length
from .plan_b import plan_b
from .problem import DAY, Problem
from .request import PlanRequest, hhmm, parse_request
from .restore import restore_cut_visits
from .review import review
from .settings import PlanSettings
from .timing import Item, Timed, linger, time_day
from .travel import GeodesicTravel, Point, TravelTimes, ceil_minutes, geodesic_km, provider_from_settings

ENGINE_VERSION = 1


def plan(
    request: Union[PlanRequest, Mapping[str, Any]],
    catalog: Catalog,
    travel: Optional[TravelTimes] = None,
    settings: Optional[PlanSettings] = None,
    lang: Optional[str] = None,
) -> dict[str, Any]:
    """Plan a trip; raises InvalidInput/NotFound (bad request) or Unprocessable (infeasible)."""
    started = _time.perf_counter()
    settings = settings or PlanSettings()
    req = request if isinstance(request, PlanRequest) else parse_request(request, catalog, settings)
    travel = travel or provider_from_settings(settings.osrm_url)
    lang = lang or req.lang
    prob = problem_mod.build(req, catalog, travel)
    result = solve_problem(prob, settings, travel, lang, started)
    left = req.time_limit_s - (_time.perf_counter() - started)
    if req.avoid_crowds and req.crowding is not None and req.crowding.busy and left >= YARDSTICK_MIN_S:
        # Quiet hours are preferred only when they cost little: the same trip
        # planned without avoiding crowds, in what is left of the request's
        # time limit, is the yardstick (``AVOID_COST_MINUTES_PER_DAY``).
        yardstick = dataclasses.replace(req, avoid_crowds=False, time_limit_s=left)
        plain = solve_problem(problem_mod.build(yardstick, catalog, travel), settings, travel, lang)
        if not _avoiding_is_cheap(result, plain, req.days):
            plain["id"], plain["request"] = result["id"], result["request"]  # the request as asked
            plain["notes"] = list(plain.get("notes", [])) + [AVOID_NOTE[lang]]
            result = plain
        result["solver"]["engine_ms"] = int((_time.perf_counter() - started) * 1000)
    return result


# avoid_crowds keeps the quiet-hours plan when it keeps every visit and its
# score and adds at most this many travel minutes per day to the plan that
# ignores the crowds; otherwise the busy hours are the better trip.
AVOID_COST_MINUTES_PER_DAY = 10
# Less time than this left for the yardstick: the quiet-hours plan stands unmeasured.
YARDSTICK_MIN_S = 0.1
AVOID_NOTE = {
    "zh": "部分景点在人多的时段游览：错开人流会多花较多交通时间",
    "en": "Some visits fall in busy hours: avoiding the crowds would have cost much more travel",
}


def _avoiding_is_cheap(avoiding: Mapping[str, Any], plain: Mapping[str, Any], days: int) -> bool:
    a, p = avoiding["totals"], plain["totals"]
    return (
        a["visits"] >= p["visits"]
        and a["score"] >= p["score"] - 1e-6
        and a["travel_minutes"] <= p["travel_minutes"] + AVOID_COST_MINUTES_PER_DAY * days
    )


def solve_problem(
    prob: Problem,
    settings: PlanSettings,
    travel: TravelTimes,
    lang: str,
    started: Optional[float] = None,
    meal_places: Optional[Mapping[tuple[int, str], str]] = None,
) -> dict[str, Any]:
    """Solve a built problem (with its locks, if any), re-time, render and check.

    A meal the solver left out is first tried at a restaurant near the day's
    path with exact times (``meals``; in replans, ``meal_places``: (day, meal)
    -> the previous plan's restaurant, first), then as a break at a match
    venue or next to a food place, else reported in ``unscheduled``. Waits
    are then absorbed by staying longer at the previous sight (``linger``).
    """
    started = _time.perf_counter() if started is None else started
    req = prob.request
    _raise_if_named_excluded(prob)
    if prob.model is None:
        raise RuntimeError("solve_problem needs a built problem (problem.build)")
    sol = solver.solve(prob.model, req.time_limit_s, req.seed, settings.solution_limit)
    if not sol.feasible:
        raise Unprocessable(
            "infeasible",
            Text(zh="找不到满足全部必选项的行程", en="No plan satisfies all required items"),
            details={"conflicts": list(req.must_visit) + list(req.events)},
        )
    _raise_if_mandatory_dropped(prob, sol)
    # A day stretched for optional matches keeps the traveller's hours unless it
    # attends one, then just that one's stretch (``problem._unstretched``).
    for route in sol.routes:
        d = route.vehicle
        if prob.base_windows and prob.base_windows[d] != prob.day_windows[d]:
            lo, hi = prob.base_windows[d]
            for v in route.visits:
                event = prob.tasks[v.node].event
                if event is not None and event.id in prob.event_windows:
                    elo, ehi = prob.event_windows[event.id]
                    lo, hi = min(lo, elo), max(hi, ehi)
            prob.day_windows[d] = (lo, hi)

    day_stops: list[list[Timed]] = []
    missing_meals: list[tuple[int, str, int]] = []
    day_items: list[list[Item]] = [[v.node for v in route.visits] for route in sol.routes]
    used = meals.restaurant_use(prob, day_items)
    for d, items in enumerate(day_items):
        timed = _retime(prob, d, items)
        if req.meals:
            timed, items = meals.add_restaurant_meals(prob, d, items, timed, meal_places or {}, used)
            timed, items = meals.make_room_for_meals(prob, d, items, timed, meal_places or {}, used)
            timed, items = meals.shorten_for_meals(prob, d, items, timed, meal_places or {}, used)
            timed, items = meals.add_packed_lunches(prob, d, items, timed, used)
            timed, items, missing = meals.add_meal_breaks(prob, d, items, timed)
            missing_meals += missing
        timed, items = restore_cut_visits(prob, d, items, timed)
        day_stops.append(linger(prob, d, timed))
        day_items[d] = items
    if req.meals:
        for d in meals.spread_repeats(prob, day_items, used, meal_places or {}):
            day_stops[d] = linger(prob, d, _retime(prob, d, day_items[d]))

    response = _render(prob, day_stops, day_items, sol, lang, settings, missing_meals, travel)
    check.assert_valid(prob, response)  # refuse to return an unproven plan
    # What a local guide would still circle in red (independent of the solver).
    response["review"] = [fault.to_json(lang) for fault in review(prob, response)]
    response["solver"]["engine_ms"] = int((_time.perf_counter() - started) * 1000)
    return response


def request_id(req: PlanRequest) -> str:
    canonical = json.dumps({"v": ENGINE_VERSION, "request": req.to_json()}, sort_keys=True, ensure_ascii=True)
    return "it-" + hashlib.sha256(canonical.encode()).hexdigest()[:20]


def _raise_if_named_excluded(prob: Problem) -> None:
    named = list(prob.request.must_visit) + [p for p, _ in prob.request.on_day if p not in prob.request.must_visit]
    for i, poi_id in enumerate(named):
        if poi_id in prob.excluded:
            poi = prob.catalog.pois[poi_id]
            code = prob.excluded[poi_id]
            why = (
                Text(zh="每天都不开放或时间不够", en="is not open long enough on any trip day")
                if code == "closed"
                else Text(zh="离住处太远，无法当天往返", en="is too far from the lodging to visit within a day")
            )
            raise Unprocessable(
                "infeasible",
                Text(zh=f"必去地点 {poi.name.zh} {why.zh}", en=f"Must-visit {poi.name.en} {why.en}"),
                field=f"must_visit[{i}]" if i < len(prob.request.must_visit) else f"on_day.{poi_id}",
                details={"conflicts": [poi_id]},
            )


def _raise_if_mandatory_dropped(prob: Problem, sol: solver.Solution) -> None:
    dropped = [prob.tasks[i] for i in sol.dropped if prob.tasks[i].mandatory]
    if not dropped:
        return
    ids = [t.event.id if t.event else t.poi.id for t in dropped]  # type: ignore[union-attr]
    others = [e for e in prob.request.events if e not in ids] + [p for p in prob.request.must_visit if p not in ids]
    names_zh = "、".join(t.event.title.zh if t.event else t.poi.name.zh for t in dropped)  # type: ignore[union-attr]
    names_en = ", ".join(t.event.title.en if t.event else t.poi.name.en for t in dropped)  # type: ignore[union-attr]
    raise Unprocessable(
        "infeasible",
        Text(
            zh=f"无法在行程中安排：{names_zh}（与其他必选项、开放时间或每日时间段冲突）",
            en=f"Cannot fit {names_en} into the trip (it clashes with other required items, "
            f"opening hours or the day windows)",
        ),
        field="must_visit" if not dropped[0].event else "events",
        details={"conflicts": ids + others},
    )


def _retime(prob: Problem, d: int, items: list[Item]) -> list[Timed]:
    """Exact times for the solver's order; drop optional stops only if ever needed."""
    timed = time_day(prob, d, items)
    while timed is None:  # cannot happen with the conservative matrix; kept as a safety net
        optional = [(k, i) for k, i in enumerate(items) if isinstance(i, int) and not prob.tasks[i].mandatory]
        if not optional:
            raise YueyouError(
                "plan_timing_failed", Text(zh="行程时间计算失败", en="Could not time the plan"), status=500
            )
        worst = min(optional, key=lambda ki: prob.tasks[ki[1]].prize_units)[0]
        items = items[:worst] + items[worst + 1 :]
        timed = time_day(prob, d, items)
    return timed


def _render(
    prob: Problem,
    day_stops: list[list[Timed]],
    day_items: list[list[Item]],
    sol: solver.Solution,
    lang: str,
    settings: PlanSettings,
    missing_meals: list[tuple[int, str, int]],
    travel: TravelTimes,
) -> dict[str, Any]:
    req = prob.request
    midnight = datetime.combine(prob.dates[0], time(0, 0), SHANGHAI)

    def at(minute: int) -> str:
        return iso(midnight + timedelta(minutes=minute))

    days, visited_pois, visited_events, starts = [], set(), set(), {}
    eaten: set[str] = set()  # a meal at a place that is also a sight (Xianheng Tavern) is its visit
    unconfirmed: dict[str, Text] = {}  # places whose restricted hours are general knowledge, in plan order
    score, tickets, travel_total, visits = 0.0, 0.0, 0, 0
    for d, stops in enumerate(day_stops):
        out_stops: list[StopDoc] = []
        prev_place: Optional[int] = None
        for stop in stops:
            task = prob.tasks[stop.item] if isinstance(stop.item, int) else None
            place = prob.places[stop.place]
            entry: StopDoc = {
                "type": stop.kind,
                "poi_id": place.poi_id if stop.kind != "meal" or task else None,
                "event_id": None,
                "name": place.name.get(lang),
                "lon": place.lon,
                "lat": place.lat,
                "arrive": at(stop.arrive),
                "start": at(stop.start),
                "end": at(stop.end),
                "depart": at(stop.depart),
                "travel": None
                if prev_place is None
                else {
                    "mode": prob.leg_mode(prev_place, stop.place) if stop.travel_minutes else "none",
                    "minutes": stop.travel_minutes,
                    "km": round(stop.travel_km, 2),
                },
                "ticket_cny": None,
            }
            if task is not None and task.poi is not None and task.kind in ("visit", "meal"):
                entry["hours_confidence"] = task.poi.hours_confidence
                if task.poi.hours_unconfirmed:
                    unconfirmed.setdefault(task.poi.id, task.poi.name)
            trip = None if prev_place is None else prob.rail_legs.get((prev_place, stop.place))
            if trip is not None and entry["travel"] is not None and stop.travel_minutes:
                entry["travel"]["rail"] = trip.to_json(prob.catalog, lang)
            if task is not None and task.kind == "visit":
                entry["ticket_cny"] = task.ticket
                entry["category"] = task.the_poi.category
                if task.the_poi.id in prob.meal_cut and stop.end - stop.start < prob.visit_length(task.the_poi)[0]:
                    entry["shortened"] = True
                if prob.request.crowding is not None:
                    busy = prob.request.crowding.hours("busy", task.the_poi.id, d)
                    lo, hi = stop.start - d * DAY, stop.end - d * DAY
                    entry["crowd"] = "busy" if any(h * 60 < hi and lo < h * 60 + 60 for h in busy) else "quiet"
                visited_pois.add(task.the_poi.id)
                starts[task.the_poi.id] = stop.start
                score += task.prize_units
                tickets += task.ticket or 0.0
                visits += 1
            elif task is not None and task.kind == "event":
                ev = task.the_event
                entry["event_id"] = ev.id
                entry["name"] = ev.title.get(lang)
                entry["ticket_cny"] = ev.ticket_cny
                entry["venue"] = place.name.get(lang)
                entry["event_kind"] = ev.kind
                if ev.estimated:
                    entry["time_estimated"] = True
                if ev.sport is not None:
                    entry["sport"] = ev.sport
                visited_events.add(ev.id)
                score += task.prize_units
                tickets += ev.ticket_cny or 0.0
            elif stop.kind == "meal":
                meal = (task.meal if task else stop.item.meal) or "lunch"  # type: ignore[union-attr]
                entry["meal"] = meal
                if task is not None and task.poi is not None:
                    eaten.add(task.poi.id)
                if task is not None and task.packed:
                    entry["packed"] = True
                if task is None:
                    entry["name"] = Text(
                        zh=f"{MEAL_NAMES[meal].zh}（就地休息）", en=f"{MEAL_NAMES[meal].en.capitalize()} break"
                    ).get(lang)
            if prev_place is not None:
                travel_total += stop.travel_minutes
            out_stops.append(entry)
            prev_place = stop.place
        night = prob.places[prob.lodging_places[d]]
        days.append(
            {
                "date": prob.dates[d].isoformat(),
                "window": {"start": at(prob.day_windows[d][0]), "end": at(prob.day_windows[d][1])},
                "lodging": {"poi_id": night.poi_id, "name": night.name.get(lang), "lon": night.lon, "lat": night.lat},
                "stops": out_stops,
            }
        )
    for day_doc, alternatives in zip(days, plan_b(prob, days, lang)):
        day_doc["plan_b"] = alternatives
    unscheduled = explain(
        prob,
        visited_pois,
        visited_events,
        starts,
        tickets,
        missing_meals,
        settings.explain_top_n,
        day_items,
        frozenset(eaten),
    )
    partial = any(u.named for u in unscheduled)
    notes = []
    for d, (lo, hi) in enumerate(prob.day_windows):
        # (wider only: the rail service span may also narrow a day)
        if lo < d * DAY + req.window(d)[0] or hi > d * DAY + req.window(d)[1]:
            # name what it was stretched for: a match, or a show (the Shen Garden night)
            titles = [
                prob.tasks[stop.item].the_event.title
                for stop in day_stops[d]
                if stop.kind == "event" and isinstance(stop.item, int)
            ]
            what = (
                Text(zh="、".join(t.zh for t in titles), en=", ".join(t.en for t in titles))
                if titles
                else Text(zh="赛事", en="the match")
            )
            notes.append(
                Text(
                    zh=f"{prob.dates[d]} 的时间段已为{what.zh}延长",
                    en=f"The day window of {prob.dates[d]} was stretched to fit {what.en}",
                ).get(lang)
            )
    for d, cut_for in sorted(prob.meal_short_days.items()):
        meal_names = Text(
            zh="和".join(MEAL_NAMES[m].zh for m in cut_for), en=" and ".join(MEAL_NAMES[m].en for m in cut_for)
        )
        notes.append(
            Text(
                zh=f"{prob.dates[d]}：为留出{meal_names.zh}时间，当天景点的游览时间略有缩短",
                en=f"{prob.dates[d]}: the day's visits are a little shorter to leave time for {meal_names.en}",
            ).get(lang)
        )
    for d, timed in enumerate(day_stops):
        # A late first departure is the plan's choice (every sight within reach
        # has its day), not a gap to explain away: say it is a free morning.
        leave = timed[0].depart
        if len(timed) > 2 and leave - prob.day_windows[d][0] >= FREE_MORNING_MINUTES:
            home, clock = prob.places[timed[0].place].name, hhmm(leave - d * DAY)
            notes.append(
                Text(
                    zh=f"{prob.dates[d]}：上午自由安排，{clock} 从{home.zh}出发",
                    en=f"{prob.dates[d]}: a free morning; the plan leaves {home.en} at {clock}",
                ).get(lang)
            )
    notes += _day_notes(prob, day_stops, lang)
    notes += _holiday_notes(prob, starts, lang)
    notes += _booking_notes(prob, starts, lang)
    if unconfirmed:
        names = list(unconfirmed.values())
        notes.append(
            Text(
                zh=f"以下 {len(names)} 处的开放时间为同类场所的一般时间，未经来源核实（hours_confidence: general），"
                f"出发前请先确认：{'、'.join(n.zh for n in names)}",
                en=f"Opening hours of {len(names)} places in this plan are typical hours for such a place, not "
                f"confirmed by a source (hours_confidence: general); check before you go: "
                f"{', '.join(n.en for n in names)}",
            ).get(lang)
        )
    notes += _dated_events(prob, visited_pois, lang)
    notes += _evening_options(prob, day_stops, visited_events, lang)
    for warning in getattr(travel, "warnings", []):
        notes.append(warning)
    return {
        "id": request_id(req),
        "status": "partial" if partial else "ok",
        "lang": lang,
        "request": req.to_json(),
        "days": days,
        "unscheduled": [u.to_json(lang) for u in unscheduled],
        "totals": {"score": round(score, 3), "travel_minutes": travel_total, "ticket_cny": tickets, "visits": visits},
        "solver": {
            "status": sol.status,
            "wall_ms": sol.wall_ms,
            "objective": sol.objective,
            "seed": req.seed,
            "time_limit_s": req.time_limit_s,
        },
        "notes": notes,
    }


# A day whose plan leaves the lodging this long after the day's window opens
# says it starts with a free morning (a week from one old-town hotel: 11:00).
FREE_MORNING_MINUTES = 120


def _dated_events(prob: Problem, visited: set[str], lang: str) -> list[str]:
    """Festivals on the trip's dates with no published time: never a stop, but
    worth a line when the traveller asked for that kind or visits the place."""
    req = prob.request
    out = []
    for e in events_between(prob.catalog.events, prob.dates[0], prob.dates[-1]):
        if e.timed or e.status != "scheduled" or not (e.kind in req.want_events or e.venue_id in visited):
            continue
        place = prob.catalog.pois[e.venue_id].name
        day = e.start.date().isoformat()
        out.append(
            Text(
                zh=f"{day}：{e.title.zh}在{place.zh}举行（时间待定，出行前请核实）",
                en=f"{day}: {e.title.en} at {place.en} (time to be confirmed: check before you go)",
            ).get(lang)
        )
    return out


def _day_notes(prob: Problem, day_stops: list[list[Timed]], lang: str) -> list[str]:
    """What a day's stops cannot say by themselves: a packed lunch is bought
    in the morning and eaten on the long visit after it (the stop alone reads
    as "lunch 08:56-09:06"), and a route day's visits are shorter than usual
    so that the day holds its stretch of the route (``Problem.short_visits``)."""
    out = []
    for d, timed in enumerate(day_stops):
        for k, stop in enumerate(timed):
            task = prob.tasks[stop.item] if isinstance(stop.item, int) else None
            if task is None or not task.packed:
                continue
            eaten = next(
                (v for v in timed[k + 1 :] if v.kind == "visit" and meals.spans_lunch(prob, d, v.start, v.end)),
                None,
            )
            if eaten is None:
                continue
            shop, sight = task.the_poi.name, prob.tasks[eaten.item].the_poi.name  # type: ignore[index]
            at, span = hhmm(stop.start - d * DAY), f"{hhmm(eaten.start - d * DAY)}-{hhmm(eaten.end - d * DAY)}"
            out.append(
                Text(
                    zh=f"{prob.dates[d]}：午餐外带，{at} 在{shop.zh}买好，游览{sight.zh}（{span}）时吃",
                    en=f"{prob.dates[d]}: a packed lunch, bought at {shop.en} at {at} and eaten during {sight.en} "
                    f"({span})",
                ).get(lang)
            )
        short = []
        for stop in timed:
            task = prob.tasks[stop.item] if isinstance(stop.item, int) else None
            if task is None or task.kind != "visit" or task.the_poi.id not in prob.short_visits:
                continue
            full = pace_length(task.the_poi, prob.request.pace)[0]
            if stop.end - stop.start < full:
                short.append((task.the_poi.name, stop.end - stop.start, full))
        if short:
            out.append(
                Text(
                    zh=f"{prob.dates[d]}：为在当天走完这一段线路，游览时间比平常短："
                    + "、".join(f"{n.zh}（{a}/{b} 分钟）" for n, a, b in short),
                    en=f"{prob.dates[d]}: visits are shorter than usual so that the day holds its stretch of the "
                    "route: " + ", ".join(f"{n.en} ({a} of {b} min)" for n, a, b in short),
                ).get(lang)
            )
    return out


def _holiday_notes(prob: Problem, starts: dict[str, int], lang: str) -> list[str]:
    """One line per public holiday the trip overlaps (``catalog.holidays``:
    the State Council's days off): a guide warns that the main sights are at
    their busiest and that booking slots run out, naming the places the plan
    visits on those days that need booking."""
    out = []
    for holiday, days in during(prob.catalog.holidays, prob.dates):
        booked = [
            prob.catalog.pois[p].name
            for p, start in sorted(starts.items(), key=lambda kv: (kv[1], kv[0]))
            if prob.dates[start // DAY] in days
            and (r := prob.catalog.pois[p].reservation) is not None
            and r.required is True
        ]
        span = f"{days[0]}" if len(days) == 1 else f"{days[0]} - {days[-1]}"
        book_zh = "，请尽早预约：" + "、".join(n.zh for n in booked) if booked else ""
        book_en = "; book early: " + ", ".join(n.en for n in booked) if booked else ""
        out.append(
            Text(
                zh=f"{span}：{holiday.name.zh}假期（{holiday.start} 至 {holiday.end} 放假），主要景点人多，"
                f"门票和预约名额可能提前约满{book_zh}",
                en=f"{span}: {holiday.name.en} public holiday ({holiday.start} to {holiday.end}): the main sights "
                f"are at their busiest and tickets and booking slots run out{book_en}",
            ).get(lang)
        )
    return out


def _booking_notes(prob: Problem, starts: dict[str, int], lang: str) -> list[str]:
    """One line per visited place a dated source says must be booked ahead
    (Lu Xun Native Place: free, but a real-name booking on WeChat), in visit
    order, with the day and how: a guide reminds the traveller before the
    trip, and on a Golden Week day the slots run out."""
    out = []
    for poi_id, start in sorted(starts.items(), key=lambda kv: (kv[1], kv[0])):
        poi = prob.catalog.pois[poi_id]
        booking = poi.reservation
        if booking is None or booking.required is not True:
            continue
        day = prob.dates[start // DAY].isoformat()
        how = booking.how or Text(zh="需提前预约", en="booking required")
        year = Text(zh=f"（{booking.as_of}年资料）", en=f" (as of {booking.as_of})") if booking.as_of else Text("", "")
        out.append(
            Text(
                zh=f"{day}：{poi.name.zh}需提前预约：{how.zh}{year.zh}",
                en=f"{day}: book ahead for {poi.name.en}: {how.en}{year.en}",
            ).get(lang)
        )
    return out


EVENING_KM = 3.0  # a show this close to the night's lodging is an evening out, not a trip
EVENING_MARGIN = 15  # minutes to spare between the day's last stop (and the way there) and the show


def _evening_options(prob: Problem, day_stops: list[list[Timed]], attended: set[str], lang: str) -> list[str]:
    """Shows (the nightly Shen Garden show) on evenings the plan leaves free,
    near that night's lodging: one line per show, naming the dates. Not a
    stop unless asked for (``want_events``: a ticket of 80-138 CNY is the
    traveller's choice), but a guide mentions them."""
    req = prob.request
    if "show" in req.want_events:
        return []  # asked for: the solver planned or explained them
    free: dict[str, list[Any]] = {}
    for e in events_between(prob.catalog.events, prob.dates[0], prob.dates[-1]):
        if e.kind != "show" or not e.timed or e.status != "scheduled" or e.id in attended:
            continue
        d = (e.start.date() - prob.dates[0]).days
        if not 0 <= d < len(day_stops) or not day_stops[d]:
            continue
        start = e.start.hour * 60 + e.start.minute
        end = start + int((e.end - e.start).total_seconds() // 60)
        home, venue = prob.places[prob.lodging_places[d]], prob.catalog.pois.get(e.venue_id)
        if venue is None or geodesic_km(Point(home.lon, home.lat), Point(venue.lon, venue.lat)) > EVENING_KM:
            continue
        at = prob.place_index.get(venue.id)
        last = day_stops[d][-2] if len(day_stops[d]) >= 2 else day_stops[d][-1]  # after dinner, or the lodging
        if at is None or end > req.window(d)[1]:
            continue
        if last.depart - d * DAY + ceil_minutes(prob.base[last.place][at]) + EVENING_MARGIN <= start:
            free.setdefault(e.title.en, []).append(e)
    out = []
    for shows in free.values():
        e, place = shows[0], prob.catalog.pois[shows[0].venue_id].name
        hours = f"{e.start:%H:%M}-{e.end:%H:%M}"
        dates = ", ".join(f"{x.start:%m-%d}" for x in shows)
        out.append(
            Text(
                zh=f"晚间可选：{e.title.zh}，{place.zh}，{hours}（{dates}，晚上有空且离住处不远；未排入行程，"
                f"想安排请勾选“加入节庆、典礼和演出”，接口请求则在 want_events 中加入 show）",
                en=f"Evening option: {e.title.en} at {place.en}, {hours} ({dates}: free evenings near your "
                f"lodging; not in the plan: tick \"Add festivals, ceremonies and shows\" to plan it, or in an "
                f"API request add \"show\" to want_events)",
            ).get(lang)
        )
    return out


__all__ = ["plan", "solve_problem", "request_id", "GeodesicTravel"]
