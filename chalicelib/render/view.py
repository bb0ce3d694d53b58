"""A stored plan as a bilingual view: what every card, export and widget shows.

A plan is written in one language (its ``lang``); the catalog knows both, so
names, venues and sports are looked up again by ``poi_id`` / ``event_id``.
Anything the catalog does not know (a custom lodging, a meal break) keeps the
plan's own text in both languages. Nothing here escapes: the HTML and SVG
renderers do that, the PDF and the exports need no escaping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Optional

from ..catalog import Catalog
from ..catalog.labels import CATEGORY_NAMES, MEAL_NAMES, SPORT_NAMES
from ..i18n import Text
from ..planning.document import STOP_TYPES
from ..timeutil import parse_datetime

TYPE_NAMES = {
    "start": Text("出发", "Start"),
    "visit": Text("游览", "Visit"),
    "event": Text("比赛", "Match"),
    "meal": Text("用餐", "Meal"),
    "end": Text("返回", "Back"),
}
MEAL_TITLES = {meal: Text(name.zh, name.en.capitalize()) for meal, name in MEAL_NAMES.items()}
MODE_NAMES = {
    "walk": Text("步行", "walk"),
    "bike": Text("骑行", "bike"),
    "transit": Text("公交", "transit"),
    "drive": Text("自驾", "drive"),
    "taxi": Text("出租车", "taxi"),
    "rail": Text("轨道交通", "rail"),
    "none": Text("原地", "same place"),
}
WEEKDAYS = (
    Text("周一", "Mon"),
    Text("周二", "Tue"),
    Text("周三", "Wed"),
    Text("周四", "Thu"),
    Text("周五", "Fri"),
    Text("周六", "Sat"),
    Text("周日", "Sun"),
)
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Labels shared by the renderers.
LABELS = {
    "day": Text("第{n}天", "Day {n}"),
    "trip": Text("绍兴行程 · {n}天", "Shaoxing trip · {n} days"),
    "trip1": Text("绍兴行程 · 1天", "Shaoxing trip · 1 day"),
    "free": Text("免费", "free"),
    "ticket": Text("门票", "ticket"),
    "ticket_unknown": Text("票价未知", "price unknown"),
    "hours": Text("开放时间", "hours"),
    "hours_unconfirmed": Text("（未经核实，请先确认）", " (not confirmed: check first)"),
    "access": Text("无障碍", "step-free access"),
    "busy": Text("人多的时段", "busy hour"),
    "shortened": Text("游览时间已缩短，留出用餐时间", "shorter visit, to leave time for a meal"),
    "packed": Text(
        "外带午餐：在此买好，带到下一处长时间游览的景点吃", "packed lunch: buy it here, eat it at the next long visit"
    ),
    "plan_b": Text("雨天备选", "If it rains"),
    "instead_of": Text("{alt}代替{out}（{km} 公里）", "{alt} instead of {out} ({km} km)"),
    "venue": Text("场馆", "venue"),
    "gate": Text("提前{m}分钟入场（{t}前到达）", "gates: arrive {m} min early (by {t})"),
    "tbc": Text(
        "时间待确认：按常见场次估计，前后各留30分钟余量",
        "time to be confirmed: a typical slot, 30 min kept free either side",
    ),
    "lodging": Text("住宿", "lodging"),
    "live": Text("扫码查看实时行程", "Scan for the live plan"),
    "total": Text("门票合计", "tickets"),
    "travel_total": Text("交通", "travel"),
    "minutes": Text("{m}分钟", "{m} min"),
    "open_plan": Text("查看完整行程", "Open the full plan"),
    "switch": Text("English", "中文"),
    "stops": Text("{n}站", "{n} stops"),
    "route_days": Text("建议{n}天", "{n} day(s) suggested"),
    "length": Text("全程约{km}公里", "about {km} km"),
    "unscheduled": Text("未安排", "not scheduled"),
    "map": Text("示意图（非实际道路）", "schematic map (not actual roads)"),
}


@dataclass(frozen=True)
class RideView:
    line: Text
    board: Text
    alight: Text


@dataclass(frozen=True)
class TravelView:
    mode: str
    minutes: int
    km: Optional[float]
    rides: tuple[RideView, ...] = ()  # rail legs: the trains, named from the catalog in both languages

    @property
    def mode_name(self) -> Text:
        return MODE_NAMES.get(self.mode, Text(self.mode, self.mode))


@dataclass(frozen=True)
class EventView:
    title: Text
    sport: Optional[Text]
    venue: Text
    entry_buffer_minutes: Optional[int]
    start: datetime
    end: datetime
    estimated: bool = False  # the time is a typical slot: "time to be confirmed"


@dataclass(frozen=True)
class StopView:
    day: int  # 1-based day number
    index: int  # position in the day, 0 = start
    number: Optional[int]  # 1.. for visits/events/meals, None for start/end
    type: str
    poi_id: Optional[str]
    event_id: Optional[str]
    name: Text
    lon: float
    lat: float
    arrive: datetime
    start: datetime
    end: datetime
    depart: datetime
    travel: Optional[TravelView]
    ticket_cny: Optional[float]
    category: Optional[str] = None
    opening_hours: Optional[str] = None
    hours_confidence: Optional[str] = None  # catalog.model.HOURS_CONFIDENCE
    hours_unconfirmed: bool = False  # catalog.model.Poi.hours_unconfirmed: marked on cards
    meal: Optional[str] = None
    event: Optional[EventView] = None
    is_lodging: bool = False
    access: Optional[str] = None  # the place's accessibility level (visits and meals)
    busy: bool = False  # the crowd forecast called the visit's hour busy
    shortened: bool = False  # the visit was cut to leave time for a meal
    packed: bool = False  # a takeaway lunch picked up here, eaten on the next long visit

    @property
    def type_name(self) -> Text:
        if self.type == "meal" and self.meal in MEAL_TITLES:
            return MEAL_TITLES[self.meal]
        return TYPE_NAMES.get(self.type, Text(self.type, self.type))

    @property
    def category_name(self) -> Optional[Text]:
        return CATEGORY_NAMES.get(self.category) if self.category else None

    @property
    def uid(self) -> str:
        return f"d{self.day}-s{self.index}"


@dataclass(frozen=True)
class DayView:
    number: int
    date: date
    lodging: Optional[Text]
    stops: tuple[StopView, ...]
    # If it rains: (outdoor place, indoor alternative, km between them)
    plan_b: tuple[tuple[Text, Text, float], ...] = ()

    @property
    def travel_minutes(self) -> int:
        return sum(s.travel.minutes for s in self.stops if s.travel)

    @property
    def ticket_cny(self) -> float:
        return sum(s.ticket_cny or 0 for s in self.stops)


@dataclass(frozen=True)
class PlanView:
    id: str
    lang: str
    status: str
    days: tuple[DayView, ...]
    ticket_cny: Optional[float]
    travel_minutes: Optional[int]

    @property
    def title(self) -> Text:
        n = len(self.days)
        return LABELS["trip1"] if n == 1 else LABELS["trip"].format(n=n)

    @property
    def stops(self) -> list[StopView]:
        return [s for d in self.days for s in d.stops]


def _text(value: Any, fallback: Text) -> Text:
    """The plan's own string in both languages (or the fallback)."""
    if isinstance(value, Mapping):
        try:
            return Text.from_json(value)
        except ValueError:
            pass
    if isinstance(value, str) and value.strip():
        return Text(value, value)
    return fallback


