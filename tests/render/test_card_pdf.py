"""Printed route cards: read the PDFs back (pypdf) and look at them (pdftoppm)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from chalicelib.render import pdf
from chalicelib.render.view import LABELS, hhmm, plan_view

from . import plans

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "render"
LIVE = "https://trips.example/v1/itineraries/it-test?share=tok"


def flat(text: str) -> str:
    """Whitespace-insensitive: a name wrapped over two lines still matches."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def views():
    return {days: plan_view(plans.solved(days), plans.catalog(), plan_id=f"it-test-{days}") for days in (1, 3, 7)}


def page_texts(data: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("days", [1, 3, 7])
@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_card_reads_back_one_page_per_day(views, days, lang):
    view = views[days]
    data = pdf.card_pdf(view, lang, LIVE)
    assert data.startswith(b"%PDF-")
    texts = page_texts(data)
    assert len(texts) == days
    for day, text in zip(view.days, texts):
        assert flat(f"{LABELS['day'].format(n=day.number).get('en' if lang == 'en' else 'zh')}") in text
        for stop in day.stops:
            if lang in ("zh", "both"):
                assert flat(stop.name.zh) in text, (day.number, stop.name.zh)
            if lang in ("en", "both"):
                assert flat(stop.name.en) in text, (day.number, stop.name.en)
            if lang == "zh" and stop.name.en != stop.name.zh and stop.type == "visit":
                assert flat(stop.name.en) not in text  # one language means one language
            times = (
                [hhmm(stop.depart)]
                if stop.type == "start"
                else [hhmm(stop.arrive)]
                if stop.type == "end"
                else [hhmm(stop.start), hhmm(stop.end)]
            )
            for t in times:
                assert t in text, (day.number, stop.name.en, t)
            if stop.travel is not None:
                assert f"{stop.travel.minutes}min" in text
            if stop.event is not None:
                assert flat(stop.event.venue.get("en" if lang == "en" else "zh")) in text
                assert str(stop.event.entry_buffer_minutes) in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"card-{days}d-{lang}.pdf").write_bytes(data)


def test_card_embeds_the_cjk_font_and_is_a5_or_a4(views):
    data = pdf.card_pdf(views[3], "both", LIVE)
    reader = PdfReader(io.BytesIO(data))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (420, 595)  # A5 in points
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    embedded = 0
    for font in fonts:
        if font["/Subtype"] == "/Type1":  # reportlab's unused default (Helvetica), a standard-14 font
            assert font["/BaseFont"] == "/Helvetica"
            continue
        descriptor = font["/FontDescriptor"].get_object()
        assert "WenQuanYi" in str(descriptor["/FontName"])
        assert "/FontFile2" in descriptor, "the CJK font must be embedded"
        embedded += 1
    assert embedded
    a4 = PdfReader(io.BytesIO(pdf.card_pdf(views[3], "zh", LIVE, "A4")))
    width, height = (float(v) for v in a4.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)
    assert len(a4.pages) == 3
    assert flat(views[3].days[0].stops[1].name.zh) in flat(a4.pages[0].extract_text())


def test_qr_link_and_metadata(views):
    data = pdf.card_pdf(views[1], "en", LIVE)
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.subject == LIVE
    assert LIVE in "".join(reader.pages[0].extract_text().split())


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
@pytest.mark.parametrize("days,lang", [(1, "zh"), (3, "both"), (7, "en")])
def test_pages_render_to_non_blank_png(views, days, lang, tmp_path):
    data = pdf.card_pdf(views[days], lang, LIVE)
    source = tmp_path / "card.pdf"
    source.write_bytes(data)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = ARTIFACTS / f"card-{days}d-{lang}"
    last = str(days)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", last, str(source), str(prefix)], check=True, timeout=60
    )
    pngs = sorted(ARTIFACTS.glob(f"card-{days}d-{lang}-*.png"))
    assert len(pngs) == days
    for png in pngs:
        image = Image.open(png).convert("RGB")
        pixels = list(image.get_flattened_data())
        ink = sum(1 for r, g, b in pixels if r + g + b < 600) / len(pixels)
        red = sum(1 for r, g, b in pixels if r > 120 and g < 80 and b < 80)  # markers, title bar
        assert ink > 0.03, f"{png.name} looks blank ({ink:.1%} ink)"
        assert red > 50, f"{png.name}: no coloured markers"


def test_every_catalog_name_has_glyphs():
    cat = plans.catalog()
    texts = [p.name.zh for p in cat.pois.values()] + [e.title.zh for e in cat.events.values()]
    texts += [r.name.zh for r in cat.routes.values()] + [d.name.zh for d in cat.districts.values()]
    texts += [t.zh for t in LABELS.values()]
    missing = sorted({c for t in texts for c in t if not pdf.font_covers(c)})
    assert not missing, f"characters without a glyph in the card font: {missing}"


def test_wrap_breaks_latin_at_spaces_and_cjk_anywhere():
    pdf.register_font()
    lines = pdf.wrap("Asian Games Hangzhou 2022 Baseball second stage Field 1", 8, 80)
    assert all(pdf.width(line, 8) <= 80 for line in lines)
    assert " ".join(lines) == "Asian Games Hangzhou 2022 Baseball second stage Field 1"
    lines = pdf.wrap("杭州亚运会棒球男子第二阶段一号场地" * 2, 8, 50)
    assert "".join(lines) == "杭州亚运会棒球男子第二阶段一号场地" * 2
    assert all(pdf.width(line, 8) <= 50 for line in lines)


def test_hostile_names_print_as_text():
    view = plan_view(plans.hostile(1), plans.catalog(), plan_id="it-x")
    text = flat(PdfReader(io.BytesIO(pdf.card_pdf(view, "en", LIVE))).pages[0].extract_text())
    assert flat(plans.XSS_NAME) in text
