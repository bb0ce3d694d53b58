"""Meals the solver left out: a restaurant near the day's path, or an honest gap.

The solver places most meals (meal groups in the model). Whatever it leaves
out is repaired here with exact times, in this order:

1. a restaurant of the day's options (the previous plan's first, in
   replans) inserted where the detour is at most ``MEAL_DETOUR_KM`` and the
   restaurant has served fewer than ``MEALS_PER_RESTAURANT`` meals of the trip,
   without waiting more than ``MEAL_WAIT`` for it;
2. a restaurant in place of the day's least valuable sight worth less than
   a meal (``make_room_for_meals``);
3. a restaurant after the day's visits are shortened (``shorten_for_meals``)
   as far as the route spine shortens a day that cannot hold its stretch;
4. a packed lunch (``add_packed_lunches``): on a day whose long visit
   spans lunch time (a Mount Tianmu hike) and that passes a takeaway food
   shop (``FoodInfo.takeaway``) before it, a short stop to pick lunch up;
5. a break where the traveller is, only at a match venue (stadium food);
6. otherwise the meal is reported in ``unscheduled`` (``meal_no_restaurant``
   or ``no_time``) with the nearest restaurant, instead of inventing a lunch
   at a temple.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Optional

from .pace import visit_length as pace_length
from .problem import DAY, MEAL_UNITS, MEALS_PER_RESTAURANT, Problem, Task, end_place, meal_task, start_place
from .spine import SHORTEN_STEPS, SHORTEST_VISIT, cut_length
from .timing import Break, Item, Timed, linger, time_day

MEAL_DETOUR_KM = 8.0  # extra km a restaurant may add to the leg it sits on
MEAL_WAIT = 30  # minutes one may wait for a restaurant's meal time
VISIT_WAIT = 45  # minutes a sight may keep one waiting (its opening): the guide norm
PICKUP_MINUTES = 10  # a takeaway lunch picked up on the way
PACKED_MIN_VISIT = 120  # minutes: only a visit this long is a place to eat a packed lunch


def has_meal(problem: Problem, items: Sequence[Item], meal: str) -> bool:
    """Whether the day's ``items`` already hold ``meal`` at a restaurant."""
    return any(isinstance(i, int) and problem.tasks[i].meal == meal for i in items)


def restaurant_use(problem: Problem, day_items: Sequence[Sequence[Item]]) -> dict[str, int]:
    """Meals per restaurant in the solver's plan (updated as repairs add meals)."""
    used: dict[str, int] = {}
    for items in day_items:
        for i in items:
            if isinstance(i, int) and problem.tasks[i].kind == "meal":
                poi = problem.tasks[i].poi
                used[poi.id] = used.get(poi.id, 0) + 1  # type: ignore[union-attr]
    return used


def _path(problem: Problem, d: int, items: Sequence[Item]) -> list[int]:
    places = [start_place(problem, d)]
    for i in items:
        places.append(places[-1] if isinstance(i, Break) else problem.tasks[i].place)
    return places + [end_place(problem, d)]


def add_restaurant_meals(
    problem: Problem,
    d: int,
    items: list[Item],
    timed: list[Timed],
    prefer: Mapping[tuple[int, str], str],
    used: dict[str, int],
    wider: bool = True,
) -> tuple[list[Timed], list[Item]]:
    """Put each missing meal at a restaurant where exact times allow (with
    ``wider``, also at one the solver was not offered, when none of its fits)."""
    km = problem.km
    for meal in ("lunch", "dinner"):
        if has_meal(problem, items, meal):
            continue
        taken = {problem.tasks[i].the_poi.id for i in items if isinstance(i, int) and problem.tasks[i].kind == "meal"}
        options = [
            i
            for i, t in enumerate(problem.tasks)
            if t.kind == "meal" and t.day == d and t.meal == meal and not t.mandatory and t.the_poi.id not in taken
        ]
        path = _path(problem, d, items)
        # A restaurant past its share of the trip's meals (variety) only when no
        # other fits: the same good place a third time beats no dinner (a week
        # from one old-town hotel has six restaurants near it).
        best = _best_meal(problem, d, items, options, path, prefer.get((d, meal)), used)
        if wider and (best is None or best[0][0]):  # none, or only a restaurant's third meal
            # The solver was offered the restaurants near the lodgings; a day
            # away from them (a Zhuji stay's old-town day) eats where it is.
            offered = {problem.tasks[i].the_poi.id for i in options} | taken
            near = [
                f
                for f in problem.foods
                if f.id not in offered
                and min(
                    km[a][problem.place_index[f.id]] + km[problem.place_index[f.id]][b] - km[a][b]
                    for a, b in zip(path, path[1:])
                )
                <= MEAL_DETOUR_KM
            ]
            extra = [i for i in (meal_task(problem, f, d, meal) for f in near) if i is not None]
            other = _best_meal(problem, d, items, extra, path, None, used)
            if other is not None and (best is None or other[0] < best[0]):
                best = other
        if best is not None:
            rank, timed, items = best
            chosen = problem.tasks[rank[4]].poi.id  # type: ignore[union-attr]
            used[chosen] = used.get(chosen, 0) + 1
    return timed, items