def _float(value: Any) -> Optional[float]:
    return None if value is None else float(value)


def plan_view(plan: Mapping[str, Any], catalog: Catalog, plan_id: Optional[str] = None) -> PlanView:
    days = []
    for d, day in enumerate(plan.get("days") or [], start=1):
        stops = []
        number = 0
        for i, raw in enumerate(day.get("stops") or []):
            kind = raw.get("type")
            if kind not in STOP_TYPES:
                kind = "visit"
            if kind in ("visit", "event", "meal"):
                number += 1
            stops.append(_stop(raw, catalog, d, i, number if kind in ("visit", "event", "meal") else None, kind))
        lodging_raw = day.get("lodging") or {}
        lodging_poi = catalog.pois.get(lodging_raw.get("poi_id") or "")
        lodging = (
            lodging_poi.name
            if lodging_poi
            else (_text(lodging_raw.get("name"), LABELS["lodging"]) if lodging_raw else None)
        )
        day_date = (
            date.fromisoformat(day["date"]) if day.get("date") else (stops[0].start.date() if stops else date.today())
        )
        alternatives = tuple(
            (catalog.pois[b["instead_of"]].name, catalog.pois[b["poi_id"]].name, float(b.get("km") or 0))
            for b in day.get("plan_b") or []
            if isinstance(b, Mapping) and b.get("instead_of") in catalog.pois and b.get("poi_id") in catalog.pois
        )
        days.append(DayView(number=d, date=day_date, lodging=lodging, stops=tuple(stops), plan_b=alternatives))
    totals = plan.get("totals") or {}
    return PlanView(
        id=str(plan_id or plan.get("id") or ""),
        lang=plan.get("lang") or "zh",
        status=str(plan.get("status") or "ok"),
        days=tuple(days),
        ticket_cny=_float(totals.get("ticket_cny")),
        travel_minutes=totals.get("travel_minutes"),
    )


