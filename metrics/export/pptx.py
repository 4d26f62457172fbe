"""The briefing deck (.pptx): the same slides as the presentation page, readable at five
metres: 16:9, one idea per slide, black on white (white on blue for the title), type of
18 pt and more, charts as pictures, the figures in the speaker notes.
"""
from __future__ import annotations

import io
from datetime import date

from ..i18n import fmt, pick
from ..model.profile import Profile
from . import briefing as bf
from . import images
from .content import SPARK_BOX
from .common import clean, nobreak, tx

INK = "111111"
MUTED = "3d4350"
BLUE = "0b4f9c"
PANEL = "f2f4f7"
LINE = "c9ced6"
STATUS = {"good": "1a7f37", "bad": "c62828", "none": "4b5563"}
DEMO_FILL = "fde68a"
FONT = "Arial"          # on every office PC, with Vietnamese glyphs

SLIDE_W, SLIDE_H = 13.333, 7.5
MARGIN = 0.5
CONTENT_TOP = 1.95
CONTENT_H = 4.95


def _rgb(hex_: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_)


def _text(slide, x, y, w, h, text, size=20, bold=False, colour=INK, align="l", anchor="t", wrap=True,
          fill: str | None = None, space: float = 0):
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    tf = box.text_frame
    tf.word_wrap = wrap
    tf.margin_left = tf.margin_right = Inches(0.05)
    tf.margin_top = tf.margin_bottom = Inches(0.02)
    tf.vertical_anchor = {"t": MSO_ANCHOR.TOP, "m": MSO_ANCHOR.MIDDLE, "b": MSO_ANCHOR.BOTTOM}[anchor]
    if fill:
        box.fill.solid()
        box.fill.fore_color.rgb = _rgb(fill)
    lines = text if isinstance(text, list) else [text]
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = {"l": PP_ALIGN.LEFT, "c": PP_ALIGN.CENTER, "r": PP_ALIGN.RIGHT}[align]
        if space:
            p.space_after = Pt(space)
        run = p.add_run()
        run.text = nobreak(line)
        f = run.font
        f.name = FONT
        f.size = Pt(size)
        f.bold = bold
        f.color.rgb = _rgb(colour)
    return box


def _rect(slide, x, y, w, h, fill, line: str | None = None):
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Inches, Pt

    shp = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(x), Inches(y), Inches(w), Inches(h))
    shp.fill.solid()
    shp.fill.fore_color.rgb = _rgb(fill)
    if line:
        shp.line.color.rgb = _rgb(line)
        shp.line.width = Pt(1)
    else:
        shp.line.fill.background()
    shp.shadow.inherit = False
    return shp


def _picture(slide, png: bytes, x, y, w, h, box: tuple[float, float] | None = None):
    """The picture fitted into (x, y, w, h) with its aspect ratio kept, centred."""
    from pptx.util import Inches

    bw, bh = box or (w, h)
    ratio = bw / bh
    pw, ph = (w, w / ratio) if w / h < ratio else (h * ratio, h)
    return slide.shapes.add_picture(io.BytesIO(png), Inches(x + (w - pw) / 2), Inches(y + (h - ph) / 2),
                                    Inches(pw), Inches(ph))


def _footer(slide, b: bf.Briefing, n: int, total: int) -> None:
    left = f"{b.subject} · {fmt.month(b.period, b.lang, long=True)}"
    _text(slide, MARGIN, 7.0, 8.5, 0.4, left, size=14, colour=MUTED)
    if b.is_demo:
        _text(slide, 8.9, 7.0, 2.6, 0.4, tx("demo_short", b.lang), size=14, bold=True, colour=INK,
              align="c", anchor="m", fill=DEMO_FILL)
    _text(slide, 11.6, 7.0, 1.25, 0.4, f"{n}/{total}", size=14, colour=MUTED, align="r")


def _header(slide, s: bf.Slide, lead: bool = True) -> None:
    _rect(slide, 0, 0, SLIDE_W, 0.12, BLUE)
    _text(slide, MARGIN, 0.22, SLIDE_W - 2 * MARGIN, 0.8, s.title, size=32, bold=True, colour=BLUE, anchor="m")
    if lead and s.lead:
        # the slide's message, up to two lines
        _text(slide, MARGIN, 1.08, SLIDE_W - 2 * MARGIN, 0.8, s.lead, size=22, bold=True, colour=INK, anchor="m")


def _title_slide(prs, b: bf.Briefing, s: bf.Slide):
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _rect(slide, 0, 0, SLIDE_W, SLIDE_H, BLUE)
    _text(slide, MARGIN + 0.3, 0.6, 12, 0.5, b.issuing_body, size=22, bold=True, colour="ffffff")
    _rect(slide, MARGIN + 0.35, 1.2, 2.4, 0.05, "ffffff")
    _text(slide, MARGIN + 0.3, 1.55, 12, 0.6, tx("deck_kicker", b.lang), size=24, bold=True, colour="dbe9f6")
    _text(slide, MARGIN + 0.3, 2.15, 12.2, 1.5, s.title, size=40, bold=True, colour="ffffff")
    # the subject: the jurisdiction, or a unit whose name may take two lines
    _text(slide, MARGIN + 0.3, 3.75, 12.2, 1.25, s.lead, size=32, bold=True, colour="ffffff")
    if s.bullets:
        _text(slide, MARGIN + 0.3, 5.1, 12, 1.0, s.bullets, size=22, colour="ffffff")
    if b.is_demo:
        _text(slide, MARGIN + 0.3, 6.4, 12.2, 0.6, tx("demo", b.lang), size=18, bold=True, colour=INK,
              anchor="m", fill=DEMO_FILL)
    return slide