def spread_repeats(
    problem: Problem,
    day_items: list[list[Item]],
    used: dict[str, int],
    prefer: Mapping[tuple[int, str], str],
) -> set[int]:
    """A restaurant past its share of the trip's meals (``MEALS_PER_RESTAURANT``,
    booked by the repair when nothing else fitted) hands one of its meals on:
    that meal moves to another restaurant of its day, and if that one is at
    its share too, one of *its* meals moves to a restaurant that is not (a
    chain of two, as a guide rebooks a week: lunch in Anchang on the Anchang
    day frees Xianheng Tavern for the evening the Cangqiao stalls would have
    served a third time). Each move keeps the repair's rules (exact times,
    ``MEAL_DETOUR_KM``, ``MEAL_WAIT``, a restaurant inside a sight only on a
    day that visits it). ``day_items`` and ``used`` are updated; returns the
    days changed."""
    changed: set[int] = set()
    tried: set[tuple[int, int]] = set()
    while True:  # one move at a time: a move changes the days the next one reads
        repeat = next(
            (
                (d, k)
                for d, items in enumerate(day_items)
                for k, i in enumerate(items)
                if (d, i) not in tried and _repeated(problem, d, i, used, prefer)
            ),
            None,
        )
        if repeat is None:
            return changed
        d, k = repeat
        tried.add((d, day_items[d][k]))  # type: ignore[arg-type]
        for e, new_items, old_id, new_id in _chain(problem, day_items, used, d, k) or []:
            day_items[e] = new_items
            used[old_id] -= 1
            used[new_id] = used.get(new_id, 0) + 1
            changed.add(e)


def _repeated(
    problem: Problem, d: int, item: Item, used: Mapping[str, int], prefer: Mapping[tuple[int, str], str]
) -> bool:
    """Whether ``item`` is a meal at a restaurant past its share of the trip
    (not the traveller's lock nor, in a replan, the restaurant kept)."""
    if not isinstance(item, int):
        return False
    task = problem.tasks[item]
    if task.kind != "meal" or task.mandatory or task.packed or task.meal is None:
        return False
    here = task.the_poi.id
    return used.get(here, 0) > MEALS_PER_RESTAURANT and prefer.get((d, task.meal)) != here


def _chain(
    problem: Problem, day_items: list[list[Item]], used: Mapping[str, int], d: int, k: int
) -> Optional[list[tuple[int, list[Item], str, str]]]:
    """Moves (day, its new items, restaurant left, restaurant taken) that take
    the meal ``day_items[d][k]`` off its restaurant: straight to one under
    its share, or to one at its share that hands another of its meals on to
    one under its share."""
    first = day_items[d][k]
    assert isinstance(first, int)  # (a meal task: ``_repeated``)
    meal_id = problem.tasks[first].the_poi.id
    for node, items in _moved(problem, d, day_items[d], k):
        taken = problem.tasks[node].the_poi.id
        if used.get(taken, 0) < MEALS_PER_RESTAURANT:
            return [(d, items, meal_id, taken)]
        if used.get(taken, 0) > MEALS_PER_RESTAURANT:
            continue
        for e, other in enumerate(day_items):
            if e == d:
                continue
            for j, i in enumerate(other):
                t = problem.tasks[i] if isinstance(i, int) else None
                if t is None or t.kind != "meal" or t.mandatory or t.packed or t.the_poi.id != taken:
                    continue
                for node2, items2 in _moved(problem, e, other, j):
                    freed = problem.tasks[node2].the_poi.id
                    if freed not in (meal_id, taken) and used.get(freed, 0) < MEALS_PER_RESTAURANT:
                        return [(d, items, meal_id, taken), (e, items2, taken, freed)]
    return None


