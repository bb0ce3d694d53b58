"""Bilingual labels for enumerations (categories, sports, kinds)."""

from __future__ import annotations

from ..i18n import Text

CATEGORY_NAMES = {
    "history": Text("历史古迹", "History"),
    "culture": Text("文化", "Culture"),
    "nature": Text("自然风光", "Nature"),
    "religion": Text("宗教", "Religion"),
    "shopping": Text("购物", "Shopping"),
    "food": Text("美食", "Food & drink"),
    "venue": Text("体育场馆", "Sports venue"),
    "lodging": Text("住宿", "Lodging"),
    "hub": Text("交通枢纽", "Transport hub"),
}

SPORT_NAMES = {
    "baseball": Text("棒球", "Baseball"),
    "softball": Text("垒球", "Softball"),
    "basketball": Text("篮球", "Basketball"),
    "volleyball": Text("排球", "Volleyball"),
    "sport-climbing": Text("攀岩", "Sport climbing"),
}

# Meals in running text ("lunch on 2026-05-16"); headings capitalise the English.
MEAL_NAMES = {"lunch": Text(zh="午餐", en="lunch"), "dinner": Text(zh="晚餐", en="dinner")}

ROUTE_KIND_NAMES = {
    "poetry-road": Text("诗路", "Poetry road"),
    "sports": Text("体育旅游线", "Sports line"),
    "city-line": Text("城市线路", "City line"),
}

CONFIDENCE_NAMES = {
    "exact": Text("开始和结束时间均已公布", "start and end published"),
    "start_sourced": Text("开始时间已公布，结束时间为估计", "start published, end estimated"),
    "date_only": Text("仅日期已公布，时间为常见场次估计", "date published, time is a typical slot"),
    "estimated": Text("日期和时间均为估计", "date and time estimated"),
    "time_tbc": Text("日期已公布，时间待定", "date published, time to be confirmed"),
}

EVENT_KIND_NAMES = {
    "match": Text("比赛", "Match"),
    "festival": Text("节庆", "Festival"),
    "ceremony": Text("典礼", "Ceremony"),
    "show": Text("演出", "Show"),
}
