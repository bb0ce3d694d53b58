"""Realistic trips for the guide benchmark: what visitors to Shaoxing actually ask for.

Each scenario is a plain ``POST /v1/itineraries`` body (fields of
``chalicelib.planning.request.FIELDS``). Dates: 2026 for ordinary trips
(May/June summer days, a December winter trip with civil dusk about 17:20),
September-October 2023 for the Asian Games sessions in ``poi_data/events.json``.
"""

from __future__ import annotations

from typing import Any

FAMILY = {"nature": 1.0, "culture": 0.8, "history": 0.4, "religion": 0.1, "shopping": 0.2}
HISTORY_BUFF = {"history": 1.0, "culture": 0.9, "religion": 0.5, "nature": 0.3}
OLD_TOWN_HOTEL = {"poi_id": "shaoxing-xianheng-hotel"}

SCENARIOS: dict[str, dict[str, Any]] = {
    # Zhedong Tang Poetry Road (浙东唐诗之路): the flagship multi-day route
    "tang-4d-drive": {"start_date": "2026-04-18", "days": 4, "route": "tang-poetry-road", "mode": "drive"},
    "tang-4d-drive-oldtown-hotel": {
        "start_date": "2026-04-18",
        "days": 4,
        "route": "tang-poetry-road",
        "mode": "drive",
        "lodging": OLD_TOWN_HOTEL,
    },
    "tang-5d-transit": {"start_date": "2026-05-09", "days": 5, "route": "tang-poetry-road", "mode": "transit"},
    "tang-3d-taxi": {
        "start_date": "2026-10-10",
        "days": 3,
        "route": "tang-poetry-road",
        "mode": "taxi",
        "pace": "packed",
    },
    # the old town on foot and by bus
    "oldtown-1d-walk": {"start_date": "2026-05-16", "days": 1, "route": "old-town", "mode": "walk"},
    "oldtown-2d-transit": {
        "start_date": "2026-05-16",
        "days": 2,
        "route": "old-town",
        "mode": "transit",
        "pace": "relaxed",
    },
    "keqiao-water-towns-1d-transit": {
        "start_date": "2026-05-17",
        "days": 1,
        "route": "keqiao-water-towns",
        "mode": "transit",
    },
    "asian-games-venues-2d-drive": {
        "start_date": "2023-10-01",
        "days": 2,
        "route": "asian-games-venues",
        "mode": "drive",
        "want_sports": ["baseball"],
    },
    # families
    "family-nature-3d-relaxed": {
        "start_date": "2026-06-20",
        "days": 3,
        "mode": "transit",
        "pace": "relaxed",
        "interests": FAMILY,
    },
    "family-culture-2d-bike": {
        "start_date": "2026-05-23",
        "days": 2,
        "mode": "bike",
        "pace": "relaxed",
        "interests": {"culture": 1.0, "history": 0.6, "nature": 0.6, "religion": 0.0},
    },
    # seasons
    "winter-3d-transit": {"start_date": "2026-12-10", "days": 3, "mode": "transit"},
    "winter-2d-drive-nature": {
        "start_date": "2026-12-12",
        "days": 2,
        "mode": "drive",
        "interests": {"nature": 1.0, "history": 0.5},
    },
    "summer-3d-walk": {"start_date": "2026-06-13", "days": 3, "mode": "walk", "day_start": "07:30", "day_end": "21:30"},
    "summer-5d-drive": {"start_date": "2026-06-27", "days": 5, "mode": "drive", "interests": HISTORY_BUFF},
    # the Asian Games
    "match-baseball-2d-transit": {
        "start_date": "2023-10-01",
        "days": 2,
        "mode": "transit",
        "events": ["ag2023-baseball-2023-10-01-1830-field1", "ag2023-baseball-2023-10-02-1200-field1"],
    },
    "match-climbing-2d-taxi": {
        "start_date": "2023-10-03",
        "days": 2,
        "mode": "taxi",
        "events": ["ag2023-sport-climbing-2023-10-03-1930"],
        "want_sports": ["baseball"],
    },
    "want-softball-3d-transit": {"start_date": "2023-09-26", "days": 3, "mode": "transit", "want_sports": ["softball"]},
    "want-sports-2026-none": {
        "start_date": "2026-05-01",
        "days": 2,
        "mode": "transit",
        "want_sports": ["basketball", "volleyball"],
    },
    # county-based stays
    "xinchang-stay-3d-drive": {
        "start_date": "2026-04-25",
        "days": 3,
        "mode": "drive",
        "lodging": {"poi_id": "meiling-hotel-xinchang"},
    },
    "shengzhou-stay-2d-taxi": {
        "start_date": "2026-05-02",
        "days": 2,
        "mode": "taxi",
        "lodging": {"poi_id": "shengzhou-hotel"},
    },
    "zhuji-stay-2d-drive": {
        "start_date": "2026-09-19",
        "days": 2,
        "mode": "drive",
        "lodging": {"poi_id": "yaojiang-new-century-zhuji"},
    },
    "shangyu-stay-2d-transit": {
        "start_date": "2026-10-17",
        "days": 2,
        "mode": "transit",
        "lodging": {"poi_id": "radisson-shangyu"},
    },
    # budget and pace
    "budget-3d-transit-100cny": {"start_date": "2026-03-21", "days": 3, "mode": "transit", "budget_cny": 100},
    "budget-1d-walk-30cny": {"start_date": "2026-03-22", "days": 1, "mode": "walk", "budget_cny": 30},
    "packed-1d-transit": {
        "start_date": "2026-05-16",
        "days": 1,
        "mode": "transit",
        "pace": "packed",
        "interests": HISTORY_BUFF,
    },
    "relaxed-7d-drive": {"start_date": "2026-10-01", "days": 7, "mode": "drive", "pace": "relaxed"},
    "normal-7d-transit": {"start_date": "2026-11-07", "days": 7, "mode": "transit"},
}
