"""The import page's account of a file (each column read as what, or left out and why; what
the file cannot give) and the form that teaches the importer a layout once: column → field or
counter, spelling → unit, code → meaning; tried on the file (the figures it would give, nothing
written), then saved by name and used for this file and the next ones of its layout."""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import streamlit as st

from metrics.i18n import fmt
from metrics.errors import ImportRejected, ReformError
from metrics.i18n import pick, t
from metrics.importers import layouts
from metrics.importers.columns import column_letter, label_of
from metrics.importers.core import FILE_TOTAL, describe_header, import_file
from metrics.importers.headers import DOSSIER_FIELDS, clean_heading
from metrics.importers.layouts import MEANINGS, NOT_USED, YES_NO, Layout
from metrics.model.kpis import COUNTER_NAMES, KPI_BY_KEY
from ui import data

log = logging.getLogger("dashboard.import")

AUTO = "@auto"


def report_frame(report, lang: str) -> pd.DataFrame:
    return pd.DataFrame([{
        t("column", lang): c.letter,
        t("heading", lang): c.heading,
        t("read_as_or_why", lang): c.describe(lang),
    } for c in report.columns])


def show_report(name: str, result, lang: str, unit_names: list[str] | None = None) -> None:
    """Under the preview, per file: its units by name, what the import noticed (lines set aside,
    figures it cannot tell) in plain sight — a note folded away under the columns went unread —
    and, a click away, what each column was read as and what the file cannot give."""
    if unit_names:
        st.caption(t("preview_units_of", lang, name=name, n=len(unit_names), names=", ".join(unit_names)))
    report = result.report
    if report is None:
        return
    if report.notes:
        st.info(t("preview_notes_of", lang, name=name) + "\n" + "\n".join("- " + pick(note, lang)
                                                                         for note in report.notes),
                icon=":material/info:")
    with st.expander(t("columns_of", lang, name=name)):
        st.dataframe(report_frame(report, lang), hide_index=True, width="stretch")
        for line in report.cannot_give(lang):
            st.markdown(line)


def _targets(kind: str | None) -> list[str]:
    fields = [f for f in DOSSIER_FIELDS]
    counters = list(COUNTER_NAMES) + ["@entity", "@month"]
    if kind == "dossiers":
        return fields
    if kind == "table":
        return counters
    return fields + counters


def _target_label(v: str, lang: str) -> str:
    if v == AUTO:
        return t("teach_auto", lang)
    if v == NOT_USED:
        return t("teach_not_used", lang)
    return label_of(v, lang)


def _unit_options(profile) -> list[str]:
    return [u.code for u in profile.units] + [p.code for p in profile.peers if p.code != profile.code] + [NOT_USED]


