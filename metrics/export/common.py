"""Pieces shared by the briefing deck, the workbook and the PDF report: the typed error, the
exports' texts (tx: the keys "export_…" of the one catalogue, metrics/i18n/locales) and small
formatting helpers."""
from __future__ import annotations

import re

from ..errors import ReformError
from ..i18n import catalogue, t


class ExportError(ReformError):
    """An export cannot be produced: a missing font or browser, a bad format."""

    title_vi, title_en = "Không xuất được báo cáo", "Export failed"


def tx(key: str, lang: str = "vi", **values) -> str:
    """An export's text: the key "export_<key>" of the one catalogue (metrics/i18n/locales)."""
    return t(f"export_{key}", lang, **values)


def has_text(key: str) -> bool:
    return f"export_{key}" in catalogue("vi")


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    from ..i18n.textnorm import strip_accents

    s = strip_accents(str(text).lower()).replace("đ", "d")
    return _SLUG.sub("-", s).strip("-")


# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection"),
# plus tab and carriage return, which some programs strip before looking.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text) -> str:
    """Text safe for XML (pptx) and PDF: control characters from imported cells dropped."""
    return _CONTROL.sub("", str(text))


def nobreak(text: str) -> str:
    """Keep "95,2 %", "≥ 50,0 %" and "+1,2 điểm %" on one line (no-break spaces); control
    characters dropped."""
    s = clean(text)
    for a, b in ((" %", "\u00a0%"), ("≥ ", "≥\u00a0"), ("≤ ", "≤\u00a0"), (" điểm", "\u00a0điểm")):
        s = s.replace(a, b)
    return s


def looks_like_formula(text: str) -> bool:
    return isinstance(text, str) and text.startswith(FORMULA_START)
