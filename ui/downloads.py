"""Tables as downloadable files, safe to open in a spreadsheet: a text cell never runs as a
formula (OWASP "CSV injection": a procedure named "=HYPERLINK(...)" stays text)."""
from __future__ import annotations

import pandas as pd


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells starting like a formula (= + - @, tab or carriage return) prefixed with a
    single quote, which spreadsheets read as "this is text"."""
    from metrics.export.common import looks_like_formula

    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            out[col] = ["'" + v if looks_like_formula(v) else v for v in out[col]]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark (Excel then opens the Vietnamese letters intact),
    formula-safe."""
    return formula_safe(frame).to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frames: dict[str, pd.DataFrame], lang: str = "vi") -> bytes:
    """The exports' workbook writer (metrics.export.xlsx.frames_workbook): text cells are
    written as text, never as formulas; header frozen, filters on."""
    from metrics.export.xlsx import frames_workbook

    return frames_workbook(frames, lang)


def audited(build, what: str):
    """Wrap a deferred download so that building it leaves a line in the audit log (who,
    what). The user and the store are taken now: the build runs in another thread, where
    the session is not available."""
    from metrics.store import auth

    from . import data, login

    me = login.current_user()
    user = me.name if me is not None else None
    root = data.connection()

    def run() -> bytes:
        blob = build()
        with root.cursor() as cur:
            auth.audit(cur, user, "export", what)
        return blob

    return run


def month_file(fmt_name: str, period, lang: str, unit: str | None):
    """A callable building the month's PPTX, XLSX or PDF on click (in another thread: no
    Streamlit caches there, so the store and the profile are taken now)."""
    from metrics.export import export

    from . import data

    root = data.connection()
    prof = data.profile()

    def build() -> bytes:
        with root.cursor() as cur:
            return export(cur, period, prof, fmt_name, lang, unit)

    return build
