"""Exports of one month: the deck (python-pptx), the workbook (openpyxl), the report (pypdf).

The month is tests/fixture_month.py's hand-checked August 2022 (three units) plus three
peers (tests/report_fixtures.py), one more dossier whose procedure is named like an Excel
formula, and a commitment made in July. Chart images are rendered ONCE for the module (one
chromium batch) and shared by the deck and the PDF; other tests use placeholder pictures,
or the xlsx export, which needs no browser.
"""
from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from metrics.i18n import fmt
from metrics.model.profile import load_profile
from tests import fixture_month as fm
from tests import report_fixtures as rf

AUG = date(2022, 8, 1)
PROFILE = load_profile()
INJECTION = '=HYPERLINK("http://x","y")'
COMMITMENT = "+ Giảm hồ sơ trễ hạn về 0"      # text that starts like a formula, too
HANDLERS = ["Lê Văn Tâm", "Trần Văn Bình", "Phạm Thị Lan", "Võ Văn Hùng"]
# the fixture's counters (worked out by hand there): on-time = (early + on time) / resolved
ALL = fm.EXPECTED_COUNTERS["ALL"]
ON_TIME = (ALL["resolved_early"] + ALL["resolved_on_time"]) / ALL["resolved"]     # 5 / 7
ON_TIME_TEXT = fmt.percent(ON_TIME)                                                 # "71,4 %"
LATE_TEXT = fmt.number(ALL["resolved_late"])                                        # "2"


def _write_month(path: Path) -> Path:
    """The fixture month, plus a Tư pháp dossier named like a formula, pending and overdue
    at the end of August (it changes no on-time figure: it is not resolved)."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["UBND HUYỆN TUY PHƯỚC"])
        w.writerow(fm.HEADER)
        rows = fm.rows_with_personal_data()
        for r in rows:
            w.writerow(r)
        extra = ["INJ1", "Phòng Tư pháp", "1.000001", INJECTION, "Hộ tịch", "1", "01/08/2022", "10/08/2022", "",
                 "", "", "", "", "", "", "", "", "Phạm Thị Lan"]
        w.writerow([str(len(rows) + 1), extra[0], fm.PERSONAL[0], fm.PERSONAL[1], *extra[1:], fm.PERSONAL[2],
                    fm.PERSONAL[3]])
    return path


def _build_db(path: Path, files: Path, peers: bool = True) -> Path:
    from metrics.store import db as dbm
    from metrics.importers.core import import_file
    from metrics.store.notes import add_commitment

    files.mkdir(parents=True, exist_ok=True)
    con = dbm.connect(path)
    try:
        import_file(con, _write_month(files / "thang8.csv"))
        if peers:
            import_file(con, rf.write_peers(files / "peers.csv"))
        add_commitment(con, "21961", date(2022, 7, 1), COMMITMENT, owner="Chủ tịch UBND xã",
                       kpi="on_time_rate", target=0.7)
    finally:
        con.close()
    return path


def _plain(text: str) -> str:
    """No-break spaces read as spaces (the exports keep "71,4 %" on one line)."""
    return text.replace("\u00a0", " ")


@pytest.fixture(scope="module")
def month_db(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("export")
    return _build_db(base / "m.duckdb", base / "files")


@pytest.fixture(scope="module")
def con(month_db):
    from metrics.store import db as dbm

    c = dbm.connect(month_db)
    yield c
    c.close()


@pytest.fixture(scope="module")
def rendered(con):
    """The briefing of August and its chart images: one chromium batch for the module."""
    from metrics.export import briefing, images

    b = briefing.build(con, AUG, PROFILE)
    pngs = images.render(b.charts())
    return b, pngs


@pytest.fixture(scope="module")
def deck(rendered):
    from pptx import Presentation

    from metrics.export.pptx import render_deck

    b, pngs = rendered
    return Presentation(io.BytesIO(render_deck(b, pngs)))


@pytest.fixture(scope="module")
def report(rendered):
    from pypdf import PdfReader

    from metrics.export.pdf import render_report

    b, pngs = rendered
    return PdfReader(io.BytesIO(render_report(b, pngs)))


@pytest.fixture(scope="module")
def workbook(con):
    import openpyxl

    from metrics.export import export

    return openpyxl.load_workbook(io.BytesIO(export(con, AUG, PROFILE, "xlsx")))


def placeholder_pngs(b) -> dict[str, bytes]:
    """A small grey picture for every chart: for tests that read the text only."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "#cccccc").save(buf, "PNG")
    return {c.key: buf.getvalue() for c in b.charts()}


