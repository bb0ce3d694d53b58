"""Why a candidate is not in the plan: reason codes and bilingual reasons.

Only the candidates the traveller cares about are explained: everything they
named (route stops, wanted matches, missing meals) plus the top-N left-out
candidates by prize. Listing all 80 catalog entries would hide the signal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional

from ..catalog.labels import MEAL_NAMES, SPORT_NAMES
from ..i18n import Text
from .pace import PACE
from .problem import DAY, Problem
from .request import hhmm
from .timing import Item, time_day
from .travel import Point, geodesic_km

REASONS: dict[str, Text] = {
    "closed": Text(
        zh="{name}在行程期间每天都不开放（或开放时间不够游览）",
        en="{name} is closed, or open too briefly for a visit, on every day of the trip",
    ),
    "match_days": Text(
        zh="{name}在行程的每一天都有比赛，比赛日只凭票入场观赛，不能参观",
        en="{name} holds matches on every day of the trip: on match days only ticket holders go in, for their session",
    ),
    "too_far": Text(
        zh="{name}离住处太远，一天之内无法往返游览",
        en="{name} is too far from your lodging to visit and return within a day",
    ),
    "dark": Text(
        zh="{name}是户外景点，行程中开放的时段都在天黑之后（或白天时间不够游览）",
        en="{name} is outdoors and open only after dark (or too briefly in daylight) on the trip days",
    ),
    "capacity": Text(
        zh="{name}在行程期间已约满（剩余名额不够整个团队）",
        en="{name} is fully booked on the trip days (not enough places left for the whole group)",
    ),
    "off_route": Text(
        zh="{name}离线路各天经过的路段和住处都较远",
        en="{name} is away from every day's stretch of the route and its lodging",
    ),
    "no_time": Text(zh="按当前节奏，行程中已没有时间安排{name}", en="There is no time left for {name} at this pace"),
    "detour": Text(
        zh="{name}可以排进 {date}，但要多花约 {extra} 分钟在路上（游览约 {visit} 分钟），为少走路程没有安排；"
        "想去请用“加入必去地点”（must_visit）",
        en="{name} would fit on {date}, but it adds about {extra} min on the road for a visit of about {visit} min, "
        "so the plan leaves it out to keep travel down; use \"Add a must-visit\" (must_visit) to include it",
    ),
    "close_call": Text(
        zh="{name}也可以排进 {date}（{road}，游览约 {visit} 分钟），只是权衡全程后没有选它，差别不大；"
        "想去请用“加入必去地点”（must_visit）",
        en="{name} would also fit on {date} ({road}, a visit of about {visit} min): a close call, left out "
        "in favour of the rest of the plan; use \"Add a must-visit\" (must_visit) to include it",
    ),
    "part_visited": Text(
        zh="{name}属于行程中已游览的{other}，不再重复安排",
        en="{name} is part of {other}, which the plan visits already",
    ),
    "contains_visited": Text(
        zh="行程中已游览的{other}就在{name}之内；两者只安排其一，不把同一处地方排两次（想整体游览{name}请用“加入必去地点”）",
        en="{name} contains {other}, which the plan visits: the plan takes one of the two, never the same place "
        "twice (use \"Add a must-visit\" for the whole of {name})",
    ),
    "budget": Text(
        zh="{name}的门票（{ticket} 元）超出剩余预算",
        en="The {name} ticket ({ticket} CNY) does not fit the remaining budget",
    ),
    "route_order": Text(
        zh="{name}在开放的日子里无法按线路顺序安排", en="{name} cannot be fitted in route order on the days it is open"
    ),
    "conflict": Text(zh="{name}与已安排的赛事时间冲突", en="{name} clashes with a match already in the plan"),
    "meal_conflict": Text(
        zh="{date} 没有另排{meal}：{meal}时段正值行程中的赛事“{name}”（含入场排队时间），可在场馆内用餐",
        en="No separate {meal} on {date}: {meal} time falls during {name}, which is in the plan (gates included); "
        "eat at the venue",
    ),
    "meal_no_restaurant": Text(
        zh="{date} {meal}时段您在{place}附近，我们没有收录附近那时营业的餐馆；最近的是{food}（约 {km} 公里），"
        "建议自备食物或提前用餐",
        en="No restaurant we know of near {place} serves {meal} on {date}; the nearest that does is {food} "
        "(about {km} km): bring food or eat earlier",
    ),
    "weather": Text(
        zh="{name}在户外，而它开放的时段预报有雨或高温；雨天可改去室内景点",
        en="{name} is outdoors and the forecast is wet or hot whenever it is open: an indoor sight is the plan B",
    ),
    "access_unknown": Text(
        zh="{name}的无障碍情况没有可靠来源，无台阶行程不安排它",
        en="{name}: no source says it is step-free, so a step-free trip leaves it out",
    ),
    "not_step_free": Text(
        zh="{name}有台阶或只有部分无障碍通道，不符合本次行程的通行需求",
        en="{name} has steps or is only partly step-free, which this trip's access needs rule out",
    ),
    "meal_no_step_free": Text(
        zh="{date} {meal}：我们没有收录确认无台阶的餐馆，请自备或现场确认",
        en="{meal} on {date}: no restaurant we know of is confirmed step-free; bring food or ask on the spot",
    ),
    "no_sessions": Text(
        zh="行程日期（{start} 至 {end}）内没有{sport}场次；最近的场次是 {date} 的“{title}”（{venue}）",
        en="No {sport} sessions fall in the trip dates ({start} to {end}); the nearest on record is "
        "{title} on {date} at {venue}",
    ),
    "meal_no_time": Text(
        zh="{date} 的{meal}没有合适的时间或餐馆", en="No restaurant or free time for {meal} on {date}"
    ),
    "meal_day_full": Text(
        zh="{date} 的游览和路程占满了{meal}时段（{window}），没有时间用{meal}；{place}附近的{food}那时营业，"
        "想在那里用餐可缩短一处游览",
        en="No time for {meal} on {date}: the day's visits and roads fill {meal} time ({window}); {food} near "
        "{place} serves {meal} then, if you shorten a visit",
    ),
    "meal_late": Text(
        zh="{date} 的行程 {time} 才到{place}，来不及在{meal}时段（{window}）内用{meal}；附近的{food}（约 {km} 公里）"
        "营业到 {close}，可在那里晚些用{meal}",
        en="The plan for {date} reaches {place} only at {time}, too late for {meal} within {meal} time ({window}); "
        "{food} (about {km} km from it) is open until {close}: a late {meal} there",
    ),
    "meal_outside_day": Text(
        zh="{date} 的行程{when}：{meal}请自行安排，最近的已收录餐馆是{food}（约 {km} 公里）",
        en="The plan for {date} {when}: {meal} is yours to choose; the nearest restaurant we know is {food} "
        "(about {km} km)",
    ),
}
# How a day misses a meal window entirely (``meal_outside_day``).
DAY_ENDS = Text(zh="在 {time} 回到{place}，{meal}时段之前", en="ends at {place} at {time}, before {meal} time")
DAY_STARTS = Text(
    zh="从{place}出发时已是 {time}，{meal}时段已过", en="starts from {place} only at {time}, after {meal} time"
)


@dataclass(frozen=True)
class Unscheduled:
    poi_id: Optional[str]
    event_id: Optional[str]
    code: str
    reason: Text
    named: bool  # the traveller asked for it (route, want_sports, meals)
    meal: Optional[str] = None
    date: Optional[str] = None
    extra_minutes: Optional[int] = None  # ``detour``: travel the cheapest fit adds on ``date``

    def to_json(self, lang: str) -> dict[str, Any]:
        out: dict[str, Any] = {"poi_id": self.poi_id, "reason_code": self.code, "reason": self.reason.get(lang)}
        if self.event_id:
            out["event_id"] = self.event_id
        if self.meal:
            out["meal"], out["date"] = self.meal, self.date
        if self.extra_minutes is not None:
            out["date"], out["extra_minutes"] = self.date, self.extra_minutes
        return out


def explain(
    problem: Problem,
    visited_pois: set[str],
    visited_events: set[str],
    starts: dict[str, int],
    tickets_used: float,
    missing_meals: list[tuple[int, str, int]],
    top_n: int,
    day_items: Optional[Sequence[Sequence[Item]]] = None,
    eaten: frozenset[str] = frozenset(),
) -> list[Unscheduled]:
    """``day_items``: the plan's days (task indices and breaks, as timed);
    with them a left-out sight that would fit somewhere is explained by the
    travel it adds (``detour``), not as "no time left", and a meal missed
    because the day is over (or not begun) says so (``meal_outside_day``).
    ``eaten``: places the plan eats at; never "left out", but a lunch at
    Xianheng Tavern is no visit of Lu Xun Native Place around it."""
    req, catalog = problem.request, problem.catalog
    route = catalog.routes[req.route] if req.route else None
    route_ids = list(route.stop_ids) if route else []
    out: list[Unscheduled] = []

    def reason_for(poi_id: str) -> str:
        if poi_id in problem.excluded:
            return problem.excluded[poi_id]
        poi = catalog.pois[poi_id]
        if (
            req.budget_cny is not None
            and (poi.ticket_cny or 0) > 0
            and tickets_used + (poi.ticket_cny or 0) > req.budget_cny + 1e-9
        ):
            return "budget"
        if poi_id in route_ids and route is not None and route.ordered:
            if _outside_route_order(problem, poi_id, route_ids, starts):
                return "route_order"
        if _nested_with(poi_id) is not None:
            return "part_visited" if poi.part_of in visited_pois else "contains_visited"
        return "no_time"

    def _nested_with(poi_id: str) -> Any:
        """The visited place this one is part of, or a visited part of it
        (the model lets only one of the two in: ``exclusive``)."""
        poi = catalog.pois[poi_id]
        if poi.part_of in visited_pois:
            return catalog.pois[poi.part_of]
        parts = sorted(p for p in visited_pois if p in catalog.pois and catalog.pois[p].part_of == poi_id)
        return catalog.pois[parts[0]] if parts else None

    def add(poi_id: str, named: bool) -> None:
        code = reason_for(poi_id)
        poi = catalog.pois[poi_id]
        fmt: dict[str, Any] = {"ticket": _num(poi.ticket_cny), "date": "", "extra": "", "visit": "", "road": ""}
        # Route stops keep their reason: their place in the day is the route's order.
        fit = _cheapest_fit(problem, poi_id, day_items) if code == "no_time" and day_items and not named else None
        if fit is not None:
            # A few minutes more on the road is no reason to leave a sight out:
            # the search weighed it against the rest of the trip (a close call).
            code = "close_call" if fit[1] <= CLOSE_CALL_MINUTES else "detour"
            fmt.update(date=problem.dates[fit[0]].isoformat(), extra=fit[1], visit=fit[2])
        text = REASONS[code]
        if code == "close_call":
            road = CLOSE_ROAD if fit and fit[1] else NO_MORE_ROAD
            text = Text(
                zh=text.zh.replace("{road}", road.zh.format(extra=fmt["extra"])),
                en=text.en.replace("{road}", road.en.format(extra=fmt["extra"])),
            )
        other = _nested_with(poi_id)
        names = (other.name.zh, other.name.en) if other is not None else ("", "")
        out.append(
            Unscheduled(
                poi_id,
                None,
                code,
                Text(
                    zh=text.zh.format(name=poi.name.zh, other=names[0], **fmt),
                    en=text.en.format(name=poi.name.en, other=names[1], **fmt),
                ),
                named,
                date=fmt["date"] or None,
                extra_minutes=fit[1] if fit is not None else None,
            )
        )

    listed = set()
    # a match watched at a venue on the route is that stop's visit
    venues = {catalog.events[e].venue_id for e in visited_events if e in catalog.events}
    for poi_id in route_ids:
        if poi_id not in visited_pois | eaten and poi_id not in venues and poi_id not in req.avoid:
            add(poi_id, True)
            listed.add(poi_id)
    # A wanted sport the plan attends a session of is a wish met: its other
    # sessions are not "left out" (the venues trip listed seven of them).
    seen_sports = {
        t.event.sport for t in problem.tasks if t.kind == "event" and t.event and t.event.id in visited_events
    }
    for task in problem.tasks:
        if (
            task.kind == "event"
            and task.event
            and task.event.id not in visited_events
            and not task.mandatory
            and task.event.sport not in seen_sports
        ):
            if req.want_sports and len(req.want_sports) < 5:  # the traveller named sports: explain matches
                clash = any(
                    _overlaps(task, other)
                    for other in problem.tasks
                    if other.kind == "event" and other.event and other.event.id in visited_events
                )
                code = "conflict" if clash else "no_time"
                title = task.event.title
                out.append(
                    Unscheduled(
                        task.event.venue_id,
                        task.event.id,
                        code,
                        Text(
                            zh=REASONS[code].zh.format(name=title.zh, ticket=""),
                            en=REASONS[code].en.format(name=title.en, ticket=""),
                        ),
                        True,
                    )
                )
    for d, meal, place in missing_meals:
        date = problem.dates[d].isoformat()
        name = MEAL_NAMES[meal]
        clash = _meal_clash(problem, d, meal, visited_events)
        if clash is not None:  # a consequence of the chosen match, not a gap in the plan
            out.append(
                Unscheduled(
                    None,
                    clash.id,
                    "conflict",
                    Text(
                        zh=REASONS["meal_conflict"].zh.format(date=date, meal=name.zh, name=clash.title.zh),
                        en=REASONS["meal_conflict"].en.format(date=date, meal=name.en, name=clash.title.en),
                    ),
                    False,
                    meal=meal,
                    date=date,
                )
            )
            continue
        if req.access is not None and req.access.levels is not None:
            text = REASONS["meal_no_step_free"]
            out.append(
                Unscheduled(
                    None,
                    None,
                    "meal_no_step_free",
                    Text(
                        zh=text.zh.format(date=date, meal=name.zh),
                        en=text.en.format(date=date, meal=name.en.capitalize()),
                    ),
                    True,
                    meal=meal,
                    date=date,
                )
            )
            continue
        near = _nearest_food(problem, place, d, meal)
        outside = _outside_day(problem, d, meal, day_items[d]) if day_items else None
        if outside is not None:
            food, km = _food_hint(near, 1)
            text = REASONS["meal_outside_day"]
            out.append(
                Unscheduled(
                    near[0].id if near else None,
                    None,
                    "meal_outside_day",
                    Text(
                        zh=text.zh.format(date=date, when=outside.zh, meal=name.zh, food=food.zh, km=km),
                        en=text.en.format(date=date, when=outside.en, meal=name.en, food=food.en, km=km),
                    ),
                    True,
                    meal=meal,
                    date=date,
                )
            )
            continue
        gap = _meal_gap(problem, d, meal, day_items[d]) if day_items else None
        if gap is not None:
            code, text, food_id = gap
            out.append(Unscheduled(food_id, None, code, text, True, meal=meal, date=date))
            continue
        if near is None or near[1] > MEAL_NEAR_KM:
            here = problem.places[place].name
            food, km = _food_hint(near, 0)
            out.append(
                Unscheduled(
                    near[0].id if near else None,
                    None,
                    "meal_no_restaurant",
                    Text(
                        zh=REASONS["meal_no_restaurant"].zh.format(
                            date=date, meal=name.zh, place=here.zh, food=food.zh, km=km
                        ),
                        en=REASONS["meal_no_restaurant"].en.format(
                            date=date, meal=name.en, place=here.en, food=food.en, km=km
                        ),
                    ),
                    True,
                    meal=meal,
                    date=date,
                )
            )
            continue
        out.append(
            Unscheduled(
                None,
                None,
                "no_time",
                Text(
                    zh=REASONS["meal_no_time"].zh.format(date=date, meal=name.zh),
                    en=REASONS["meal_no_time"].en.format(date=date, meal=name.en),
                ),
                True,
                meal=meal,
                date=date,
            )
        )
    out += _no_sessions(problem)
    # Top-N by prize among the interesting candidates left out.
    scored = []
    for poi in catalog.pois.values():
        if (
            poi.id in visited_pois | eaten
            or poi.id in listed
            or poi.id in req.avoid
            or poi.category in ("lodging", "food")
        ):
            continue
        units = req.interest(poi.category) * poi.weight
        if units > 0 and (poi.category != "venue"):
            scored.append((-units, poi.id))
    ranked = [poi_id for _, poi_id in sorted(scored)]
    # ... and the best ones near where the traveller sleeps: a Shangyu stay
    # that commutes to the old town says why Cao E Temple, 2 km from its
    # hotel, is not in the plan (a guide asked; the top-N by interest
    # listed only old-town sights).
    homes = [problem.places[p] for p in sorted(set(problem.lodging_places))]

    def from_home(poi_id: str) -> float:
        poi = catalog.pois[poi_id]
        return min(geodesic_km(Point(h.lon, h.lat), Point(poi.lon, poi.lat)) for h in homes)

    local = sorted((km, p) for km, p in ((from_home(p), p) for p in ranked[top_n:]) if km <= NEAR_LODGING_KM)
    for poi_id in ranked[:top_n] + [p for _, p in local[:NEAR_LODGING_EXTRA]]:
        add(poi_id, False)
    return out


# Besides the top-N, the nearest left-out sights (up to this many) within
# this distance (straight line) of a night's lodging are explained.
NEAR_LODGING_KM = 15.0
NEAR_LODGING_EXTRA = 2


LATE_MEAL_MINUTES = 30  # a restaurant open this long after a late arrival is named for a late meal
MEAL_NEAR_KM = 5.0  # farther than this, a missing meal is reported as "no restaurant near"


def _food_hint(near: Optional[tuple[Any, float]], digits: int) -> tuple[Text, str]:
    """The nearest restaurant's name and its km (``_nearest_food``), for a meal reason."""
    if near is None:
        return Text(zh="（无）", en="(none)"), "?"
    return near[0].name, f"{near[1]:.{digits}f}"