def _cards(slide, s: bf.Slide, pngs: dict[str, bytes]) -> None:
    cols = 3
    gap = 0.25
    w = (SLIDE_W - 2 * MARGIN - gap * (cols - 1)) / cols
    rows = max(1, -(-len(s.cards) // cols))
    h = (CONTENT_H - gap * (rows - 1)) / rows
    for i, c in enumerate(s.cards):
        x = MARGIN + (i % cols) * (w + gap)
        y = CONTENT_TOP + (i // cols) * (h + gap)
        colour = STATUS.get(c.status, STATUS["none"])
        _rect(slide, x, y, w, h, PANEL, LINE)
        _rect(slide, x, y, 0.14, h, colour)
        _text(slide, x + 0.25, y + 0.06, w - 0.35, 0.62, c.label, size=18, bold=True, colour=INK, anchor="m")
        value_w = w - 0.35
        if c.spark is not None and c.spark.key in pngs:
            value_w = w - 0.35 - SPARK_BOX[0]
            _picture(slide, pngs[c.spark.key], x + w - SPARK_BOX[0] - 0.12, y + 0.78, SPARK_BOX[0],
                     SPARK_BOX[1])
        _text(slide, x + 0.25, y + 0.7, value_w, 0.75, c.value, size=40, bold=True, colour=colour, anchor="m")
        lines = [ln for ln in (c.goal, c.delta, c.parts) if ln]
        if lines:
            _text(slide, x + 0.25, y + 1.47, w - 0.35, h - 1.5, lines, size=15, colour=MUTED)


def _table(slide, t: bf.Table, x, y, w, max_h) -> None:
    from pptx.util import Inches, Pt

    nrows = len(t.rows) + 1
    ncols = len(t.columns)
    row_h = min(0.75, max_h / nrows)
    shape = slide.shapes.add_table(nrows, ncols, Inches(x), Inches(y), Inches(w), Inches(row_h * nrows))
    table = shape.table
    total = sum(t.widths) or ncols
    for j, wj in enumerate(t.widths):
        table.columns[j].width = Inches(w * wj / total)
    for i in range(nrows):
        table.rows[i].height = Inches(row_h)
        cells = t.columns if i == 0 else t.rows[i - 1]
        for j in range(ncols):
            cell = table.cell(i, j)
            cell.text = ""
            cell.margin_left = cell.margin_right = Inches(0.08)
            p = cell.text_frame.paragraphs[0]
            cell.text_frame.word_wrap = True
            run = p.add_run()
            run.text = nobreak(cells[j]) if j < len(cells) else ""
            run.font.name = FONT
            run.font.size = Pt(18)
            run.font.bold = i == 0
            run.font.color.rgb = _rgb("ffffff" if i == 0 else INK)
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(BLUE if i == 0 else ("ffffff" if i % 2 else PANEL))


def _content_slide(prs, b: bf.Briefing, s: bf.Slide, pngs: dict[str, bytes]):
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    has_content = bool(s.cards or s.chart is not None or (s.table is not None and not s.table.empty) or s.bullets)
    _header(slide, s, lead=has_content)
    width = SLIDE_W - 2 * MARGIN
    if s.cards:
        _cards(slide, s, pngs)
    elif s.chart is not None and s.bullets:
        cw = s.chart.box[0]
        _picture(slide, pngs[s.chart.key], MARGIN, CONTENT_TOP, cw, CONTENT_H, s.chart.box)
        _text(slide, MARGIN + cw + 0.3, CONTENT_TOP + 0.1, width - cw - 0.3, CONTENT_H - 0.1,
              ["• " + x for x in s.bullets], size=20, colour=INK, space=10)
    elif s.chart is not None:
        _picture(slide, pngs[s.chart.key], MARGIN, CONTENT_TOP, width, CONTENT_H, s.chart.box)
    elif s.table is not None and not s.table.empty:
        _table(slide, s.table, MARGIN, CONTENT_TOP, width, CONTENT_H)
    elif s.bullets:
        _text(slide, MARGIN, CONTENT_TOP, width, CONTENT_H, ["• " + x for x in s.bullets], size=24, space=12)
    else:
        # an empty month or nothing to report: say it large, never leave a blank slide
        _text(slide, MARGIN, CONTENT_TOP + 1.2, width, 1.6, s.lead or tx("no_data", b.lang), size=32,
              bold=True, colour=MUTED, align="c", anchor="m")
    return slide


def render_deck(b: bf.Briefing, pngs: dict[str, bytes]) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width = Inches(SLIDE_W)
    prs.slide_height = Inches(SLIDE_H)
    core = prs.core_properties
    core.title = f"{tx('deck_title', b.lang, month=fmt.month(b.period, b.lang, long=True))} — {b.subject}"
    core.author = b.issuing_body
    core.language = pick(("vi-VN", "en-GB"), b.lang)
    total = len(b.slides)
    for n, s in enumerate(b.slides, start=1):
        if s.key == "title":
            slide = _title_slide(prs, b, s)
        else:
            slide = _content_slide(prs, b, s, pngs)
            _footer(slide, b, n, total)
        if s.notes:
            slide.notes_slide.notes_text_frame.text = clean(s.notes)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def export_pptx(con, period: date, profile: Profile, lang: str = "vi", unit: str | None = None,
                briefing: bf.Briefing | None = None) -> bytes:
    """The month's briefing deck as .pptx bytes (all charts rendered in one batch)."""
    b = briefing or bf.build(con, period, profile, lang, unit)
    pngs = images.render(b.charts())
    return render_deck(b, pngs)
