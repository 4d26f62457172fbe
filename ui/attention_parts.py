"""The rules of the order as a worklist: the month's flags ordered worst first and grouped by
unit (one ordering for the attention page, the overview's short list and the briefing), the
dossiers behind a flag and apology letters per late dossier (who may see what: ui/login.can).

The order: units by their worst flag (SEVERITY, then its value), and inside a unit its flags
by severity then value. Flag details come in the user's language (the engine writes
`detail` in the language it is asked for).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.rules import due
from metrics.i18n import fmt
from metrics.rules import flags as flag_rules      # `flags` names the month's flags here
from metrics.i18n import pick, t

from . import cards, components, data


def severity(flag: str) -> int:
    return int(flag_rules.SEVERITY.get(flag, 0))


def flag_label(flag: str, lang: str) -> str:
    labels = flag_rules.FLAG_LABELS
    return pick(labels[flag], lang) if flag in labels else flag


def _value(v) -> float:
    try:
        return 0.0 if fmt.is_missing(v) else float(v)
    except (TypeError, ValueError):
        return 0.0


def detail_text(row) -> str:
    """The flag's detail: the engine's own sentence, in the language flags_of_month asked for."""
    d = row.get("detail")
    return str(d) if isinstance(d, str) else ""


def ordered(flags: pd.DataFrame, unit_order: list[str] | None = None) -> pd.DataFrame:
    """Flags worst first, grouped by unit: units by their worst flag (severity, then value),
    inside a unit by severity then value. Adds `severity`."""
    if flags is None or flags.empty:
        return pd.DataFrame(columns=list(getattr(flags, "columns", [])) + ["severity"])
    df = flags.copy()
    df["severity"] = [severity(x) for x in df.flag]
    df["_v"] = [_value(v) for v in df.value]
    pos = {c: i for i, c in enumerate(unit_order or [])}
    worst = {}
    for code, g in df.groupby("unit_code", sort=False):
        top = g.sort_values(["severity", "_v"], ascending=False).iloc[0]
        worst[code] = (-int(top.severity), -float(top._v), -len(g), pos.get(code, 999))
    df["_u"] = [worst[c] for c in df.unit_code]
    df = df.sort_values(["_u", "severity", "_v"], ascending=[True, False, False], kind="stable")
    return df.drop(columns=["_u", "_v"]).reset_index(drop=True)


def flags_of_month(f, units: list[str] | None = None) -> pd.DataFrame:
    """The flags of the selection's last month (f.end), worst first."""
    if f.end is None:
        return pd.DataFrame()
    flags = data.query(flag_rules.flags_for, f.end, lang=f.lang)
    units = units if units is not None else f.unit_list
    if units:
        flags = flags[flags.unit_code.isin(units)]
    return ordered(flags, [u.code for u in data.profile().units])