def deck_text(prs, notes: bool = True) -> str:
    parts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    parts += [c.text for c in row.cells]
        if notes and slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return _plain("\n".join(parts))


def workbook_text(wb) -> str:
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                     if c.value is not None)


# --- the deck --------------------------------------------------------------------------------
def test_deck_slides_pictures_and_district(deck):
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    assert len(deck.slides) >= 6
    pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    # six sparklines on the figures slide, and at least three full charts
    big = [p for p in pictures if p.width > 4 * 914400]
    assert len(pictures) >= 3 and len(big) >= 3
    text = deck_text(deck, notes=False)
    assert PROFILE.jurisdiction_name in text            # "Huyện Tuy Phước"
    assert "tháng 8 năm 2022" in text


def test_deck_holds_the_figures(deck):
    """The on-time rate worked out from the fixture's counters, written the Vietnamese way, on
    the slides and in the speaker notes with its numerator and denominator."""
    slides = deck_text(deck, notes=False)
    assert ON_TIME_TEXT == "71,4 %"
    assert ON_TIME_TEXT in slides
    notes = "\n".join(_plain(s.notes_slide.notes_text_frame.text) for s in deck.slides if s.has_notes_slide)
    assert f"Tỷ lệ giải quyết đúng hạn: {ON_TIME_TEXT} (5/7)" in notes
    assert f"Hồ sơ giải quyết quá hạn: {LATE_TEXT}" in notes
    # ranked among the fixture's three peers: the rank slide says where we stand
    assert re.search(r"Hạng \d/4", slides)
    # last month's commitment is reviewed on its slide
    assert COMMITMENT in slides


def test_deck_is_readable_from_the_back(deck):
    """Slide text is 14 pt or more everywhere (footers), 18 pt or more in the body."""
    sizes = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for p in shape.text_frame.paragraphs:
                    sizes += [r.font.size.pt for r in p.runs if r.font.size is not None and r.text.strip()]
    assert sizes and min(sizes) >= 14
    assert deck.slide_width > deck.slide_height          # 16:9


def test_no_personal_data_anywhere(deck, report, workbook):
    text = deck_text(deck) + "\n".join(_plain(p.extract_text()) for p in report.pages) + workbook_text(workbook)
    for personal in [*fm.PERSONAL, *HANDLERS]:
        assert personal not in text


# --- the workbook ----------------------------------------------------------------------------
def test_workbook_sheets_frozen_and_filtered(workbook):
    assert len(workbook.worksheets) >= 3
    for ws in workbook.worksheets:
        assert ws.freeze_panes is not None, ws.title
        assert ws.auto_filter.ref, ws.title
    # Vietnamese headers on the header row (row 3, under the title and subtitle)
    first = workbook.worksheets[0]
    headers = [c.value for c in first[3]]
    assert "Đơn vị" in headers and "Tỷ lệ giải quyết đúng hạn" in headers


def test_workbook_has_no_formula_and_keeps_the_formula_like_text(workbook):
    formula_like = []
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value!r}"
                if isinstance(c.value, str) and c.value and c.value[0] in "=+-@":
                    formula_like.append(c)
    values = [c.value for c in formula_like]
    assert INJECTION in values and COMMITMENT in values
    # stored as text, with Excel's own apostrophe (quote prefix) so that editing keeps it text
    for c in formula_like:
        assert c.data_type == "s" and c.quotePrefix, c.coordinate


