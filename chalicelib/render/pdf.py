"""Printed route cards: one A5 (or A4) page per day, drawn with reportlab.

Each page has the day title and date, a schematic map of the day drawn from
the coordinates (numbered stops, lodging, venues; no tiles), the timeline
(arrive / start-end, travel mode and minutes between stops), event details
(venue, gate buffer), ticket prices, opening hours, the bilingual names and a
QR code to the live plan. Text is set in WenQuanYi Micro Hei (Apache 2.0,
``fonts/LICENSE``), embedded as a subset, so Chinese prints everywhere and
text extraction gives the names back.

The page is laid out in A5 points; A4 is the same page scaled by sqrt(2).
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, A5
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from . import qr
from .mapscene import Scene, day_scene, house_points, star_points
from .view import LABELS, DayView, PlanView, StopView, day_tickets, day_title, details_multi, hhmm, joined, names

FONT_PATH = Path(__file__).parent / "fonts" / "wqy-microhei.ttc"
FONT = "YueyouCJK"
PAGE_SIZES = {"A5": A5, "A4": A4}

PRIMARY = HexColor("#9e2a2b")
INK = HexColor("#222222")
GREY = HexColor("#666666")
LIGHT = HexColor("#f6f4ee")
RULE = HexColor("#d8d2c4")
KIND_COLOURS = {"event": HexColor("#d98e04"), "meal": HexColor("#3a7d44"), "lodging": HexColor("#2f4f6f")}

_font_lock = threading.Lock()


class _CardFont(TTFont):
    """The card font, safe to share between threads rendering at once.

    Why: the API renders card.pdf on several threads at once and they all
    share this one registered TTFont (a private instance per thread would
    cost ~22 MB of parsed tables each). reportlab keeps the per-document
    subsetting state apart (``TTFont.state`` is keyed by document), but the
    face it subsets from is a file parser with a single read cursor
    (``TTFontFile._pos``). ``TTFontFile.makeSubset``, run from
    ``addObjects`` when a canvas is saved, seeks and reads through that
    cursor to find the components of composite glyphs; two documents
    subsetting at once move each other's cursor, read wrong glyph indices
    and fail with a ``KeyError`` (about 1 in 300-400 renders at 16 threads),
    or could silently embed wrong glyphs. Outside construction (done under
    ``_font_lock``), that is the only cursor use in reportlab 5.1.0, so
    only the subsetting is serialised (~5% of a render); layout, drawing
    and compression still run in parallel. Output is unchanged: the lock
    only orders whole ``addObjects`` calls, each of which works on its own
    document. tests/render/test_card_pdf_concurrency.py guards this.
    """

    _subset_lock = threading.Lock()

    def addObjects(self, doc) -> None:
        with self._subset_lock:
            super().addObjects(doc)


def register_font() -> str:
    with _font_lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(_CardFont(FONT, str(FONT_PATH), subfontIndex=0))
    return FONT


def font_covers(text: str) -> bool:
    """Whether every character of ``text`` has a glyph in the card font."""
    register_font()
    face = pdfmetrics.getFont(FONT).face
    return all(ord(c) in face.charToGlyph or c.isspace() for c in text)


def langs_of(lang: str) -> tuple[str, ...]:
    return ("zh", "en") if lang == "both" else (lang,)


def label(key: str, langs: Sequence[str], **fmt: object) -> str:
    text = LABELS[key].format(**fmt) if fmt else LABELS[key]
    return " / ".join(dict.fromkeys(text.get(lang) for lang in langs))


# -- text helpers ---------------------------------------------------------------------


def width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def _is_cjk(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def wrap(text: str, size: float, max_width: float) -> list[str]:
    """Greedy wrap at spaces, or between CJK characters, or anywhere if it must."""
    lines: list[str] = []
    line = ""
    for ch in text:
        candidate = line + ch
        if width(candidate, size) <= max_width or not line:
            line = candidate
            continue
        cut = max(line.rfind(" "), max((i for i, c in enumerate(line) if _is_cjk(c)), default=-1))
        if ch == " ":
            lines.append(line.rstrip())
            line = ""
        elif _is_cjk(ch) or cut <= 0:
            lines.append(line.rstrip())
            line = ch
        else:
            head, tail = line[: cut + 1], line[cut + 1 :]
            if _is_cjk(line[cut]) and line[cut] != " ":
                head, tail = line[: cut + 1], line[cut + 1 :]
            lines.append(head.rstrip())
            line = tail.lstrip() + ch
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def fit_size(text: str, size: float, max_width: float, floor: float = 0.72) -> float:
    """Shrink a single-line text (a name) to fit, down to ``floor`` x size."""
    w = width(text, size)
    return size if w <= max_width else max(size * floor, size * max_width / w)


# -- layout ---------------------------------------------------------------------------


@dataclass
class Row:
    stop: StopView
    time_lines: list[tuple[str, float]]  # (text, size)
    name_lines: list[tuple[str, float]]  # (text, size)
    detail_lines: list[str]
    height: float


@dataclass
class Metrics:
    scale: float

    @property
    def name(self) -> float:
        return 8.6 * self.scale

    @property
    def name2(self) -> float:
        return 7.6 * self.scale

    @property
    def small(self) -> float:
        return 6.2 * self.scale

    @property
    def lead(self) -> float:
        return 1.22


W, H = A5
MARGIN = 26.0
TIME_COL = 60.0
BADGE_COL = 18.0
HEADER_H = 44.0
FOOTER_H = 62.0


def travel_text(stop: StopView, langs: Sequence[str]) -> list[str]:
    """How this stop is reached from the previous one: mode and minutes, distance."""
    if stop.travel is None:
        return []
    t = stop.travel
    lines = [f"{joined(t.mode_name.get(lang) for lang in langs)} {t.minutes} min"]
    if t.km:
        lines.append(f"{t.km:g} km")
    return lines


def time_lines(stop: StopView, langs: Sequence[str]) -> list[str]:
    if stop.type == "start":
        return [hhmm(stop.depart)]
    if stop.type == "end":
        return [hhmm(stop.arrive)]
    lines = [f"{hhmm(stop.start)}–{hhmm(stop.end)}"]
    if stop.arrive != stop.start:
        lines.append(f"{joined(('到达', 'arrive')[l == 'en'] for l in langs)} {hhmm(stop.arrive)}")
    return lines


def build_rows(day: DayView, langs: Sequence[str], m: Metrics, text_width: float) -> list[Row]:
    rows = []
    rain = {outdoor: (alt, km) for outdoor, alt, km in day.plan_b}  # plan B under its outdoor stop
    for stop in day.stops:
        name_lines: list[tuple[str, float]] = []
        for i, value in enumerate(names(stop.name, tuple(langs))):
            size = m.name if i == 0 else m.name2
            if stop.type in ("start", "end") and i == 0:
                value = f"{joined(stop.type_name.get(l) for l in langs)}: {value}"
            fitted = fit_size(value, size, text_width)
            if width(value, fitted) <= text_width:
                name_lines.append((value, fitted))
            else:
                name_lines.extend((part, fitted) for part in wrap(value, fitted, text_width))
        facts = details_multi(stop, tuple(langs))
        if stop.type == "meal":
            facts = [joined(stop.type_name.get(l) for l in langs)] + facts
        if stop.type == "visit" and stop.name in rain:
            alt, km = rain[stop.name]
            facts.append(
                f"{joined(LABELS['plan_b'].get(l) for l in langs)}: "
                + joined(
                    LABELS["instead_of"].get(l).format(alt=alt.get(l), out=stop.name.get(l), km=f"{km:g}")
                    for l in langs
                )
            )
        detail_lines = wrap(" · ".join(facts), m.small, text_width) if facts else []
        # The time column: the stay, the arrival when earlier, and how the stop is reached.
        t_lines = [(line, m.name2 if i == 0 else m.small) for i, line in enumerate(time_lines(stop, langs))]
        for line in travel_text(stop, langs):
            t_lines += [(part, m.small) for part in wrap(line, m.small, TIME_COL - 6)]
        height = sum(size for _, size in name_lines) * m.lead + len(detail_lines) * m.small * m.lead
        time_height = m.name * m.lead + sum(size for _, size in t_lines[1:]) * m.lead
        rows.append(Row(stop, t_lines, name_lines, detail_lines, max(height, time_height) + 4 * m.scale))
    return rows


def layout(day: DayView, langs: Sequence[str]) -> tuple[Metrics, list[Row], float]:
    """Font scale, rows and map height such that the day fits one page."""
    text_width = W - 2 * MARGIN - TIME_COL - BADGE_COL
    available = H - 2 * MARGIN - HEADER_H - FOOTER_H - 8
    best = None
    for scale in (1.0, 0.93, 0.86, 0.8, 0.74, 0.68, 0.62, 0.56, 0.5):
        m = Metrics(scale)
        rows = build_rows(day, langs, m, text_width)
        needed = sum(r.height for r in rows)
        map_h = min(available * 0.5, available - needed)
        best = (m, rows, max(map_h, 60.0))
        if map_h >= available * 0.3:
            return best
    assert best is not None
    return best


# -- drawing --------------------------------------------------------------------------


def draw_text(
    c: Canvas, x: float, y: float, text: str, size: float, colour=INK, bold: bool = False, anchor: str = "left"
) -> None:
    if anchor == "right":
        x -= width(text, size)
    elif anchor == "centre":
        x -= width(text, size) / 2
    # The font has no bold face: bold is fill + a thin stroke. The text render
    # mode is graphics state that outlives the text object, hence save/restore.
    c.saveState()
    c.setFillColor(colour)
    t = c.beginText()
    t.setFont(FONT, size)
    t.setTextOrigin(x, y)
    if bold:
        t.setTextRenderMode(2)
        c.setStrokeColor(colour)
        c.setLineWidth(size * 0.03)
    t.textOut(text)
    c.drawText(t)
    c.restoreState()


def _polygon(c: Canvas, points: Sequence[tuple[float, float]], fill, stroke=white) -> None:
    path = c.beginPath()
    path.moveTo(*points[0])
    for p in points[1:]:
        path.lineTo(*p)
    path.close()
    c.setFillColor(fill)
    c.setStrokeColor(stroke)
    c.drawPath(path, fill=1, stroke=1)


def draw_marker(c: Canvas, kind: str, label_text: str, x: float, y: float, r: float) -> None:
    """A marker centred at (x, y) in PDF coordinates (y up)."""
    c.setLineWidth(0.8)
    if kind == "lodging":
        # house_points is in y-down space: mirror it around y
        _polygon(c, [(px, 2 * y - py) for px, py in house_points(x, y, r * 0.9)], KIND_COLOURS["lodging"])
        return
    colour = KIND_COLOURS.get(kind, PRIMARY)
    if kind == "event":
        _polygon(c, [(px, 2 * y - py) for px, py in star_points(x, y, r * 1.45)], colour)
    else:
        c.setFillColor(colour)
        c.setStrokeColor(white)
        c.circle(x, y, r, fill=1, stroke=1)
    if label_text:
        draw_text(c, x, y - r * 0.36, label_text, r * 1.05, colour=white, anchor="centre")


def draw_scene(c: Canvas, scene: Scene, x0: float, y_top: float) -> None:
    """Draw a scene whose top-left corner is (x0, y_top) in PDF coordinates."""

    def at(x: float, y: float) -> tuple[float, float]:
        return x0 + x, y_top - y

    c.setFillColor(LIGHT)
    c.setStrokeColor(RULE)
    c.setLineWidth(0.6)
    c.rect(x0, y_top - scene.height, scene.width, scene.height, fill=1, stroke=1)
    r = scene.radius
    for line in scene.lines:
        c.setStrokeColor(HexColor("#555555"))
        c.setLineWidth(r * 0.22)
        c.setDash([r * 0.5, r * 0.4] if line.style in ("walk", "none") else [])
        path = c.beginPath()
        path.moveTo(*at(*line.points[0]))
        for p in line.points[1:]:
            path.lineTo(*at(*p))
        c.drawPath(path, fill=0, stroke=1)
    c.setDash([])
    for marker in scene.markers:
        draw_marker(c, marker.kind, marker.label, *at(marker.x, marker.y), r)
    # scale bar and north arrow
    bx, by = at(8, scene.height - 8)
    c.setStrokeColor(INK)
    c.setLineWidth(0.8)
    c.line(bx, by + 3, bx, by)
    c.line(bx, by, bx + scene.scale_px, by)
    c.line(bx + scene.scale_px, by, bx + scene.scale_px, by + 3)
    draw_text(c, bx + scene.scale_px + 3, by, f"{scene.scale_km:g} km", 6)
    nx, ny = at(scene.width - 12, 8)
    _polygon(c, [(nx, ny), (nx + 4, ny - 10), (nx - 4, ny - 10)], INK, INK)
    draw_text(c, nx, ny - 18, "N", 6.5, anchor="centre")


def draw_qr(c: Canvas, data: str, x: float, y: float, size: float) -> None:
    matrix = qr.modules(data)
    n = len(matrix)
    cell = size / n
    c.setFillColor(white)
    c.rect(x, y, size, size, fill=1, stroke=0)
    c.setFillColor(INK)
    for row, col, length in qr.runs(matrix):
        c.rect(x + col * cell, y + size - (row + 1) * cell, length * cell + 0.01, cell + 0.01, fill=1, stroke=0)


def draw_day(c: Canvas, plan: PlanView, day: DayView, langs: Sequence[str], live_url: str) -> None:
    m, rows, map_h = layout(day, langs)
    # header
    c.setFillColor(PRIMARY)
    c.rect(0, H - 6, W, 6, fill=1, stroke=0)
    y = H - MARGIN - 6
    draw_text(c, MARGIN, y, day_title(day, langs[0]), 13, bold=True)
    draw_text(
        c, W - MARGIN, y, " / ".join(dict.fromkeys(plan.title.get(l) for l in langs)), 7, colour=GREY, anchor="right"
    )
    if len(langs) > 1:
        draw_text(c, MARGIN, y - 14, day_title(day, langs[1]), 9, colour=GREY)
    if day.lodging is not None:
        lodging = " / ".join(names(day.lodging, tuple(langs)))
        draw_text(
            c,
            W - MARGIN,
            y - 14,
            f"{label('lodging', langs)}: {lodging}",
            fit_size(lodging, 7, W / 2),
            colour=GREY,
            anchor="right",
        )
    # map
    top = H - MARGIN - HEADER_H
    scene = day_scene(day, langs[0], width=W - 2 * MARGIN, height=map_h)
    draw_scene(c, scene, MARGIN, top)
    draw_text(c, W - MARGIN - 2, top - map_h + 3, label("map", langs), 5.5, colour=GREY, anchor="right")
    # timeline
    y = top - map_h - 8
    x_badge = MARGIN + TIME_COL
    x_text = x_badge + BADGE_COL
    for row in rows:
        # ``y`` is the top of the row; each line moves it down by size x leading
        first = row.name_lines[0][1] if row.name_lines else m.name
        ty = y
        for i, (line, size) in enumerate(row.time_lines):
            draw_text(c, MARGIN, ty - (first if i == 0 else size), line, size, colour=INK if i == 0 else GREY)
            ty -= (first if i == 0 else size) * m.lead
        kind = "lodging" if row.stop.type in ("start", "end") else row.stop.type
        draw_marker(
            c, kind, str(row.stop.number or ""), x_badge + BADGE_COL / 2 - 2, y - first * 0.62, 5.2 * m.scale + 1
        )
        ny = y
        for i, (text, size) in enumerate(row.name_lines):
            draw_text(c, x_text, ny - size, text, size, bold=(i == 0), colour=INK if i == 0 else HexColor("#333333"))
            ny -= size * m.lead
        for line in row.detail_lines:
            draw_text(c, x_text, ny - m.small, line, m.small, colour=GREY)
            ny -= m.small * m.lead
        y -= row.height
        c.setStrokeColor(RULE)
        c.setLineWidth(0.4)
        c.line(x_text, y + 1.5 * m.scale, W - MARGIN, y + 1.5 * m.scale)
    # footer: totals, live link, QR
    qr_size = FOOTER_H - 8
    c.setStrokeColor(RULE)
    c.setLineWidth(0.6)
    c.line(MARGIN, MARGIN + FOOTER_H, W - MARGIN, MARGIN + FOOTER_H)
    draw_qr(c, live_url, W - MARGIN - qr_size, MARGIN, qr_size)
    fy = MARGIN + FOOTER_H - 12
    tickets = " / ".join(dict.fromkeys(day_tickets(day, l) for l in langs))
    totals = f"{label('total', langs)} {tickets} · {label('travel_total', langs)} {day.travel_minutes} min"
    draw_text(c, MARGIN, fy, totals, 7.5)
    draw_text(c, MARGIN, fy - 11, label("live", langs) + " →", 7.5, colour=PRIMARY, bold=True)
    for i, part in enumerate(wrap(live_url, 5.5, W - 2 * MARGIN - qr_size - 8)[:3]):
        draw_text(c, MARGIN, fy - 22 - i * 7, part, 5.5, colour=GREY)
    draw_text(c, MARGIN, MARGIN, f"Yueyou 越游 · {plan.id} · {day.number}/{len(plan.days)}", 5.5, colour=GREY)


def card_pdf(plan: PlanView, lang: str, live_url: str, page_size: str = "A5") -> bytes:
    """The card as PDF bytes: one page per day of ``plan``."""
    register_font()
    langs = langs_of(lang)
    size = PAGE_SIZES[page_size]
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=size, pageCompression=1, invariant=1)
    c.setTitle(" / ".join(plan.title.get(l) for l in langs))
    c.setAuthor("Yueyou 越游")
    c.setSubject(live_url)
    c.setCreator("Yueyou route cards (reportlab)")
    factor = size[0] / W
    for day in plan.days:
        if not math.isclose(factor, 1.0):
            c.scale(factor, factor)
        draw_day(c, plan, day, langs, live_url)
        c.showPage()
    if not plan.days:
        draw_text(c, MARGIN, H - MARGIN - 20, plan.title.get(langs[0]), 12)
        c.showPage()
    c.save()
    return buf.getvalue()
