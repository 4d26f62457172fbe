"""The two language catalogues and the one formatting module."""
from __future__ import annotations

import json
import math
import re
import string
import subprocess
import sys
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from metrics.i18n import fmt
from metrics.i18n import LOCALE_DIR, catalogue, pick, t
from metrics.model.kpis import KPI_BY_KEY

ROOT = Path(__file__).resolve().parent.parent
UI_CODE = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py")),
           *sorted((ROOT / "metrics" / "charts").glob("*.py"))]
# the engine's own code, outside the catalogue's package
ENGINE_CODE = sorted(p for p in (ROOT / "metrics").rglob("*.py") if (ROOT / "metrics" / "i18n") not in p.parents)


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


# --- catalogues -----------------------------------------------------------------------------
# The sentences given facts that each language names in its own way: the report's Vietnamese
# administrative style names the issuing body (and the unit inside the sentence), the English
# names the subject. Each language may use only the facts the code passes (listed here).
FACTS = {
    "export_pdf_subject_unit": {"month", "subject", "unit", "body"},
    "export_pdf_intro": {"last", "month", "subject", "unit", "body"},
    "export_pdf_intro_unit": {"last", "month", "subject", "unit", "body"},
    "export_pdf_recipients_list": {"body"},
}


def test_catalogues_have_the_same_keys_and_placeholders():
    vi, en = catalogue("vi"), catalogue("en")
    assert set(vi) == set(en), (set(vi) ^ set(en))
    for k in vi:
        assert vi[k].strip() and en[k].strip(), k
        if k in FACTS:
            assert fields(vi[k]) <= FACTS[k] and fields(en[k]) <= FACTS[k], k
        else:
            assert fields(vi[k]) == fields(en[k]), k


def test_catalogue_files_are_valid_utf8_json_in_nfc():
    for lang in ("vi", "en"):
        raw = (LOCALE_DIR / f"{lang}.json").read_text(encoding="utf-8")
        data = json.loads(raw)
        for k, v in data.items():
            # decomposed (NFD) text would look right but compare and sort wrong
            assert unicodedata.is_normalized("NFC", v), (lang, k)
            assert "\ufffd" not in v, (lang, k)     # no mojibake from a wrong encoding


def test_vietnamese_has_its_diacritics():
    vi = catalogue("vi")
    assert vi["page_overview"] == "Tổng quan"
    assert vi["page_league"] == "Đơn vị"
    assert vi["page_unit_detail"] == "Chi tiết đơn vị"
    assert vi["page_dossiers"] == "Hồ sơ"
    assert vi["page_import_desk"] == "Nhập dữ liệu"
    assert vi["no_data_period"] == "Chưa có dữ liệu tháng này"
    # a catalogue typed without accents would have almost none of them
    text = " ".join(vi.values())
    accented = sum(1 for ch in text if unicodedata.decomposition(ch))
    assert accented > len(text) * 0.08


