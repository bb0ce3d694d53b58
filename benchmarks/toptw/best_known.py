"""Best known scores per (instance, m): ``data/best_known.csv``, the project's own table.

``data/bks.csv`` is a byte-for-byte copy of the literature's references; where
a solver of this benchmark finds a better solution, that reference is stale
for that m. This table keeps the best solution *any* run of the benchmark has
found, with the tours, so that the claim can be re-checked by anybody:

    instance, m, score, solver, budget_s, date, source, tours

A solution enters the table only if ``check.py`` (the independent checker)
accepts its tours, re-checked here from the tours themselves: the ``feasible``
and ``score`` columns of a runs CSV are not trusted. It replaces the entry of
its (instance, m) only with a strictly higher score (the first finder keeps an
equal score). Rows for which no bks exists still enter the table.

Seeded from every ``benchmarks/results/toptw*_runs.csv``
(``python -m benchmarks.toptw best-known``) and updated by every ``run``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Optional

from . import check as checker
from .instance import DATA, SETS, instance_paths

BEST_KNOWN = DATA / "best_known.csv"
FIELDS = ["instance", "m", "score", "solver", "budget_s", "date", "source", "tours"]


@dataclass(frozen=True)
class Record:
    instance: str
    m: int
    score: int
    solver: str
    budget_s: float
    date: str
    source: str
    tours: str  # as in the runs CSV: tours separated by "|", customers by spaces, no depot


def load(path: Path = BEST_KNOWN) -> dict[tuple[str, int], Record]:
    if not Path(path).is_file():
        return {}
    with open(path, newline="") as fh:
        return {
            (row["instance"], int(row["m"])): Record(
                instance=row["instance"],
                m=int(row["m"]),
                score=int(row["score"]),
                solver=row["solver"],
                budget_s=float(row["budget_s"]),
                date=row["date"],
                source=row["source"],
                tours=row["tours"],
            )
            for row in csv.DictReader(fh)
        }


def save(table: dict[tuple[str, int], Record], path: Path = BEST_KNOWN) -> None:
    order = {name: k for k, name in enumerate(p.stem for p in instance_paths(SETS))}
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for key in sorted(table, key=lambda k: (order.get(k[0], len(order)), k[0], k[1])):
            row = asdict(table[key])
            row["budget_s"] = f"{row['budget_s']:g}"
            writer.writerow(row)


def parse_tours(text: str) -> list[list[int]]:
    return [[int(v) for v in tour.split()] for tour in (text or "").split("|") if tour.strip()]


@cache
def _path_of(instance: str) -> Optional[Path]:
    found = instance_paths(SETS, None)
    return next((p for p in found if p.stem == instance), None)


def verified_score(instance: str, m: int, tours: str, path: Optional[Path] = None) -> Optional[int]:
    """The checker's score of these tours, or None if it rejects them (or the instance is unknown)."""
    path = path or _path_of(instance)
    if path is None:
        return None
    try:
        result = checker.check(path, parse_tours(tours), m)
    except (ValueError, IndexError):
        return None
    return result.score if result.feasible else None


def update(
    table: dict[tuple[str, int], Record],
    rows: Iterable[dict],
    date: str,
    source: str,
    paths: Optional[dict[str, Path]] = None,
) -> list[tuple[Optional[Record], Record]]:
    """Enter every checked solution of ``rows`` that beats the table; returns (old, new) pairs."""
    changes = []
    for row in rows:
        key = (str(row["instance"]), int(row["m"]))
        old = table.get(key)
        claimed = int(row.get("score") or 0)
        if claimed <= 0 or (old is not None and claimed <= old.score) or not row.get("tours"):
            continue  # cannot be an improvement (the checker decides whether it is one at all)
        path = (paths or {}).get(key[0])
        score = verified_score(key[0], key[1], str(row["tours"]), path)
        if score is None or (old is not None and score <= old.score):
            continue
        new = Record(
            instance=key[0],
            m=key[1],
            score=score,
            solver=str(row["solver"]),
            budget_s=float(row["budget_s"]),
            date=date,
            source=source,
            tours=str(row["tours"]),
        )
        table[key] = new
        changes.append((old, new))
    return changes


def csv_date(csv_path: Path) -> str:
    """The date a runs CSV was made: its summary's "Generated" line, else the file's mtime."""
    md = csv_path.with_name(csv_path.name.replace("_runs.csv", "_summary.md"))
    if md.is_file():
        found = re.search(r"Generated (\d{4}-\d{2}-\d{2})", md.read_text())
        if found:
            return found.group(1)
    from datetime import UTC, datetime

    return datetime.fromtimestamp(csv_path.stat().st_mtime, UTC).strftime("%Y-%m-%d")


def update_from_csvs(csvs: Iterable[Path], path: Path = BEST_KNOWN) -> list[tuple[Optional[Record], Record]]:
    table = load(path)
    changes = []
    for csv_path in csvs:
        with open(csv_path, newline="") as fh:
            rows = list(csv.DictReader(fh))
        changes += update(table, rows, csv_date(csv_path), csv_path.name)
    save(table, path)
    return changes
