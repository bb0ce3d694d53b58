"""Embeddable widgets: self-contained HTML for an ``<iframe>``, the loader
script (``embed.js``) and oEmbed documents.

The widget page carries both languages and switches between them on the
client (a button flips ``data-lang`` on ``<html>``); its only script is
inline with a per-response nonce, so the Content-Security-Policy can forbid
everything else. Every string from a plan, the catalog or the query is HTML
escaped; colours are validated hex values (see :func:`parse_colour`).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from typing import Optional

from ..catalog import Catalog, Route
from ..catalog.labels import CATEGORY_NAMES, ROUTE_KIND_NAMES
from ..errors import invalid
from ..i18n import LANGS, Text
from .mapscene import day_scene, route_scene, svg
from .view import LABELS, DayView, PlanView, StopView, day_date, details, hhmm, travel_line

COLOUR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
ORIGIN_RE = re.compile(r"^(?:https?://(?:\*\.)?[A-Za-z0-9.-]+(?::\d{1,5})?|'self'|'none'|\*)$")


@dataclass(frozen=True)
class Colours:
    primary: str = "#9e2a2b"
    bg: str = "#ffffff"
    fg: str = "#222222"

    FIELDS = ("primary", "bg", "fg")


def parse_colour(field: str, value: Optional[str], default: str) -> str:
    """A strict CSS hex colour (#rgb or #rrggbb), else a 400 naming the field."""
    if value is None or value == "":
        return default
    if not COLOUR_RE.match(value):
        raise invalid(
            field,
            f"{field} must be a hex colour such as #aa0000 (write # as %23 in a URL)",
            f"{field} 必须是十六进制颜色，例如 #aa0000（URL 中 # 写作 %23）",
            code="invalid_colour",
        )
    return value.lower()


def colours_from(values: Mapping[str, Optional[str]]) -> Colours:
    base = Colours()
    return Colours(**{f: parse_colour(f, values.get(f), getattr(base, f)) for f in Colours.FIELDS})


def csp(nonce: Optional[str], frame_ancestors: Iterable[str] = ("*",)) -> str:
    """The widget's Content-Security-Policy; ``frame_ancestors`` are origins
    (``https://agency.example``), ``*``, ``'self'`` or ``'none'``."""
    ancestors = [a for a in frame_ancestors if ORIGIN_RE.match(a)] or ["'none'"]
    script = f"'nonce-{nonce}'" if nonce else "'none'"
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src {script}; base-uri 'none'; form-action 'none'; "
        f"frame-ancestors {' '.join(ancestors)}"
    )


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


# -- bilingual markup -------------------------------------------------------------------


def bi(text: Text, tag: str = "span", cls: str = "") -> str:
    """Both languages; CSS shows the one selected on <html data-lang>."""
    attr = f' class="{escape(cls)}"' if cls else ""
    if text.zh == text.en:
        return f"<{tag}{attr}>{escape(text.zh)}</{tag}>"
    return f'<{tag}{attr}><span lang="zh">{escape(text.zh)}</span><span lang="en">{escape(text.en)}</span></{tag}>'


def bi_str(zh: Optional[str], en: Optional[str], tag: str = "span", cls: str = "") -> str:
    if not zh and not en:
        return ""
    return bi(Text(zh or en or "", en or zh or ""), tag, cls)


_SCRIPT = """(function () {
  var root = document.documentElement, box = document.getElementById("yy-widget");
  var button = document.getElementById("yy-lang");
  function post() {
    if (window.parent === window) return;
    var height = Math.ceil(box.getBoundingClientRect().height);
    window.parent.postMessage({type: "yueyou:resize", height: height}, "*");
  }
  function setLang(lang) {
    root.setAttribute("data-lang", lang);
    root.setAttribute("lang", lang === "zh" ? "zh-CN" : "en");
    button.setAttribute("aria-pressed", lang === "en" ? "true" : "false");
    post();
  }
  button.addEventListener("click", function () {
    setLang(root.getAttribute("data-lang") === "zh" ? "en" : "zh");
  });
  window.addEventListener("load", post);
  if (window.ResizeObserver) { new ResizeObserver(post).observe(box); }
  post();
})();"""