def _literal_keys() -> set[str]:
    keys = set()
    for path in UI_CODE:
        src = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""", src))
        # keys handed to helpers that call t(): empty_state(lang, "key", "hint"), page_header(f, "key")
        keys |= set(re.findall(r"""(?:empty_state|page_header)\([^)]*?["']([a-z][a-z0-9_]+)["']""", src))
    return keys


def test_every_literal_key_in_the_code_exists():
    keys = _literal_keys()
    assert len(keys) > 50
    missing = sorted(k for k in keys if k not in catalogue("vi"))
    assert not missing, missing


def test_every_literal_key_of_the_engine_exists():
    """The engine's sentences (a flag's detail, what it takes, a column's reading…): every
    t("key", …) of metrics/ names a key of the catalogue."""
    keys = set()
    for path in ENGINE_CODE:
        keys |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""", path.read_text(encoding="utf-8")))
    assert {"flag_detail_late_streak", "need_from_to"} <= keys
    missing = sorted(k for k in keys if k not in catalogue("vi"))
    assert not missing, missing


def test_no_code_outside_the_catalogue_asks_which_language_it_is():
    """A text in two languages is a catalogue key (t, tx) or a registry's (vi, en) pair read
    through i18n.pick (a label's method: KPI.label, Counter.label, ReformError.title…), a
    format one of fmt's: no 'if lang == "vi"' (nor "en") anywhere else, so a text has one home
    and one fallback rule."""
    compare = re.compile(r"""\blang\s*[!=]=\s*["'](?:vi|en)["']|["'](?:vi|en)["']\s*[!=]=\s*\w*lang\b""")
    code = [*UI_CODE, *ENGINE_CODE, *sorted((ROOT / "demo").glob("*.py"))]
    found = [f"{path.relative_to(ROOT)}:{n}" for path in code
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if compare.search(line)]
    assert not found, found


def test_every_export_text_is_in_the_catalogue():
    """The exports' texts are the catalogue's "export_…" keys (export/common.tx), in both
    languages: every literal tx("key") of the export and chart modules exists."""
    code = [*sorted((ROOT / "metrics" / "export").glob("*.py")), *sorted((ROOT / "metrics" / "charts").glob("*.py"))]
    keys = set()
    for path in code:
        keys |= set(re.findall(r"""\btx\(\s*["']([a-z0-9_]+)["']""", path.read_text(encoding="utf-8")))
    assert len(keys) > 40
    for lang in ("vi", "en"):
        missing = sorted(k for k in keys if f"export_{k}" not in catalogue(lang))
        assert not missing, (lang, missing)


@pytest.mark.parametrize("family, members", [
    ("page_", ["overview", "ranking", "attention", "league", "unit_detail", "dossiers", "import_desk"]),
    ("status_", ["all", "late", "overdue", "apology_missing", "pending", "early", "on_time", "land_violation"]),
    ("status_help_", ["all", "late", "overdue", "apology_missing", "pending", "early", "on_time", "land_violation"]),
    ("channel_", ["0", "1", "2", "3"]),
    ("cmp_", ["prev", "yoy"]),
    ("group_", ["all", "departments", "communes"]),
    ("rating_", ["very_satisfied", "satisfied", "dissatisfied"]),
    ("source_", ["dossiers", "report"]),
    ("import_status_", ["active", "undone"]),
    ("flag_detail_", ["late_streak", "apology_missing", "apology_missing_unknown", "land_at_commune",
                      "priority_not_honoured", "overdue_backlog"]),
    ("see_dossiers_", ["late", "overdue", "apology_missing"]),
    ("by_", ["procedure", "field"]),
])
def test_keys_built_at_run_time_exist(family, members):
    for m in members:
        assert family + m in catalogue("vi"), family + m


def test_the_dossier_statuses_of_the_engine_all_have_labels():
    from metrics.queries import DOSSIER_STATUSES

    for s in DOSSIER_STATUSES:
        assert f"status_{s}" in catalogue("vi")


def test_t_formats_and_falls_back():
    from metrics import i18n

    assert t("import_confirm", "vi", n=3) == "Nhập 3 tệp"
    assert t("import_confirm", "en", n=3) == "Import 3 file(s)"
    assert t("no_such_key_anywhere", "en") == "no_such_key_anywhere"
    assert ("en", "no_such_key_anywhere") in i18n.MISSING          # recorded for the page tests
    i18n.MISSING.discard(("en", "no_such_key_anywhere"))
    assert t("page_overview", "fr") == "Tổng quan"          # unknown language: Vietnamese
    assert pick(("Xã", "Communes"), "en") == "Communes"


def test_engine_does_not_import_streamlit():
    code = "import sys, metrics.i18n.fmt, metrics.i18n, metrics.charts; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


# --- formatting ------------------------------------------------------------------------------
@pytest.mark.parametrize("value, vi, en", [
    (0, "0", "0"), (7, "7", "7"), (1234, "1.234", "1,234"), (1234567, "1.234.567", "1,234,567"),
    (-1234, "-1.234", "-1,234"), (999.6, "1.000", "1,000"),
])
def test_numbers(value, vi, en):
    assert fmt.number(value, "vi") == vi
    assert fmt.number(value, "en") == en


@pytest.mark.parametrize("value, vi, en", [
    (0.975, "97,5 %", "97.5%"), (1, "100,0 %", "100.0%"), (0, "0,0 %", "0.0%"), (0.12345, "12,3 %", "12.3%"),
    (12.5, "1.250,0 %", "1,250.0%"),
])
def test_percentages(value, vi, en):
    assert fmt.percent(value, "vi") == vi
    assert fmt.percent(value, "en") == en


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, math.nan, pd.NaT])
def test_missing_is_no_data_never_zero(missing):
    assert fmt.number(missing) == "không có dữ liệu"
    assert fmt.percent(missing) == "không có dữ liệu"
    assert fmt.percent(missing, "en") == "no data"
    assert fmt.day(missing) == "không có dữ liệu"
    assert fmt.number(missing, short=True) == "–"
    assert fmt.is_missing(missing)


