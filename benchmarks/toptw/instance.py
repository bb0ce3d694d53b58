"""TOPTW instance files, reference scores and the literature's travel times.

File format (KU Leuven orienteering benchmark; see ``data/README.md``):
two header lines that are skipped, then one line per vertex
``i x y d S f a <a numbers> O C`` (vertex 0 is the depot). Only
``x, y`` (coordinates), ``d`` (service), ``S`` (score) and the last two
numbers ``O, C`` (earliest / latest *start* of service) matter. The budget
of every tour is the depot's ``C``.

Travel time = Euclidean distance rounded *down* to 0.1 (Solomon sets) or
0.01 (Cordeau ``pr`` sets). All solvers work on integers, so every time
quantity is multiplied by ``scale`` = 10 or 100: the integer travel time
``floor(scale * dist)`` is then exactly ``scale`` times the literature's
rounded distance, with no floating-point error (computed with ``isqrt`` on
the exact decimal coordinates).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from math import isqrt
from pathlib import Path
from typing import Optional

DATA = Path(__file__).resolve().parent / "data"
INSTANCES = DATA / "instances"
SETS = ("solomon_100", "cordeau_pr01_10", "cordeau_pr11_20")


@dataclass(frozen=True)
class Vertex:
    x: Decimal
    y: Decimal
    service: Decimal
    score: Decimal
    ready: Decimal  # earliest start of service (O)
    due: Decimal  # latest start of service (C); for the depot: the tour budget


@dataclass(frozen=True)
class Instance:
    name: str
    set: str
    path: Path
    vertices: tuple[Vertex, ...] = field(repr=False)
    decimals: int  # literature rounding of distances: 1 (Solomon) or 2 (Cordeau)

    @property
    def n_customers(self) -> int:
        return len(self.vertices) - 1

    @property
    def scale(self) -> int:
        return 10**self.decimals

    @property
    def tmax(self) -> Decimal:
        return self.vertices[0].due

    def scaled(self, value: Decimal) -> int:
        """A time quantity of the file on the integer axis (exact, or an error)."""
        scaled = value * self.scale
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{self.name}: {value} is not a multiple of 1/{self.scale}")
        return int(scaled)

    @cached_property
    def matrix(self) -> list[list[int]]:
        """``matrix[i][j] = floor(scale * euclid(i, j))``: travel on the integer axis."""
        places = max(_places(v.x) for v in self.vertices) if self.vertices else 0
        places = max(places, max(_places(v.y) for v in self.vertices))
        unit = 10**places
        xs = [int(v.x * unit) for v in self.vertices]
        ys = [int(v.y * unit) for v in self.vertices]
        factor = self.scale * self.scale
        # floor(scale * sqrt(D) / unit) == isqrt(D * scale^2) // unit, D = squared integer distance.
        return [
            [isqrt(((xi - xj) ** 2 + (yi - yj) ** 2) * factor) // unit for xj, yj in zip(xs, ys)]
            for xi, yi in zip(xs, ys)
        ]

    # Integer (scaled) views used by every runner.
    @cached_property
    def service(self) -> list[int]:
        return [self.scaled(v.service) for v in self.vertices]

    @cached_property
    def ready(self) -> list[int]:
        return [self.scaled(v.ready) for v in self.vertices]

    @cached_property
    def due(self) -> list[int]:
        return [self.scaled(v.due) for v in self.vertices]

    @cached_property
    def score(self) -> list[int]:
        scores = [int(v.score) for v in self.vertices]
        if any(Decimal(s) != v.score for s, v in zip(scores, self.vertices)):
            raise ValueError(f"{self.name}: non-integer scores")
        return scores

    @property
    def total_score(self) -> int:
        return sum(self.score)


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def decimals_for(name: str) -> int:
    """Literature rounding: 0.01 for the Cordeau ``pr`` files, 0.1 for Solomon."""
    return 2 if Path(name).stem.lower().startswith("pr") else 1


def parse(path: Path | str, decimals: Optional[int] = None, set_name: str = "") -> Instance:
    path = Path(path)
    lines = [line.split() for line in path.read_text().splitlines()]
    rows = [row for row in lines[2:] if row]  # header split varies between files
    vertices = []
    for expected, row in enumerate(rows):
        if int(row[0]) != expected:
            raise ValueError(f"{path}: vertex line {expected} numbered {row[0]}")
        a = int(row[6])
        if len(row) != 9 + a:
            raise ValueError(f"{path}: vertex {expected}: {len(row)} fields, expected {9 + a}")
        vertices.append(
            Vertex(
                x=Decimal(row[1]),
                y=Decimal(row[2]),
                service=Decimal(row[3]),
                score=Decimal(row[4]),
                ready=Decimal(row[-2]),
                due=Decimal(row[-1]),
            )
        )
    if not vertices or vertices[0].score != 0:
        raise ValueError(f"{path}: no depot line")
    return Instance(
        name=path.stem,
        set=set_name or path.parent.name,
        path=path,
        vertices=tuple(vertices),
        decimals=decimals_for(path.name) if decimals is None else decimals,
    )


def instance_paths(sets=SETS, names=None) -> list[Path]:
    paths = []
    for set_name in sets:
        folder = INSTANCES / set_name
        if not folder.is_dir():
            raise ValueError(f"unknown set {set_name!r} (have: {', '.join(SETS)})")
        paths.extend(sorted(folder.glob("*.txt"), key=_natural))
    if names:
        wanted = {n.lower().removesuffix(".txt") for n in names}
        paths = [p for p in paths if p.stem.lower() in wanted]
        missing = wanted - {p.stem.lower() for p in paths}
        if missing:
            raise ValueError(f"instances not found in the selected sets: {', '.join(sorted(missing))}")
    return paths


def _natural(path: Path):
    stem = path.stem
    head = stem.rstrip("0123456789")
    return head, int(stem[len(head) :] or 0)


def load_bks(path: Path = DATA / "bks.csv") -> dict[tuple[str, int], int]:
    with open(path, newline="") as fh:
        return {(row["instance"], int(row["m"])): int(row["bks_score"]) for row in csv.DictReader(fh)}


def load_optimal_routes(path: Path = DATA / "optimal_routes_m1.csv") -> dict[str, tuple[int, list[int]]]:
    """instance -> (score, customer route without the depot) for proven-optimal m = 1 routes."""
    with open(path, newline="") as fh:
        return {
            row["instance"]: (int(row["score"]), [int(v) for v in row["route"].split()]) for row in csv.DictReader(fh)
        }
