"""The plan request: parsed and validated once, then an immutable value.

Every field is checked here, and every error names its field (for example
``lodging[1].poi_id`` or ``interests.history``) in zh and en, so the HTTP
layer and the CLI can answer 400/404 without knowing the rules.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any, Optional

from ..catalog.catalog import Catalog
from ..catalog.model import CATEGORIES, SPORTS, WANTED_EVENT_KINDS, Event, in_shaoxing
from ..errors import Unprocessable, infeasible, invalid
from ..i18n import Text
from ..timeutil import parse_date, parse_hhmm
from .crowding import Crowding
from .endpoints import Endpoint, parse_endpoint, usable_window
from .fields import (
    AVOID_CROWDS,
    BUDGET,
    DAY_END,
    DAY_START,
    DAYS,
    GROUP_SIZE,
    LANG,
    MEALS,
    MIN_DAY_MINUTES,
    MODE,
    PACE_FIELD,
    SEED,
    TIME_LIMIT,
)
from .mobility import Access, parse_access
from .settings import PlanSettings
from .spine import route_spine
from .travel import Point, geodesic_km, max_time_factor, mode_minutes
from .weather import Spell, parse_weather

INTEREST_CATEGORIES = tuple(c for c in CATEGORIES if c not in ("lodging", "hub"))
# Categories the traveller did not mention keep these weights: an empty
# ``interests`` still yields a sensible sightseeing day.
DEFAULT_INTERESTS = {
    "history": 0.7,
    "culture": 0.7,
    "nature": 0.5,
    "religion": 0.4,
    "shopping": 0.3,
    "food": 0.3,
    "venue": 0.0,
}
OLD_TOWN = (120.583, 30.0)  # Yuecheng old-town centre, for the default lodging

FIRST_DATE, LAST_DATE = date(1, 1, 3), date(9999, 12, 29)
# An arrival or departure day needs at least this long out of the hub.
MIN_ARRIVAL_DAY_MINUTES = 30
# Normalized-request keys written only when used (so plain requests keep their ids).
ONLY_WHEN_USED = (
    "windows",
    "on_day",
    "avoid_events",
    "want_events",
    "arrive",
    "depart",
    "access",
    "weather",
    "group_size",
    "avoid_crowds",
)
FIELDS = (
    "start_date",
    "days",
    "lang",
    "lodging",
    "day_start",
    "day_end",
    "mode",
    "pace",
    "interests",
    "must_visit",
    "avoid",
    "events",
    "want_sports",
    "want_events",
    "route",
    "budget_cny",
    "meals",
    "lunch",
    "dinner",
    "time_limit_s",
    "seed",
    "windows",
    "on_day",
    "avoid_events",
    "arrive",
    "depart",
    "access",
    "weather",
    "group_size",
    "avoid_crowds",
)


@dataclass(frozen=True)
class Lodging:
    poi_id: Optional[str]
    lon: float
    lat: float


@dataclass(frozen=True)
class MealWindow:
    start: int  # minutes after midnight: earliest meal start
    end: int  # the meal must be over by then
    minutes: int  # meal length


@dataclass(frozen=True)
class PlanRequest:
    start_date: date
    days: int
    lang: str
    lodging: tuple[Lodging, ...]  # one per night (day i ends there)
    day_start: int
    day_end: int
    mode: str
    pace: str
    interests: tuple[tuple[str, float], ...]
    must_visit: tuple[str, ...]
    avoid: tuple[str, ...]
    events: tuple[str, ...]
    want_sports: tuple[str, ...]
    route: Optional[str]
    budget_cny: Optional[float]
    meals: bool
    lunch: MealWindow
    dinner: MealWindow
    time_limit_s: float
    seed: int
    # Per-day overrides of (day_start, day_end), one per day, or () for none
    # (replans change one day's window); omitted from to_json when empty.
    windows: tuple[tuple[int, int], ...] = ()
    # (poi_id, day): the POI must be visited on that trip day (replan "move").
    on_day: tuple[tuple[str, int], ...] = ()
    # Matches never to propose (replan "remove" of a match; want_sports skips them).
    avoid_events: tuple[str, ...] = ()
    # Kinds of recurring events to add when their dates fall in the trip
    # (festival, ceremony, show: ``catalog/series.py``); omitted from to_json when empty.
    want_events: tuple[str, ...] = ()
    # Arriving and leaving by train or plane (``endpoints.py``); omitted from to_json when absent.
    arrive: Optional[Endpoint] = None
    depart: Optional[Endpoint] = None
    # Step-free and slower trips (``mobility.py``); omitted from to_json when absent.
    access: Optional[Access] = None
    # Wet and hot spells (``weather.py``): no outdoor visit during them; omitted from to_json when empty.
    weather: tuple[Spell, ...] = ()
    # Crowds (``crowding.py``): the group's size (omitted from to_json when 1),
    # whether to prefer quiet hours (omitted when true), and what the store
    # knows of other travellers: filled by the service, never from the body,
    # and never written to to_json.
    group_size: int = 1
    avoid_crowds: bool = True
    crowding: Optional[Crowding] = None

    def meal_window(self, meal: Optional[str]) -> MealWindow:
        """The traveller's window for ``meal`` ("lunch"; anything else is dinner)."""
        return self.lunch if meal == "lunch" else self.dinner

    def window(self, day: int) -> tuple[int, int]:
        """(start, end) in minutes after midnight of trip day ``day``."""
        base = self.windows[day] if self.windows else (self.day_start, self.day_end)
        return usable_window(base, day, self.days, self.arrive, self.depart)

    def pinned_day(self, poi_id: str) -> Optional[int]:
        return dict(self.on_day).get(poi_id)

    @property
    def dates(self) -> list[date]:
        return [self.start_date + timedelta(days=i) for i in range(self.days)]

    def interest(self, category: str) -> float:
        return dict(self.interests).get(category, 0.0)

    def to_json(self) -> dict[str, Any]:
        """Normalized form: the input to the response id hash."""
        data = asdict(self)
        data["start_date"] = self.start_date.isoformat()
        data["interests"] = dict(self.interests)
        data["day_start"], data["day_end"] = hhmm(self.day_start), hhmm(self.day_end)
        for meal in ("lunch", "dinner"):
            data[meal] = {**data[meal], "start": hhmm(data[meal]["start"]), "end": hhmm(data[meal]["end"])}
        # Only present when used, so that plain requests keep their ids.
        if self.windows:
            data["windows"] = [{"day_start": hhmm(lo), "day_end": hhmm(hi)} for lo, hi in self.windows]
        else:
            del data["windows"]
        if self.on_day:
            data["on_day"] = dict(self.on_day)
        else:
            del data["on_day"]
        if not self.avoid_events:
            del data["avoid_events"]
        if not self.want_events:
            del data["want_events"]
        if self.weather:
            data["weather"] = [spell.to_json(self.start_date) for spell in self.weather]
        else:
            del data["weather"]
        for key in ("arrive", "depart", "access"):
            value = getattr(self, key)
            if value is None:
                del data[key]
            else:
                data[key] = value.to_json()
        if self.group_size == 1:
            del data["group_size"]
        if self.avoid_crowds:
            del data["avoid_crowds"]
        del data["crowding"]
        return data