def _moved(problem: Problem, d: int, items: list[Item], k: int) -> list[tuple[int, list[Item]]]:
    """The day's meal ``items[k]`` at each other restaurant offered for it that
    fits (exact times, detour, wait, a sight's own restaurant only with that
    sight), best placement each, least detour first."""
    own = items[k]
    assert isinstance(own, int)  # (a meal task)
    meal = problem.tasks[own].meal
    rest = items[:k] + items[k + 1 :]
    taken = {problem.tasks[i].the_poi.id for i in rest if isinstance(i, int) and problem.tasks[i].kind == "meal"}
    seen = {problem.tasks[i].the_poi.id for i in rest if isinstance(i, int) and problem.tasks[i].kind == "visit"}
    path = _path(problem, d, rest)
    found = []
    for node, t in enumerate(problem.tasks):
        if t.kind != "meal" or t.day != d or t.meal != meal or t.mandatory or t.packed:
            continue
        if t.the_poi.id in taken or t.the_poi.id == problem.tasks[own].the_poi.id:
            continue
        if node in problem.inside_meals and not seen & set(problem.inside_meals[node]):
            continue
        best = _best_meal(problem, d, rest, [node], path, None, {})
        if best is not None and not _waits(problem, linger(problem, d, best[1])):
            found.append((best[0][2], node, best[2]))
    return [(node, placed) for _, node, placed in sorted(found)]


def _waits(problem: Problem, timed: Sequence[Timed]) -> bool:
    """Whether a day (after ``linger``) waits longer than ``MEAL_WAIT`` for a
    meal or ``VISIT_WAIT`` for a sight: a move that shifts the day's other
    meal into a wait is no better than the repeat it removes."""
    for stop in timed:
        if stop.kind == "meal" and stop.start - stop.arrive > MEAL_WAIT:
            return True
        if stop.kind == "visit" and stop.start - stop.arrive > VISIT_WAIT:
            return True
    return False


def make_room_for_meals(
    problem: Problem,
    d: int,
    items: list[Item],
    timed: list[Timed],
    prefer: Mapping[tuple[int, str], str],
    used: dict[str, int],
) -> tuple[list[Timed], list[Item]]:
    """A meal still missing takes the place of the day's least valuable sight
    worth less than a meal (``MEAL_UNITS``: the model's own rate), when that
    lets a restaurant fit: a guide drops the Bazi Bridge stop before lunch,
    never lunch. One sight per meal at most; route stops, locks, must-visits
    and matches are never dropped."""
    for meal in ("lunch", "dinner"):
        if has_meal(problem, items, meal):
            continue
        cheap = sorted(
            (problem.tasks[i].prize_units, k)
            for k, i in enumerate(items)
            if isinstance(i, int)
            and problem.tasks[i].kind == "visit"
            and not problem.tasks[i].mandatory
            and problem.tasks[i].prize_units < MEAL_UNITS
        )
        for _, k in cheap:
            fed = _fed(problem, d, items[:k] + items[k + 1 :], meal, prefer, used)
            if fed is not None:
                timed, items = fed
                break
    return timed, items


def shorten_for_meals(
    problem: Problem,
    d: int,
    items: list[Item],
    timed: list[Timed],
    prefer: Mapping[tuple[int, str], str],
    used: dict[str, int],
) -> tuple[list[Timed], list[Item]]:
    """A meal still missing gets its hour from shorter visits: the day's
    visits cut to the first of ``SHORTEN_STEPS`` that lets a restaurant fit
    (never below ``SHORTEST_VISIT``, never a locked stop), as the route spine
    cuts a day that cannot hold its stretch. A guide shortens Lu Xun Native
    Place by half an hour rather than skip lunch in the old town, where a
    restaurant is next door (and no sight is cheap enough to drop)."""
    locked = {lk.item_id for lk in problem.locks if lk.kind == "visit"}
    for meal in ("lunch", "dinner"):
        if has_meal(problem, items, meal):
            continue
        for factor in SHORTEN_STEPS[1:]:
            cut = [_cut(problem, i, factor, locked) for i in items]
            if cut == items:
                continue  # the route spine has cut them this far already
            fed = _fed(problem, d, cut, meal, prefer, used)
            if fed is not None:
                timed, items = fed
                _mark_cut(problem, d, items, meal)
                break
    return timed, items


def _mark_cut(problem: Problem, d: int, items: Sequence[Item], meal: str) -> None:
    """Record the visits of ``items`` cut below their length (the stops say
    ``shortened``) and that day ``d`` was cut for ``meal`` (a note)."""
    for i in items:
        task = problem.tasks[i] if isinstance(i, int) else None
        if task is not None and task.kind == "visit" and task.duration < problem.visit_length(task.the_poi)[0]:
            problem.meal_cut.add(task.the_poi.id)
    problem.meal_short_days.setdefault(d, []).append(meal)