def _stop(raw: Mapping[str, Any], catalog: Catalog, day: int, index: int, number: Optional[int], kind: str) -> StopView:
    poi = catalog.pois.get(raw.get("poi_id") or "")
    event = catalog.events.get(raw.get("event_id") or "")
    fallback = TYPE_NAMES[kind]
    if kind == "meal" and poi is None and raw.get("meal") in MEAL_TITLES:
        meal = MEAL_TITLES[raw["meal"]]
        fallback = Text(f"{meal.zh}（就地休息）", f"{meal.en} break")
        name = fallback
    elif event is not None:
        name = event.title
    elif poi is not None:
        name = poi.name
    else:
        name = _text(raw.get("name"), fallback)
    start = parse_datetime(raw["start"], "start")
    times = {k: parse_datetime(raw[k], k) if raw.get(k) else start for k in ("arrive", "end", "depart")}
    travel = raw.get("travel")
    event_view = None
    if kind == "event":
        venue_poi = catalog.pois.get(event.venue_id) if event else poi
        venue_name = venue_poi.name if venue_poi else _text(raw.get("venue"), LABELS["venue"])
        sport = event.sport if event else raw.get("sport")
        buffer = venue_poi.entry_buffer if venue_poi else None
        event_view = EventView(
            title=name,
            sport=SPORT_NAMES.get(sport) if sport else None,
            venue=venue_name,
            entry_buffer_minutes=buffer,
            start=start,
            end=times["end"],
            estimated=event.estimated if event else bool(raw.get("time_estimated")),
        )
    return StopView(
        day=day,
        index=index,
        number=number,
        type=kind,
        poi_id=raw.get("poi_id"),
        event_id=raw.get("event_id"),
        name=name,
        lon=float(raw["lon"]),
        lat=float(raw["lat"]),
        arrive=times["arrive"],
        start=start,
        end=times["end"],
        depart=times["depart"],
        travel=None
        if not travel
        else TravelView(
            str(travel.get("mode") or "none"),
            int(travel.get("minutes") or 0),
            _float(travel.get("km")),
            _rides(travel, catalog),
        ),
        ticket_cny=_float(raw.get("ticket_cny")) if kind in ("visit", "event") else None,
        category=raw.get("category") or (poi.category if poi else None),
        opening_hours=poi.opening_hours if poi is not None and kind in ("visit", "meal") else None,
        hours_confidence=poi.hours_confidence if poi is not None and kind in ("visit", "meal") else None,
        hours_unconfirmed=poi is not None and kind in ("visit", "meal") and poi.hours_unconfirmed,
        meal=raw.get("meal"),
        event=event_view,
        is_lodging=kind in ("start", "end") or (poi is not None and poi.category == "lodging"),
        access=poi.accessibility.level if poi is not None and kind in ("visit", "meal") else None,
        busy=raw.get("crowd") == "busy",
        shortened=bool(raw.get("shortened")),
        packed=bool(raw.get("packed")),
    )