def test_workbook_numbers_are_numbers_with_formats(workbook):
    ws = workbook.worksheets[0]
    headers = [c.value for c in ws[3]]
    col = headers.index("Tỷ lệ giải quyết đúng hạn")
    total = ws[4]          # the jurisdiction's row comes first
    assert total[1].value == PROFILE.jurisdiction_name
    cell = total[col]
    assert cell.value == pytest.approx(ON_TIME) and cell.number_format == "0.0%"
    recv = total[headers.index("Tổng số hồ sơ tiếp nhận")]
    assert recv.value == ALL["received_total"] + 1 and recv.number_format == "#,##0"   # + the extra dossier
    # dossier lists: dates are dates, the overdue one is there
    ws = workbook["HS đang quá hạn"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    codes = [r[0] for r in rows]
    assert "INJ1" in codes and "A4" in codes
    assert hasattr(rows[codes.index("INJ1")][7], "year")


# --- the PDF -----------------------------------------------------------------------------------
def test_pdf_pages_title_and_figures(report):
    assert len(report.pages) >= 3
    text = _plain("\n".join(p.extract_text() for p in report.pages))
    assert "BÁO CÁO" in text
    assert "tháng 8 năm 2022" in text
    assert PROFILE.issuing_body in text
    assert ON_TIME_TEXT in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


# --- one unit, an empty month, no peers ------------------------------------------------------
def test_unit_report_names_no_other_unit(con):
    import openpyxl
    from pptx import Presentation
    from pypdf import PdfReader

    from metrics.export import briefing, export
    from metrics.export.pdf import render_report
    from metrics.export.pptx import render_deck

    b = briefing.build(con, AUG, PROFILE, unit="21961")
    pngs = placeholder_pngs(b)
    deck = Presentation(io.BytesIO(render_deck(b, pngs)))
    pdf = PdfReader(io.BytesIO(render_report(b, pngs)))
    wb = openpyxl.load_workbook(io.BytesIO(export(con, AUG, PROFILE, "xlsx", unit="21961")))
    text = deck_text(deck) + _plain("\n".join(p.extract_text() for p in pdf.pages)) + workbook_text(wb)
    assert "Xã Phước Hưng" in text
    others = [u.name for u in PROFILE.units if u.code != "21961"]
    assert not [n for n in others if n in text]
    assert fmt.percent(3 / 4) in text                          # 21961's on-time rate: 75,0 %
    assert len(deck.slides) >= 6
    # its dossiers only
    ws = wb["HS trễ hạn"]
    assert [r[0] for r in ws.iter_rows(min_row=4, values_only=True)] == ["A3"]


def test_empty_month_says_so(con):
    from pptx import Presentation
    from pypdf import PdfReader

    from metrics.export import briefing, export
    from metrics.export.pdf import render_report
    from metrics.export.pptx import render_deck

    march = date(2023, 3, 1)
    b = briefing.build(con, march, PROFILE)
    pngs = placeholder_pngs(b)
    deck = Presentation(io.BytesIO(render_deck(b, pngs)))
    assert len(deck.slides) >= 6
    assert "Chưa có dữ liệu" in deck_text(deck)
    pdf = PdfReader(io.BytesIO(render_report(b, pngs)))
    assert "Chưa có dữ liệu" in _plain("\n".join(p.extract_text() for p in pdf.pages))
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(export(con, march, PROFILE, "xlsx")))
    assert len(wb.worksheets) >= 3 and "Chưa có dữ liệu" in workbook_text(wb)


def test_without_peer_data_the_rank_says_so(tmp_path):
    from metrics.store import db as dbm
    from metrics.export import briefing

    path = _build_db(tmp_path / "np.duckdb", tmp_path / "files", peers=False)
    c = dbm.connect(path, read_only=True)
    try:
        b = briefing.build(c, AUG, PROFILE)
    finally:
        c.close()
    rank = next(s for s in b.slides if s.key == "rank")
    assert rank.empty and "Chưa có số liệu" in rank.lead
    assert next(s for s in b.slides if s.key == "kpis").cards[0].value == ON_TIME_TEXT