def _fed(
    problem: Problem,
    d: int,
    trial: list[Item],
    meal: str,
    prefer: Mapping[tuple[int, str], str],
    used: dict[str, int],
) -> Optional[tuple[list[Timed], list[Item]]]:
    """``trial`` (the day's items, changed to make room) re-timed with a
    restaurant for ``meal``, and ``used`` updated; None if it is still missing."""
    retimed = time_day(problem, d, trial)
    if retimed is None:
        return None
    trial_used = dict(used)
    fed, fed_items = add_restaurant_meals(problem, d, trial, retimed, prefer, trial_used)
    if not has_meal(problem, fed_items, meal):
        return None
    used.clear()
    used.update(trial_used)
    return fed, fed_items


def _cut(problem: Problem, item: Item, factor: float, locked: set[str]) -> Item:
    """A visit item at ``factor`` of its length (a new task after the solver's), else ``item``."""
    if isinstance(item, Break):
        return item
    task = problem.tasks[item]
    if task.kind != "visit" or task.the_poi.id in locked or task.duration <= SHORTEST_VISIT:
        return item
    length = cut_length(pace_length(task.the_poi, problem.request.pace)[0], factor)
    if length >= task.duration:
        return item
    for k, other in enumerate(problem.tasks):
        if other.kind == "visit" and other.poi is task.poi and other.duration == length and other.day == task.day:
            return k
    problem.tasks.append(replace(task, duration=length))
    return len(problem.tasks) - 1


def _best_meal(
    problem: Problem,
    d: int,
    items: list[Item],
    options: Sequence[int],
    path: Sequence[int],
    preferred_id: Optional[str],
    used: Mapping[str, int],
) -> Optional[tuple[tuple[bool, bool, float, int, int], list[Timed], list[Item]]]:
    """The best placement of one of ``options`` in the day: fewest repeats past
    the variety share, the preferred restaurant, the least detour, the
    earliest return; without waiting over ``MEAL_WAIT``."""
    km = problem.km
    best: Optional[tuple[tuple[bool, bool, float, int, int], list[Timed], list[Item]]] = None
    for node in options:
        poi_id = problem.tasks[node].poi.id  # type: ignore[union-attr]
        here = problem.tasks[node].place
        preferred = poi_id == preferred_id
        for pos in range(len(items) + 1):
            a, b = path[pos], path[pos + 1]
            detour = km[a][here] + km[here][b] - km[a][b]
            if detour > MEAL_DETOUR_KM and not preferred:
                continue
            trial = items[:pos] + [node] + items[pos:]
            result = time_day(problem, d, trial)
            if result is None or result[pos + 1].start - result[pos + 1].arrive > MEAL_WAIT:
                continue
            again = used.get(poi_id, 0) >= MEALS_PER_RESTAURANT
            rank = (again, not preferred, round(detour, 3), result[-1].arrive, node)
            if best is None or rank < best[0]:
                best = (rank, result, trial)
    return best


def spans_lunch(problem: Problem, d: int, start: int, end: int) -> bool:
    """Whether a visit from ``start`` to ``end`` (absolute) holds the day's
    lunch: at least ``PACKED_MIN_VISIT`` long and inside the lunch window for
    at least the lunch's minutes (the checker and the review say the same in
    their own words)."""
    window = problem.request.lunch
    lo, hi = d * DAY + window.start, d * DAY + window.end
    return end - start >= PACKED_MIN_VISIT and min(end, hi) - max(start, lo) >= window.minutes


def add_packed_lunches(
    problem: Problem, d: int, items: list[Item], timed: list[Timed], used: dict[str, int]
) -> tuple[list[Timed], list[Item]]:
    """A lunch still missing on a day whose long visit spans lunch time
    becomes a takeaway picked up on the way to it (``PICKUP_MINUTES`` at a
    food shop a source says packs food to go, open then, at most
    ``MEAL_DETOUR_KM`` off the leg, no wait over ``MEAL_WAIT``): a guide sends
    hikers up Mount Tianmu with chunbing rolls from town rather than no lunch.
    When the stop does not fit, the day's visits are cut as for a restaurant
    meal (``shorten_for_meals``)."""
    if has_meal(problem, items, "lunch"):
        return timed, items
    locked = {lk.item_id for lk in problem.locks if lk.kind == "visit"}
    for factor in SHORTEN_STEPS:
        cut = items if factor == 1.0 else [_cut(problem, i, factor, locked) for i in items]
        if factor != 1.0 and cut == items:
            continue
        cut_timed = timed if factor == 1.0 else time_day(problem, d, cut)
        if cut_timed is None:
            continue
        found = _pickup(problem, d, cut, cut_timed)
        if found is None:
            continue
        timed, items, task = found
        problem.tasks.append(task)
        used[task.the_poi.id] = used.get(task.the_poi.id, 0) + 1
        if factor != 1.0:
            _mark_cut(problem, d, items, "lunch")
        break
    return timed, items