def parse_request(data: Any, catalog: Catalog, settings: Optional[PlanSettings] = None) -> PlanRequest:
    settings = settings or PlanSettings()
    if not isinstance(data, Mapping):
        raise invalid("body", "the request must be a JSON object", "请求必须是 JSON 对象")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise invalid(unknown[0], f"unknown field {unknown[0]!r}", f"未知字段 {unknown[0]!r}")

    if "start_date" not in data:
        raise invalid("start_date", "start_date is required (YYYY-MM-DD)", "缺少出发日期 start_date（YYYY-MM-DD）")
    start_date = parse_date(data["start_date"], "start_date")
    days = DAYS.read(data)
    if not FIRST_DATE <= start_date <= LAST_DATE - timedelta(days=days - 1):
        # The calendar's edges: a trip needs a day either side of it for
        # time-zone and sunrise arithmetic (0001-01-01, 9999-12-31 + 14 days).
        raise invalid(
            "start_date",
            f"the trip must lie between {FIRST_DATE} and {LAST_DATE}",
            f"行程日期须在 {FIRST_DATE} 至 {LAST_DATE} 之间",
        )
    lang = LANG.read(data)
    day_start = DAY_START.read(data)
    day_end = DAY_END.read(data)
    if day_end - day_start < MIN_DAY_MINUTES:
        raise invalid(
            "day_end", "day_end must be at least two hours after day_start", "day_end 必须比 day_start 晚至少两小时"
        )
    mode = MODE.read(data)
    pace = PACE_FIELD.read(data)
    interests = _interests(data.get("interests", {}))
    route_id = data.get("route")
    if route_id is not None:
        if not isinstance(route_id, str):
            raise invalid("route", "route must be a route id", "route 必须是线路 id")
        catalog.route(route_id, "route")
    must_visit = _poi_ids(data.get("must_visit", []), "must_visit", catalog)
    avoid = _poi_ids(data.get("avoid", []), "avoid", catalog)
    for i, poi_id in enumerate(must_visit):
        if poi_id in avoid:
            raise invalid(
                f"must_visit[{i}]",
                f"{poi_id} is both in must_visit and avoid",
                f"{poi_id} 同时出现在 must_visit 和 avoid 中",
            )
        if catalog.pois[poi_id].category in ("lodging", "hub"):
            raise invalid(
                f"must_visit[{i}]",
                f"{poi_id} is a hotel or a station, not a place to visit",
                f"{poi_id} 是住宿或交通枢纽，不是游览地点",
            )
    events = _event_ids(data.get("events", []), catalog, start_date, days)
    want_sports = _wanted(data.get("want_sports", False), "want_sports", SPORTS, "sport", "运动项目")
    want_events = _wanted(data.get("want_events", False), "want_events", WANTED_EVENT_KINDS, "event kind", "活动类型")
    budget = BUDGET.read(data)
    meals = MEALS.read(data)
    lunch = _meal(data.get("lunch"), "lunch", MealWindow(660, 810, 60), day_start, day_end)
    dinner = _meal(data.get("dinner"), "dinner", MealWindow(1020, 1170, 60), day_start, day_end)
    if lunch.end > dinner.start:
        raise invalid(
            "dinner", "the dinner window must start after the lunch window ends", "晚餐时间段必须在午餐时间段结束之后"
        )
    time_limit = TIME_LIMIT.read(data, settings.default_time_limit_s)
    seed = SEED.read(data)
    windows = _windows(data.get("windows"), days, day_start, day_end)
    lodging = _lodging(data.get("lodging"), days, catalog, settings, route_id)
    if data.get("lodging") is None and route_id is not None and catalog.routes[route_id].lodging:
        lodging = _route_lodging(
            catalog,
            route_id,
            start_date,
            days,
            mode,
            pace,
            windows or ((day_start, day_end),) * days,
            (lunch.start, lunch.end, lunch.minutes if meals else 0),
            avoid,
        )
    on_day = _on_day(data.get("on_day"), days, catalog, avoid)
    raw_avoid_events = data.get("avoid_events")
    avoid_events = tuple(id_list([] if raw_avoid_events is None else raw_avoid_events, "avoid_events"))
    for i, event_id in enumerate(avoid_events):
        catalog.event(event_id, f"avoid_events[{i}]")
        if event_id in events:
            raise invalid(
                f"avoid_events[{i}]",
                f"{event_id} is both in events and avoid_events",
                f"{event_id} 同时出现在 events 和 avoid_events 中",
            )
    access = parse_access(data.get("access"))
    if access is not None and access.levels is not None:
        for i, poi_id in enumerate(must_visit):
            level = catalog.pois[poi_id].accessibility.level
            if level not in access.levels:
                raise infeasible(
                    f"{catalog.pois[poi_id].name.zh}的无障碍情况为“{level}”，不符合所需的无台阶通行",
                    f"{catalog.pois[poi_id].name.en} is not known to be step-free (accessibility: {level})",
                    [poi_id],
                    f"must_visit[{i}]",
                )
    last_date = start_date + timedelta(days=days - 1)
    arrive = None if data.get("arrive") is None else parse_endpoint(data["arrive"], "arrive", catalog, start_date)
    depart = None if data.get("depart") is None else parse_endpoint(data["depart"], "depart", catalog, last_date)
    if arrive is not None and depart is not None and depart.at <= arrive.at:
        raise invalid("depart.at", "the departure must be after the arrival", "离开时间必须晚于到达时间")
    for d, field in ((0, "arrive"), (days - 1, "depart")):
        if (arrive if field == "arrive" else depart) is None:
            continue
        base = windows[d] if windows else (day_start, day_end)
        lo, hi = usable_window(base, d, days, arrive, depart)
        if hi - lo < MIN_ARRIVAL_DAY_MINUTES:
            raise Unprocessable(
                "infeasible",
                Text(
                    zh=f"第 {d + 1} 天在到达/离开之间只剩 {max(0, hi - lo)} 分钟，无法安排（至少 {MIN_ARRIVAL_DAY_MINUTES} 分钟）",
                    en=f"day {d + 1} has {max(0, hi - lo)} usable minutes between arriving and leaving "
                    f"(at least {MIN_ARRIVAL_DAY_MINUTES} needed)",
                ),
                field=f"{field}.at",
            )
    return PlanRequest(
        start_date=start_date,
        days=days,
        lang=lang,
        lodging=lodging,
        day_start=day_start,
        day_end=day_end,
        mode=mode,
        pace=pace,
        interests=interests,
        must_visit=must_visit,
        avoid=avoid,
        events=events,
        want_sports=want_sports,
        route=route_id,
        budget_cny=None if budget is None else float(budget),
        meals=meals,
        lunch=lunch,
        dinner=dinner,
        time_limit_s=float(min(time_limit, settings.time_limit_cap_s)),
        seed=seed,
        windows=windows,
        on_day=on_day,
        avoid_events=avoid_events,
        want_events=want_events,
        arrive=arrive,
        depart=depart,
        access=access,
        weather=parse_weather(data.get("weather"), start_date, days),
        group_size=GROUP_SIZE.read(data),
        avoid_crowds=AVOID_CROWDS.read(data),
    )


