"""Cell values as real exports write them: yes/no, channels, ratings, numbers, months, dates.

Dates of dossier files are parsed inside DuckDB (millions of cells); `DATE_SQL` is that
single definition and `parse_date` runs the very same expression for the Python callers.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from ..i18n.textnorm import key

YES = {"x", "co", "1", "true", "yes", "da", "y", "dung", "2"}
NO = {"", "0", "khong", "chua", "false", "no", "n", "sai", "-"}
# "2" only means yes where the export codes online payment as 1/2 (domain 3.1); the yes/no
# reader is told which columns accept it.
YES_STRICT = YES - {"2"}


def parse_yes_no(raw: object, allow_code_2: bool = False) -> bool | None:
    """True/False, or None when the cell is not a yes/no token (the caller reports it)."""
    if raw is None:
        return False
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)):
        if raw == 0:
            return False
        if raw == 1 or (allow_code_2 and raw == 2):
            return True
        return None
    k = key(raw)
    if k.endswith(" 0") or k.endswith(".0"):
        k = k[:-2]
    if k in NO:
        return False
    if k in (YES if allow_code_2 else YES_STRICT):
        return True
    # "Đã thanh toán", "Có (qua VNPT)", "Không có": the first word carries the answer
    first = k.split(" ")[0] if k else ""
    if first in ("khong", "chua"):
        return False
    if first in ("co", "da", "x"):
        return True
    return None


CHANNELS = {1: "direct", 2: "online", 3: "post"}


def parse_channel(raw: object) -> int | None:
    """1 direct, 2 online, 3 public postal service (BCCI); None if unreadable."""
    if raw is None:
        return None
    k = key(raw)
    if k in ("1", "1 0"):
        return 1
    if k in ("2", "2 0"):
        return 2
    if k in ("3", "3 0"):
        return 3
    if not k:
        return None
    if "bcci" in k or "buu chinh" in k or "buu dien" in k:
        return 3
    if "truc tuyen" in k or "online" in k or "dvc" in k or "muc do 3" in k or "muc do 4" in k \
            or "toan trinh" in k or "mot phan" in k or "qua mang" in k:
        return 2
    if "truc tiep" in k or "direct" in k or "mot cua" in k:
        return 1
    return None


# The sync record's fee state (DuocThanhToanTrucTuyen): 1 paid online on the national portal,
# 2 paid online through the province's gateway. Every other code (0, the exporters' default
# written whatever the fee, and 3) says only "not paid online": whether the dossier bears a
# fee comes from the national procedure catalogue, not from this column, so it stays unknown.
# Returned as (has_fee, paid_online); has_fee None is unknown.
FEE_CODES = {"0": (None, False), "1": (True, True), "2": (True, True), "3": (None, False)}
# what a user says a code means when teaching a layout (the meanings offered in the form)
FEE_MEANINGS = {"0": (False, False), "1": (True, True), "3": (True, False)}


def parse_fee_payment(raw: object, taught: bool = False) -> tuple[bool | None, bool] | None:
    """(has_fee, paid_online) from a coded or worded fee state; None if unreadable.
    `taught`: raw is a meaning the user picked (FEE_MEANINGS), not a cell of the file."""
    if raw is None:
        return (None, False)
    k = key(raw)
    if taught and k in FEE_MEANINGS:
        return FEE_MEANINGS[k]
    if k.endswith(" 0") and k[:-2] in FEE_CODES:
        k = k[:-2]
    if k == "":
        return (None, False)
    if k in FEE_CODES:
        return FEE_CODES[k]
    if k.startswith(("khong co phi", "khong thu phi", "mien phi", "khong phat sinh", "khong co nghia vu")):
        return (False, False)
    if k.startswith(("chua thanh toan", "thanh toan truc tiep", "nop tien mat", "tien mat", "khong thanh toan")):
        return (True, False)
    if k.startswith(("da thanh toan", "thanh toan truc tuyen", "da thanh toan truc tuyen")):
        return (True, True)
    return None


# A dossier's status as the one-stop systems word it (their codes 1-10, or the texts of those
# codes); what each means for the import:
#   not_received: registered online or refused at the desk, never received (no received date)
#   pending, finished: as the dates say; withdrawn, stopped: ended without a result
STATUS_CODES = {"1": "not_received", "2": "pending", "3": "not_received", "4": "pending", "5": "pending",
                "6": "pending", "7": "withdrawn", "8": "stopped", "9": "finished", "10": "finished"}
_STATUS_WORDS = [
    ("not_received", ("moi dang ky", "cho tiep nhan", "khong duoc tiep nhan", "tu choi tiep nhan",
                      "khong tiep nhan", "moi", "chua tiep nhan", "dang ky moi")),
    ("withdrawn", ("cong dan yeu cau rut", "rut ho so", "da rut", "xin rut", "huy ho so", "da huy")),
    ("stopped", ("dung xu ly", "tam dung", "ngung xu ly")),
    ("finished", ("da tra ket qua", "da xu ly xong", "da giai quyet", "hoan thanh", "da hoan thanh",
                  "da tra", "da co ket qua", "cho tra ket qua", "da xu ly", "tra ket qua")),
    ("pending", ("dang xu ly", "duoc tiep nhan", "da tiep nhan", "moi tiep nhan", "vua tiep nhan", "yeu cau bo sung", "cho bo sung",
                 "yeu cau thuc hien nghia vu tai chinh", "dang giai quyet", "cho xu ly", "dang thu ly",
                 "qua han", "dung han", "trong han", "cho phe duyet", "bo sung")),
]


def parse_status(raw: object) -> str | None:
    """not_received | pending | finished | withdrawn | stopped, or None if not recognised."""
    if raw is None:
        return None
    k = key(raw)
    if k.endswith(" 0") and k[:-2] in STATUS_CODES:
        k = k[:-2]
    if k in STATUS_CODES:
        return STATUS_CODES[k]
    # the longest matching word decides: "Mới tiếp nhận" (received, pending) is not "Mới"
    # (registered online, never received)
    best = max(((len(w), meaning) for meaning, words in _STATUS_WORDS for w in words
                if k == w or k.startswith(w + " ")), default=None)
    return best[1] if best else None


# "neutral" ("Bình thường", the middle mark some portals offer) is a rating (rated) that is
# neither satisfied nor dissatisfied
RATINGS = {"very_satisfied", "satisfied", "neutral", "dissatisfied"}
# the national portal's rating codes (read per value, with a note: dossiers._rating_codes_note)
RATING_CODES = {"1": "very_satisfied", "2": "satisfied", "3": "dissatisfied"}


def parse_rating(raw: object) -> tuple[bool, str | None]:
    """(readable, rating). Empty means not rated; the readable flag catches unknown words."""
    if raw is None:
        return True, None
    k = key(raw)
    if not k or k in ("chua danh gia", "khong danh gia", "0"):
        return True, None
    if k.startswith("khong hai long") or k.startswith("chua hai long"):
        return True, "dissatisfied"
    if k.startswith("rat hai long"):
        return True, "very_satisfied"
    if k.startswith("hai long"):
        return True, "satisfied"
    if k.startswith("binh thuong") or k == "trung binh":
        return True, "neutral"
    if k in RATING_CODES:
        return True, RATING_CODES[k]
    return False, None


_NUM_DOTS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_NUM_COMMAS = re.compile(r"^-?\d{1,3}(,\d{3})+$")


def parse_count(raw: object) -> tuple[bool, int | None]:
    """(readable, value) for a counter cell: '1.234' is one thousand two hundred and
    thirty-four (Vietnamese thousands dots); blank is unknown (None); '-' is zero."""
    if raw is None:
        return True, None
    if isinstance(raw, bool):
        return False, None
    if isinstance(raw, int):
        return (raw >= 0), raw if raw >= 0 else None
    if isinstance(raw, float):
        if raw != raw:  # NaN
            return True, None
        if raw.is_integer() and raw >= 0:
            return True, int(raw)
        return False, None
    s = str(raw).strip().replace("\u00a0", "").replace(" ", "")
    if s == "":
        return True, None
    if s in ("-", "–", "—"):
        return True, 0
    if s.isascii() and s.isdigit():
        return True, int(s)
    if _NUM_DOTS.match(s):
        return (not s.startswith("-")), int(s.replace(".", "")) if not s.startswith("-") else None
    if _NUM_COMMAS.match(s):
        return (not s.startswith("-")), int(s.replace(",", "")) if not s.startswith("-") else None
    if re.fullmatch(r"\d+[.,]0+", s):
        return True, int(re.split(r"[.,]", s)[0])
    return False, None


def parse_decimal(raw: object) -> tuple[bool, float | None]:
    """A score such as '87,35' or '87.35' (index files); blank is unknown."""
    if raw is None:
        return True, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return (raw == raw), float(raw) if raw == raw else None
    s = str(raw).strip().replace("\u00a0", "").replace(" ", "")
    if not s:
        return True, None
    if "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", ".")
    try:
        return True, float(s)
    except ValueError:
        return False, None


_MONTH_PATTERNS = [
    re.compile(r"^(?:thang|t)?\s*(\d{1,2})\s*[/\-.]\s*(\d{4})$"),         # 08/2022, T8/2022, Tháng 8/2022
    re.compile(r"^(\d{4})\s*[/\-.]\s*(\d{1,2})$"),                      # 2022-08
    re.compile(r"^(?:thang|t)\s*(\d{1,2})\s*(?:nam)?\s*(\d{4})$"),        # Tháng 8 năm 2022
    re.compile(r"^(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*0?1$"),        # 2022-08-01 (a month's first day)
    re.compile(r"^0?1\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4})$"),        # 01/08/2022
]


def parse_month(raw: object) -> date | None:
    """First day of the month written as 08/2022, 8/2022, 2022-08, Tháng 8/2022, T8/2022,
    'Tháng 8 năm 2022'; None if it is not a month."""
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return date(raw.year, raw.month, 1) if raw.day == 1 else None
    if isinstance(raw, date):
        return date(raw.year, raw.month, 1) if raw.day == 1 else None
    s = str(raw).strip().lower()
    s = key(s).replace(" / ", "/")
    s = re.sub(r"\s*([/\-.])\s*", r"\1", s)
    # key() turned "/" into spaces; rebuild the simple forms from the original
    orig = re.sub(r"\s+", " ", str(raw).strip())
    orig_k = re.sub(r"[^\w/\-. ]", "", key_keep_sep(orig))
    for text in (orig_k, s):
        for i, pat in enumerate(_MONTH_PATTERNS):
            m = pat.match(text)
            if not m:
                continue
            a, b = m.group(1), m.group(2)
            year, month = (int(b), int(a)) if i in (0, 2, 4) else (int(a), int(b))
            if 1 <= month <= 12 and 1900 <= year <= 2100:
                return date(year, month, 1)
    return None


def key_keep_sep(text: str) -> str:
    """Like key() but keeps the separators that months are written with."""
    from ..i18n.textnorm import strip_accents
    import unicodedata

    t = unicodedata.normalize("NFC", text).casefold()
    return strip_accents(t).strip()


_PERIOD_LINE = re.compile(r"thang\s*(\d{1,2})\s*(?:nam|/|-)\s*(\d{4})")


def month_in_text(text: object) -> date | None:
    """The month of a title line such as 'Kỳ báo cáo: Tháng 8 năm 2022 (Từ ngày …)'."""
    if text is None:
        return None
    k = key_keep_sep(str(text))
    m = _PERIOD_LINE.search(k)
    if m:
        month, year = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            return date(year, month, 1)
    return None


_RANGE = re.compile(r"tu\s*ngay\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4})\s*"
                    r"(?:den|toi)\s*ngay\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4})")


def range_in_text(text: object) -> tuple[date, date] | None:
    """The dates of a title line '(Từ ngày 01/08/2022 đến ngày 31/08/2022)'."""
    if text is None:
        return None
    m = _RANGE.search(key_keep_sep(str(text)))
    if not m:
        return None
    try:
        d1, m1, y1, d2, m2, y2 = (int(g) for g in m.groups())
        return date(y1, m1, d1), date(y2, m2, d2)
    except ValueError:
        return None


def parse_percent(raw: object) -> tuple[bool, float | None]:
    """A percentage as exports write it: '97,5', '97.5%', '97,50 %', 0.975 as a fraction
    never (a cell below 1 is read as it stands: such columns are checked, not stored)."""
    if raw is None:
        return True, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return True, float(raw)
    s = str(raw).strip().replace("%", "").replace("\u00a0", "").replace(" ", "")
    if not s or s in ("-", "–"):
        return True, None
    return parse_decimal(s)


# a cell of the line that numbers a form's columns under its headings: "(1)", "1", "(5)=(3)+(4)"
NUMBERING = r"^\(?\d{1,2}\)?(\s*[=+-]\s*\(?\d{1,2}\)?)*$"


# what a total line begins with, accents stripped ("Tổng cộng", "Cộng", "Toàn huyện"): a
# report's total row (tables._is_total) and the line under a dossier list (dossiers._set_aside)
TOTAL_WORDS = ("tong cong", "tong so", "tong", "cong", "toan huyen", "total")


# --- dates -------------------------------------------------------------------------
# Day first (domain 3.1); month first only for a file that proves it (US_DATE_FORMATS). Excel
# serials count days from 1899-12-30.
DATE_FORMATS = [
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d",
    "%H:%M:%S %d/%m/%Y", "%H:%M %d/%m/%Y", "%H:%M, %d/%m/%Y",
    # the national portal's sync record: yyyyMMddHHmmss
    "%Y%m%d%H%M%S", "%Y%m%d",
]
# Month first, with AM/PM, as a system running on an English (US) culture writes dates
# ("8/25/2022 2:30:00 PM"): used for a whole file, and only when its cells prove the order
# (dossiers._date_order: second parts over 12 in three dates or more, never a first one) — an
# ambiguous 5/8/2022 is never read month first on a guess, nor an AM/PM time day first
US_DATE_FORMATS = [
    "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y",
    "%m-%d-%Y %I:%M:%S %p", "%m-%d-%Y %H:%M:%S", "%m-%d-%Y",
    *[f for f in DATE_FORMATS if f.startswith("%Y")],
]


def _format_list(formats: list[str]) -> str:
    return "[" + ", ".join("'" + f + "'" for f in formats) + "]"


_FMT_LIST = _format_list(DATE_FORMATS)


def date_sql(col: str, formats: list[str] | None = None) -> str:
    """SQL expression: the TIMESTAMP a text cell denotes, or NULL if it is not a date; read
    with `formats` (the program's own lists, DATE_FORMATS by default).

    `col` is a trusted column identifier built by the importer, never user text.
    """
    trimmed = f"trim(regexp_replace({col}, '\\s+', ' ', 'g'))"
    return (
        f"CASE WHEN {trimmed} = '' OR {col} IS NULL THEN NULL "
        f"WHEN regexp_full_match({trimmed}, '\\d{{5}}(\\.\\d+)?') "
        f"  AND TRY_CAST({trimmed} AS DOUBLE) BETWEEN 20000 AND 80000 "
        f"THEN TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(TRY_CAST({trimmed} AS DOUBLE) * 86400000000) AS BIGINT)) "
        f"ELSE try_strptime({trimmed}, {_FMT_LIST if formats is None else _format_list(formats)}) END"
    )


def with_century(col: str, text: str) -> str:
    """SQL: a parsed TIMESTAMP `col` whose cell `text` wrote its year with two digits
    ("02/08/22", which strptime's %Y reads as the year 22) put in this century; any other year
    before 1900 ("22/8/2", "10/08/0022") is no date. Both are the importer's own columns."""
    return (f"CASE WHEN year({col}) >= 1900 THEN {col} "
            f"WHEN year({col}) < 100 AND regexp_matches({text}, '{SHORT_YEAR}') THEN {col} + INTERVAL 2000 YEAR "
            f"ELSE NULL END")


# a date written with a two-digit year, anywhere in its cell ("02/08/22", "14:30 2/8/22")
SHORT_YEAR = r"(^|[^0-9])[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2}([^0-9]|$)"


def parse_date(raw: object) -> datetime | None:
    """Python face of `date_sql`, for the few callers outside bulk import (and tests)."""
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return raw
    if isinstance(raw, date):
        return datetime(raw.year, raw.month, raw.day)
    con = _date_con()
    # (in SQL: a year 0 comes back to Python as text, "0001-01-01 (BC)")
    return con.execute(f"SELECT {with_century('d', 'v')} FROM (SELECT v, {date_sql('v')} AS d FROM "
                       "(SELECT CAST(? AS VARCHAR) AS v))", [str(raw)]).fetchone()[0]


_con = None


def _date_con():
    global _con
    if _con is None:
        import duckdb

        _con = duckdb.connect()
    return _con
