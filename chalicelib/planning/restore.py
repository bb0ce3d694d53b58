"""Route visits the spine shortened, given their time back where the day has room.

The route spine cuts a day's visits (to 90, 80 or 70 % of their length)
when the day, as estimated before the solve, cannot hold its stretch of the
route at full length (``spine.fit``). The solved and timed day often has
room after all: it then left its hotel late (the first wait became a
lie-in) or waited for dinner, while Dafo Temple was cut from 128 to 90 min
(a guide review: "the customer loses half the mountain for no reason").
Each cut visit, the most valuable first, is lengthened to the longest of
its full length and the spine's steps that keeps the day feasible with
exact times (hours, daylight, meal windows, the day's end); visits the meal
repair cut to make room for a meal keep their cut.
"""

from __future__ import annotations

from .pace import visit_length as pace_length
from .problem import Problem, visit_task
from .spine import SHORTEN_STEPS, cut_length
from .timing import Item, Timed, time_day


def restore_cut_visits(
    problem: Problem, d: int, items: list[Item], timed: list[Timed]
) -> tuple[list[Timed], list[Item]]:
    """Day ``d`` with its spine-cut visits as long as the day allows (not in a
    replan: its locked stops keep their times, which a longer visit moves)."""
    if problem.locks:
        return timed, items
    cut = [
        (-problem.tasks[i].prize_units, k)
        for k, i in enumerate(items)
        if isinstance(i, int)
        and problem.tasks[i].kind == "visit"
        and problem.tasks[i].the_poi.id in problem.short_visits
        and problem.tasks[i].the_poi.id not in problem.meal_cut
        and problem.tasks[i].duration < pace_length(problem.tasks[i].the_poi, problem.request.pace)[0]
    ]
    for _, k in sorted(cut):
        item = items[k]
        assert isinstance(item, int)  # (a visit: above)
        full = pace_length(problem.tasks[item].the_poi, problem.request.pace)[0]
        for factor in SHORTEN_STEPS:  # longest first
            length = cut_length(full, factor)
            if length <= problem.tasks[item].duration:
                break
            longer = visit_task(problem, item, length)
            if longer is None:
                continue
            trial = items[:k] + [longer] + items[k + 1 :]
            retimed = time_day(problem, d, trial)
            if retimed is not None:
                items, timed = trial, retimed
                break
    return timed, items
