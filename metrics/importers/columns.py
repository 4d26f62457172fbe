"""What an import read from each column of a file, and what the file cannot give.

Nothing is dropped in silence: every column of the header is either read as a field (a
dossier list) or a counter (a report), or left out with a reason the preview shows; every
counter the file does not carry is unknown (NULL), and the KPIs built on it are listed as
not computable from this file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..i18n import pick, t
from ..model.kpis import COUNTER, COUNTER_NAMES, COUNTERS, KPIS

# reasons a column is left out: each has a text col_reason_<reason> in metrics/i18n/locales
REASONS = ("personal", "ordinal", "submitted", "field_code", "summary", "receiver", "meaning_unknown",
           "not_used", "duplicate", "percent", "unknown", "empty", "unit_not_chosen", "entity", "month",
           "new_total")


@dataclass
class Column:
    index: int                      # 0-based position in the sheet
    heading: str                    # as written; a multi-row heading joined with " / "
    read_as: str | None = None      # a dossier field, a counter, or a role such as "@entity"
    reason: str | None = None       # why it is left out (REASONS)
    note: str = ""                  # e.g. the column that was read instead

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    def describe(self, lang: str = "vi") -> str:
        if self.read_as:
            return t("col_read_as", lang, what=label_of(self.read_as, lang))
        text = t(f"col_reason_{self.reason or 'unknown'}", lang)
        return f"{text} ({self.note})" if self.note else text

    def as_dict(self, lang: str = "vi") -> dict:
        return {"column": self.letter, "heading": self.heading, "read_as": self.read_as or "",
                "left_out": "" if self.read_as else (self.reason or "unknown"), "explanation": self.describe(lang)}


def column_letter(i: int) -> str:
    s = ""
    n = i + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def label_of(name: str, lang: str = "vi") -> str:
    """A field's, counter's or role's name for a person."""
    if name in COUNTER:
        return COUNTER[name].label(lang)
    return t(f"field_{name.lstrip('@')}", lang)


# --- what a dossier list cannot give ----------------------------------------------------
# the dossier columns a counter reads (d.<column> in its SQL) and the file fields they come from
_D_COLUMN = re.compile(r"\bd\.(\w+)")
SOURCE_OF_COLUMN: dict[str, tuple[str, ...]] = {
    "channel": ("channel",),
    "has_fee": ("has_fee", "fee_payment"),
    "paid_online": ("paid_online", "fee_payment"),
    "result_by_post": ("result_by_post",),
    "digitised": ("digitised",),
    "e_result": ("e_result",),
    "e_certified_copy": ("e_certified_copy",),
    "apology_sent": ("apology_sent",),
    "rating": ("rating",),
    "is_certification": ("field",),
    "is_land": ("field",),
    "is_land_mediation": ("procedure_name",),
}


def counters_unknown_without(present: set[str]) -> list[str]:
    """The counters a dossier list with these fields cannot give (each reads a column whose
    source field is absent), in registry order."""
    out = []
    for c in COUNTERS:
        if c.base is None:
            out.append(c.name)
            continue
        cols = set(_D_COLUMN.findall(f"{c.base} {c.flag or ''}"))
        # PRIORITY reads result_by_post through coalesce(): the channel alone decides it
        if "channel" in cols:
            cols.discard("result_by_post")
        for col in cols:
            sources = SOURCE_OF_COLUMN.get(col)
            if sources and not any(s in present for s in sources):
                out.append(c.name)
                break
    return out


def kpis_unknown(unknown_counters: list[str]) -> list[str]:
    bad = set(unknown_counters)
    return [k.key for k in KPIS if any(c in bad for c in k.counters)]


@dataclass
class FileReport:
    """The preview's account of a file: its columns, and what it cannot give."""
    columns: list[Column] = field(default_factory=list)
    unknown_counters: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)      # (vi, en) facts about rows

    @property
    def unknown_kpis(self) -> list[str]:
        return kpis_unknown(self.unknown_counters)

    def cannot_give(self, lang: str = "vi") -> list[str]:
        """The sentences that say which counters the file does not give, and so which KPIs."""
        out = []
        if self.unknown_counters:
            out.append(t("col_report_unknown_counters", lang) + " "
                       + ", ".join(label_of(n, lang) for n in self.unknown_counters))
        kp = self.unknown_kpis
        if kp:
            out.append(t("col_report_unknown_kpis", lang) + " "
                       + ", ".join(next(k.label(lang) for k in KPIS if k.key == key) for key in kp))
        return out

    def lines(self, lang: str = "vi") -> list[str]:
        out = [t("col_report_title", lang)]
        for c in self.columns:
            out.append(f"  {c.letter:>3}  {c.heading[:60]:<60}  {c.describe(lang)}")
        out += self.cannot_give(lang)
        for note in self.notes:
            out.append("  • " + pick(note, lang))
        return out


def counters_not_in(carried: set[str]) -> list[str]:
    return [c for c in COUNTER_NAMES if c not in carried]
