"""Every number, percentage, date and month the user sees, in Vietnamese or English.

One module so that the dashboard, the exports and the CLI print the same "97,5 %" and
"1.234". No Streamlit here: exports import it too. Values are KPI fractions (0.975), never
percent. A missing value (None, NaN, pd.NA) is "không có dữ liệu" — never 0: a counter that
was not reported is different from a counter that is zero (domain.md 3.4).
"""
from __future__ import annotations

import math
from datetime import date, datetime

NO_DATA = {"vi": "không có dữ liệu", "en": "no data"}
# short form for table cells and chart labels, where "không có dữ liệu" does not fit
NO_DATA_SHORT = {"vi": "–", "en": "–"}

_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_MONTHS_EN_LONG = ["January", "February", "March", "April", "May", "June", "July", "August",
                   "September", "October", "November", "December"]


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "vi"


def is_missing(value) -> bool:
    """None, NaN and pd.NA (without importing pandas: its NA fails every comparison)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return bool(value != value)
    except TypeError:   # pd.NA: "boolean value of NA is ambiguous"
        return True


def no_data(lang: str = "vi", short: bool = False) -> str:
    return (NO_DATA_SHORT if short else NO_DATA)[_lang(lang)]


def _group(digits: str, sep: str) -> str:
    out = []
    while len(digits) > 3:
        out.append(digits[-3:])
        digits = digits[:-3]
    out.append(digits)
    return sep.join(reversed(out))


def decimal(value, lang: str = "vi", decimals: int = 1, short: bool = False) -> str:
    """1234.5 -> "1.234,5" (vi) / "1,234.5" (en)."""
    if is_missing(value):
        return no_data(lang, short)
    v = float(value)
    text = f"{abs(v):.{decimals}f}"
    whole, _, frac = text.partition(".")
    thousands, point = (".", ",") if _lang(lang) == "vi" else (",", ".")
    sign = "-" if v < 0 and float(text) != 0 else ""
    return sign + _group(whole, thousands) + (point + frac if frac else "")


def number(value, lang: str = "vi", short: bool = False) -> str:
    """A count: 1234 -> "1.234" (vi) / "1,234" (en)."""
    return decimal(value, lang, 0, short)


def percent_sign(lang: str = "vi") -> str:
    """What follows a percentage: " %" (vi, with the space Vietnamese typography uses) / "%"
    (a chart's axis writes it too)."""
    return " %" if _lang(lang) == "vi" else "%"


def percent(fraction, lang: str = "vi", decimals: int = 1, short: bool = False) -> str:
    """0.975 -> "97,5 %" (vi) / "97.5%" (en)."""
    if is_missing(fraction):
        return no_data(lang, short)
    return decimal(float(fraction) * 100, lang, decimals) + percent_sign(lang)


def signed(text: str, value: float) -> str:
    return text if text.startswith("-") or value == 0 else "+" + text


def points_unit(lang: str = "vi") -> str:
    """Percentage points: "điểm %" / "pp" (a workbook's number format writes it too)."""
    return "điểm %" if _lang(lang) == "vi" else "pp"


def points(delta_fraction, lang: str = "vi", decimals: int = 1) -> str:
    """A change of a rate, in percentage points: 0.012 -> "+1,2 điểm %" / "+1.2 pp"."""
    if is_missing(delta_fraction):
        return no_data(lang)
    v = float(delta_fraction) * 100
    body = signed(decimal(v, lang, decimals), round(v, decimals))
    return f"{body} {points_unit(lang)}"


def delta_count(delta, lang: str = "vi") -> str:
    if is_missing(delta):
        return no_data(lang)
    v = round(float(delta))
    return signed(number(v, lang), v)


def to_date(value) -> date | None:
    if is_missing(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "to_pydatetime"):      # pandas Timestamp
        return value.to_pydatetime().date()
    return date.fromisoformat(str(value)[:10])


def day(value, lang: str = "vi") -> str:
    """31/08/2022 (vi) / 31 Aug 2022 (en)."""
    d = to_date(value)
    if d is None:
        return no_data(lang)
    if _lang(lang) == "en":
        return f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"
    return d.strftime("%d/%m/%Y")


def day_pattern(lang: str = "vi") -> str:
    """fmt.day's form as a date pattern (the moment.js tokens a grid's date column takes):
    "DD/MM/YYYY" / "D MMM YYYY"."""
    return "D MMM YYYY" if _lang(lang) == "en" else "DD/MM/YYYY"


def timestamp(value, lang: str = "vi") -> str:
    """31/08/2022 14:05 (vi) / 31 Aug 2022 14:05 (en)."""
    if is_missing(value):
        return no_data(lang)
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if not isinstance(value, datetime):
        return day(value, lang)
    return f"{day(value, lang)} {value:%H:%M}"


def month(value, lang: str = "vi", long: bool = False) -> str:
    """08/2022 or Tháng 8/2022 (vi); Aug 2022 or August 2022 (en)."""
    d = to_date(value)
    if d is None:
        return no_data(lang)
    if _lang(lang) == "en":
        return f"{(_MONTHS_EN_LONG if long else _MONTHS_EN)[d.month - 1]} {d.year}"
    return f"Tháng {d.month}/{d.year}" if long else f"{d.month:02d}/{d.year}"


def month_words(value, lang: str = "vi") -> str:
    """'tháng 8 năm 2022' / 'August 2022' (the words of a report title)."""
    d = to_date(value)
    if _lang(lang) == "en":
        return month(d, "en", long=True)
    return f"tháng {d.month} năm {d.year}"


def date_words(value, place: str, lang: str = "vi") -> str:
    """'Tuy Phước, ngày 05 tháng 9 năm 2022' (administrative style, Decree 30/2020)."""
    d = to_date(value)
    if _lang(lang) == "en":
        return f"{place}, {day(d, 'en')}" if place else day(d, "en")
    dd = f"{d.day:02d}" if d.day < 10 else str(d.day)
    mm = f"{d.month:02d}" if d.month < 3 else str(d.month)
    text = f"ngày {dd} tháng {mm} năm {d.year}"
    return f"{place}, {text}" if place else text.capitalize()


def month_range(start, end=None, lang: str = "vi", long: bool = False) -> str:
    """One month, or "01/2022 – 08/2022"."""
    if end is None or to_date(end) == to_date(start):
        return month(start, lang, long)
    return f"{month(start, lang, long)} – {month(end, lang, long)}"


def month_list(keys, lang: str = "vi") -> str:
    """Months given as keys ("2022-08"), consecutive ones as one range: "01/2022 – 12/2022,
    03/2023" (a year of months listed one by one pushed a table's other columns off a
    1280-pixel screen). Anything that is not a month key is shown as it is."""
    out, run = [], []

    def close():
        if run:
            out.append(month_range(run[0], run[-1], lang))
            run.clear()
    for k in keys:
        d = to_date(k + "-01") if isinstance(k, str) and len(k) == 7 else None
        if d is None:
            close()
            out.append(str(k))
            continue
        if run and (d.year * 12 + d.month) != (run[-1].year * 12 + run[-1].month) + 1:
            close()
        run.append(d)
    close()
    return ", ".join(out)


def month_key(value) -> str:
    """The URL / file-name form of a month: 2022-08."""
    d = to_date(value)
    return "" if d is None else f"{d.year:04d}-{d.month:02d}"


# --- KPIs -------------------------------------------------------------------------------
def kpi_value(kpi, value, lang: str = "vi", short: bool = False) -> str:
    """A KPI of the registry (metrics.model.kpis.KPI): rates as percent, counts as numbers."""
    return percent(value, lang, short=short) if kpi.is_rate else number(value, lang, short=short)


def kpi_delta(kpi, current, previous, lang: str = "vi") -> str | None:
    """The change against the comparison period, or None when either side is unknown."""
    if is_missing(current) or is_missing(previous):
        return None
    diff = float(current) - float(previous)
    return points(diff, lang) if kpi.is_rate else delta_count(diff, lang)


def goal_text(kpi, goal, lang: str = "vi") -> str:
    """"≥ 50,0 %" for a rate to raise, "≤ 0" for a count to bring down."""
    if is_missing(goal):
        return ""
    sign = "≤" if kpi.lower_is_better else "≥"
    return f"{sign} {kpi_value(kpi, goal, lang)}"
