"""The compiled catalog bundle that ships inside chalicelib/.

Only ``app.py`` and ``chalicelib/`` reach Lambda, so the editable sources in
``poi_data/`` and ``routes/`` are compiled into one JSON file here; a test
fails when it is stale.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .catalog import Catalog

BUNDLE_PATH = Path(__file__).resolve().parent / "data" / "catalog.json"
POI_FILES = ("sights.json", "venues.json", "food.json", "lodging.json", "hubs.json")


def compile_sources(root: Path) -> dict[str, Any]:
    """Read poi_data/ and routes/ under ``root`` into one document."""
    poi_dir, route_dir = root / "poi_data", root / "routes"
    pois: list[Any] = []
    for name in POI_FILES:
        pois.extend(_read(poi_dir / name))
    routes = []
    for path in sorted(route_dir.glob("*.json")):
        route = _read(path)
        if route.get("id") != path.stem:
            raise ValueError(f"{path}: id {route.get('id')!r} must equal the file name")
        routes.append(route)
    return {
        "format": 1,
        "districts": _read(poi_dir / "districts.json"),
        "pois": pois,
        "events": sorted(_read(poi_dir / "events.json"), key=lambda e: (e["start"], e["id"])),
        "event_series": sorted(_read(poi_dir / "event_series.json"), key=lambda e: e["id"]),
        "routes": routes,
        "lines": sorted(_read(poi_dir / "transit_lines.json"), key=lambda line: line["id"]),
        "holidays": sorted(_read(poi_dir / "holidays.json"), key=lambda h: (h["start"], h["id"])),
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def build(root: Path, target: Path = BUNDLE_PATH) -> Catalog:
    document = compile_sources(root)
    catalog = Catalog.from_json(document)  # refuse to write an invalid bundle
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dumps(document), encoding="utf-8")
    return catalog


@lru_cache(maxsize=4)
def load(path: Path = BUNDLE_PATH) -> Catalog:
    with open(path, encoding="utf-8") as handle:
        return Catalog.from_json(json.load(handle))


def _read(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: invalid JSON: {exc}") from None