def _page(title: Text, body: str, lang: str, colours: Colours, nonce: str, oembed_url: Optional[str]) -> str:
    lang = lang if lang in LANGS else "zh"
    c = colours
    discovery = (
        f'<link rel="alternate" type="application/json+oembed" href="{escape(oembed_url)}">' if oembed_url else ""
    )
    return f"""<!doctype html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}" data-lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="strict-origin-when-cross-origin">
<title>{escape(title.get(lang))}</title>{discovery}
<style>
:root {{ --yy-primary: {escape(c.primary)}; --yy-bg: {escape(c.bg)}; --yy-fg: {escape(c.fg)}; }}
html[data-lang="zh"] [lang="en"], html[data-lang="en"] [lang="zh"] {{ display: none; }}
html, body {{ margin: 0; padding: 0; background: var(--yy-bg); color: var(--yy-fg); }}
body {{ font: 14px/1.4 system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }}
#yy-widget {{ padding: 12px 14px; }}
header.yy-head {{ display: flex; justify-content: space-between; align-items: center; gap: 8px;
                  border-bottom: 3px solid var(--yy-primary); padding-bottom: 6px; }}
h1 {{ font-size: 17px; margin: 0; }} h2 {{ font-size: 15px; margin: 14px 0 6px; color: var(--yy-primary); }}
button#yy-lang {{ font: inherit; border: 1px solid var(--yy-primary); color: var(--yy-primary); background: transparent;
                  border-radius: 14px; padding: 2px 10px; cursor: pointer; white-space: nowrap; flex: none; }}
svg.yy-map {{ width: 100%; height: auto; display: block; }}
ol.yy-stops {{ list-style: none; margin: 6px 0; padding: 0; }}
li.yy-stop {{ display: grid; grid-template-columns: 6.6em 1.8em 1fr; gap: 2px 6px; padding: 3px 0; }}
ol.yy-route li.yy-stop {{ grid-template-columns: 1.8em 1fr; }}
.yy-time {{ font-variant-numeric: tabular-nums; white-space: nowrap; opacity: .85; }}
.yy-time small {{ display: block; font-size: 11px; }}
.yy-body > span {{ display: block; }}
.yy-body > span.yy-meta, .yy-start .yy-body > .yy-name, .yy-end .yy-body > .yy-name {{ display: inline; }}
.yy-badge {{ display: inline-block; width: 1.6em; height: 1.6em; line-height: 1.6em; border-radius: 50%; text-align: center;
             background: var(--yy-primary); color: #fff; font-size: 12px; }}
.yy-event .yy-badge {{ background: #d98e04; }} .yy-meal .yy-badge {{ background: #3a7d44; }}
.yy-start .yy-badge, .yy-end .yy-badge, .yy-lodging .yy-badge {{ background: #2f4f6f; }}
.yy-name {{ font-weight: 600; }} .yy-detail, .yy-leg, .yy-meta {{ font-size: 12px; opacity: .75; }}
.yy-leg {{ grid-column: 3; }}
a {{ color: var(--yy-primary); }}
footer.yy-foot {{ margin-top: 10px; font-size: 12px; }}
</style></head>
<body><div id="yy-widget" class="yy-widget">{body}</div>
<script nonce="{escape(nonce)}">{_SCRIPT}</script></body></html>
"""


def _header(title: Text) -> str:
    return (
        f'<header class="yy-head"><h1>{bi(title)}</h1>'
        f'<button type="button" id="yy-lang" aria-pressed="false">{bi(LABELS["switch"])}</button></header>'
    )


def _time_cell(stop: StopView) -> str:
    if stop.type == "start":
        main = hhmm(stop.depart)
    elif stop.type == "end":
        main = hhmm(stop.arrive)
    else:
        main = f"{hhmm(stop.start)}–{hhmm(stop.end)}"
    arrive = ""
    if stop.type not in ("start", "end") and stop.arrive != stop.start:
        arrive = "<small>" + bi(Text(f"到达 {hhmm(stop.arrive)}", f"arrive {hhmm(stop.arrive)}")) + "</small>"
    return f'<span class="yy-time">{escape(main)}{arrive}</span>'


