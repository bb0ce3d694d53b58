"""How far the catalog reaches: minimums per district, and the report.

A trip planner is only as good as what it knows, so the catalog has
minimums (issue #13): food in every district, lodging, POIs in total.
Where sourcing has not yet met one, the gap is written down here with the
reason (``SHORTFALLS``), so that validation still fails on any *new* gap
(a deleted restaurant) and on a recorded gap that has since been filled
(the record must go). ``report`` writes ``poi_data/REPORT.md``
(``make catalog-report``): counts, attribute coverage, coordinate quality,
events and the gaps.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from .catalog import Catalog
from .model import SIGHT_CATEGORIES
from .series import series_of

SHAOXING_DISTRICTS = ("yuecheng", "keqiao", "shangyu", "zhuji", "shengzhou", "xinchang")
FOOD_PER_DISTRICT = 4
LODGING_TOTAL = 30
POI_TOTAL = 130
REPORT_YEAR = 2027  # the year whose series dates the report shows

# (what, have-at-most) -> why the minimum is not met yet. Each entry was
# searched for and is described in poi_data/SOURCES.md.
SHORTFALLS: dict[str, str] = {
    "food:shangyu": "no sourced Shangyu restaurant with hours found in the stored pages (SOURCES.md, issue #13)",
    "food:shengzhou": "4 places, but no source gives the Shixin Street tangbao shop's hours (listed, not planned)",
    "food:xinchang": "5 places, but no source gives the hours of two food streets (listed, not planned)",
    "lodging:total": "county hotels and homestays found only by town, not by building (SOURCES.md, issue #13)",
    "pois:total": "follows from the food and lodging gaps; no place is added without a source",
}


def gaps(catalog: Catalog) -> dict[str, tuple[int, int]]:
    """Minimum not met: key -> (have, need)."""
    out: dict[str, tuple[int, int]] = {}
    plannable_food = Counter(
        p.district
        for p in catalog.pois.values()
        if p.category == "food" and p.opening_hours and p.coord_confidence != "unknown"
    )
    for district in SHAOXING_DISTRICTS:
        if plannable_food[district] < FOOD_PER_DISTRICT:
            out[f"food:{district}"] = (plannable_food[district], FOOD_PER_DISTRICT)
    lodging = sum(1 for p in catalog.pois.values() if p.category == "lodging")
    if lodging < LODGING_TOTAL:
        out["lodging:total"] = (lodging, LODGING_TOTAL)
    if len(catalog.pois) < POI_TOTAL:
        out["pois:total"] = (len(catalog.pois), POI_TOTAL)
    return out


def problems(catalog: Catalog) -> list[str]:
    """Gaps not recorded in SHORTFALLS, and recorded gaps that are closed."""
    found = gaps(catalog)
    out = [
        f"coverage: {key} has {have}, needs {need} (add sourced rows, or record why in coverage.SHORTFALLS)"
        for key, (have, need) in sorted(found.items())
        if key not in SHORTFALLS
    ]
    out += [f"coverage: {key} is met now: remove it from coverage.SHORTFALLS" for key in SHORTFALLS if key not in found]
    return out


def report(catalog: Catalog, year: int = REPORT_YEAR) -> str:
    """``poi_data/REPORT.md``: what the catalog holds and how well it is
    sourced; series dates are shown for ``year`` (fixed, so the committed
    report only changes with the data)."""
    pois = list(catalog.pois.values())
    districts = sorted({p.district for p in pois})
    categories = sorted({p.category for p in pois})
    lines = ["# Catalog report (`make catalog-report`)", ""]
    lines.append(
        f"{len(pois)} POIs, {len(catalog.events)} dated events, {len(series_of(catalog.events))} event series, "
        f"{len(catalog.routes)} routes. Generated from poi_data/ and routes/; do not edit by hand."
    )
    lines += ["", "## POIs by category and district", ""]
    lines.append("| category | " + " | ".join(districts) + " | total |")
    lines.append("| --- |" + " --- |" * (len(districts) + 1))
    for cat in categories:
        row = Counter(p.district for p in pois if p.category == cat)
        lines.append(f"| {cat} | " + " | ".join(str(row[d] or "") for d in districts) + f" | {sum(row.values())} |")
    total = Counter(p.district for p in pois)
    lines.append("| **all** | " + " | ".join(f"**{total[d]}**" for d in districts) + f" | **{len(pois)}** |")

    lines += ["", "## Coordinates", ""]
    conf = Counter(p.coord_confidence for p in pois)
    lines.append("| coord_confidence | POIs | meaning |")
    lines.append("| --- | --- | --- |")
    meaning = {
        "sourced": "a source places the building",
        "approx": "within a few hundred metres",
        "unknown": "only the town: listed, never planned from",
    }
    for key in ("sourced", "approx", "unknown"):
        lines.append(f"| {key} | {conf[key]} | {meaning[key]} |")

    lines += ["", "## Opening hours", ""]
    lines.append("| hours_confidence | POIs | of them food | meaning |")
    lines.append("| --- | --- | --- | --- |")
    hours_meaning = {
        "sourced": "a cited page gives the hours",
        "general": "typical hours for such a place, no page: plans name them (check before you go)",
        "unknown": "no hours: listed, never planned",
    }
    for key in ("sourced", "general", "unknown"):
        n = [p for p in pois if p.hours_confidence == key]
        lines.append(f"| {key} | {len(n)} | {sum(p.category == 'food' for p in n)} | {hours_meaning[key]} |")

    lines += ["", "## Attribute coverage", ""]
    sights = [p for p in pois if p.category in SIGHT_CATEGORIES + ("venue",)]
    access = Counter(p.accessibility.level for p in pois)
    booking = Counter(
        "unknown" if p.reservation is None or p.reservation.required is None else str(p.reservation.required).lower()
        for p in sights
    )
    lines.append("| attribute | of | coverage |")
    lines.append("| --- | --- | --- |")
    lines.append(f"| setting (indoor/outdoor/mixed) | all {len(pois)} | {len(pois)} (required) |")
    lines.append(
        f"| accessibility | all {len(pois)} | "
        + ", ".join(f"{k} {access[k]}" for k in ("step_free", "partial", "no", "unknown"))
        + " |"
    )
    lines.append(
        f"| reservation | {len(sights)} sights and venues | required {booking['true']}, "
        f"not required {booking['false']}, unknown {booking['unknown']} |"
    )
    lines.append(
        f"| rating (A-level / heritage) | {len(sights)} sights and venues | {sum(1 for p in sights if p.rating)} |"
    )
    lines.append(f"| part_of | all | {sum(1 for p in pois if p.part_of)} |")
    lines.append(f"| area | all | {sum(1 for p in pois if p.area)} |")
    lines.append(f"| night hours | all | {sum(1 for p in pois if p.night)} |")
    food = [p for p in pois if p.category == "food"]
    lines.append(f"| food opening hours | {len(food)} food places | {sum(1 for p in food if p.opening_hours)} |")
    lines.append(
        f"| food price level | {len(food)} food places | "
        f"{sum(1 for p in food if p.food and p.food.price_per_person_cny)} |"
    )
    lines.append(
        f"| ticket price | {len(sights)} sights and venues | {sum(1 for p in sights if p.ticket_cny is not None)} |"
    )

    lines += ["", "## Events", ""]
    kinds = Counter(e.kind for e in catalog.events.values())
    lines.append("Dated: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + ".")
    lines += ["", f"| series | kind | place | rule | dates in {year} |", "| --- | --- | --- | --- | --- |"]
    for s in sorted(series_of(catalog.events).values(), key=lambda s: s.id):
        dates = s.rule.dates(date(year, 1, 1), date(year, 12, 31))
        shown = ", ".join(d.isoformat() for d in dates[:3]) + (f" … ({len(dates)} dates)" if len(dates) > 3 else "")
        rule = ", ".join(f"{k}={v}" for k, v in s.rule.to_json().items())
        lines.append(f"| {s.id} | {s.kind} | {s.poi_id} | {rule} | {shown or '-'} |")

    lines += ["", "## Minimums (issue #13)", ""]
    found = gaps(catalog)
    lines.append(
        f"Food: {FOOD_PER_DISTRICT} plannable places (hours and a location) per district; "
        f"lodging: {LODGING_TOTAL}; POIs: {POI_TOTAL}."
    )
    lines.append("")
    if not found:
        lines.append("All met.")
    for key, (have, need) in sorted(found.items()):
        lines.append(f"- **{key}**: {have} of {need}. {SHORTFALLS.get(key, 'NOT RECORDED')}")
    return "\n".join(lines) + "\n"