def request_from_json(data: Any, catalog: Catalog, settings: Optional[PlanSettings] = None) -> PlanRequest:
    """Parse the normalized form (``PlanRequest.to_json``) back, e.g. from a stored plan.

    The normalized lodging carries both id and coordinates; everything is
    validated again against the current catalog.
    """
    if not isinstance(data, Mapping):
        raise invalid("request", "the stored request must be a JSON object", "存储的请求必须是 JSON 对象")
    raw = {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}  # as after a JSON round trip
    lodging = raw.get("lodging")
    if isinstance(lodging, list):
        raw["lodging"] = [
            {"poi_id": item["poi_id"]}
            if isinstance(item, Mapping) and item.get("poi_id")
            else {k: v for k, v in item.items() if k != "poi_id"}
            if isinstance(item, Mapping)
            else item
            for item in lodging
        ]
    sports = raw.get("want_sports")
    if isinstance(sports, list) and sports and sorted(sports) == sorted(SPORTS):
        raw["want_sports"] = True  # keep the normalized order of "all sports"
    kinds = raw.get("want_events")
    if isinstance(kinds, list) and kinds and sorted(kinds) == sorted(WANTED_EVENT_KINDS):
        raw["want_events"] = True
    return parse_request(raw, catalog, settings)


def _int(value: Any, field: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise invalid(field, f"{field} must be an integer from {lo} to {hi}", f"{field} 必须是 {lo} 到 {hi} 之间的整数")
    return value


def _interests(value: Any) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, Mapping):
        raise invalid(
            "interests",
            "interests must be an object of category -> weight 0..1",
            "interests 必须是“类别 → 0 到 1 的权重”对象",
        )
    merged = dict(DEFAULT_INTERESTS)
    for key, weight in value.items():
        field = f"interests.{key}"
        if key not in INTEREST_CATEGORIES:
            raise invalid(
                field,
                f"unknown category {key!r}; use one of {', '.join(INTEREST_CATEGORIES)}",
                f"未知类别 {key!r}；可选：{'、'.join(INTEREST_CATEGORIES)}",
            )
        if (
            isinstance(weight, bool)
            or not isinstance(weight, (int, float))
            or not math.isfinite(weight)
            or not 0 <= weight <= 1
        ):
            raise invalid(field, "an interest weight must be a number from 0 to 1", "兴趣权重必须是 0 到 1 之间的数字")
        merged[key] = float(weight)
    return tuple(sorted(merged.items()))


