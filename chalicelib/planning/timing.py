"""Re-time a day's sequence with the exact travel rule (earliest schedule).

The solver returns an order and conservative times; the plan shown to the
traveller is re-timed here with ``Problem.leg`` (time-of-day and post-match
factors at the actual departure time), waiting where a place is not yet
open. A meal "break at the current place" is an item without a task: it
happens where the traveller already is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Optional, Union

from ..catalog.model import Event
from .problem import Problem, Task, end_place, start_place


@dataclass(frozen=True)
class Break:
    """A meal taken at the current place, within [earliest, latest_end]."""

    meal: str
    earliest: int
    latest_end: int
    minutes: int


Item = Union[int, Break]  # a task index, or a break


@dataclass(frozen=True)
class Timed:
    item: Optional[Item]  # None for the day's start and end at the lodging
    kind: str  # start | visit | event | meal | end
    place: int
    arrive: int
    start: int
    end: int
    depart: int
    travel_minutes: int
    travel_km: float


def earliest_start(windows: Sequence[tuple[int, int]], t: int) -> Optional[int]:
    for lo, hi in sorted(windows):
        if t <= hi:
            return max(t, lo)
    return None


def time_day(problem: Problem, day: int, items: Sequence[Item]) -> Optional[list[Timed]]:
    """Earliest feasible times for ``items`` on ``day``; None if infeasible."""
    day_lo, day_hi = problem.day_windows[day]
    home, away = start_place(problem, day), end_place(problem, day)
    stops = _forward(problem, items, day_lo, home)
    if stops is None:
        return None
    # Leave the lodging later instead of waiting: the first wait of the day
    # (before a sight's opening, a meal window or a match's gate) is a later
    # start when every stop before it can move that much within its hours,
    # not an hour spent "visiting" a courtyard (``linger``).
    stops = _later_start(problem, items, stops, day_lo, home)
    last_place = stops[-1].place if stops else home
    depart = stops[-1].depart if stops else day_lo
    last_event = _last_event(problem, stops)
    travel = problem.leg(last_place, away, depart, last_event)
    arrive_home = depart + travel
    if arrive_home > day_hi:
        return None
    leave = stops[0].arrive - stops[0].travel_minutes if stops else day_lo
    start = Timed(None, "start", home, leave, leave, leave, leave, 0, 0.0)
    end = Timed(
        None, "end", away, arrive_home, arrive_home, arrive_home, arrive_home, travel, problem.km[last_place][away]
    )
    return [start, *stops, end]


# Waits after the first stop become a later start up to this many minutes
# (a lie-in; linger takes the rest). 90 changed no fault; more would start
# relaxed days at noon.
LATER_START_MINUTES = 60


def _wait(problem: Problem, stop: Timed) -> int:
    """Minutes idle before ``stop`` (before a match's gate time, for a match)."""
    if stop.kind == "event":
        return stop.start - problem.tasks[stop.item].entry_buffer - stop.arrive  # type: ignore[index]
    return stop.start - stop.arrive


def _later_start(problem: Problem, items: Sequence[Item], stops: list[Timed], day_lo: int, home: int) -> list[Timed]:
    """The earliest schedule ``stops`` with the lodging left later, wait by
    wait from the morning on, while every stop before the wait absorbed can
    move (its hours) and the stops from it on keep their times."""
    best, shift = stops, 0
    for k in range(len(stops)):
        wait = _wait(problem, best[k])
        if k > 0:  # past the first stop: a lie-in, not a day that starts at noon
            wait = min(wait, LATER_START_MINUTES - shift)
        if wait <= 0:
            continue
        # travel times vary with the hour (peaks): try the whole wait, then less
        for extra in range(wait, 0, -5):
            later = _forward(problem, items, day_lo + shift + extra, home)
            if later is not None and all(a.start == b.start for a, b in zip(later[k:], best[k:])):
                best, shift = later, shift + extra
                break
        else:
            break  # a stop before this wait cannot move: neither can any later wait be absorbed
    return best


def _forward(problem: Problem, items: Sequence[Item], t: int, place: int) -> Optional[list[Timed]]:
    out: list[Timed] = []
    for item in items:
        last_event = _last_event(problem, out)
        if isinstance(item, Break):
            start = max(t, item.earliest)
            if start + item.minutes > item.latest_end:
                return None
            out.append(Timed(item, "meal", place, t, start, start + item.minutes, start + item.minutes, 0, 0.0))
            t = start + item.minutes
            continue
        task: Task = problem.tasks[item]
        travel = problem.leg(place, task.place, t, last_event)
        arrive = t + travel
        if task.kind == "event":
            if arrive > task.windows[0][0]:
                return None
            start = task.windows[0][0] + task.entry_buffer
        else:
            earliest = earliest_start(task.windows, arrive)
            if earliest is None:
                return None
            start = earliest
        end = start + task.duration
        out.append(
            Timed(
                item, task.kind, task.place, arrive, start, end, end + task.after, travel, problem.km[place][task.place]
            )
        )
        t, place = end + task.after, task.place
    return out


def _last_event(problem: Problem, stops: Sequence[Timed]) -> Optional[Event]:
    for stop in reversed(stops):
        if stop.kind == "event":
            return problem.tasks[stop.item].event  # type: ignore[index]
    return None


# Waiting is absorbed by staying longer at the sight before (a guide says
# "take your time at Shan Creek until 11:30, then lunch"), up to this many
# minutes or the visit's own length, whichever is more (at most doubling a
# short visit), and only while the sight is open (and in daylight, if outdoors).
LINGER_MINUTES = 60


def linger(problem: Problem, day: int, stops: list[Timed]) -> list[Timed]:
    """Move waits into the previous visit where its hours allow."""
    out = list(stops)
    for k in range(2, len(out)):
        prev, cur = out[k - 1], out[k]
        wait = _wait(problem, cur)
        if wait <= 0 or prev.kind != "visit":
            continue
        task = problem.tasks[prev.item]  # type: ignore[index]
        cap = min(wait, max(LINGER_MINUTES, task.duration))
        limit = max(
            (hi for lo, hi in problem.visit_intervals(task.the_poi, day) if lo <= prev.start < hi), default=prev.end
        )
        last_event = _last_event(problem, out[: k - 1])
        for extra in range(min(cap, limit - prev.end), 0, -5):
            depart = prev.depart + extra
            travel = problem.leg(prev.place, cur.place, depart, last_event)
            if depart + travel <= cur.arrive + wait:
                out[k - 1] = replace(prev, end=prev.end + extra, depart=depart)
                out[k] = replace(cur, arrive=depart + travel, travel_minutes=travel)
                break
    return out