def flags_view(flags: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The list as a person reads it: unit, warning, detail (the overview's short list)."""
    return pd.DataFrame({
        t("unit", lang): list(flags.unit_name),
        t("flag", lang): [flag_label(x, lang) for x in flags.flag],
        t("detail", lang): [detail_text(r) for r in flags.to_dict("records")],
    })


def due_line(f, top: int = 3) -> None:
    """The units with the most dossiers due soon and overdue as of the newest data: the
    first line of the overview's attention list (the order wants fewer late dossiers)."""
    lang = f.lang
    as_of, counts = data.query(due.due_counts, None, 3, units=list(f.units) if f.units else None)
    if as_of is None:
        return
    prof = data.profile()
    names = {u.code: u.name for u in prof.units}
    worst = sorted(counts.items(), key=lambda x: -(x[1]["due_soon"] + x[1]["overdue"]))[:top]
    soon = sum(c["due_soon"] for c in counts.values())
    late = sum(c["overdue"] for c in counts.values())
    if not soon and not late:
        st.success(t("due_overview_none", lang, day=fmt.day(as_of, lang)), icon=":material/check_circle:")
        return
    who = ", ".join(t("due_overview_unit", lang, name=names.get(u, u), soon=fmt.number(c["due_soon"], lang),
                      late=fmt.number(c["overdue"], lang)) for u, c in worst)
    st.markdown(t("due_overview", lang, day=fmt.day(as_of, lang), soon=fmt.number(soon, lang),
                  late=fmt.number(late, lang), who=who))
    components.page_button("due_soon", t("see_due_soon", lang), ":material/alarm:", key="to-due")


def short_list(f, limit: int = 8) -> None:
    """The overview's attention list: the same flags, in the same order, as the attention
    page, the first few of them."""
    lang = f.lang
    flags = flags_of_month(f)
    if flags.empty:
        st.success(t("no_flags", lang), icon=":material/check_circle:")
        return
    count = t("flags_count", lang, n=fmt.number(len(flags), lang), units=fmt.number(flags.unit_code.nunique(), lang))
    more = t("flags_more", lang, n=fmt.number(len(flags) - limit, lang)) if len(flags) > limit else ""
    # one static table with its captions (its texts wrap, nothing to scroll): one element for
    # the overview (ui/cards.py says why)
    st.html(cards.caption(count) + cards.table(flags_view(flags.head(limit), lang)) + cards.caption(more))
    components.page_button("attention", t("see_attention", lang), ":material/notification_important:",
                           key="to-attention")


# --- dossiers behind a flag, apology letters ------------------------------------------------------
DOSSIER_COLS = ["dossier_code", "procedure_name", "channel", "received_at", "due_at", "finished_at", "status",
                "days_late", "apology_sent"]


def dossier_view(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A flag's dossiers without personal data (no handler), labels translated."""
    out = pd.DataFrame()
    for col in DOSSIER_COLS:
        v = df[col] if col in df else pd.Series([None] * len(df), dtype=object)
        if col == "channel":
            v = [t(f"channel_{int(x)}", lang) if not fmt.is_missing(x) and int(x) in (1, 2, 3) else "–" for x in v]
        elif col == "status":
            v = [t(f"status_{x}", lang) if isinstance(x, str) else "–" for x in v]
        elif col == "apology_sent":
            v = ["–" if fmt.is_missing(x) else ("✓" if x else "✗") for x in v]
        elif col == "days_late":
            v = pd.array(v, dtype="Int64")
        elif col in ("received_at", "due_at", "finished_at"):
            v = [fmt.day(x, lang) if not fmt.is_missing(x) else "" for x in v]
        out[t(f"col_{col}", lang)] = v if isinstance(v, list) else pd.array(v) if col == "days_late" else list(v)
    return out


APOLOGY_STATES = ["in_time", "late", "sent_undated", "missing", "unknown"]


def apology_summary(rows: pd.DataFrame, by: str) -> pd.DataFrame:
    """Counts of late dossiers per `by` (unit_code or period) and apology state (in_time,
    late, sent_undated, missing, unknown), their total (`dossiers`), and the rates over the
    dossiers whose apology is known: sent at all, and sent in time (Decree 61/2018)."""
    cols = [by, "dossiers", *APOLOGY_STATES, "sent_rate", "in_time_rate"]
    if rows is None or rows.empty:
        return pd.DataFrame(columns=cols)
    counts = rows.groupby([by, "apology"]).size().unstack(fill_value=0)
    for s in APOLOGY_STATES:
        if s not in counts:
            counts[s] = 0
    counts = counts[APOLOGY_STATES].reset_index()
    counts["dossiers"] = counts[APOLOGY_STATES].sum(axis=1)
    known = counts["dossiers"] - counts["unknown"]
    sent = counts["in_time"] + counts["late"] + counts["sent_undated"]
    counts["sent_rate"] = [None if k == 0 else s / k for s, k in zip(sent, known)]
    counts["in_time_rate"] = [None if k == 0 else i / k for i, k in zip(counts["in_time"], known)]
    return counts[cols]