def id_list(value: Any, field: str) -> list[str]:
    """A list of distinct non-empty id strings; errors name ``field[i]``."""
    if not isinstance(value, list):
        raise invalid(field, f"{field} must be a list of ids", f"{field} 必须是 id 列表")
    seen = set()
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise invalid(f"{field}[{i}]", "expected an id string", "应为 id 字符串")
        if item in seen:
            raise invalid(f"{field}[{i}]", f"{item} is listed twice", f"{item} 重复出现")
        seen.add(item)
    return list(value)


def _poi_ids(value: Any, field: str, catalog: Catalog) -> tuple[str, ...]:
    ids = id_list(value, field)
    for i, poi_id in enumerate(ids):
        catalog.poi(poi_id, f"{field}[{i}]")
    return tuple(ids)


def _event_ids(value: Any, catalog: Catalog, start: date, days: int) -> tuple[str, ...]:
    ids = id_list(value, "events")
    for i, event_id in enumerate(ids):
        attendable_event(catalog, event_id, f"events[{i}]", start, start + timedelta(days=days - 1))
    return tuple(ids)


def attendable_event(catalog: Catalog, event_id: str, where: str, first: date, last: date) -> Event:
    """The event (404 naming ``where`` if unknown) if a trip from ``first`` to
    ``last`` can attend it; else a 422: no published time, cancelled, outside the dates."""
    event = catalog.event(event_id, where)
    if not event.timed:
        raise infeasible(
            f"活动 {event_id} 只公布了日期，时间待定，无法排入行程",
            f"Event {event_id} has a date but no published time yet; it cannot be planned as a stop",
            [event_id],
            where,
        )
    if event.status == "cancelled":
        raise infeasible(f"赛事场次 {event_id} 已取消", f"Event {event_id} was cancelled", [event_id], where)
    day = event.start.date()
    if not first <= day <= last:
        raise infeasible(
            f"赛事场次 {event_id} 在 {day}，不在行程日期 {first} 至 {last} 之内",
            f"Event {event_id} is on {day}, outside the trip dates {first} to {last}",
            [event_id],
            where,
        )
    return event


