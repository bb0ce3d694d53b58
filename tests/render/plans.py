"""Plans for the render and widget tests: solved once per session."""

from __future__ import annotations

import copy
import functools
from typing import Any

from chalicelib.catalog import bundle
from chalicelib.planning import plan

REQUESTS = {
    1: {"start_date": "2023-09-30", "days": 1, "lang": "zh", "time_limit_s": 1},
    3: {
        "start_date": "2023-09-30",
        "days": 3,
        "lang": "en",
        "events": ["ag2023-baseball-2023-10-01-1830-field1"],
        "time_limit_s": 1,
    },
    7: {"start_date": "2023-09-28", "days": 7, "lang": "en", "mode": "drive", "time_limit_s": 1},
}

XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '"><img src=x onerror="window.__xss=2">'
XSS_NAME = f"Tea house {XSS_SCRIPT}{XSS_IMG}"
XSS_LODGING = f"Inn {XSS_IMG}{XSS_SCRIPT}"


@functools.cache
def catalog():
    return bundle.load()


@functools.cache
def _solved(days: int) -> dict[str, Any]:
    return plan(dict(REQUESTS[days]), catalog())


def solved(days: int) -> dict[str, Any]:
    """A fresh copy of the n-day plan (1, 3 or 7 days)."""
    return copy.deepcopy(_solved(days))


def hostile(days: int = 3) -> dict[str, Any]:
    """The n-day plan with markup in names the catalog does not know: the
    second stop of day 1 becomes a custom place, and day 1 starts at a custom
    lodging; renderers must show these names as text."""
    doc = solved(days)
    stops = doc["days"][0]["stops"]
    visit = next(s for s in stops if s["type"] == "visit")
    visit.update(poi_id="custom-tea-house", name=XSS_NAME)
    stops[0].update(poi_id=None, name=XSS_LODGING)
    return doc