# -- formatting shared by the renderers -------------------------------------------

ACCESS_NAMES = {
    "step_free": Text("无台阶", "step-free"),
    "partial": Text("部分无障碍", "partly step-free"),
    "no": Text("有台阶，轮椅不便", "steps, not for wheelchairs"),
    "unknown": Text("未知（出行前请确认）", "unknown (check before you go)"),
}


def hhmm(value: datetime) -> str:
    return value.strftime("%H:%M")


def day_date(value: date, lang: str) -> str:
    if lang == "en":
        return f"{WEEKDAYS[value.weekday()].en} {value.day} {MONTHS_EN[value.month - 1]} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日 {WEEKDAYS[value.weekday()].zh}"


def day_title(day: DayView, lang: str) -> str:
    return f"{LABELS['day'].format(n=day.number).get(lang)} · {day_date(day.date, lang)}"


def money(value: Optional[float], lang: str) -> str:
    if value is None:
        return LABELS["ticket_unknown"].get(lang)
    if value == 0:
        return LABELS["free"].get(lang)
    amount = int(value) if float(value).is_integer() else round(value, 2)
    return f"¥{amount}"


def stop_times(stop: StopView) -> str:
    """'08:40' for a point in time, '08:40–09:20' for a stay; arrival first if earlier."""
    if stop.type == "start":
        return hhmm(stop.depart)
    if stop.type == "end":
        return hhmm(stop.arrive)
    span = f"{hhmm(stop.start)}–{hhmm(stop.end)}"
    return span if stop.arrive == stop.start else f"{hhmm(stop.arrive)} · {span}"


def travel_line(stop: StopView, lang: str) -> Optional[str]:
    if stop.travel is None:
        return None
    t = stop.travel
    text = f"{t.mode_name.get(lang)} {LABELS['minutes'].format(m=t.minutes).get(lang)}"
    if t.km:
        text += f" · {t.km:g} km"
    for ride in t.rides:
        text += f" · {ride.line.get(lang)} {ride.board.get(lang)} → {ride.alight.get(lang)}"
    return text


def _rides(travel: Mapping[str, Any], catalog: Catalog) -> tuple[RideView, ...]:
    """A rail leg's trains, named from the catalog (a stored plan has one language)."""
    out = []
    for ride in (travel.get("rail") or {}).get("rides", ()):
        line = catalog.lines.get(ride.get("line"))
        board, alight = catalog.pois.get(ride.get("board")), catalog.pois.get(ride.get("alight"))
        if line is None or board is None or alight is None:
            continue  # a line or station since removed from the catalog: the leg still shows its minutes
        out.append(RideView(line.name, _short(board.name), _short(alight.name)))
    return tuple(out)


def _short(name: Text) -> Text:
    """A station's name without its parenthesised gloss: 'Shaoxing North Railway Station'."""
    return Text(name.zh.split("（")[0].split("(")[0].strip(), name.en.split(" (")[0].strip())


def gate_line(event: EventView, lang: str) -> Optional[str]:
    if event.entry_buffer_minutes is None:
        return None
    by = hhmm(event.start - timedelta(minutes=event.entry_buffer_minutes))
    return LABELS["gate"].format(m=event.entry_buffer_minutes, t=by).get(lang)