def _wanted(value: Any, field: str, choices: tuple[str, ...], what: str, what_zh: str) -> tuple[str, ...]:
    """``true`` (all of ``choices``), ``false`` or a list of them (want_sports, want_events)."""
    if isinstance(value, bool):
        return choices if value else ()
    if isinstance(value, list):
        for i, item in enumerate(value):
            if item not in choices:
                raise invalid(
                    f"{field}[{i}]",
                    f"unknown {what} {item!r}; use one of {', '.join(choices)}",
                    f"未知{what_zh} {item!r}；可选：{'、'.join(choices)}",
                )
        return tuple(sorted(set(value)))
    raise invalid(
        field,
        f"{field} must be true/false or a list of: {', '.join(choices)}",
        f"{field} 必须是 true/false 或以下值的列表：{'、'.join(choices)}",
    )


def _meal(value: Any, field: str, default: MealWindow, day_start: int, day_end: int) -> MealWindow:
    if value is None:
        return default
    if not isinstance(value, Mapping) or set(value) - {"start", "end", "minutes"}:
        raise invalid(
            field,
            f"{field} must be an object with start, end (HH:MM) and minutes",
            f"{field} 必须是含 start、end（HH:MM）和 minutes 的对象",
        )
    start = parse_hhmm(value.get("start", hhmm(default.start)), f"{field}.start")
    end = parse_hhmm(value.get("end", hhmm(default.end)), f"{field}.end")
    minutes = _int(value.get("minutes", default.minutes), f"{field}.minutes", 15, 180)
    if end - start < minutes:
        raise invalid(f"{field}.end", f"the {field} window is shorter than the meal", f"{field} 时间段比用餐时长还短")
    return MealWindow(start, end, minutes)