def _pickup(
    problem: Problem, d: int, items: list[Item], timed: list[Timed]
) -> Optional[tuple[list[Timed], list[Item], Task]]:
    """The best takeaway stop before the day's first visit that spans lunch
    (least detour, earliest return), with the day re-timed; the task is not
    yet in ``problem.tasks`` (its index is the next one)."""
    window = problem.request.lunch
    day_lo = problem.day_windows[d][0]
    latest = d * DAY + window.end
    path = _path(problem, d, items)
    km = problem.km
    node = len(problem.tasks)
    spans = [
        k
        for k, item in enumerate(items)
        if isinstance(item, int)
        and problem.tasks[item].kind == "visit"
        and spans_lunch(problem, d, timed[k + 1].start, timed[k + 1].end)
    ]
    if not spans:
        return None
    k = spans[0]  # the visit it is eaten on
    best: Optional[tuple[tuple[float, int, str], list[Timed], list[Item], Task]] = None
    for shop in problem.foods:
        if shop.food is None or not shop.food.takeaway:
            continue
        here = problem.place_index[shop.id]
        windows = tuple(
            (max(lo, day_lo), min(hi, latest) - PICKUP_MINUTES)
            for lo, hi in problem.open_intervals(shop, d)
            if max(lo, day_lo) <= min(hi, latest) - PICKUP_MINUTES
        )
        if not windows:
            continue
        task = Task("meal", here, PICKUP_MINUTES, 0, windows, poi=shop, meal="lunch", day=d, packed=True)
        for pos in range(k + 1):  # picked up anywhere before the long visit
            detour = km[path[pos]][here] + km[here][path[pos + 1]] - km[path[pos]][path[pos + 1]]
            if detour > MEAL_DETOUR_KM:
                continue
            problem.tasks.append(task)
            trial = items[:pos] + [node] + items[pos:]
            result = time_day(problem, d, trial)
            problem.tasks.pop()
            if result is None or result[pos + 1].start - result[pos + 1].arrive > MEAL_WAIT:
                continue
            if not spans_lunch(problem, d, result[k + 2].start, result[k + 2].end):
                continue
            rank = (round(detour, 3), result[-1].arrive, shop.id)
            if best is None or rank < best[0]:
                best = (rank, result, trial, task)
    return None if best is None else best[1:]


def add_meal_breaks(
    problem: Problem, d: int, items: list[Item], timed: list[Timed]
) -> tuple[list[Timed], list[Item], list[tuple[int, str, int]]]:
    """A meal still missing becomes a break at a match venue;
    else it is returned as (day, meal, place where the traveller is then)."""
    req, missing = problem.request, []
    for meal, window in (("lunch", req.lunch), ("dinner", req.dinner)):
        if has_meal(problem, items, meal):
            continue
        brk = Break(meal, d * DAY + window.start, d * DAY + window.end, window.minutes)
        best: Optional[tuple[int, list[Timed], list[Item]]] = None
        for pos in range(len(items) + 1):
            before = timed[pos]  # the stop the break would follow (timed[0] is the day's start)
            at_venue = before.kind == "event" or (
                pos < len(items) and timed[pos + 1].kind == "event" and timed[pos + 1].place == before.place
            )
            if not at_venue:
                continue
            trial = items[:pos] + [brk] + items[pos:]
            result = time_day(problem, d, trial)
            if result is not None and (best is None or result[-1].arrive < best[0]):
                best = (result[-1].arrive, result, trial)
        if best is None:
            missing.append((d, meal, _where_at(problem, d, timed, window.start)))
        else:
            _, timed, items = best
    return timed, items, missing


def _where_at(problem: Problem, d: int, timed: Sequence[Timed], minute_of_day: int) -> int:
    """The place the traveller is at (or last left) at a minute of day ``d``."""
    at = d * DAY + minute_of_day
    place = timed[0].place
    for stop in timed:
        if stop.arrive <= at:
            place = stop.place
    return place