# A left-out sight that fits with at most this many more minutes on the road
# is a close call of the search (``close_call``), not a detour left out for travel.
CLOSE_CALL_MINUTES = 15
MOVED_MEAL_PLACES = 2  # places of a left-out sight tried with the day's meals moved
CLOSE_ROAD = Text(zh="路上只多约 {extra} 分钟", en="about {extra} min more on the road")
NO_MORE_ROAD = Text(zh="路上不多花时间", en="no more time on the road")


def _cheapest_fit(problem: Problem, poi_id: str, day_items: Sequence[Sequence[Item]]) -> Optional[tuple[int, int, int]]:
    """(day, extra travel minutes, visit minutes) of the cheapest place in the
    plan where a left-out sight's visit fits with exact times (hours,
    daylight, meal windows, the day's end) and the pace's visits per day;
    None if it fits nowhere, which is what "no time left" then means."""
    tasks = [i for i, t in enumerate(problem.tasks) if t.kind == "visit" and t.poi is not None and t.poi.id == poi_id]
    if not tasks:
        return None
    node = tasks[0]
    task = problem.tasks[node]
    max_visits = PACE[problem.request.pace][2]
    # One scenic area is seen on one day (the model's ``same_vehicle``): a part
    # of the Kuaiji area fits only on the day that visits the rest of it.
    area = task.the_poi.area
    area_days = {
        d
        for d, items in enumerate(day_items)
        for i in items
        if area and isinstance(i, int) and problem.tasks[i].kind == "visit" and problem.tasks[i].the_poi.area == area
    }
    best: Optional[tuple[int, int, int]] = None
    crowded = []  # days it fits only with their meals moved: tried after the others

    def consider(d: int, timed: Optional[list[Any]], travel: int) -> None:
        nonlocal best
        if timed is not None:
            # (peak-hour factors can make a detour "save" a minute: call it none)
            extra = max(0, sum(stop.travel_minutes for stop in timed) - travel)
            if best is None or extra < best[1]:
                best = (d, extra, task.duration)

    for d, items in enumerate(day_items):
        if task.days is not None and d not in task.days:
            continue
        if area_days and d not in area_days:
            continue
        if sum(1 for i in items if isinstance(i, int) and problem.tasks[i].kind == "visit") >= max_visits:
            continue
        now = time_day(problem, d, items)
        if now is None:
            continue
        travel = sum(stop.travel_minutes for stop in now)
        fits = [time_day(problem, d, [*items[:pos], node, *items[pos:]]) for pos in range(len(items) + 1)]
        for timed in fits:
            consider(d, timed, travel)
        if not any(fits):
            crowded.append((d, items, now, travel))
    for d, items, now, travel in crowded:
        bound = best[1] if best is not None else None
        consider(d, _with_meals_moved(problem, d, items, node, now, day_items, bound), travel)
    return best