def test_zero_is_not_missing():
    assert not fmt.is_missing(0)
    assert not fmt.is_missing(0.0)
    assert fmt.number(0) == "0"


def test_decimals_and_deltas():
    assert fmt.decimal(1234.56, "vi") == "1.234,6"
    assert fmt.decimal(1234.56, "en") == "1,234.6"
    assert fmt.decimal(-0.04, "vi") == "0,0"                 # no "-0,0"
    assert fmt.points(0.012, "vi") == "+1,2 điểm %"
    assert fmt.points(-0.012, "en") == "-1.2 pp"
    assert fmt.points(0.0, "vi") == "0,0 điểm %"
    assert fmt.delta_count(3) == "+3"
    assert fmt.delta_count(-1234) == "-1.234"
    assert fmt.delta_count(0) == "0"


def test_dates_and_months():
    d = date(2022, 8, 31)
    assert fmt.day(d) == "31/08/2022"
    assert fmt.day(d, "en") == "31 Aug 2022"
    assert fmt.day(datetime(2022, 8, 31, 14, 5)) == "31/08/2022"
    assert fmt.day(pd.Timestamp("2022-08-31")) == "31/08/2022"
    assert fmt.timestamp(datetime(2022, 8, 31, 14, 5)) == "31/08/2022 14:05"
    assert fmt.month(d) == "08/2022"
    assert fmt.month(d, long=True) == "Tháng 8/2022"
    assert fmt.month(d, "en") == "Aug 2022"
    assert fmt.month(d, "en", long=True) == "August 2022"
    assert fmt.month("2022-08-01") == "08/2022"
    assert fmt.month_key(d) == "2022-08"
    assert fmt.month_range(date(2022, 1, 1), date(2022, 8, 1)) == "01/2022 – 08/2022"
    assert fmt.month_range(date(2022, 8, 1), date(2022, 8, 1), long=True) == "Tháng 8/2022"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_day_pattern_writes_what_fmt_day_writes(lang):
    """A grid's date column (moment.js tokens) shows a day as the tables do."""
    tokens = {"YYYY": lambda d: str(d.year), "MMM": lambda d: fmt.day(d, "en").split()[1],
              "MM": lambda d: f"{d.month:02d}", "DD": lambda d: f"{d.day:02d}", "D": lambda d: str(d.day)}
    for d in (date(2022, 8, 5), date(2022, 12, 31)):
        shown = re.sub("YYYY|MMM|MM|DD|D", lambda m: tokens[m.group(0)](d), fmt.day_pattern(lang))
        assert shown == fmt.day(d, lang)


def test_kpi_values_follow_the_registry():
    rate, count = KPI_BY_KEY["on_time_rate"], KPI_BY_KEY["late_count"]
    assert fmt.kpi_value(rate, 0.975) == "97,5 %"
    assert fmt.kpi_value(count, 1234.0) == "1.234"
    assert fmt.kpi_value(count, None) == "không có dữ liệu"
    assert fmt.kpi_delta(rate, 0.98, 0.97) == "+1,0 điểm %"
    assert fmt.kpi_delta(count, 5, 8) == "-3"
    assert fmt.kpi_delta(rate, 0.98, None) is None
    assert fmt.goal_text(rate, 1.0) == "≥ 100,0 %"
    assert fmt.goal_text(count, 0) == "≤ 0"
    assert fmt.goal_text(rate, None) == ""


def test_a_list_of_months_reads_as_ranges():
    # a year's file: one range, not twelve months that push the table's other columns away
    year = [f"2022-{m:02d}" for m in range(1, 13)]
    assert fmt.month_list(year, "vi") == "01/2022 – 12/2022"
    assert fmt.month_list(["2022-01", "2022-02", "2022-05"], "vi") == "01/2022 – 02/2022, 05/2022"
    assert fmt.month_list(["2022-12", "2023-01"], "vi") == "12/2022 – 01/2023"       # across a year
    assert fmt.month_list(["2021"], "vi") == "2021"                                  # an index year, as it is
    assert fmt.month_list([], "vi") == ""
