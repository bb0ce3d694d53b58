"""Replanning: edit a finished plan and re-solve the rest around locked stops.

``replan(previous_plan, edits, catalog)`` takes the JSON ``plan`` (or an
earlier ``replan``) returned and a set of edits:

    {"lock": [{"day": 0, "poi_id": "..."} | {"day": 0, "event_id": "..."}
              (+ "meal": "lunch"|"dinner" to lock a restaurant meal)],
     "lock_all": true,                 # every current visit and match
     "unlock": ["poi or event id"],    # release a lock carried from an earlier replan
     "remove": ["poi id" | "event id"],  # avoided from now on (also by want_sports)
     "add_must_visit": ["poi id"],
     "move": [{"poi_id": "...", "to_day": 2}],
     "lodging": [{"day": 1, "poi_id": "..."} | {"day": 1, "lon": .., "lat": ..}],  # night of day 1
     "window": [{"day": 0, "day_start": "09:00", "day_end": "20:00"}],
     "add_events": ["event id"],
     "time_limit_s": 1.5}

A locked stop keeps its day and exact start: its solver node may only be on
that day's vehicle, with a single-minute start window; the checker proves
it did not move. Locks persist into later replans (``locks`` of the result)
until unlocked, removed or moved by an explicit edit. Everything else is
re-solved by the same engine as ``plan`` and proven by the same checker.

The result is a full plan (same schema) plus ``locks``, ``diff`` (added,
removed, moved visits and matches, and the count unchanged) and
``previous_id``; its ``request`` reflects the edits, so replans compose.
Errors name the edit: ``edits.lock[0]``, ``edits.move[1].to_day``...; a
lock the edits made impossible is a 422 naming the lock.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time as _time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Optional

from ..catalog.catalog import Catalog
from ..errors import Unprocessable, invalid, reject_unknown
from ..timeutil import SHANGHAI, iso, parse_datetime, parse_hhmm
from . import problem as problem_mod
from .crowding import Crowding
from .engine import ENGINE_VERSION, solve_problem
from .fields import TIME_LIMIT
from .problem import DAY, Lock, Problem
from .request import Lodging, PlanRequest, attendable_event, hhmm, id_list, one_lodging, request_from_json
from .settings import PlanSettings
from .travel import TravelTimes, provider_from_settings

EDIT_FIELDS = (
    "lock",
    "lock_all",
    "unlock",
    "remove",
    "add_must_visit",
    "move",
    "lodging",
    "window",
    "add_events",
    "time_limit_s",
)
MEALS = ("lunch", "dinner")


@dataclass
class Edits:
    locks: list[Lock] = field(default_factory=list)  # explicit, then lock_all
    unlock: set[str] = field(default_factory=set)
    remove_pois: list[str] = field(default_factory=list)
    remove_events: list[str] = field(default_factory=list)
    add_must_visit: list[str] = field(default_factory=list)
    move: dict[str, int] = field(default_factory=dict)
    lodging: dict[int, Lodging] = field(default_factory=dict)
    window: dict[int, tuple[int, int]] = field(default_factory=dict)
    add_events: list[str] = field(default_factory=list)
    time_limit_s: Optional[float] = None
    origin: dict[str, str] = field(default_factory=dict)  # item id -> the edit that asked for it


@dataclass(frozen=True)
class Stop:
    """A visit, match or restaurant meal of the previous plan."""

    day: int
    kind: str
    item_id: str
    start: int
    meal: Optional[str] = None
    minutes: Optional[int] = None  # visits: start to end

    @property
    def key(self) -> tuple:
        return ("meal", self.day, self.meal) if self.kind == "meal" else (self.kind, self.item_id)


def replan(
    previous_plan: Mapping[str, Any],
    edits: Mapping[str, Any],
    catalog: Catalog,
    travel: Optional[TravelTimes] = None,
    settings: Optional[PlanSettings] = None,
    lang: Optional[str] = None,
    crowding: Optional[Crowding] = None,
) -> dict[str, Any]:
    """Apply ``edits`` to ``previous_plan`` and re-solve around the locked stops
    (``crowding``: other travellers on the dates, from the service).

    Raises InvalidInput/NotFound (400/404, field ``edits....``) for bad edits
    and Unprocessable (422, naming the lock or the added item) when the
    edited trip is impossible.
    """
    started = _time.perf_counter()
    settings = settings or PlanSettings()
    stops, parsed, locks, req = _edited(previous_plan, edits, catalog, settings)
    if crowding is not None:
        req = dataclasses.replace(req, crowding=crowding)
    travel = travel or provider_from_settings(settings.osrm_url)
    lang = lang or req.lang
    try:
        prob = problem_mod.build(req, catalog, travel, locks)
        meal_places = {(st.day, st.meal): st.item_id for st in stops if st.kind == "meal" and st.meal is not None}
        result = solve_problem(prob, settings, travel, lang, started, meal_places)
    except Unprocessable as err:
        raise _name_the_edit(err, parsed, locks) from None
    result["id"] = replan_id(req, locks)
    result["previous_id"] = previous_plan.get("id")
    result["locks"] = [lock_to_json(prob, lock) for lock in locks]
    result["diff"] = diff(previous_plan, result)
    result["solver"]["engine_ms"] = int((_time.perf_counter() - started) * 1000)
    return result


def validate_edits(
    previous_plan: Mapping[str, Any],
    edits: Mapping[str, Any],
    catalog: Catalog,
    settings: Optional[PlanSettings] = None,
) -> None:
    """Raise the 400/404 that ``replan`` would for bad ``edits``, without
    solving (the API charges a plan only for edits that can be planned)."""
    _edited(previous_plan, edits, catalog, settings or PlanSettings())


def _edited(
    previous_plan: Mapping[str, Any], edits: Mapping[str, Any], catalog: Catalog, settings: PlanSettings
) -> tuple[list[Stop], Edits, list[Lock], PlanRequest]:
    prev_req, stops = _previous(previous_plan, catalog, settings)
    carried = _carried_locks(previous_plan, prev_req, stops)
    parsed = parse_edits(edits, prev_req, stops, carried, catalog)
    locks = _merge_locks(parsed, carried, prev_req, stops)
    return stops, parsed, locks, _apply(prev_req, parsed, locks, catalog, settings)


def replan_id(req: PlanRequest, locks: list[Lock]) -> str:
    canonical = json.dumps(
        {
            "v": ENGINE_VERSION,
            "request": req.to_json(),
            "locks": [[lk.kind, lk.day, lk.item_id, lk.meal, lk.start] for lk in locks],
        },
        sort_keys=True,
        ensure_ascii=True,
    )
    return "it-" + hashlib.sha256(canonical.encode()).hexdigest()[:20]


def problem_for(
    plan_json: Mapping[str, Any], catalog: Catalog, travel: TravelTimes, settings: Optional[PlanSettings] = None
) -> Problem:
    """The Problem (with locks) a returned plan or replan was solved against, to re-check it."""
    req = request_from_json(plan_json.get("request"), catalog, settings)
    stops = _stops(plan_json, req)
    return problem_mod.build(req, catalog, travel, _carried_locks(plan_json, req, stops, verify=False))


# --- the previous plan ------------------------------------------------------


def _previous(previous_plan: Any, catalog: Catalog, settings: PlanSettings) -> tuple[PlanRequest, list[Stop]]:
    if (
        not isinstance(previous_plan, Mapping)
        or not isinstance(previous_plan.get("days"), list)
        or not isinstance(previous_plan.get("request"), Mapping)
    ):
        raise invalid(
            "plan",
            "the previous plan must be a plan object with request and days",
            "原行程必须是包含 request 和 days 的行程对象",
        )
    req = request_from_json(previous_plan["request"], catalog, settings)
    if len(previous_plan["days"]) != req.days:
        raise invalid("plan.days", "the previous plan does not match its request", "原行程与其请求不一致")
    return req, _stops(previous_plan, req)


def _minute(value: Any, req: PlanRequest, where: str) -> int:
    moment = parse_datetime(value, where).astimezone(SHANGHAI)
    return (moment.date() - req.start_date).days * DAY + moment.hour * 60 + moment.minute


def _at(req: PlanRequest, minute: int) -> str:
    return iso(datetime.combine(req.start_date, time(0, 0), SHANGHAI) + timedelta(minutes=minute))


def _stops(plan_json: Mapping[str, Any], req: PlanRequest) -> list[Stop]:
    out = []
    for d, day in enumerate(plan_json.get("days") or []):
        for k, stop in enumerate(day.get("stops", []) if isinstance(day, Mapping) else []):
            kind = stop.get("type")
            where = f"plan.days[{d}].stops[{k}].start"
            if kind == "visit" and stop.get("poi_id"):
                start = _minute(stop.get("start"), req, where)
                end = _minute(stop.get("end"), req, f"plan.days[{d}].stops[{k}].end")
                out.append(Stop(d, "visit", stop["poi_id"], start, None, end - start))
            elif kind == "event" and stop.get("event_id"):
                out.append(Stop(d, "event", stop["event_id"], _minute(stop.get("start"), req, where)))
            elif kind == "meal" and stop.get("poi_id") and stop.get("meal") in MEALS:
                out.append(Stop(d, "meal", stop["poi_id"], _minute(stop.get("start"), req, where), stop["meal"]))
    return out


def _carried_locks(
    plan_json: Mapping[str, Any], req: PlanRequest, stops: list[Stop], verify: bool = True
) -> list[Lock]:
    """The ``locks`` of an earlier replan; each must still match its stop."""
    raw = plan_json.get("locks") or []
    if not isinstance(raw, list):
        raise invalid("plan.locks", "locks must be a list", "locks 必须是列表")
    by_key = {s.key: s for s in stops}
    out = []
    for i, item in enumerate(raw):
        where = f"locks[{i}]"
        if (
            not isinstance(item, Mapping)
            or item.get("type") not in ("visit", "event", "meal")
            or not isinstance(item.get("day"), int)
            or not 0 <= item["day"] < req.days
        ):
            raise invalid(where, "a stored lock is malformed", "存储的锁定项格式有误")
        kind = item["type"]
        item_id = item.get("event_id") if kind == "event" else item.get("poi_id")
        meal = item.get("meal") if kind == "meal" else None
        if not isinstance(item_id, str) or (kind == "meal" and meal not in MEALS):
            raise invalid(where, "a stored lock is malformed", "存储的锁定项格式有误")
        lock = Lock(item["day"], kind, item_id, _minute(item.get("start"), req, f"{where}.start"), meal, where)
        stop = by_key.get(lock.key)
        if verify and (stop is None or stop.start != lock.start or stop.item_id != item_id):
            raise invalid(
                where,
                f"the locked {kind} {item_id} is not where the previous plan has it",
                f"锁定的 {item_id} 与原行程不一致",
            )
        if stop is not None and stop.start == lock.start and stop.item_id == item_id:
            lock = dataclasses.replace(lock, minutes=stop.minutes)
        out.append(lock)
    return out


# --- the edits ----------------------------------------------------------------


def parse_edits(edits: Any, req: PlanRequest, stops: list[Stop], carried: list[Lock], catalog: Catalog) -> Edits:
    """Validate every edit against the previous plan; errors name ``edits.<field>[i]``."""
    if not isinstance(edits, Mapping):
        raise invalid("edits", "edits must be a JSON object", "edits 必须是 JSON 对象")
    reject_unknown(edits, EDIT_FIELDS, "edits.", "edit", "修改项")
    out = Edits()
    planned_events = {s.item_id for s in stops if s.kind == "event"}

    for i, item_id in enumerate(id_list(edits.get("remove", []), "edits.remove")):
        where = f"edits.remove[{i}]"
        if item_id in catalog.pois:
            if catalog.pois[item_id].category == "lodging":
                raise invalid(
                    where,
                    f"{item_id} is a hotel; change it with edits.lodging",
                    f"{item_id} 是住宿，请用 edits.lodging 修改",
                )
            out.remove_pois.append(item_id)
        elif item_id in catalog.events:
            if item_id not in req.events and item_id not in planned_events:
                raise invalid(where, f"event {item_id} is not in the plan", f"赛事场次 {item_id} 不在行程中")
            out.remove_events.append(item_id)
        else:
            catalog.poi(item_id, where)  # 404 naming the field
        out.origin.setdefault(item_id, where)
    removed = set(out.remove_pois) | set(out.remove_events)

    for i, poi_id in enumerate(id_list(edits.get("add_must_visit", []), "edits.add_must_visit")):
        where = f"edits.add_must_visit[{i}]"
        poi = catalog.poi(poi_id, where)
        if poi.category == "lodging":
            raise invalid(where, f"{poi_id} is a hotel, not a place to visit", f"{poi_id} 是住宿，不是游览地点")
        if poi_id in removed:
            raise invalid(where, f"{poi_id} is both added and removed", f"{poi_id} 同时被添加和移除")
        out.add_must_visit.append(poi_id)
        out.origin[poi_id] = where

    moves = edits.get("move", [])
    if not isinstance(moves, list):
        raise invalid("edits.move", "move must be a list of {poi_id, to_day}", "move 必须是 {poi_id, to_day} 列表")
    for i, item in enumerate(moves):
        where = f"edits.move[{i}]"
        if not isinstance(item, Mapping) or set(item) != {"poi_id", "to_day"}:
            raise invalid(where, "a move is {\"poi_id\", \"to_day\"}", "移动项必须是 {\"poi_id\", \"to_day\"}")
        poi_id = item["poi_id"]
        if not isinstance(poi_id, str):
            raise invalid(f"{where}.poi_id", "poi_id must be a string", "poi_id 必须是字符串")
        poi = catalog.poi(poi_id, f"{where}.poi_id")
        if poi.category == "lodging":
            raise invalid(
                f"{where}.poi_id",
                f"{poi_id} is a hotel; change it with edits.lodging",
                f"{poi_id} 是住宿，请用 edits.lodging 修改",
            )
        if poi_id in removed:
            raise invalid(where, f"{poi_id} is both moved and removed", f"{poi_id} 同时被移动和移除")
        if poi_id in out.move:
            raise invalid(where, f"{poi_id} is moved twice", f"{poi_id} 被移动了两次")
        out.move[poi_id] = _day(item["to_day"], f"{where}.to_day", req.days)
        out.origin[poi_id] = where

    for i, item in enumerate(_day_items(edits.get("lodging", []), "edits.lodging", req.days)):
        where = f"edits.lodging[{i}]"
        rest = {k: v for k, v in item.items() if k != "day"}
        out.lodging[item["day"]] = one_lodging(rest, where, catalog)

    for i, item in enumerate(_day_items(edits.get("window", []), "edits.window", req.days)):
        where = f"edits.window[{i}]"
        if set(item) - {"day", "day_start", "day_end"} or len(item) < 2:
            raise invalid(
                where,
                "a window edit is {\"day\", \"day_start\" and/or \"day_end\"} (HH:MM)",
                "时间段修改项必须是 {\"day\", \"day_start\" 和/或 \"day_end\"}（HH:MM）",
            )
        lo0, hi0 = req.window(item["day"])
        lo = parse_hhmm(item.get("day_start", hhmm(lo0)), f"{where}.day_start")
        hi = parse_hhmm(item.get("day_end", hhmm(hi0)), f"{where}.day_end")
        if hi - lo < 120:
            raise invalid(
                f"{where}.day_end",
                "day_end must be at least two hours after day_start",
                "day_end 必须比 day_start 晚至少两小时",
            )
        out.window[item["day"]] = (lo, hi)

    last = req.start_date + timedelta(days=req.days - 1)
    for i, event_id in enumerate(id_list(edits.get("add_events", []), "edits.add_events")):
        where = f"edits.add_events[{i}]"
        if event_id in removed:
            catalog.event(event_id, where)  # 404 first for an unknown id
            raise invalid(where, f"{event_id} is both added and removed", f"{event_id} 同时被添加和移除")
        attendable_event(catalog, event_id, where, req.start_date, last)
        out.add_events.append(event_id)
        out.origin[event_id] = where

    if "time_limit_s" in edits:
        out.time_limit_s = TIME_LIMIT.read(edits, 0.0, prefix="edits.")

    carried_ids = {lk.item_id for lk in carried}
    for i, item_id in enumerate(id_list(edits.get("unlock", []), "edits.unlock")):
        if item_id not in carried_ids:
            raise invalid(f"edits.unlock[{i}]", f"{item_id} is not locked", f"{item_id} 未被锁定")
        out.unlock.add(item_id)

    by_key = {s.key: s for s in stops}
    locks = edits.get("lock", [])
    if not isinstance(locks, list):
        raise invalid(
            "edits.lock",
            "lock must be a list of {day, poi_id | event_id}",
            "lock 必须是 {day, poi_id 或 event_id} 列表",
        )
    for i, item in enumerate(locks):
        where = f"edits.lock[{i}]"
        lock = _explicit_lock(item, where, req, stops, by_key)
        if lock.item_id in removed or (lock.kind == "visit" and lock.item_id in out.move):
            raise invalid(
                where, f"{lock.item_id} is locked and also removed or moved", f"{lock.item_id} 既被锁定又被移除或移动"
            )
        if lock.item_id in out.unlock:
            raise invalid(where, f"{lock.item_id} is both locked and unlocked", f"{lock.item_id} 同时被锁定和解锁")
        if any(lk.key == lock.key for lk in out.locks):
            raise invalid(where, f"{lock.item_id} is locked twice", f"{lock.item_id} 被锁定了两次")
        out.locks.append(lock)

    lock_all = edits.get("lock_all", False)
    if not isinstance(lock_all, bool):
        raise invalid("edits.lock_all", "lock_all must be true or false", "lock_all 必须是 true 或 false")
    if lock_all:  # every current visit and match the edits leave where they are
        for s in stops:
            if (
                s.kind in ("visit", "event")
                and s.item_id not in removed
                and s.item_id not in out.move
                and s.item_id not in out.unlock
                and all(lk.key != s.key for lk in out.locks)
            ):
                out.locks.append(Lock(s.day, s.kind, s.item_id, s.start, None, "edits.lock_all", s.minutes))
    return out


def _explicit_lock(item: Any, where: str, req: PlanRequest, stops: list[Stop], by_key: dict) -> Lock:
    if (
        not isinstance(item, Mapping)
        or "day" not in item
        or set(item) - {"day", "poi_id", "event_id", "meal"}
        or ("poi_id" in item) == ("event_id" in item)
    ):
        raise invalid(
            where,
            "a lock is {\"day\", \"poi_id\"} or {\"day\", \"event_id\"}",
            "锁定项必须是 {\"day\", \"poi_id\"} 或 {\"day\", \"event_id\"}",
        )
    day = _day(item["day"], f"{where}.day", req.days)
    key_field = "poi_id" if "poi_id" in item else "event_id"
    item_id = item[key_field]
    if not isinstance(item_id, str) or not item_id:
        raise invalid(f"{where}.{key_field}", f"{key_field} must be an id string", f"{key_field} 必须是 id 字符串")
    meal = item.get("meal")
    if meal is not None and (meal not in MEALS or key_field != "poi_id"):
        raise invalid(
            f"{where}.meal",
            "meal must be lunch or dinner (with a poi_id)",
            "meal 只能是 lunch 或 dinner（需配合 poi_id）",
        )
    if key_field == "event_id":
        candidates = [by_key.get(("event", item_id))]
    elif meal is None:
        candidates = [by_key.get(("visit", item_id))] + [by_key.get(("meal", day, m)) for m in MEALS]
    else:
        candidates = [by_key.get(("meal", day, meal))]
    found = next((s for s in candidates if s is not None and s.day == day and s.item_id == item_id), None)
    if found is None:
        raise invalid(
            where, f"day {day} of the plan has no stop {item_id} to lock", f"行程第 {day + 1} 天没有可锁定的 {item_id}"
        )
    return Lock(day, found.kind, item_id, found.start, found.meal, where, found.minutes)


def _day(value: Any, where: str, days: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < days:
        raise invalid(
            where,
            f"day must be an integer from 0 to {days - 1} (0 = the first day)",
            f"day 必须是 0 到 {days - 1} 之间的整数（0 表示第一天）",
        )
    return value


def _day_items(value: Any, where: str, days: int) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise invalid(where, f"{where} must be a list of objects with a day", f"{where} 必须是含 day 的对象列表")
    seen = set()
    for i, item in enumerate(value):
        if not isinstance(item, Mapping) or "day" not in item:
            raise invalid(
                f"{where}[{i}]", "each item needs a day (0 = the first day)", "每项都需要 day（0 表示第一天）"
            )
        day = _day(item["day"], f"{where}[{i}].day", days)
        if day in seen:
            raise invalid(f"{where}[{i}].day", f"day {day} is edited twice", f"第 {day + 1} 天被修改了两次")
        seen.add(day)
    return [dict(item) for item in value]


def _merge_locks(edits: Edits, carried: list[Lock], req: PlanRequest, stops: list[Stop]) -> list[Lock]:
    """Explicit locks, then lock_all, then the carried ones an explicit edit did not release."""
    out = list(edits.locks)
    keys = {lk.key for lk in out}
    removed = set(edits.remove_pois) | set(edits.remove_events)
    for lock in carried:
        if (
            lock.key in keys
            or lock.item_id in edits.unlock
            or lock.item_id in removed
            or (lock.kind == "visit" and lock.item_id in edits.move)
        ):
            continue
        keys.add(lock.key)
        out.append(lock)
    return out


def _apply(req: PlanRequest, edits: Edits, locks: list[Lock], catalog: Catalog, settings: PlanSettings) -> PlanRequest:
    """The previous request with the edits applied, re-validated through the parser."""
    data = req.to_json()
    removed = set(edits.remove_pois)
    added = list(edits.add_must_visit) + list(edits.move)
    data["must_visit"] = list(dict.fromkeys([p for p in req.must_visit if p not in removed] + added))
    data["avoid"] = list(dict.fromkeys([p for p in req.avoid if p not in added] + edits.remove_pois))
    on_day = {p: d for p, d in req.on_day if p not in removed}
    on_day.update(edits.move)
    data["on_day"] = on_day
    locked_events = [lk.item_id for lk in locks if lk.kind == "event"]
    data["events"] = list(
        dict.fromkeys([e for e in req.events if e not in edits.remove_events] + edits.add_events + locked_events)
    )
    data["avoid_events"] = list(
        dict.fromkeys([e for e in req.avoid_events if e not in data["events"]] + edits.remove_events)
    )
    lodging = list(req.lodging)
    for day, place in edits.lodging.items():
        lodging[day] = place
    data["lodging"] = [dataclasses.asdict(place) for place in lodging]
    windows = [req.window(d) for d in range(req.days)]
    for day, window in edits.window.items():
        windows[day] = window
    data["windows"] = [{"day_start": hhmm(lo), "day_end": hhmm(hi)} for lo, hi in windows]
    if edits.time_limit_s is not None:
        data["time_limit_s"] = edits.time_limit_s
    return request_from_json(data, catalog, settings)


# --- errors -----------------------------------------------------------------


def _name_the_edit(err: Unprocessable, edits: Edits, locks: list[Lock]) -> Unprocessable:
    """Point an engine error at the edit (or lock) that caused it."""
    if err.field and (err.field.startswith("edits.") or err.field.startswith("locks[")):
        return err
    conflicts = list((err.details or {}).get("conflicts") or [])
    lock_field = {lk.item_id: lk.field for lk in locks}
    named = [edits.origin[c] for c in conflicts if c in edits.origin and not edits.origin[c].startswith("edits.remove")]
    named += [lock_field[c] for c in conflicts if c in lock_field]
    if named:
        err.field = named[0]
    elif err.field:
        err.field = f"request.{err.field}"
    return err


# --- output -----------------------------------------------------------------


def lock_to_json(prob: Problem, lock: Lock) -> dict[str, Any]:
    return {
        "type": lock.kind,
        "day": lock.day,
        "poi_id": None if lock.kind == "event" else lock.item_id,
        "event_id": lock.item_id if lock.kind == "event" else None,
        "meal": lock.meal,
        "start": _at(prob.request, lock.start),
    }


def diff(previous_plan: Mapping[str, Any], new_plan: Mapping[str, Any]) -> dict[str, Any]:
    """Visits (by poi_id) and matches (by event_id) added, removed, moved (day or start)."""

    def index(plan_json: Mapping[str, Any]) -> dict[tuple[str, str], tuple[int, str]]:
        out = {}
        for d, day in enumerate(plan_json.get("days", [])):
            for stop in day.get("stops", []):
                if stop.get("type") == "visit" and stop.get("poi_id"):
                    out[("poi_id", stop["poi_id"])] = (d, stop["start"])
                elif stop.get("type") == "event" and stop.get("event_id"):
                    out[("event_id", stop["event_id"])] = (d, stop["start"])
        return out

    old, new = index(previous_plan), index(new_plan)
    added = [{key: item, "day": d, "start": start} for (key, item), (d, start) in new.items() if (key, item) not in old]
    removed = [
        {key: item, "day": d, "start": start} for (key, item), (d, start) in old.items() if (key, item) not in new
    ]
    moved, unchanged = [], 0
    for (key, item), (d, start) in new.items():
        if (key, item) not in old:
            continue
        d0, start0 = old[(key, item)]
        if (d0, _norm(start0)) == (d, _norm(start)):
            unchanged += 1
        else:
            moved.append({key: item, "from": {"day": d0, "start": start0}, "to": {"day": d, "start": start}})
    return {"added": added, "removed": removed, "moved": moved, "unchanged": unchanged}


def _norm(value: str) -> Any:
    try:
        return parse_datetime(value, "start")
    except Exception:
        return value


__all__ = ["replan", "parse_edits", "problem_for", "diff", "replan_id", "EDIT_FIELDS"]