def teach(rec: dict, kind: str | None, lang: str, profile, user: str, on_imported) -> None:
    """The teaching form for one uploaded file (rec from the import page's preview)."""
    exc = rec.get("error")
    problems = exc.problems if isinstance(exc, ImportRejected) else []
    learn = [p.learn for p in problems if p.learn]
    has_unknown = rec.get("result") is not None and rec["result"].report is not None and any(
        c.reason in ("unknown", "meaning_unknown") for c in rec["result"].report.columns)
    if not learn and not has_unknown and exc is not None and not isinstance(exc, ImportRejected):
        return
    if exc is None and not has_unknown:
        return
    sha = rec["sha"][:12]
    with st.expander(t("teach_title", lang, name=rec["name"]), expanded=bool(learn)):
        st.caption(t("teach_intro", lang))
        # read once per file: the expander's body runs on every rerun of the page, opened or
        # not, and a large export takes seconds to read
        cached = st.session_state.setdefault("_teach_heads", {})
        if (rec["sha"], kind) not in cached:
            try:
                cached[(rec["sha"], kind)] = describe_header(rec["path"], rec["name"], kind)
            except ReformError as e:
                cached[(rec["sha"], kind)] = e
        head = cached[(rec["sha"], kind)]
        if isinstance(head, ReformError):
            st.error(head.text(lang))
            return
        name = st.text_input(t("teach_name", lang), value=Path(rec["name"]).stem, key=f"teach-name-{sha}")
        rows = head["head"]
        hrow = st.number_input(t("teach_header_row", lang), min_value=1, max_value=max(1, len(rows)),
                               value=head["row"] + 1, key=f"teach-row-{sha}") - 1
        if hrow != head["row"] and 0 <= hrow < len(rows):
            cols = [(i, " ".join(str(h).split()), None) for i, h in enumerate(rows[hrow]) if h not in (None, "")]
        else:
            cols = head["columns"]
        options = [AUTO, *_targets(head["kind"]), NOT_USED]
        st.markdown(f"**{t('teach_columns', lang)}**")
        picked: dict[str, str] = {}
        grid = st.columns(3)
        for n, (i, label, now) in enumerate(cols):
            with grid[n % 3]:
                short = label if len(label) <= 48 else "…" + label[-47:]     # the leaf heading matters most
                v = st.selectbox(f"{column_letter(i)} · {short}", options, key=f"teach-col-{sha}-{i}",
                                 format_func=lambda x, now=now: (t("teach_auto", lang) + (
                                     f" ({label_of(now, lang)})" if now else f" ({t('teach_left_out', lang)})"))
                                 if x == AUTO else _target_label(x, lang))
                if v != AUTO:
                    picked[clean_heading(label)] = v
        units: dict[str, str] = {}
        spellings = sorted({lr[1] for lr in learn if lr[0] in ("unit", "peer")})
        if spellings:
            st.markdown(f"**{t('teach_units', lang)}**")
            uopts = [AUTO, *_unit_options(profile)]
            for sp in spellings:
                v = st.selectbox(sp, uopts, key=f"teach-unit-{sha}-{sp}",
                                 format_func=lambda c: t("teach_pick", lang) if c == AUTO else
                                 t("teach_not_ours", lang) if c == NOT_USED else _unit_name(profile, c))
                if v != AUTO:
                    units[sp] = v
        values: dict[str, dict[str, str]] = {}
        coded = sorted({(lr[1], lr[2]) for lr in learn if lr[0] == "value"})
        if coded:
            st.markdown(f"**{t('teach_values', lang)}**")
            for field, raw in coded:
                vopts = [AUTO, *MEANINGS.get(field, YES_NO)]
                v = st.selectbox(f"{label_of(field, lang)}: «{raw}»", vopts, key=f"teach-val-{sha}-{field}-{raw}",
                                 format_func=lambda m, f=field: t("teach_pick", lang) if m == AUTO else
                                 t(f"meaning_{f}_{m}" if f in ("channel", "fee_payment") else f"meaning_{m}", lang))
                if v != AUTO:
                    values.setdefault(field, {})[raw] = v
        header_keys = [clean_heading(c) for c in (rows[hrow] if 0 <= hrow < len(rows) else [])]
        while header_keys and not header_keys[-1]:
            header_keys.pop()
        lay = Layout.from_spec(name.strip() or Path(rec["name"]).stem, {
            "kind": "dossiers" if head["kind"] == "dossiers" else None, "header": header_keys,
            "columns": picked, "units": units, "values": values,
            "header_row": hrow if hrow != head["row"] or head["kind"] is None else None})
        a, b = st.columns(2)
        if a.button(t("teach_try", lang), key=f"teach-try-{sha}", icon=":material/science:"):
            st.session_state[f"_teach_result_{sha}"] = _trial(rec, kind, lay, profile)
        trial = st.session_state.get(f"_teach_result_{sha}")
        if trial is not None:
            _show_trial(trial, lang)
        if b.button(t("teach_save_import", lang), key=f"teach-save-{sha}", type="primary", icon=":material/save:"):
            try:
                with data.write_lock(), data.cursor() as cur:
                    lay.validate(profile)
                    # the import first: a file the layout cannot read (or the demo still in the
                    # store) leaves no layout saved behind it
                    r = import_file(cur, rec["path"], kind=kind, user=user, display_name=rec["name"],
                                    layout=lay, profile=profile)
                    layouts.save(cur, lay, profile, user=user)
            except Exception as e:  # noqa: BLE001 - a file must never crash the page
                st.session_state[f"_teach_result_{sha}"] = _failed(e, rec)
                st.rerun()
            on_imported(rec, r, lay)


def _trial(rec, kind, lay: Layout, profile):
    try:
        # a dry run writes and rolls back: through the one writer, as an import does
        with data.write_lock(), data.cursor() as cur:
            lay.validate(profile)
            return ("ok", import_file(cur, rec["path"], kind=kind, display_name=rec["name"], layout=lay,
                                      profile=profile, dry_run=True))
    except Exception as e:  # noqa: BLE001
        return _failed(e, rec)


def _failed(e: Exception, rec) -> tuple:
    if not isinstance(e, ReformError):
        log.exception("teaching failed for %s", rec["name"])
        e = ReformError("Không đọc được tệp theo mẫu này; chi tiết đã ghi vào nhật ký.",
                        "The file could not be read with this layout; the details are in the log.")
    return ("error", e)


def _show_trial(trial, lang: str) -> None:
    status, what = trial
    if status == "error":
        st.error(what.text(lang))
        if isinstance(what, ImportRejected):
            st.dataframe(pd.DataFrame([{
                t("row", lang): "" if p.row is None else str(p.row), t("column", lang): p.column or "",
                t("cell_value", lang): p.value or "", t("message", lang): p.message(lang)}
                for p in what.problems]), hide_index=True, width="stretch")
        return
    st.success(t("teach_trial_ok", lang, rows=fmt.number(what.rows, lang)))
    if what.figures is not None and len(what.figures):
        df = what.figures.copy()
        df["unit_name"] = df.unit_name.replace(FILE_TOTAL, t("import_file_total", lang))
        for c in df.columns:
            k = KPI_BY_KEY.get(c)
            if k is not None and k.is_rate:
                df[c] = [fmt.percent(v, lang) for v in df[c]]
            elif c in COUNTER_NAMES or (k is not None and not k.is_rate):
                df[c] = [fmt.number(v, lang) for v in df[c]]
        df.columns = [label_of(c, lang) if c in COUNTER_NAMES else KPI_BY_KEY[c].short(lang) if c in KPI_BY_KEY
                      else t(f"teach_fig_{c}", lang) for c in df.columns]
        st.dataframe(df, hide_index=True, width="stretch")
    if what.report is not None:
        st.dataframe(report_frame(what.report, lang), hide_index=True, width="stretch")


def _unit_name(profile, code: str) -> str:
    try:
        return f"{profile.unit(code).name} ({code})"
    except KeyError:
        return f"{profile.peer_name(code)} ({code})"
