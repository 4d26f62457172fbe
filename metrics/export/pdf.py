"""The printable monthly report (.pdf) in the administrative style of Decree 30/2020/NĐ-CP:
issuing body and national motto at the top, place and date, "BÁO CÁO" and its subject,
then numbered sections with charts and tables, recipients and signature at the end.

Vietnamese needs a TrueType font with its glyphs: DejaVu from Debian's fonts-dejavu-core
(DejaVu Serif for the administrative look, DejaVu Sans otherwise), looked up in
$REFORM_FONT_DIR then /usr/share/fonts/truetype/dejavu. Without it the export stops with
an ExportError that says what to install, never a page of empty boxes.
"""
from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from .. import charts, clock
from ..i18n import fmt
from ..model.kpis import KPI_BY_KEY, KPIS
from ..model.profile import Profile
from . import briefing as bf
from ..charts import briefing as figures
from . import images, slides
from .common import ExportError, clean, nobreak, tx
from ..i18n.fmt import date_words, month_words

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts"]
FAMILIES = [("DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic"),
            ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique")]
FONT = "ReformBody"
MAX_LATE_ROWS = 25

INK = "#111111"
BLUE = "#0b4f9c"
HEAD_BG = "#dbe9f6"
ROW_BG = "#f4f6f9"
GRID = "#9aa3ae"


def _font_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("REFORM_FONT_DIR"):
        dirs.append(Path(os.environ["REFORM_FONT_DIR"]))
    return dirs + [Path(d) for d in FONT_DIRS]


def find_fonts() -> tuple[Path, Path, Path]:
    """(regular, bold, italic) TrueType files; italic falls back to regular."""
    for regular, bold, italic in FAMILIES:
        for d in _font_dirs():
            r, b = d / f"{regular}.ttf", d / f"{bold}.ttf"
            if r.is_file() and b.is_file():
                i = d / f"{italic}.ttf"
                return r, b, i if i.is_file() else r
    where = ", ".join(str(d) for d in _font_dirs())
    raise ExportError(
        "Không tìm thấy phông chữ tiếng Việt DejaVu (DejaVuSans.ttf, DejaVuSans-Bold.ttf) để tạo PDF; "
        f"cài bằng «apt-get install fonts-dejavu-core» hoặc đặt REFORM_FONT_DIR (đã tìm ở: {where})",
        "The DejaVu fonts with Vietnamese glyphs (DejaVuSans.ttf, DejaVuSans-Bold.ttf) were not found; "
        f"install them with «apt-get install fonts-dejavu-core» or set REFORM_FONT_DIR (looked in: {where})")


def _register_fonts() -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    r, b, i = find_fonts()
    try:
        pdfmetrics.registerFont(TTFont(FONT, str(r)))
        pdfmetrics.registerFont(TTFont(FONT + "-Bold", str(b)))
        pdfmetrics.registerFont(TTFont(FONT + "-Italic", str(i)))
        pdfmetrics.registerFont(TTFont(FONT + "-BoldItalic", str(b)))
    except Exception as exc:  # a damaged font file
        raise ExportError(f"Không đọc được phông chữ {r.name}: {exc}", f"Cannot read the font {r.name}: {exc}") from exc
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT + "-Bold")
    addMapping(FONT, 0, 1, FONT + "-Italic")
    addMapping(FONT, 1, 1, FONT + "-BoldItalic")


def _styles():
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("body", fontName=FONT, fontSize=11.5, leading=15.5, textColor=INK, alignment=TA_JUSTIFY,
                          spaceAfter=5, firstLineIndent=0)
    return {
        "body": base,
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=14, bulletIndent=4, spaceAfter=2),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER, spaceAfter=0),
        "head_l": ParagraphStyle("head_l", parent=base, fontSize=10.5, leading=13.5, alignment=TA_CENTER,
                                 spaceAfter=0),
        "head_r": ParagraphStyle("head_r", parent=base, fontSize=10.5, leading=13.5, alignment=TA_CENTER,
                                 spaceAfter=0),
        "place": ParagraphStyle("place", parent=base, fontSize=11, alignment=TA_CENTER, spaceAfter=0),
        "title": ParagraphStyle("title", parent=base, fontSize=15, leading=19, alignment=TA_CENTER, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=13, leading=17, alignment=TA_CENTER,
                                   spaceAfter=10),
        "h1": ParagraphStyle("h1", parent=base, fontSize=12.5, leading=16, alignment=TA_LEFT, spaceBefore=10,
                             spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontSize=11.5, leading=15, alignment=TA_LEFT, spaceBefore=6,
                             spaceAfter=4),
        "caption": ParagraphStyle("caption", parent=base, fontSize=9.5, leading=12, alignment=TA_CENTER,
                                  textColor="#333333", spaceAfter=8),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5, alignment=TA_LEFT, spaceAfter=0),
        "cell_r": ParagraphStyle("cell_r", parent=base, fontSize=8.5, leading=10.5, alignment=TA_RIGHT, spaceAfter=0),
        "cell_h": ParagraphStyle("cell_h", parent=base, fontSize=8.5, leading=10.5, alignment=TA_CENTER,
                                 spaceAfter=0),
        "small": ParagraphStyle("small", parent=base, fontSize=10, leading=13, alignment=TA_LEFT, spaceAfter=0),
        "demo": ParagraphStyle("demo", parent=base, fontSize=10.5, leading=14, alignment=TA_CENTER,
                               backColor="#fde68a", borderPadding=5, spaceBefore=4, spaceAfter=10),
    }