def _stop_item(stop: StopView) -> str:
    badge = "⌂" if stop.type in ("start", "end") else str(stop.number)
    name = bi(stop.name, "span", "yy-name")
    if stop.type in ("start", "end"):
        name = bi(stop.type_name, "span", "yy-meta") + " " + name
    facts_zh, facts_en = details(stop, "zh"), details(stop, "en")
    if stop.type == "meal":
        facts_zh.insert(0, stop.type_name.zh)
        facts_en.insert(0, stop.type_name.en)
    travel = ""
    if stop.travel is not None:
        travel = bi_str(
            "↓ " + (travel_line(stop, "zh") or ""), "↓ " + (travel_line(stop, "en") or ""), "span", "yy-leg"
        )
    detail = bi_str(" · ".join(facts_zh), " · ".join(facts_en), "span", "yy-detail")
    attrs = f'data-type="{escape(stop.type)}" data-index="{stop.index}"'
    if stop.poi_id:
        attrs += f' data-poi="{escape(stop.poi_id)}"'
    return (
        f'<li class="yy-stop yy-{escape(stop.type)}" {attrs}>{travel}{_time_cell(stop)}'
        f'<span class="yy-badge" aria-hidden="true">{escape(badge)}</span>'
        f'<span class="yy-body">{name}{detail}</span></li>'
    )


def _day_section(day: DayView) -> str:
    title = Text(
        f"{LABELS['day'].format(n=day.number).zh} · {day_date(day.date, 'zh')}",
        f"{LABELS['day'].format(n=day.number).en} · {day_date(day.date, 'en')}",
    )
    scene = day_scene(day, ("zh", "en"), width=420, height=220)
    items = "".join(_stop_item(s) for s in day.stops)
    return (
        f'<section class="yy-day" data-day="{day.number}"><h2>{bi(title)}</h2>'
        f'{svg(scene, label=title.zh + " / " + title.en)}'
        f'<ol class="yy-stops">{items}</ol></section>'
    )


def itinerary_widget(
    plan: PlanView, lang: str, colours: Colours, nonce: str, plan_url: Optional[str], oembed_url: Optional[str] = None
) -> str:
    days = "".join(_day_section(d) for d in plan.days)
    foot = ""
    if plan_url:
        foot = (
            f'<footer class="yy-foot"><a href="{escape(plan_url)}" target="_blank" rel="noopener noreferrer">'
            f'{bi(LABELS["open_plan"])}</a> · Yueyou 越游</footer>'
        )
    body = f'{_header(plan.title)}<div class="yy-days" data-itinerary="{escape(plan.id)}">{days}</div>{foot}'
    return _page(plan.title, body, lang, colours, nonce, oembed_url)


def route_widget(
    route: Route,
    catalog: Catalog,
    lang: str,
    colours: Colours,
    nonce: str,
    length_km: float,
    oembed_url: Optional[str] = None,
) -> str:
    scene = route_scene(route, catalog, ("zh", "en"), width=420, height=240)
    items = []
    for n, stop in enumerate(route.stops, start=1):
        poi = catalog.pois[stop.poi_id]
        kind = "event" if poi.category == "venue" else "meal" if poi.category == "food" else "visit"
        category = CATEGORY_NAMES.get(poi.category)
        meta = bi(category, "span", "yy-detail") if category else ""
        note = bi(stop.note, "span", "yy-detail") if stop.note else ""
        items.append(
            f'<li class="yy-stop yy-{kind}" data-type="{kind}" data-index="{n}" '
            f'data-poi="{escape(poi.id)}">'
            f'<span class="yy-badge" aria-hidden="true">{n}</span>'
            f'<span class="yy-body">{bi(poi.name, "span", "yy-name")}{meta}{note}</span></li>'
        )
    kind_name = ROUTE_KIND_NAMES.get(route.kind)
    meta = " · ".join(
        x
        for x in (
            bi(kind_name) if kind_name else "",
            bi(LABELS["stops"].format(n=len(route.stops))),
            bi(LABELS["route_days"].format(n=route.suggested_days)),
            bi(LABELS["length"].format(km=f"{length_km:g}")),
        )
        if x
    )
    body = (
        f'{_header(route.name)}<p class="yy-meta">{meta}</p>{bi(route.description, "p", "yy-desc")}'
        f'<div class="yy-days" data-route="{escape(route.id)}">{svg(scene, label=route.name.zh + " / " + route.name.en)}'
        f'<ol class="yy-stops yy-route">{"".join(items)}</ol></div>'
        f'<footer class="yy-foot">Yueyou 越游</footer>'
    )
    return _page(route.name, body, lang, colours, nonce, oembed_url)


