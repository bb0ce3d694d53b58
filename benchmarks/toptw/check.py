"""Independent TOPTW feasibility checker and scorer.

Deliberately shares no code with the parser (``instance.py``) or any runner:
it reads the instance file itself and does exact decimal arithmetic, with
distances computed by ``Decimal.sqrt`` at 50 digits and rounded down to
0.1 (Solomon) / 0.01 (Cordeau ``pr``) as the literature does. Times are in
the file's own units (not the runners' integer-scaled axis).

A solution is a list of at most ``m`` tours; each tour lists customer
vertex numbers in visit order. The depot (0) at the start and end of a
tour is implied and may be written explicitly; anywhere else it is an
error. Rules checked:

* every vertex exists, no customer is visited twice (within or across tours);
* each tour leaves the depot at its opening time; on arrival at a customer
  the vehicle may wait until the opening time O; service must *start* no
  later than the closing time C; the customer's service time is spent
  there before travelling on;
* each tour is back at the depot no later than the depot's closing time
  (the tour budget Tmax);

The score is the sum of the visited customers' scores.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Optional

_CTX = decimal.Context(prec=50)


@dataclass(frozen=True)
class CheckResult:
    feasible: bool
    score: int
    errors: tuple[str, ...] = ()
    travel: Decimal = Decimal(0)  # total rounded distance of all tours
    visited: int = 0
    tours: tuple[tuple[int, ...], ...] = field(default=(), repr=False)  # normalised (no depots)


@lru_cache(maxsize=64)
def _read(path: str) -> tuple[tuple[Decimal, ...], ...]:
    """(x, y, service, score, open, close) per vertex, vertex 0 first."""
    rows = []
    for line in Path(path).read_text().splitlines()[2:]:
        f = line.split()
        if f:
            rows.append((Decimal(f[1]), Decimal(f[2]), Decimal(f[3]), Decimal(f[4]), Decimal(f[-2]), Decimal(f[-1])))
    return tuple(rows)


def rounding_for(path: Path | str) -> int:
    return 2 if Path(path).name.lower().startswith("pr") else 1


def distance(a: tuple[Decimal, ...], b: tuple[Decimal, ...], decimals: int) -> Decimal:
    squared = (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2
    exact = _CTX.sqrt(squared)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=decimal.ROUND_FLOOR)


def check(path: Path | str, tours: Sequence[Sequence[int]], m: int, decimals: Optional[int] = None) -> CheckResult:
    vertices = _read(str(path))
    decimals = rounding_for(path) if decimals is None else decimals
    errors: list[str] = []
    if len(tours) > m:
        errors.append(f"{len(tours)} tours for m = {m}")
    seen: set[int] = set()
    depot = vertices[0]
    score, travel, normalised = Decimal(0), Decimal(0), []
    for t, tour in enumerate(tours):
        tour = [int(v) for v in tour]
        if tour and tour[0] == 0:
            tour = tour[1:]
        if tour and tour[-1] == 0:
            tour = tour[:-1]
        normalised.append(tuple(tour))
        clock, here = depot[4], 0
        for position, v in enumerate(tour):
            if v == 0:
                errors.append(f"tour {t}: depot inside the tour at position {position}")
                continue
            if not 0 < v < len(vertices):
                errors.append(f"tour {t}: vertex {v} does not exist")
                continue
            if v in seen:
                errors.append(f"tour {t}: vertex {v} visited more than once")
            else:
                score += vertices[v][3]
            seen.add(v)
            leg = distance(vertices[here], vertices[v], decimals)
            travel += leg
            arrival = clock + leg
            start = max(arrival, vertices[v][4])
            if start > vertices[v][5]:
                errors.append(f"tour {t}: vertex {v} service starts at {start} after its closing time {vertices[v][5]}")
            clock, here = start + vertices[v][2], v
        leg = distance(vertices[here], depot, decimals)
        travel += leg
        back = clock + leg
        if back > depot[5]:
            errors.append(f"tour {t}: back at the depot at {back} after the budget {depot[5]}")
    if score != score.to_integral_value():
        errors.append(f"non-integer score {score}")
    return CheckResult(
        feasible=not errors,
        score=int(score),
        errors=tuple(errors),
        travel=travel,
        visited=len(seen),
        tours=tuple(normalised),
    )