def _with_meals_moved(
    problem: Problem,
    d: int,
    items: Sequence[Item],
    node: int,
    now: Sequence[Any],
    day_items: Sequence[Sequence[Item]],
    bound: Optional[int] = None,
) -> Optional[list[Any]]:
    """Day ``d`` with the sight ``node`` when its restaurant meals move to make
    room (the sight at its best places, the meals put back by the engine's
    own repair, ``meals.add_restaurant_meals``, at no more than their share of
    the trip's meals); None if the day then loses a meal, has no free
    morning as long as the visit, or cannot add less travel than ``bound``
    (meals put back only add to the day's travel without them). A week's
    day that leaves its hotel at 11:00 for lunch next door has room for
    Anchang in the morning: that is a detour, not "no time"."""
    from . import meals  # (meals imports the problem model this module is imported by)

    lo, hi = problem.day_windows[d]
    # Only a day with a free morning as long as the visit (a week's day that
    # leaves its hotel at 11:00 for lunch next door): moving meals does not
    # make room in a day that starts early, and sights close before a free
    # evening (both measured: explain took ~50 ms a plan instead of ~10).
    if now[0].depart - lo < problem.tasks[node].duration:
        return None
    moved = [
        i
        for i in items
        if isinstance(i, int)
        and problem.tasks[i].kind == "meal"
        and not problem.tasks[i].mandatory
        and not problem.tasks[i].packed
    ]
    if not moved:
        return None
    kept = [i for i in items if i not in moved]
    used = meals.restaurant_use(problem, [its for k, its in enumerate(day_items) if k != d])
    tasks = len(problem.tasks)
    best: Optional[list[Any]] = None
    # The meals go back where the day then is: the sight's best places in the
    # day without them (least travel) are tried, not every place (explain's
    # time stays a few ms a plan).
    placed = []
    for pos in range(len(kept) + 1):
        trial = [*kept[:pos], node, *kept[pos:]]
        timed = time_day(problem, d, trial)
        if timed is not None:
            placed.append((sum(s.travel_minutes for s in timed), pos, trial, timed))
    travel = sum(s.travel_minutes for s in now)
    try:
        for least, _, trial, timed in sorted(placed, key=lambda p: p[:2])[:MOVED_MEAL_PLACES]:
            if bound is not None and least - travel >= bound:
                break
            # (the day's own restaurants, as offered to the solver: the wider
            # search over every restaurant costs ~10 ms a day)
            fed, fed_items = meals.add_restaurant_meals(problem, d, trial, timed, {}, dict(used), wider=False)
            if sum(1 for i in fed_items if isinstance(i, int) and problem.tasks[i].kind == "meal") < len(moved):
                continue
            if best is None or sum(s.travel_minutes for s in fed) < sum(s.travel_minutes for s in best):
                best = fed
    finally:
        del problem.tasks[tasks:]  # meal tasks the trial appended (``problem.meal_task``)
    return best