def _windows(value: Any, days: int, day_start: int, day_end: int) -> tuple[tuple[int, int], ...]:
    """Per-day windows: a list with one entry per day, each null (the default
    day_start/day_end) or {"day_start", "day_end"} (either may be left out)."""
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) != days:
        raise invalid(
            "windows",
            f"windows must be a list of {days} (one per day, null for the default)",
            f"windows 必须是 {days} 项的列表（每天一项，null 表示默认）",
        )
    out = []
    for i, item in enumerate(value):
        field = f"windows[{i}]"
        if item is None:
            out.append((day_start, day_end))
            continue
        if not isinstance(item, Mapping) or set(item) - {"day_start", "day_end"}:
            raise invalid(
                field,
                "a day window is {\"day_start\", \"day_end\"} (HH:MM)",
                "每日时间段必须是 {\"day_start\", \"day_end\"}（HH:MM）",
            )
        lo = parse_hhmm(item.get("day_start", hhmm(day_start)), f"{field}.day_start")
        hi = parse_hhmm(item.get("day_end", hhmm(day_end)), f"{field}.day_end")
        if hi - lo < 120:
            raise invalid(
                f"{field}.day_end",
                "day_end must be at least two hours after day_start",
                "day_end 必须比 day_start 晚至少两小时",
            )
        out.append((lo, hi))
    if all(w == (day_start, day_end) for w in out):
        return ()
    return tuple(out)


