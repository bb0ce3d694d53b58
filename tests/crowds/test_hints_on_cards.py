"""The busy hint reaches cards and widgets in both languages (issue #17)."""

from __future__ import annotations

from chalicelib.planning import plan
from chalicelib.render.view import details, details_multi, plan_view


def test_a_busy_visit_is_marked_on_cards(catalog):
    result = plan({"start_date": "2026-05-16", "lang": "en"}, catalog)
    stop = next(s for d in result["days"] for s in d["stops"] if s["type"] == "visit")
    stop["crowd"] = "busy"
    view = plan_view(result, catalog)
    marked = next(s for d in view.days for s in d.stops if s.poi_id == stop["poi_id"])
    assert "busy hour" in details(marked, "en") and "人多的时段" in details(marked, "zh")
    assert "人多的时段 / busy hour" in details_multi(marked, ("zh", "en"))
    quiet = next(s for d in view.days for s in d.stops if s.type == "visit" and s.poi_id != stop["poi_id"])
    assert "busy hour" not in details(quiet, "en")
