"""Schematic maps drawn from coordinates alone (no tiles, no network).

A :class:`Scene` is laid out once in an abstract box (x right, y down) and
drawn by two backends: :func:`svg` (widgets, HTML card) and
``pdf.draw_scene`` (the printed card). Positions are an equirectangular
projection scaled by cos(latitude), which is faithful enough at city scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Optional

from ..catalog import Catalog, Route
from .view import DayView

MARKER_KINDS = ("visit", "event", "meal", "lodging")
KM_PER_DEG_LAT = 111.32
_NICE_KM = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)


@dataclass
class Marker:
    x: float
    y: float
    kind: str  # visit | event | meal | lodging
    label: str  # the number shown in the marker ("" for lodging)
    title: str  # for SVG <title> (already in the right language)


@dataclass
class Line:
    points: list[tuple[float, float]]
    style: str  # "walk" dashed, "route" thick, anything else solid


@dataclass
class Scene:
    width: float
    height: float
    radius: float
    lines: list[Line] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    scale_km: float = 0.0
    scale_px: float = 0.0


class Projection:
    def __init__(self, coords: Sequence[tuple[float, float]], width: float, height: float, pad: float) -> None:
        lons = [c[0] for c in coords] or [120.58]
        lats = [c[1] for c in coords] or [30.0]
        self.kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
        min_span = 0.004  # ~400 m: a one-stop day still gets a sensible zoom
        cx, cy = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
        span_x = max((max(lons) - min(lons)) * self.kx, min_span)
        span_y = max(max(lats) - min(lats), min_span)
        self.scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)  # px per degree (lat)
        self.cx, self.cy, self.w, self.h = cx, cy, width, height

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x = self.w / 2 + (lon - self.cx) * self.kx * self.scale
        y = self.h / 2 - (lat - self.cy) * self.scale
        return round(x, 2), round(y, 2)

    def px_per_km(self) -> float:
        return self.scale / KM_PER_DEG_LAT


def _scale_bar(scene: Scene, proj: Projection) -> None:
    per_km = proj.px_per_km()
    target = scene.width * 0.22
    km = _NICE_KM[0]
    for nice in _NICE_KM:
        if nice * per_km <= target:
            km = nice
    scene.scale_km, scene.scale_px = km, round(km * per_km, 2)


def _spread(markers: list[Marker], radius: float, width: float, height: float) -> None:
    """Nudge markers that would cover each other (same or very close places)."""
    placed: list[Marker] = []
    for marker in markers:
        for attempt in range(12):
            if all(math.hypot(marker.x - p.x, marker.y - p.y) >= 1.6 * radius for p in placed):
                break
            angle = attempt * 2.4  # golden-angle-ish spiral
            step = 1.7 * radius * (1 + attempt // 6)
            marker.x = round(marker.x + step * math.cos(angle), 2)
            marker.y = round(marker.y + step * math.sin(angle), 2)
        placed.append(marker)
    for marker in markers:  # never outside the frame
        marker.x = min(max(marker.x, 1.5 * radius), width - 1.5 * radius)
        marker.y = min(max(marker.y, 1.5 * radius), height - 1.5 * radius)


def _langs(lang: str | Sequence[str]) -> tuple[str, ...]:
    return (lang,) if isinstance(lang, str) else tuple(lang)


def _title(text, langs: tuple[str, ...]) -> str:
    return " / ".join(dict.fromkeys(text.get(l) for l in langs))


def day_scene(day: DayView, lang: str | Sequence[str], width: float = 400, height: float = 260) -> Scene:
    """``lang``: one language or several (marker titles then show each)."""
    langs = _langs(lang)
    radius = max(6.0, min(width, height) / 28)
    coords = [(s.lon, s.lat) for s in day.stops]
    proj = Projection(coords, width, height, pad=radius * 2.2)
    scene = Scene(width, height, radius)
    for prev, stop in zip(day.stops, day.stops[1:]):
        mode = stop.travel.mode if stop.travel else "none"
        scene.lines.append(Line([proj(prev.lon, prev.lat), proj(stop.lon, stop.lat)], mode))
    lodging_seen: set[tuple[float, float]] = set()
    markers = []
    for stop in day.stops:
        x, y = proj(stop.lon, stop.lat)
        if stop.type in ("start", "end"):
            if (x, y) in lodging_seen:
                continue
            lodging_seen.add((x, y))
            markers.append(Marker(x, y, "lodging", "", _title(stop.name, langs)))
        else:
            kind = stop.type if stop.type in MARKER_KINDS else "visit"
            markers.append(Marker(x, y, kind, str(stop.number), f"{stop.number}. {_title(stop.name, langs)}"))
    # Lodging first, so numbered stops are nudged rather than the hotel.
    markers.sort(key=lambda m: m.kind != "lodging")
    _spread(markers, radius, width, height)
    scene.markers = markers
    _scale_bar(scene, proj)
    return scene


def route_scene(
    route: Route, catalog: Catalog, lang: str | Sequence[str], width: float = 400, height: float = 260
) -> Scene:
    langs = _langs(lang)
    radius = max(6.0, min(width, height) / 28)
    stops = [catalog.pois[s.poi_id] for s in route.stops]
    lodging = [catalog.pois[p] for p in route.lodging if p in catalog.pois]
    coords = list(route.coordinates) + [(p.lon, p.lat) for p in stops + lodging]
    proj = Projection(coords, width, height, pad=radius * 2.2)
    scene = Scene(width, height, radius)
    scene.lines.append(Line([proj(lon, lat) for lon, lat in route.coordinates], "route"))
    markers = [Marker(*proj(p.lon, p.lat), "lodging", "", _title(p.name, langs)) for p in lodging]
    for n, poi in enumerate(stops, start=1):
        kind = "event" if poi.category == "venue" else "meal" if poi.category == "food" else "visit"
        markers.append(Marker(*proj(poi.lon, poi.lat), kind, str(n), f"{n}. {_title(poi.name, langs)}"))
    _spread(markers, radius, width, height)
    scene.markers = markers
    _scale_bar(scene, proj)
    return scene


# -- SVG backend --------------------------------------------------------------------


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def star_points(x: float, y: float, r: float) -> list[tuple[float, float]]:
    pts = []
    for i in range(10):
        rr = r if i % 2 == 0 else r * 0.45
        angle = math.pi / 2 + i * math.pi / 5
        pts.append((x + rr * math.cos(angle), y - rr * math.sin(angle)))
    return pts


def house_points(x: float, y: float, r: float) -> list[tuple[float, float]]:
    return [(x - r, y + r * 0.9), (x - r, y - r * 0.1), (x, y - r), (x + r, y - r * 0.1), (x + r, y + r * 0.9)]


def svg(scene: Scene, primary: str = "#b22222", css_class: str = "yy-map", label: Optional[str] = None) -> str:
    """The scene as an inline ``<svg>``; every text is escaped."""
    r = scene.radius
    primary = escape(primary)
    parts = [
        f'<svg class="{escape(css_class)}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {_fmt(scene.width)} {_fmt(scene.height)}" role="img"'
        + (f' aria-label="{escape(label)}"' if label else "")
        + ">",
        '<rect width="100%" height="100%" fill="#f6f4ee" stroke="#d8d2c4"/>',
    ]
    for line in scene.lines:
        pts = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in line.points)
        if line.style == "route":
            parts.append(
                f'<polyline points="{pts}" fill="none" stroke="{primary}" stroke-width="{_fmt(r * 0.45)}" '
                f'stroke-linejoin="round" stroke-linecap="round" opacity="0.75"/>'
            )
        else:
            dash = f' stroke-dasharray="{_fmt(r * 0.5)} {_fmt(r * 0.4)}"' if line.style in ("walk", "none") else ""
            parts.append(f'<polyline points="{pts}" fill="none" stroke="#555" stroke-width="{_fmt(r * 0.25)}"{dash}/>')
    for m in scene.markers:
        title = f"<title>{escape(m.title)}</title>"
        if m.kind == "lodging":
            pts = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in house_points(m.x, m.y, r * 0.9))
            parts.append(
                f'<g class="yy-lodging">{title}<polygon points="{pts}" fill="#2f4f6f" stroke="#fff" '
                f'stroke-width="1"/></g>'
            )
            continue
        fill = {"event": "#d98e04", "meal": "#3a7d44"}.get(m.kind, primary)
        if m.kind == "event":
            pts = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in star_points(m.x, m.y, r * 1.45))
            shape = f'<polygon points="{pts}" fill="{fill}" stroke="#fff" stroke-width="1"/>'
        else:
            shape = f'<circle cx="{_fmt(m.x)}" cy="{_fmt(m.y)}" r="{_fmt(r)}" fill="{fill}" stroke="#fff" stroke-width="1.2"/>'
        parts.append(
            f'<g class="yy-marker yy-{m.kind}">{title}{shape}'
            f'<text x="{_fmt(m.x)}" y="{_fmt(m.y + r * 0.38)}" text-anchor="middle" '
            f'font-size="{_fmt(r * 1.05)}" font-family="sans-serif" fill="#fff">{escape(m.label)}</text></g>'
        )
    # scale bar and north arrow
    x0, y0 = 8, scene.height - 8
    parts.append(
        f'<path d="M{_fmt(x0)} {_fmt(y0 - 4)}V{_fmt(y0)}H{_fmt(x0 + scene.scale_px)}V{_fmt(y0 - 4)}" '
        f'fill="none" stroke="#333" stroke-width="1.2"/>'
        f'<text x="{_fmt(x0 + scene.scale_px + 4)}" y="{_fmt(y0)}" font-size="9" '
        f'font-family="sans-serif" fill="#333">{_fmt(scene.scale_km)} km</text>'
    )
    nx, ny = scene.width - 14, 10
    parts.append(
        f'<path d="M{_fmt(nx)} {_fmt(ny)}l5 12h-10z" fill="#333"/>'
        f'<text x="{_fmt(nx)}" y="{_fmt(ny + 22)}" font-size="9" text-anchor="middle" '
        f'font-family="sans-serif" fill="#333">N</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
