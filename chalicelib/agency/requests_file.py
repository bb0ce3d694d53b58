"""Reading group requests from CSV or JSON files.

CSV columns (all optional but ``start_date``): ``group`` (a label used for
file names), ``start_date``, ``days``, ``lang``, ``mode``, ``pace``,
``lodging`` (POI ids, one per night, ``;``-separated), ``must_visit``,
``avoid``, ``events`` (``;``-separated ids), ``interests``
(``history=1;nature=0.5``), ``want_sports`` (``true`` or ``baseball;softball``),
``route``, ``budget_cny``, ``meals`` (true/false), ``day_start``, ``day_end``,
``time_limit_s``. JSON: a list of request objects, or ``{"requests": [...]}``;
a ``group`` key in an object is used as its label.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

LISTS = ("must_visit", "avoid", "events")
NUMBERS = {"days": int, "budget_cny": float, "time_limit_s": float}


class RequestFileError(ValueError):
    pass


def load(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """[(label, request)] from a .csv or .json file."""
    if path.suffix.lower() == ".csv":
        return _from_csv(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RequestFileError(f"{path}: not valid JSON: {exc}") from None
    if isinstance(data, dict):
        data = data.get("requests")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise RequestFileError(f"{path}: expected a list of request objects")
    out = []
    for i, item in enumerate(data):
        item = dict(item)
        label = str(item.pop("group", f"group-{i + 1:03d}"))
        out.append((label, item))
    return out


def _from_csv(path: Path) -> list[tuple[str, dict[str, Any]]]:
    out = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            request: dict[str, Any] = {}
            label = f"group-{line - 1:03d}"
            for key, raw in row.items():
                if key is None:
                    raise RequestFileError(f"{path}:{line}: more cells than header columns")
                value = (raw or "").strip()
                if not value:
                    continue
                if key == "group":
                    label = value
                elif key in LISTS:
                    request[key] = [v.strip() for v in value.split(";") if v.strip()]
                elif key == "lodging":
                    ids = [v.strip() for v in value.split(";") if v.strip()]
                    request[key] = [{"poi_id": i} for i in ids] if len(ids) > 1 else {"poi_id": ids[0]}
                elif key == "interests":
                    request[key] = _interests(value, path, line)
                elif key in ("meals",):
                    request[key] = _bool(value, key, path, line)
                elif key == "want_sports":
                    request[key] = (
                        True
                        if value.lower() == "true"
                        else False
                        if value.lower() == "false"
                        else [v.strip() for v in value.split(";") if v.strip()]
                    )
                elif key in NUMBERS:
                    try:
                        request[key] = NUMBERS[key](value)
                    except ValueError:
                        raise RequestFileError(f"{path}:{line}: {key} must be a number, got {value!r}") from None
                else:
                    request[key] = value
            out.append((label, request))
    return out


def _interests(value: str, path: Path, line: int) -> dict[str, float]:
    out = {}
    for part in value.split(";"):
        if not part.strip():
            continue
        name, sep, weight = part.partition("=")
        try:
            if not sep:
                raise ValueError
            out[name.strip()] = float(weight)
        except ValueError:
            raise RequestFileError(f"{path}:{line}: interests must look like history=1;nature=0.5") from None
    return out


def _bool(value: str, key: str, path: Path, line: int) -> bool:
    if value.lower() in ("true", "yes", "1"):
        return True
    if value.lower() in ("false", "no", "0"):
        return False
    raise RequestFileError(f"{path}:{line}: {key} must be true or false")