def test_english_briefing(con):
    from metrics.export import briefing

    b = briefing.build(con, AUG, PROFILE, lang="en")
    assert b.slides[0].title == "Handling of administrative procedures, August 2022"
    assert b.slides[1].cards[0].value == fmt.percent(ON_TIME, "en")      # "71.4%"


# --- the command line, errors ----------------------------------------------------------------
def test_cli_export_writes_the_file_and_an_audit_line(month_db, copy_db, tmp_path):
    import openpyxl

    from metrics.store import db as dbm
    from metrics.cli import main

    db = copy_db(month_db)
    out = tmp_path / "bao-cao.xlsx"
    assert main(["export", "--db", str(db), "--period", "2022-08", "--format", "xlsx", "--out", str(out)]) == 0
    assert len(openpyxl.load_workbook(out).worksheets) >= 3
    c = dbm.connect(db, read_only=True)
    try:
        rows = c.execute("SELECT action, detail FROM audit WHERE action = 'export'").fetchall()
    finally:
        c.close()
    assert rows and "xlsx 2022-08" in rows[-1][1]
    # a bad unit is a plain message and exit code 2, not a traceback
    assert main(["export", "--db", str(db), "--period", "2022-08", "--format", "pdf", "--unit", "NOPE",
                 "--out", str(tmp_path / "x.pdf")]) == 2
    assert not (tmp_path / "x.pdf").exists()


def test_missing_font_is_a_typed_error(monkeypatch, tmp_path):
    from metrics.errors import ReformError
    from metrics.export import pdf

    monkeypatch.setattr(pdf, "FONT_DIRS", [str(tmp_path)])
    monkeypatch.delenv("REFORM_FONT_DIR", raising=False)
    with pytest.raises(pdf.ExportError) as exc:
        pdf.find_fonts()
    assert isinstance(exc.value, ReformError) and "fonts-dejavu-core" in str(exc.value)


def test_missing_browser_is_a_typed_error(monkeypatch):
    import plotly.graph_objects as go

    from metrics.export import briefing, images

    monkeypatch.setenv("REFORM_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(images.ExportError) as exc:
        images.render([briefing.Chart("x", go.Figure())])
    assert "Chromium" in str(exc.value)


def test_export_modules_do_not_import_streamlit():
    code = ("import sys, metrics.export, metrics.export.briefing, metrics.export.pptx, metrics.export.xlsx, "
            "metrics.export.pdf, metrics.export.images; print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "False"


def test_frames_workbook_keeps_formula_like_text_as_text():
    """The helper for the pages' download buttons (DataFrame.to_excel would write a formula)."""
    import openpyxl
    import pandas as pd

    from metrics.export.xlsx import frames_workbook

    df = pd.DataFrame({"Thủ tục": [INJECTION, "Đăng ký khai sinh"], "Số ngày trễ": [3, None]})
    ws = openpyxl.load_workbook(io.BytesIO(frames_workbook({"Hồ sơ": df}))).active
    assert ws["A2"].value == INJECTION and ws["A2"].data_type == "s" and ws["A2"].quotePrefix
    assert ws["B2"].value == 3 and ws["B3"].value is None
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref


def test_downloaded_tables_keep_numbers_as_numbers():
    """The dossier list's days late (a nullable Int64 column) are numbers in the workbook,
    not text: a spreadsheet sorts and sums them."""
    import io

    import openpyxl
    import pandas as pd

    from metrics.export.xlsx import frames_workbook

    df = pd.DataFrame({"Mã hồ sơ": ["A", "B", "C"], "Số ngày trễ": pd.array([3, None, 12], dtype="Int64")})
    ws = openpyxl.load_workbook(io.BytesIO(frames_workbook({"HS": df}))).active
    assert [ws.cell(row=r, column=2).value for r in (2, 3, 4)] == [3, None, 12]
    assert ws.cell(row=2, column=2).data_type == "n"