def _on_day(value: Any, days: int, catalog: Catalog, avoid: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """{poi_id: day index}: the POI must be visited on that day."""
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise invalid(
            "on_day",
            "on_day must be an object of poi_id -> day index",
            "on_day 必须是“地点 id → 第几天（从 0 起）”对象",
        )
    out = []
    for poi_id, day in value.items():
        field = f"on_day.{poi_id}"
        poi = catalog.poi(poi_id, field)
        if poi.category == "lodging":
            raise invalid(field, f"{poi_id} is a hotel, not a place to visit", f"{poi_id} 是住宿，不是游览地点")
        if poi_id in avoid:
            raise invalid(field, f"{poi_id} is both in on_day and avoid", f"{poi_id} 同时出现在 on_day 和 avoid 中")
        out.append((poi_id, _int(day, field, 0, days - 1)))
    return tuple(sorted(out))


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _lodging(
    value: Any, days: int, catalog: Catalog, settings: PlanSettings, route_id: Optional[str]
) -> tuple[Lodging, ...]:
    if value is None:
        return (default_lodging(catalog, settings),) * days
    items = value if isinstance(value, list) else [value]
    is_list = isinstance(value, list)
    if not items or (is_list and len(items) not in (1, days)):
        raise invalid(
            "lodging",
            f"lodging must be one place or a list of {days} (one per night)",
            f"lodging 必须是一个地点，或 {days} 个（每晚一个）的列表",
        )
    result = []
    for i, item in enumerate(items):
        field = f"lodging[{i}]" if is_list else "lodging"
        result.append(one_lodging(item, field, catalog))
    if len(result) == 1:
        result = result * days
    return tuple(result)


def one_lodging(item: Any, field: str, catalog: Catalog) -> Lodging:
    if not isinstance(item, Mapping):
        raise invalid(
            field, "lodging must be {\"poi_id\"} or {\"lon\", \"lat\"}", "住宿必须是 {\"poi_id\"} 或 {\"lon\", \"lat\"}"
        )
    if "poi_id" in item:
        if set(item) != {"poi_id"}:
            raise invalid(field, "give either poi_id or lon/lat, not both", "只能给出 poi_id 或经纬度之一")
        if not isinstance(item["poi_id"], str):
            raise invalid(f"{field}.poi_id", "poi_id must be a string", "poi_id 必须是字符串")
        poi = catalog.poi(item["poi_id"], f"{field}.poi_id")
        if poi.coord_confidence == "unknown":
            # Planning from the town centre would misstate every leg of the day.
            raise invalid(
                f"{field}.poi_id",
                f"we know only the town of {poi.name.en}, not where it is: give its lon/lat instead",
                f"我们只知道{poi.name.zh}所在的乡镇，不知道确切位置：请改为给出它的经纬度",
            )
        return Lodging(poi.id, poi.lon, poi.lat)
    if set(item) != {"lon", "lat"}:
        raise invalid(field, "lodging needs poi_id, or both lon and lat", "住宿需要 poi_id，或同时给出 lon 和 lat")
    coords = []
    for key in ("lon", "lat"):
        v = item[key]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise invalid(f"{field}.{key}", f"{key} must be a number", f"{key} 必须是数字")
        coords.append(float(v))
    if not in_shaoxing(coords[0], coords[1]):
        raise invalid(
            field,
            "the lodging must be inside Shaoxing (check lon/lat order)",
            "住宿必须在绍兴范围内（请检查经纬度顺序）",
        )
    return Lodging(None, coords[0], coords[1])


def default_lodging(catalog: Catalog, settings: PlanSettings) -> Lodging:
    """The configured default hotel, else the lodging nearest the old town."""
    if settings.default_lodging_id and settings.default_lodging_id in catalog.pois:
        poi = catalog.pois[settings.default_lodging_id]
        return Lodging(poi.id, poi.lon, poi.lat)
    hotels = sorted(
        (p for p in catalog.pois.values() if p.category == "lodging" and p.coord_confidence != "unknown"),
        key=lambda p: ((p.lon - OLD_TOWN[0]) ** 2 + (p.lat - OLD_TOWN[1]) ** 2, p.id),
    )
    if hotels:
        return Lodging(hotels[0].id, hotels[0].lon, hotels[0].lat)
    return Lodging(None, OLD_TOWN[0], OLD_TOWN[1])


def _route_lodging(
    catalog: Catalog,
    route_id: str,
    start: date,
    days: int,
    mode: str,
    pace: str,
    windows: tuple[tuple[int, int], ...],
    lunch: tuple[int, int, int],
    avoid: tuple[str, ...],
) -> tuple[Lodging, ...]:
    """Nights along the route: the route's suggested hotel nearest the end of
    each day's stretch, chosen together with the stretches (``spine``)."""
    route = catalog.routes[route_id]

    # As the solver will see it: the day's peak traffic factor on every leg.
    peak = max(max_time_factor(mode, w) for w in windows)

    def minutes(a: str, b: str) -> float:
        pa, pb = catalog.pois[a], catalog.pois[b]
        return mode_minutes(mode, geodesic_km(Point(pa.lon, pa.lat), Point(pb.lon, pb.lat)))[0] * peak

    dates = [start + timedelta(days=i) for i in range(days)]
    _, spine = route_spine(catalog, route, dates, windows, pace, lunch, [route.lodging] * days, minutes, skip=avoid)
    return tuple(Lodging(pid, catalog.pois[pid].lon, catalog.pois[pid].lat) for pid in spine.lodging)