# -- embed.js ---------------------------------------------------------------------------

EMBED_JS = r"""/* Yueyou widget loader.
   <script async src="https://HOST/v1/widgets/embed.js" data-itinerary="it-..." data-share="..."></script>
   <script async src="https://HOST/v1/widgets/embed.js" data-route="tang-poetry-road"></script>
   Optional: data-lang="zh|en", data-primary="#aa0000", data-bg="#ffffff", data-fg="#222222",
   data-key="(public agency key id)", data-height="480". */
(function () {
  "use strict";
  var OPTIONS = ["lang", "primary", "bg", "fg", "key", "share"];
  function mount(script) {
    if (script.getAttribute("data-yueyou-mounted")) return;
    var itinerary = script.getAttribute("data-itinerary"), route = script.getAttribute("data-route");
    if (!itinerary && !route) return;
    script.setAttribute("data-yueyou-mounted", "1");
    var src = new URL(script.src, document.baseURI);
    var base = src.href.replace(/embed\.js(?:[?#].*)?$/, "");
    var url = new URL((itinerary ? "itinerary/" : "route/") + encodeURIComponent(itinerary || route), base);
    OPTIONS.forEach(function (name) {
      var value = script.getAttribute("data-" + name);
      if (value) url.searchParams.set(name, value);
    });
    var frame = document.createElement("iframe");
    frame.src = url.href;
    frame.title = script.getAttribute("data-title") || (itinerary ? "Yueyou itinerary" : "Yueyou route");
    frame.className = "yueyou-widget";
    frame.setAttribute("loading", "lazy");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox");
    frame.style.cssText = "border:0;width:100%;max-width:100%;display:block;overflow:hidden";
    frame.style.height = (parseInt(script.getAttribute("data-height"), 10) || 480) + "px";
    script.parentNode.insertBefore(frame, script.nextSibling);
    window.addEventListener("message", function (event) {
      if (event.origin !== src.origin || event.source !== frame.contentWindow) return;
      var data = event.data;
      if (!data || data.type !== "yueyou:resize") return;
      var height = Number(data.height);
      if (isFinite(height) && height > 0 && height < 20000) frame.style.height = Math.ceil(height) + "px";
    });
  }
  var scripts = document.querySelectorAll("script[data-itinerary], script[data-route]");
  for (var i = 0; i < scripts.length; i++) {
    if (/\/embed\.js(?:[?#]|$)/.test(scripts[i].src)) mount(scripts[i]);
  }
})();
"""


def oembed(
    kind: str, title: Text, lang: str, widget_url: str, provider_url: str, width: int, height: int
) -> dict[str, object]:
    iframe = (
        f'<iframe src="{escape(widget_url)}" width="{width}" height="{height}" '
        f'style="border:0;max-width:100%" loading="lazy" title="{escape(title.get(lang))}" '
        f'sandbox="allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox"></iframe>'
    )
    return {
        "type": "rich",
        "version": "1.0",
        "title": title.get(lang),
        "provider_name": "Yueyou 越游",
        "provider_url": provider_url,
        "html": iframe,
        "width": width,
        "height": height,
        "cache_age": 3600,
        "yueyou_kind": kind,
    }