def _outside_day(problem: Problem, d: int, meal: str, items: Sequence[Item]) -> Optional[Text]:
    """How day ``d`` misses ``meal``'s window altogether, if it does: the
    traveller is back at the lodging before dinner time (or leaves it only
    after lunch time), so the meal is theirs, not a gap in the day."""
    timed = time_day(problem, d, items)
    if timed is None:
        return None
    window = problem.request.meal_window(meal)
    day0 = d * DAY
    if meal == "dinner" and timed[-1].arrive <= day0 + window.start:
        stop, text = timed[-1], DAY_ENDS
        clock = hhmm(stop.arrive - day0)
    elif meal == "lunch" and timed[0].depart >= day0 + window.end - window.minutes:
        stop, text = timed[0], DAY_STARTS
        clock = hhmm(stop.depart - day0)  # when it leaves, as tested above
    else:
        return None
    place, name = problem.places[stop.place].name, MEAL_NAMES[meal]
    return Text(
        zh=text.zh.format(time=clock, place=place.zh, meal=name.zh),
        en=text.en.format(time=clock, place=place.en, meal=name.en),
    )


def _meal_gap(problem: Problem, d: int, meal: str, items: Sequence[Item]) -> Optional[tuple[str, Text, Optional[str]]]:
    """(code, reason, restaurant) for a meal missing from day ``d``, read from
    the day's own times: a day that reaches its lodging only after the meal
    window, with a restaurant beside it still open (``meal_late``: "Yue
    Xiaolong by the hotel is open until 20:00"), or a day that passes a
    restaurant serving the meal during the window but has no time for it
    (``no_time``, naming it). None: no restaurant serves the meal anywhere
    the day is then (``meal_no_restaurant``, said by the caller)."""
    timed = time_day(problem, d, items)
    if timed is None:
        return None
    window = problem.request.meal_window(meal)
    lo, hi = d * DAY + window.start, d * DAY + window.end
    span = Text(zh=f"{hhmm(window.start)}-{hhmm(window.end)}", en=f"{hhmm(window.start)}-{hhmm(window.end)}")
    name = MEAL_NAMES[meal]
    date = problem.dates[d].isoformat()
    end = timed[-1]
    if meal == "dinner" and end.arrive > hi - window.minutes and timed[-2].depart < hi:
        late = _serving(problem, end.place, d, end.arrive, end.arrive + LATE_MEAL_MINUTES, LATE_MEAL_MINUTES)
        for km, food, close in late:
            text, place = REASONS["meal_late"], problem.places[end.place].name
            fields = {"date": date, "time": hhmm(end.arrive - d * DAY), "km": f"{km:.1f}", "close": hhmm(close)}
            return (
                "meal_late",
                Text(
                    zh=text.zh.format(place=place.zh, meal=name.zh, window=span.zh, food=food.name.zh, **fields),
                    en=text.en.format(place=place.en, meal=name.en, window=span.en, food=food.name.en, **fields),
                ),
                food.id,
            )
    for stop in timed:
        # (a stop left just before the window counts: lunch there was a matter of minutes)
        if stop.kind not in ("visit", "meal", "event") or stop.depart < lo - 30 or stop.arrive > hi - window.minutes:
            continue
        for _, food, _ in _serving(problem, stop.place, d, max(lo, stop.arrive), hi, window.minutes):
            text, place = REASONS["meal_day_full"], problem.places[stop.place].name
            return (
                "no_time",
                Text(
                    zh=text.zh.format(date=date, meal=name.zh, window=span.zh, food=food.name.zh, place=place.zh),
                    en=text.en.format(date=date, meal=name.en, window=span.en, food=food.name.en, place=place.en),
                ),
                food.id,
            )
    return None


