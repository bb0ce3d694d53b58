"""The route card as an HTML print view (``card.html``): same content as the
PDF, one ``<section>`` per day, print CSS with one page per day.

No script at all; every string from the plan or the catalog is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from . import qr
from .mapscene import day_scene, svg
from .view import LABELS, DayView, PlanView, StopView, day_tickets, day_title, details, names, stop_times, travel_line

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'"
)


def langs_of(lang: str) -> tuple[str, ...]:
    return ("zh", "en") if lang == "both" else (lang,)


def _label(key: str, langs: Sequence[str], **fmt: object) -> str:
    text = LABELS[key].format(**fmt) if fmt else LABELS[key]
    return escape(" / ".join(dict.fromkeys(text.get(l) for l in langs)))


def _stop_row(stop: StopView, langs: Sequence[str]) -> str:
    cells = []
    travel = " / ".join(dict.fromkeys(t for t in (travel_line(stop, l) for l in langs) if t))
    if travel:
        cells.append(f'<tr class="leg"><td></td><td></td><td>↓ {escape(travel)}</td></tr>')
    badge = "⌂" if stop.type in ("start", "end") else str(stop.number)
    name_html = "".join(
        f'<div class="name{i}" lang="{escape(l)}">{escape(n)}</div>'
        for i, (l, n) in enumerate(zip(langs, names(stop.name, tuple(langs))))
    )
    facts = []
    for lang in langs:
        items = details(stop, lang)
        if stop.type in ("start", "end", "meal"):
            items.insert(0, stop.type_name.get(lang))
        if items:
            facts.append(f'<div class="facts" lang="{lang}">{escape(" · ".join(items))}</div>')
    cells.append(
        f'<tr class="stop {escape(stop.type)}"><td class="time">{escape(stop_times(stop))}</td>'
        f'<td class="badge"><span>{escape(badge)}</span></td>'
        f'<td>{name_html}{"".join(facts)}</td></tr>'
    )
    return "".join(cells)


def _day(plan: PlanView, day: DayView, langs: Sequence[str], live_url: str, qr_svg: str) -> str:
    titles = "".join(
        f'<h1 lang="{l}">{escape(day_title(day, l))}</h1>'
        if i == 0
        else f'<p class="sub" lang="{l}">{escape(day_title(day, l))}</p>'
        for i, l in enumerate(langs)
    )
    lodging = ""
    if day.lodging is not None:
        lodging = (
            f'<p class="lodging">{_label("lodging", langs)}: {escape(" / ".join(names(day.lodging, tuple(langs))))}</p>'
        )
    rows = "".join(_stop_row(s, langs) for s in day.stops)
    rain = ""
    if day.plan_b:
        items = "".join(
            "<li>"
            + escape(
                " / ".join(
                    dict.fromkeys(
                        LABELS["instead_of"].get(l).format(alt=alt.get(l), out=out.get(l), km=f"{km:g}") for l in langs
                    )
                )
            )
            + "</li>"
            for out, alt, km in day.plan_b
        )
        rain = f'<div class="plan-b"><p>{_label("plan_b", langs)}</p><ul>{items}</ul></div>'
    scene = day_scene(day, langs, width=520, height=300)
    return (
        f'<section class="day" data-day="{day.number}"><header>{titles}{lodging}</header>'
        f'<figure>{svg(scene, label=" / ".join(plan.title.get(l) for l in langs))}'
        f'<figcaption>{_label("map", langs)}</figcaption></figure>'
        f'<table class="timeline">{rows}</table>{rain}'
        f'<footer><div><p>{_label("total", langs)} {escape(" / ".join(dict.fromkeys(day_tickets(day, l) for l in langs)))} · '
        f'{_label("travel_total", langs)} {day.travel_minutes} min</p>'
        f'<p><a href="{escape(live_url)}">{_label("live", langs)}</a></p>'
        f'<p class="url">{escape(live_url)}</p>'
        f'<p class="id">Yueyou 越游 · {escape(plan.id)} · {day.number}/{len(plan.days)}</p></div>'
        f'{qr_svg}</footer></section>'
    )


def card_html(plan: PlanView, lang: str, live_url: str, page_size: str = "A5") -> str:
    langs = langs_of(lang)
    qr_svg = qr.svg(live_url, size=110, label=LABELS["live"].get(langs[0]))
    days = "".join(_day(plan, d, langs, live_url, qr_svg) for d in plan.days)
    title = escape(" / ".join(dict.fromkeys(plan.title.get(l) for l in langs)))
    page = "A4" if page_size == "A4" else "A5"
    return f"""<!doctype html>
<html lang="{langs[0]}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title}</title>
<style>
@page {{ size: {page} portrait; margin: 9mm; }}
* {{ box-sizing: border-box; }}
body {{ font: 13px/1.35 "Noto Sans CJK SC","WenQuanYi Micro Hei","PingFang SC","Microsoft YaHei",sans-serif;
       color: #222; margin: 0; background: #eee; }}
.day {{ background: #fff; max-width: 148mm; margin: 12px auto; padding: 10mm; border-top: 5px solid #9e2a2b; }}
h1 {{ font-size: 20px; margin: 0; }}
.sub, .lodging {{ color: #666; margin: 2px 0; }}
figure {{ margin: 8px 0; }} figure svg {{ width: 100%; height: auto; display: block; }}
figcaption {{ font-size: 10px; color: #666; text-align: right; }}
table.timeline {{ width: 100%; border-collapse: collapse; }}
td {{ vertical-align: top; padding: 2px 4px; }}
td.time {{ white-space: nowrap; width: 7em; font-variant-numeric: tabular-nums; }}
td.badge span {{ display: inline-block; min-width: 1.6em; text-align: center; border-radius: 1em;
                 background: #9e2a2b; color: #fff; font-size: 11px; }}
tr.event td.badge span {{ background: #d98e04; }} tr.meal td.badge span {{ background: #3a7d44; }}
tr.start td.badge span, tr.end td.badge span {{ background: #2f4f6f; }}
.name0 {{ font-weight: bold; }} .facts, tr.leg td {{ color: #666; font-size: 11px; }}
footer {{ display: flex; justify-content: space-between; align-items: flex-end; border-top: 1px solid #d8d2c4;
          margin-top: 8px; padding-top: 6px; }}
footer p {{ margin: 2px 0; }} .url, .id {{ font-size: 9px; color: #666; word-break: break-all; }}
@media print {{
  body {{ background: #fff; }}
  .day {{ margin: 0; max-width: none; padding: 0; border-top-width: 3px; break-after: page; page-break-after: always; }}
  .day:last-child {{ break-after: auto; page-break-after: auto; }}
  a {{ color: inherit; text-decoration: none; }}
}}
</style></head>
<body>{days}</body></html>
"""