def details(stop: StopView, lang: str) -> list[str]:
    """Short facts about a stop in one language: event, ticket, hours."""
    out = []
    if stop.event is not None:
        ev = stop.event
        head = f"{LABELS['venue'].get(lang)}: {ev.venue.get(lang)}"
        if ev.sport is not None:
            head = f"{ev.sport.get(lang)} · " + head
        out.append(head)
        gate = gate_line(ev, lang)
        if gate:
            out.append(gate)
        if ev.estimated:
            out.append(LABELS["tbc"].get(lang))
    if stop.type in ("visit", "event"):
        out.append(f"{LABELS['ticket'].get(lang)} {money(stop.ticket_cny, lang)}")
    if stop.opening_hours:
        unconfirmed = LABELS["hours_unconfirmed"].get(lang) if stop.hours_unconfirmed else ""
        out.append(f"{LABELS['hours'].get(lang)} {stop.opening_hours}{unconfirmed}")
    if stop.access:
        out.append(f"{LABELS['access'].get(lang)}: {ACCESS_NAMES[stop.access].get(lang)}")
    if stop.busy:
        out.append(LABELS["busy"].get(lang))
    if stop.shortened:
        out.append(LABELS["shortened"].get(lang))
    if stop.packed:
        out.append(LABELS["packed"].get(lang))
    return out


def joined(texts: Iterable[Optional[str]], sep: str = " / ") -> str:
    """Distinct non-empty strings joined: '门票 / ticket', or just 'N' when equal."""
    return sep.join(dict.fromkeys(t for t in texts if t))


def details_multi(stop: StopView, langs: tuple[str, ...]) -> list[str]:
    """Like :func:`details`, compact for several languages: the labels and
    names side by side, language-neutral values (prices, hours) once."""
    if len(langs) == 1:
        return details(stop, langs[0])
    out = []
    if stop.event is not None:
        ev = stop.event
        head = f"{joined(LABELS['venue'].get(l) for l in langs)}: {joined(ev.venue.get(l) for l in langs)}"
        if ev.sport is not None:
            head = f"{joined(ev.sport.get(l) for l in langs)} · " + head
        out.append(head)
        gate = joined(gate_line(ev, l) for l in langs)
        if gate:
            out.append(gate)
        if ev.estimated:
            out.append(joined(LABELS["tbc"].get(l) for l in langs))
    if stop.type in ("visit", "event"):
        out.append(
            f"{joined(LABELS['ticket'].get(l) for l in langs)} {joined(money(stop.ticket_cny, l) for l in langs)}"
        )
    if stop.opening_hours:
        unconfirmed = (
            joined(LABELS["hours_unconfirmed"].get(l).strip() for l in langs) if stop.hours_unconfirmed else ""
        )
        hours_line = f"{joined(LABELS['hours'].get(l) for l in langs)} {stop.opening_hours}"
        out.append(f"{hours_line} {unconfirmed}" if unconfirmed else hours_line)
    if stop.access:
        label = joined(LABELS["access"].get(l) for l in langs)
        out.append(f"{label}: {joined(ACCESS_NAMES[stop.access].get(l) for l in langs)}")
    if stop.busy:
        out.append(joined(LABELS["busy"].get(l) for l in langs))
    if stop.shortened:
        out.append(joined(LABELS["shortened"].get(l) for l in langs))
    if stop.packed:
        out.append(joined(LABELS["packed"].get(l) for l in langs))
    return out


def names(text: Text, langs: tuple[str, ...]) -> list[str]:
    """The name in each requested language, once if both are the same."""
    out: list[str] = []
    for lang in langs:
        value = text.get(lang)
        if value not in out:
            out.append(value)
    return out


def day_tickets(day: DayView, lang: str) -> str:
    """The day's ticket sum, flagging prices the catalog does not know."""
    priced = [s for s in day.stops if s.type in ("visit", "event")]
    total = money(sum(s.ticket_cny or 0 for s in priced), lang) if priced else money(0, lang)
    if any(s.ticket_cny is None for s in priced):
        total += " + " + LABELS["ticket_unknown"].get(lang)
    return total