def _serving(problem: Problem, place: int, d: int, lo: int, hi: int, minutes: int) -> list[tuple[float, Any, int]]:
    """(km, restaurant, closing minute of day) of the restaurants within
    ``MEAL_NEAR_KM`` of ``place`` open for a meal's ``minutes`` between ``lo``
    and ``hi`` (absolute) on day ``d``, nearest first."""
    here = problem.places[place]
    out = []
    for food in problem.foods:
        km = geodesic_km(Point(here.lon, here.lat), Point(food.lon, food.lat))
        if km > MEAL_NEAR_KM:
            continue
        close = _open_for(problem, food, d, lo, hi, minutes)
        if close is not None:
            out.append((km, food, close - d * DAY))
    return sorted(out, key=lambda x: (x[0], x[1].id))


def _open_for(problem: Problem, food: Any, d: int, lo: int, hi: int, minutes: int) -> Optional[int]:
    """When ``food`` closes (absolute) if it is open ``minutes`` between ``lo`` and ``hi`` on day ``d``."""
    for a, b in problem.open_intervals(food, d):
        if min(b, hi) - max(a, lo) >= minutes:
            return b
    return None


def _nearest_food(
    problem: Problem, place: int, d: Optional[int] = None, meal: Optional[str] = None
) -> Optional[tuple[Any, float]]:
    """The nearest restaurant to ``place`` (with ``d`` and ``meal``: the nearest
    open for that meal's window on that day, if any is)."""
    here = problem.places[place]
    foods = [
        (geodesic_km(Point(here.lon, here.lat), Point(p.lon, p.lat)), p.id, p)
        for p in problem.catalog.pois.values()
        if p.category == "food"
    ]
    if d is not None and meal is not None:
        window = problem.request.meal_window(meal)
        lo, hi = d * DAY + window.start, d * DAY + window.end
        serving = [
            f
            for f in foods
            if f[2] in problem.foods and _open_for(problem, f[2], d, lo, hi, window.minutes) is not None
        ]
        foods = serving or foods
    if not foods:
        return None
    km, _, poi = min(foods)
    return poi, km


