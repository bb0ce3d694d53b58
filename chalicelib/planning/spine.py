"""A route trip's spine: which day walks which stretch of the route, and where
each night is spent.

A guide plans a route trip (the Tang Poetry Road, the old-town walk) by
cutting the ordered stops into consecutive stretches, one per day, and
sleeping near the end of each stretch; other sights are filler near that
day's stretch. This module makes that cut with a small dynamic programme
over (stops covered, last night's lodging):

* a day covering stops i..j-1 costs its travel (last night's lodging ->
  stops in order -> tonight's lodging) plus a heavy penalty for every minute
  its visits and travel exceed the day's usable time (day window, ended at
  dusk when the stretch is outdoors, minus lunch), or for visits beyond the
  pace's daily limit;
* tonight's lodging is one of ``lodging_options[d]`` (the route's suggested
  hotels when the traveller gave none, else the one they gave), so a fixed
  lodging far from the route's end turns the far stretch into day trips;
* days may hold no route stop (longer trips than the route needs);
* a stretch that overruns its day first gets shorter visits (a guide's
  "quick stop": down to ``SHORTEST`` of each visit, ``SHORTEN`` cost per
  minute cut, far cheaper than an overrun) before ``trim`` takes stops off.

Travel here is an estimate (the same per-mode profile as the planner, no
time-of-day factor); the solver then plans each day with the real matrix,
the stops pinned to their day, in route order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from datetime import date

    from ..catalog.catalog import Catalog
    from ..catalog.model import Route

OVERLOAD = 1000  # cost per minute a day runs over its window, or a stop cannot be visited
EXTRA_VISIT = 10_000  # cost per visit beyond the pace's daily limit
# Spread the load: a day filled to the brim costs this much more than an
# evenly loaded one (quadratic in the day's load ratio), so a 4-day trip does
# not cram the route into three days and leave one empty.
BALANCE = 60
MARGIN = 20  # minutes kept free at the end of each day
# A route day that cannot hold its stretch at full visit length shortens the
# visits (all by the same factor, tried in these steps) before a stop is
# dropped: a guide on the Tang Poetry Road spends 1.5 h, not 2.5 h, at Lu Xun
# Native Place rather than skip Dongshan. Never below 70 % of the pace's length.
SHORTEN_STEPS = (1.0, 0.9, 0.8, 0.7)
SHORTEST_VISIT = 30  # minutes: a visit is never shortened below this
SHORTEN = 3  # cost per visit minute cut (overrun: OVERLOAD per minute)


@dataclass(frozen=True)
class SpineStop:
    key: int  # the caller's place index
    length: int  # visit minutes
    after: int  # the pace's slack after it
    hours: tuple[tuple[tuple[int, int], ...], ...]  # per trip day: when it can be visited (minutes of day)
    prominence: float = 0.3  # what the stop is worth keeping when a day is too full
    area: Optional[str] = None  # scenic area: its parts are seen on one day
    within: Optional[int] = None  # the key of a stop of the route that contains this one (Luzhen in Keyan)


@dataclass(frozen=True)
class DayShape:
    window: tuple[int, int]  # minutes of day
    lunch: tuple[int, int, int]  # (earliest start, latest end, minutes); minutes 0 = no meal planned


@dataclass(frozen=True)
class Spine:
    day_of: tuple[int, ...]  # per stop, in route order; -1: trimmed, the days cannot hold it
    lodging: tuple  # per night: the chosen option
    overload: int  # minutes beyond the days' windows, summed
    factor: tuple[float, ...] = ()  # per stop: its visit length factor (1.0 = full; shortened to fit its day)


def cut_length(length: int, factor: float) -> int:
    """A visit of ``length`` minutes cut to ``factor`` (never below ``SHORTEST_VISIT``)."""
    if factor >= 1.0 or length <= SHORTEST_VISIT:
        return length
    return max(SHORTEST_VISIT, round(length * factor))


def shortest(length: int) -> int:
    """The shortest a visit of ``length`` minutes may be cut to (by the spine or a meal)."""
    return cut_length(length, SHORTEN_STEPS[-1])


def shortened(stop: SpineStop, factor: float) -> SpineStop:
    """``stop`` with its visit cut to ``factor`` (``cut_length``)."""
    length = cut_length(stop.length, factor)
    return stop if length == stop.length else replace(stop, length=length)


def fit(
    stops: Sequence[SpineStop], d: int, shape: DayShape, start: int, end: int, travel: Callable[[int, int], float]
) -> tuple[float, int, float, float, int]:
    """``simulate`` at the largest ``SHORTEN_STEPS`` factor that fits the day
    (the smallest if none does): (travel, overload, load, factor, minutes cut)."""
    for factor in SHORTEN_STEPS:
        short = [shortened(s, factor) for s in stops]
        moved, over, load = simulate(short, d, shape, start, end, travel)
        if over <= 0:
            break
    return moved, over, load, factor, sum(a.length - b.length for a, b in zip(stops, short))


def simulate(
    stops: Sequence[SpineStop], d: int, shape: DayShape, start: int, end: int, travel: Callable[[int, int], float]
) -> tuple[float, int, float]:
    """Walk day ``d`` through ``stops`` in order, waiting for opening hours and
    taking lunch when due: (travel minutes, overload minutes, load ratio)."""
    lo, hi = shape.window
    # End a little early: the solver's matrix is rounded up and meals need a
    # restaurant, which the spine does not place.
    hi -= MARGIN
    t, place, moved, over = float(lo), start, 0.0, 0
    lunch_at, lunch_end, lunch_len = shape.lunch
    for stop in stops:
        leg = travel(place, stop.key)
        t += leg
        moved += leg
        if lunch_len and (t >= lunch_at or t + stop.length > lunch_end - lunch_len):
            t, lunch_len = max(t, lunch_at) + lunch_len, 0
        begin = next((max(t, a) for a, b in stop.hours[d] if max(t, a) + stop.length <= b), None)
        if begin is None:
            over += stop.length + stop.after  # cannot be visited on this day at this point
        else:
            t = begin + stop.length + stop.after
        place = stop.key
    leg = travel(place, end)
    t += leg + lunch_len
    moved += leg
    over += max(0, int(t - hi))
    return moved, over, (t - lo) / max(1, hi - lo)


def cut(
    stops: Sequence[SpineStop],
    shapes: Sequence[DayShape],
    lodging_options: Sequence[Sequence[int]],
    max_visits: int,
    travel: Callable[[int, int], float],
) -> Spine:
    """Cut ``stops`` (route order) into one consecutive stretch per day.

    ``lodging_options[d]``: candidate places for night d; day d starts at
    night d-1's lodging (day 0 at night 0's) and ends at night d's.
    """
    n, days = len(stops), len(shapes)
    inf = float("inf")
    # No cut between two stops of one scenic area (Lu Xun Native Place and
    # Shen Garden): the planner keeps an area's parts on one day.
    cuts = [j for j in range(n + 1) if not (0 < j < n and stops[j - 1].area and stops[j - 1].area == stops[j].area)]
    # (stops covered, tonight's lodging) -> (cost, chain of (covered, lodging), overload)
    best: dict[tuple[int, int], tuple[float, tuple[tuple[int, int], ...], int]] = {}

    def day_cost(start: int, i: int, j: int, end: int, d: int) -> tuple[float, int]:
        moved, over, load, _, cut_minutes = fit(stops[i:j], d, shapes[d], start, end, travel)
        extra = max(0, (j - i) - max_visits)
        return moved + over * OVERLOAD + cut_minutes * SHORTEN + extra * EXTRA_VISIT + BALANCE * load * load, over

    for lodge in lodging_options[0]:
        for j in cuts:
            cost, over = day_cost(lodge, 0, j, lodge, 0)
            if cost < best.get((j, lodge), (inf,))[0]:
                best[(j, lodge)] = (cost, ((j, lodge),), over)
    for d in range(1, days):
        nxt: dict[tuple[int, int], tuple[float, tuple[tuple[int, int], ...], int]] = {}
        for (i, prev), (cost0, chain, over0) in sorted(best.items()):
            for lodge in lodging_options[d]:
                for j in (c for c in cuts if c >= i):
                    cost, over = day_cost(prev, i, j, lodge, d)
                    total = cost0 + cost
                    if total < nxt.get((j, lodge), (inf,))[0]:
                        nxt[(j, lodge)] = (total, chain + ((j, lodge),), over0 + over)
        best = nxt
    _, key = min((v[0], k) for k, v in best.items() if k[0] == n)
    _, chain, overload = best[key]
    day_of: list[int] = []
    i = 0
    for d, (j, _) in enumerate(chain):
        day_of += [d] * (j - i)
        i = j
    return Spine(tuple(day_of), tuple(lodge for _, lodge in chain), overload)


def trim(
    stops: Sequence[SpineStop],
    shapes: Sequence[DayShape],
    spine: Spine,
    max_visits: int,
    travel: Callable[[int, int], float],
) -> Spine:
    """Shorten the visits of the days the cut overfills, then take the least
    prominent stops off the days that still overrun.

    When the days cannot hold the whole route (a slow pace, a short trip), a
    guide keeps the stops that matter (Lu Xun Native Place over a small park)
    rather than letting the solver drop whichever is last in line. Per day,
    while the stretch overruns its window or the pace's visit limit, a stop
    inside another stop of the same day leaves first (the visit of Keyan
    covers Luzhen), then the stop with the lowest prominence (then the
    longest visit); a stop that left as covered comes back if the stop
    containing it leaves too. The planner may still fit a trimmed stop in
    if room is left.
    """
    day_of = list(spine.day_of)
    factors = [1.0] * len(stops)
    for d, shape in enumerate(shapes):
        start = spine.lodging[d - 1] if d else spine.lodging[0]
        members = [k for k, day in enumerate(day_of) if day == d]
        covered: dict[int, list[int]] = {}  # container -> its parts that left for it
        while members:
            _, over, _, factor, _ = fit([stops[k] for k in members], d, shape, start, spine.lodging[d], travel)
            if over <= 0 and len(members) <= max_visits:
                for k in members:
                    factors[k] = factor
                break
            keys = {stops[k].key: k for k in members}
            worst = min(
                members,
                key=lambda k: (stops[k].within not in keys, stops[k].prominence, -stops[k].length, -k),
            )
            members.remove(worst)
            day_of[worst] = -1
            if stops[worst].within in keys:
                covered.setdefault(keys[stops[worst].within], []).append(worst)  # type: ignore[index]
            for part in covered.pop(worst, []):
                members.append(part)  # its container left after all: the part is the visit
                members.sort()
                day_of[part] = d
    return Spine(tuple(day_of), spine.lodging, spine.overload, tuple(factors))


def route_spine(
    catalog: Catalog,
    route: Route,
    dates: Sequence[date],
    windows: Sequence[tuple[int, int]],
    pace: str,
    lunch: tuple[int, int, int],
    lodging_options: Sequence[Sequence[str]],
    minutes: Callable[[str, str], float],
    skip: Sequence[str] = (),
) -> tuple[list[str], Spine]:
    """The spine of ``route`` over the trip: (stop ids kept, Spine over them).

    ``lodging_options[d]``: POI ids (or place keys) for night d;
    ``minutes(a, b)``: travel estimate between two of those ids; ``skip``:
    stops the traveller avoids; ``lunch``: (earliest start, latest end,
    minutes), minutes 0 without meals. Outdoor stops count only their daylight hours.
    """
    from ..catalog.daylight import visitable
    from .pace import PACE, visit_length

    ids = [p for p in route.stop_ids if p not in skip]
    keys = list(dict.fromkeys(ids + [x for opts in lodging_options for x in opts]))
    index = {k: i for i, k in enumerate(keys)}
    stops = []
    for pid in ids:
        poi = catalog.pois[pid]
        length, after = visit_length(poi, pace)
        stops.append(
            SpineStop(
                index[pid],
                length,
                after,
                tuple(() if catalog.match_day(pid, day) else visitable(poi, day) for day in dates),
                poi.prominence,
                poi.area,
                index[poi.part_of] if poi.part_of in ids else None,
            )
        )
    shapes = [DayShape(w, lunch) for w in windows]

    def travel(a: int, b: int) -> float:
        return 0.0 if a == b else minutes(keys[a], keys[b])

    spine = cut(stops, shapes, [[index[x] for x in opts] for opts in lodging_options], PACE[pace][2], travel)
    spine = trim(stops, shapes, spine, PACE[pace][2], travel)
    return ids, Spine(spine.day_of, tuple(keys[x] for x in spine.lodging), spine.overload, spine.factor)