def mid_sentence(name: str) -> str:
    """"Huyện Tuy Phước" -> "huyện Tuy Phước" inside a sentence (administrative-unit nouns are
    not capitalised there); agencies' names ("Phòng Tư pháp") keep their capital."""
    for noun in ("Huyện ", "Xã ", "Thị trấn ", "Thị xã ", "Thành phố ", "Tỉnh ", "Phường "):
        if name.startswith(noun):
            return noun.lower() + name[len(noun):]
    return name


def _p(text: str, style, bold: bool = False, italic: bool = False):
    from reportlab.platypus import Paragraph

    t = escape(clean(text)).replace("\n", "<br/>")
    if bold:
        t = f"<b>{t}</b>"
    if italic:
        t = f"<i>{t}</i>"
    return Paragraph(t, style)


class _Doc:
    def __init__(self, b: bf.Briefing, pngs: dict[str, bytes]):
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import cm

        self.b = b
        self.m = b.month
        self.lang = b.lang
        self.pngs = pngs
        self.st = _styles()
        self.page = A4
        self.margins = dict(left=3 * cm, right=2 * cm, top=2 * cm, bottom=2 * cm)
        self.width = A4[0] - self.margins["left"] - self.margins["right"]
        self.story: list = []
        self.section = 0

    # -- pieces --------------------------------------------------------------------------
    def para(self, text: str, style: str = "body", **kw) -> None:
        self.story.append(_p(text, self.st[style], **kw))

    def bullets(self, lines) -> None:
        from reportlab.platypus import Paragraph

        for ln in lines:
            self.story.append(Paragraph(escape(clean(ln)), self.st["bullet"], bulletText="–"))

    def keep_room(self, cm_: float) -> None:
        """A heading never ends a page: start a new page when less than `cm_` is left."""
        from reportlab.lib.units import cm
        from reportlab.platypus import CondPageBreak

        self.story.append(CondPageBreak(cm_ * cm))

    def h1(self, text: str) -> None:
        self.keep_room(5)
        self.section += 1
        roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][self.section - 1]
        self.para(f"{roman}. {text.upper()}", "h1", bold=True)

    def h2(self, text: str) -> None:
        self.keep_room(4)
        self.para(text, "h2", bold=True)

    def chart(self, chart: bf.Chart | None, caption: str = "", width_share: float = 1.0) -> None:
        from reportlab.platypus import Image, KeepTogether

        if chart is None or chart.key not in self.pngs:
            return
        w = self.width * width_share
        h = w * chart.height / chart.width
        img = Image(io.BytesIO(self.pngs[chart.key]), width=w, height=h)
        parts = [img]
        if caption:
            parts.append(_p(caption, self.st["caption"], italic=True))
        self.story.append(KeepTogether(parts))

    def table(self, columns: list[str], rows: list[list], widths: list[float], align: list[str] | None = None,
              bold_first: bool = False, size: float | None = None, pad: float = 3) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.platypus import Table, TableStyle

        align = align or ["l"] * len(columns)
        total = sum(widths)
        col_w = [self.width * w / total for w in widths]
        st = {k: self.st[k] for k in ("cell", "cell_r", "cell_h")}
        if size:
            st = {k: ParagraphStyle(f"{k}{size}", parent=v, fontSize=size, leading=size * 1.25) for k, v in st.items()}
        data = [[_p(c, st["cell_h"], bold=True) for c in columns]]
        for i, r in enumerate(rows):
            data.append([_p("" if fmt.is_missing(v) else nobreak(v), st["cell_r" if a == "r" else "cell"],
                            bold=bold_first and i == 0) for v, a in zip(r, align)])
        t = Table(data, colWidths=col_w, repeatRows=1, hAlign="LEFT")
        style = [("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(GRID)),
                 ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEAD_BG)),
                 ("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                 ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad)]
        for i in range(2, len(data), 2):
            style.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor(ROW_BG)))
        t.setStyle(TableStyle(style))
        self.story.append(t)
        self.space(6)

    def space(self, h: float = 6) -> None:
        from reportlab.platypus import Spacer

        self.story.append(Spacer(1, h))

    # -- the report --------------------------------------------------------------------
    def heading(self) -> None:
        from reportlab.lib import colors
        from reportlab.platypus import Spacer, Table, TableStyle

        lang = self.lang
        body = self.b.issuing_body
        gap = "\u00a0" * 12
        number = tx("pdf_number_ubnd" if body.upper().startswith(("UBND", "ỦY BAN")) else "pdf_number", lang, gap=gap)
        left = [_p(body.upper(), self.st["head_l"], bold=True), _Rule(0.35), Spacer(1, 4),
                _p(number, self.st["head_l"])]
        nation, motto = tx("pdf_nation", lang), tx("pdf_motto", lang)
        made = clock.today()
        right = [_p(nation, self.st["head_r"], bold=True), _p(motto, self.st["head_r"], bold=True), _Rule(0.55),
                 Spacer(1, 4), _p(date_words(made, self.b.place, self.lang), self.st["place"], italic=True)]
        t = Table([[left, right]], colWidths=[self.width * 0.38, self.width * 0.62])
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("LINEBELOW", (0, 0), (-1, -1), 0, colors.white)]))
        self.story.append(t)
        self.space(16)
        self.para(tx("pdf_report", lang), "title", bold=True)
        month = month_words(self.b.period, lang)
        # the facts a sentence may name: each language names those its style asks for (the
        # Vietnamese administrative style names the issuing body, the English the subject)
        facts = {"month": month, "subject": self.b.subject, "unit": mid_sentence(self.b.subject),
                 "body": self._body_name()}
        subject = tx("pdf_subject", lang, month=month)
        if self.b.unit:
            subject += "\n" + tx("pdf_subject_unit", lang, **facts)
        self.para(subject, "subtitle", bold=True)
        self.story.append(_Rule(0.25, centre=True))
        self.space(8)
        if self.b.is_demo:
            self.para(tx("demo", self.lang), "demo", bold=True)
        last = fmt.day(self.b.as_of, lang) if self.b.as_of else tx("no_data", lang)
        self.para(tx("pdf_intro_unit" if self.b.unit else "pdf_intro", lang, last=last, **facts))

    def _body_name(self) -> str:
        body = self.b.issuing_body
        return "UBND " + body[5:].title().replace("Huyện", "huyện").replace("Xã", "xã") \
            if body.upper().startswith("UBND ") else body

    def results(self) -> None:
        m, lang = self.m, self.lang
        self.h1(tx("pdf_results", lang))
        r = m.row
        if r is None:
            self.para(slides.no_data_text(m) + ".")
            return
        counters = ("received_total", "received_online", "received_direct_post", "carried_over", "resolved",
                    "resolved_early", "resolved_on_time", "resolved_late", "pending", "pending_in_time",
                    "pending_overdue")
        self.para(tx("pdf_results_text", lang, **{c: fmt.number(r.get(c), lang) for c in counters}))
        self.h2(tx("pdf_figures_vs_goals", lang))
        rows = []
        for k in KPIS:
            v, pv = r.get(k.key), (m.row_prev or {}).get(k.key)
            goal = m.profile.goals.get(k.key)
            status = charts.goal_status(k, v, goal)
            word = {"good": tx("goal_met", lang), "bad": tx("goal_not_met", lang)}.get(status, "")
            parts = slides.parts_text(k, r, lang)
            rows.append([k.label(lang), fmt.kpi_value(k, v, lang, short=True), parts,
                         fmt.kpi_value(k, pv, lang, short=True), fmt.kpi_delta(k, v, pv, lang) or "–",
                         fmt.goal_text(k, goal, lang) or "–", word or "–"])
        self.table([tx("kpi", lang), tx("this_month", lang), f"{tx('numerator', lang)}/{tx('denominator', lang)}",
                    f"{tx('prev_month', lang)}\n({fmt.month(m.prev, lang)})", tx("change", lang), tx("goal", lang),
                    tx("status", lang)],
                   rows, [2.8, 1.05, 1.45, 1.3, 1.6, 1.25, 1.05], ["l", "r", "r", "r", "r", "r", "l"])
        trend = self._slide("trend_on_time_rate")
        if trend is not None:
            self.h2("2. " + trend.title)
            self.chart(trend.chart, trend.lead)

    def _slide(self, key: str) -> bf.Slide | None:
        for s in self.b.slides:
            if s.key == key:
                return s
        return None

    def ranking(self) -> None:
        if self.b.unit:
            pos, pts = self._slide("position"), self._slide("points")
            self.h1(pos.title)
            self.para(pos.lead + ".")
            self.chart(pos.chart)
            if pts is not None and not pts.empty:
                self.h2(pts.title)
                self.para(pts.lead + ".")
                self.chart(pts.chart, width_share=0.9)
            return
        rank, road = self._slide("rank"), self._slide("road")
        self.h1(rank.title)
        self.para(rank.lead + ".")
        if not rank.empty:
            self.chart(rank.chart)
            self.para(tx("score_note", self.lang), "small", italic=True)
            self.space(6)
        if road is not None and not road.empty:
            self.h2(road.title)
            self.para(road.lead)
            self.bullets(road.bullets)
            self.space(4)
            self.chart(road.chart, tx("rank_title_short", self.lang, peers=self.m.profile.peer_kind(self.lang))
                       + " — " + tx("pdf_by_month", self.lang), width_share=0.62)

    def units(self) -> None:
        m, lang = self.m, self.lang
        if m.unit:
            late = self._slide("late")
            self.h1(late.title)
            self.para(late.lead + ".")
            self.chart(late.chart)
            return
        self.h1(tx("pdf_units", lang))
        ranks = {}
        for lg in m.leagues.values():
            n = int(lg.score.notna().sum()) if not lg.empty else 0
            for r in lg.itertuples():
                ranks[r.unit_code] = (r.score, f"{int(r.rank)}/{n}" if not fmt.is_missing(r.rank) else "–")
        rows = []
        for r in m.unit_rows.to_dict("records"):
            score, rk = ranks.get(r["unit_code"], (None, "–"))
            rows.append([r["unit_name"], fmt.number(r.get("received_total"), lang, short=True),
                         fmt.number(r.get("resolved"), lang, short=True),
                         fmt.percent(r.get("on_time_rate"), lang, short=True),
                         fmt.number(r.get("late_count"), lang, short=True),
                         fmt.number(r.get("overdue_backlog"), lang, short=True),
                         fmt.percent(r.get("online_rate"), lang, short=True),
                         fmt.decimal(score, lang, 1, short=True), rk])
        if rows:
            K = KPI_BY_KEY
            self.table([tx("unit", lang), tx("pdf_received", lang), tx("pdf_resolved", lang),
                        K["on_time_rate"].short(lang), K["late_count"].short(lang), K["overdue_backlog"].short(lang),
                        K["online_rate"].short(lang), tx("score", lang), tx("pdf_rank_in_group", lang)],
                       rows, [3.4, 1.1, 1.1, 1.1, 0.9, 1.0, 1.1, 0.9, 1.0],
                       ["l", "r", "r", "r", "r", "r", "r", "r", "r"])
        else:
            self.para(slides.no_data_text(m) + ".")
        for key in ("league_communes", "league_departments", "late"):
            s = self._slide(key)
            if s is None:
                continue
            self.h2(s.title)
            self.para(s.lead + ".")
            if not s.empty:
                self.chart(s.chart)

    def flags(self) -> None:
        m, lang = self.m, self.lang
        s = self._slide("flags")
        self.h1(tx("flags_title", lang))
        self.para(s.lead + ".")
        rows = slides.flag_rows(m)
        if rows:
            if m.unit:
                self.table([tx("flag", lang), tx("detail", lang)], [r[1:] for r in rows], [1.4, 2.2])
            else:
                self.table([tx("unit", lang), tx("flag", lang), tx("detail", lang)], rows, [1.5, 1.5, 2.2])

    def review(self) -> None:
        m, lang = self.m, self.lang
        s = self._slide("review")
        self.h1(s.title)
        self.para(s.lead + ".")
        rows = slides.review_rows(m)
        if rows:
            self.table([tx("unit", lang), tx("commitment", lang), tx("before_now", lang), tx("result", lang)],
                       rows, [1.4, 2.6, 1.6, 0.8])

    def late_list(self) -> None:
        m, lang = self.m, self.lang
        total = m.dossier_count("late")
        self.h1(tx("pdf_late_list", lang))
        if not total:
            self.para((tx("late_none", lang) if m.has_data else slides.no_data_text(m)) + ".")
            return
        df = m.dossiers("late")
        df = df.sort_values(["days_late", "dossier_code"], ascending=[False, True]).head(MAX_LATE_ROWS)
        rows = []
        for r in df.itertuples():
            ap = "–" if fmt.is_missing(r.apology_sent) else \
                tx("yes", lang) if r.apology_sent else tx("pdf_apology_not_sent", lang)
            rows.append([r.dossier_code, figures.short_name(r.unit_name, 30), r.procedure_name,
                         fmt.day(r.due_at, lang), fmt.day(r.finished_at, lang), fmt.number(r.days_late, lang),
                         ap])
        shown = len(rows)
        self.para(tx("pdf_late_total_shown", lang, total=fmt.number(total, lang), shown=fmt.number(shown, lang))
                  if total > shown else tx("pdf_late_total", lang, total=fmt.number(total, lang)))
        self.table([tx("pdf_col_dossier", lang), tx("unit", lang), tx("pdf_col_procedure", lang),
                    tx("pdf_col_due", lang), tx("pdf_col_finished", lang), tx("days_late", lang),
                    tx("pdf_col_apology", lang)],
                   rows, [106, 64, 116, 56, 56, 25, 30], ["l", "l", "l", "r", "r", "r", "l"], size=7.8, pad=2)
        if total > shown:
            self.para(tx("pdf_full_list", lang), "small", italic=True)

    def closing(self) -> None:
        from reportlab.platypus import KeepTogether, Table, TableStyle

        lang = self.lang
        self.space(14)
        left = [_p(tx("pdf_recipients", lang), self.st["small"], bold=True, italic=True),
                _p(tx("pdf_recipients_list", lang, body=self._body_name()), self.st["small"])]
        right = [_p(tx("pdf_head_of_office", lang), self.st["center"], bold=True),
                 _p(tx("pdf_signature", lang), self.st["center"], italic=True)]
        t = Table([[left, right]], colWidths=[self.width * 0.5, self.width * 0.5])
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        self.story.append(KeepTogether([t]))

    # -- output --------------------------------------------------------------------------
    def build(self) -> bytes:
        from reportlab.platypus import SimpleDocTemplate

        self.heading()
        self.results()
        self.ranking()
        self.units()
        self.flags()
        self.review()
        self.late_list()
        self.closing()
        buf = io.BytesIO()
        month = fmt.month(self.b.period, self.lang, long=True)
        footer = f"{tx('deck_title', self.lang, month=month)} · {self.b.subject}"
        if self.b.is_demo:
            footer += f" · {tx('demo_short', self.lang)}"

        def on_page(canvas, doc):
            canvas.saveState()
            canvas.setFont(FONT, 8.5)
            canvas.setFillColorRGB(0.3, 0.3, 0.3)
            w, h = self.page
            if doc.page > 1:                    # page numbers from page 2, top centre (Decree 30)
                canvas.drawCentredString(w / 2, h - 1.2 * 28.35, str(doc.page))
            canvas.drawString(self.margins["left"], 1.1 * 28.35, footer)
            canvas.restoreState()

        title = tx("pdf_doc_title", self.lang, month=month_words(self.b.period, self.lang))
        doc = SimpleDocTemplate(buf, pagesize=self.page, leftMargin=self.margins["left"],
                                rightMargin=self.margins["right"], topMargin=self.margins["top"],
                                bottomMargin=self.margins["bottom"], title=f"{title} — {self.b.subject}",
                                author=self.b.issuing_body, subject=self.b.subject)
        doc.build(self.story, onFirstPage=on_page, onLaterPages=on_page)
        return buf.getvalue()


def _Rule(share: float, centre: bool = True):
    """A short centred line under a heading (the administrative style's underline)."""
    from reportlab.platypus.flowables import HRFlowable

    return HRFlowable(width=f"{int(share * 100)}%", thickness=0.7, color=INK, spaceBefore=2, spaceAfter=4,
                      hAlign="CENTER")


def render_report(b: bf.Briefing, pngs: dict[str, bytes]) -> bytes:
    _register_fonts()
    return _Doc(b, pngs).build()


def export_pdf(con, period: date, profile: Profile, lang: str = "vi", unit: str | None = None,
               briefing: bf.Briefing | None = None) -> bytes:
    """The month's printable report as .pdf bytes."""
    _register_fonts()          # fail early, before any work, when the font is missing
    b = briefing or bf.build(con, period, profile, lang, unit)
    # only the charts the report shows: an empty section says so in words, and a month
    # without any data starts no browser at all
    charts = [s.chart for s in b.slides if s.chart is not None and not s.empty]
    pngs = images.render(charts)
    return render_report(b, pngs)