def _no_sessions(problem: Problem) -> list[Unscheduled]:
    """want_sports with no session in the trip dates: name the nearest sessions."""
    req, catalog = problem.request, problem.catalog
    if not req.want_sports or any(t.kind == "event" and not t.mandatory for t in problem.tasks):
        return []
    first, last = problem.dates[0], problem.dates[-1]
    out = []
    for sport in req.want_sports:
        sessions = [e for e in catalog.events.values() if e.sport == sport and e.status == "scheduled"]
        if not sessions:
            continue
        nearest = min(sessions, key=lambda e: (abs((e.start.date() - first).days), e.start, e.id))
        venue = catalog.pois[nearest.venue_id].name
        label = SPORT_NAMES[sport]
        fmt = {"start": first.isoformat(), "end": last.isoformat(), "date": nearest.start.date().isoformat()}
        out.append(
            Unscheduled(
                nearest.venue_id,
                nearest.id,
                "no_sessions",
                Text(
                    zh=REASONS["no_sessions"].zh.format(sport=label.zh, title=nearest.title.zh, venue=venue.zh, **fmt),
                    en=REASONS["no_sessions"].en.format(
                        sport=label.en.lower(), title=nearest.title.en, venue=venue.en, **fmt
                    ),
                ),
                True,
            )
        )
    return out


def _meal_clash(problem: Problem, d: int, meal: str, visited_events: set[str]) -> Any:
    """The attended match that leaves no room for this meal, if any."""
    window = problem.request.meal_window(meal)
    lo, hi = d * 1440 + window.start, d * 1440 + window.end
    for task in problem.tasks:
        if task.kind == "event" and task.event and task.event.id in visited_events:
            busy_lo, busy_hi = task.windows[0][0], task.windows[0][0] + task.service
            # the free part of the meal window on either side is shorter than the meal
            if max(0, min(hi, busy_lo) - lo) < window.minutes + 30 and max(0, hi - max(lo, busy_hi)) < window.minutes:
                if busy_lo < hi and busy_hi > lo:
                    return task.event
    return None


def _outside_route_order(problem: Problem, poi_id: str, route_ids: list[str], starts: dict[str, int]) -> bool:
    """True when every open day of the stop lies outside the slot its neighbours leave."""
    k = route_ids.index(poi_id)
    before = [starts[p] for p in route_ids[:k] if p in starts]
    after = [starts[p] for p in route_ids[k + 1 :] if p in starts]
    lo = max(before) if before else -1
    hi = min(after) if after else 10**9
    poi = problem.catalog.pois[poi_id]
    for d in range(problem.request.days):
        for o, c in problem.open_intervals(poi, d):
            if c > lo and o < hi:
                return False
    return True


def _overlaps(a: Any, b: Any) -> bool:
    a0, a1 = a.windows[0][0], a.windows[0][0] + a.service
    b0, b1 = b.windows[0][0], b.windows[0][0] + b.service
    return a0 < b1 and b0 < a1


def _num(value: Optional[float]) -> str:
    if value is None:
        return "?"
    return f"{value:g}"
