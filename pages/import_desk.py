"""Nhập dữ liệu — the import desk: upload files, see what was detected before anything is
written, import on confirmation, and undo from the import log. Figures on every page refresh
after an import or an undo (the query cache is cleared), without a restart."""
from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path

import pandas as pd
import streamlit as st

from metrics.i18n import fmt
from metrics.errors import ImportRejected, ReformError
from metrics.i18n import pick, t
from metrics.importers.core import KIND_LABELS, KINDS, import_file, list_imports, preview, undo_import
from ui import components as c
from ui import boot, cards, data, layout_teach, login, state, upload_copies
from ui.menu import PageContext


def render(ctx: PageContext) -> None:
    f = ctx.filters
    lang = f.lang
    prof = ctx.profile
    log = logging.getLogger("dashboard.import")

    st.title(t("page_import_desk", lang))
    st.markdown(t("import_intro", lang))

    # .xlsm is a workbook with macros (read as .xlsx); .xls is accepted so that its user reads why
    # it is refused (save as .xlsx, or remove a password) rather than the uploader's bare "not allowed"
    # .xls also stands for the HTML table that most one-stop systems' "Excel" button saves
    UPLOAD_TYPES = ["csv", "xlsx", "xlsm", "xls", "txt", "tsv", "htm", "html"]


    def uploader_css(lang: str) -> str:
        """The drop zone's button and limits in the catalogue's words (Streamlit writes its own
        in English)."""
        button = t("upload_zone_button", lang)
        hint = t("upload_zone_hint", lang, mb=st.get_option("server.maxUploadSize"))
        return f"""<style>
    [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ font-size: 0 !important; }}
    [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
      content: "{button}"; font-size: 0.95rem; }}
    [data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0 !important; }}
    [data-testid="stFileUploaderDropzoneInstructions"] span::before {{
      content: "{hint}"; font-size: 0.85rem; }}
    </style>"""


    def tmp_dir() -> Path:
        d = st.session_state.get("_import_tmp")
        if not d or not Path(d).is_dir():
            # a new private folder, also after a sweep took this session's (upload_copies)
            d = str(upload_copies.new_folder())
            st.session_state["_import_tmp"] = d
        return Path(d)


    def names_of(kind: str, codes: list[str]) -> list[str]:
        out = []
        for code in codes:
            if kind in ("peers", "index"):
                out.append(prof.peer_name(code))
            else:
                try:
                    out.append(prof.unit(code).name)
                except KeyError:
                    out.append(code)
        return out


    def active_imports() -> pd.DataFrame:
        with data.cursor() as cur:
            return list_imports(cur)


    def inspect_upload(upload, kind: str | None, known: pd.DataFrame) -> dict:
        """What the importer would do with one uploaded file, without writing anything."""
        raw = upload.getvalue()
        sha = hashlib.sha256(raw).hexdigest()
        cache = st.session_state.setdefault("_previews", {})
        rec = cache.get((sha, kind))
        # written again, in a new folder, if a sweep removed it while the session was away
        path = upload_copies.copy_of(tmp_dir(), f"{sha[:20]}{Path(upload.name).suffix.lower()}", raw)
        if rec is None:
            rec = {"name": upload.name, "sha": sha, "result": None, "error": None, "problems": None}
            try:
                with data.cursor() as cur:
                    rec["result"] = preview(cur, path, kind=kind, display_name=upload.name)
            except ImportRejected as exc:
                rec["error"] = exc
                rec["problems"] = exc.problems
            except ReformError as exc:
                rec["error"] = exc
            except Exception as exc:  # noqa: BLE001 - a file must never crash the page
                log.exception("preview failed for %s", upload.name)
                rec["error"] = exc
            cache[(sha, kind)] = rec
        rec["path"] = str(path)
        same = known[(known.sha256 == sha) & (known.status == "active")] if not known.empty else known
        rec["duplicate_of"] = int(same.id.iloc[0]) if len(same) else None
        return rec


    def problems_frame(exc: ImportRejected) -> pd.DataFrame:
        rows = []
        for p in exc.problems:
            rows.append({
                t("row", lang): "" if p.row is None else str(p.row),
                t("column", lang): p.column or "",
                t("cell_value", lang): "" if p.value is None else str(p.value),
                t("message", lang): p.message(lang),
                t("expected", lang): p.expected(lang),
            })
        return pd.DataFrame(rows)


    def error_text(exc: Exception) -> str:
        return exc.text(lang) if isinstance(exc, ReformError) else t("unexpected_error", lang)


    def do_import(records: list[dict], kind: str | None) -> None:
        results = []
        with data.write_lock():
            for rec in records:
                try:
                    with data.cursor() as cur:
                        r = import_file(cur, rec["path"], kind=kind, user=login.user_name(), display_name=rec["name"])
                    results.append(outcome(rec["name"], r))
                except ReformError as exc:
                    results.append(("error", rec["name"], None, exc))
                except Exception as exc:  # noqa: BLE001
                    log.exception("import failed for %s", rec["name"])
                    results.append(("error", rec["name"], None, exc))
        finish_import(results)


    def outcome(name: str, r) -> tuple:
        return ("ok" if r.status == "imported" else "unchanged", name, r.import_id, None)


    def finish_import(results: list, layout_name: str | None = None, keep_batch: bool = False) -> None:
        """The end of an import: the results to show, fresh caches and, after the import button,
        a fresh uploader. After a layout just taught on one file (keep_batch) the batch stays:
        its other files are read again with the layout known (the next months of the same form
        are ready at once) and the file taught shows as imported; a fresh uploader made the rest
        of the batch be chosen again."""
        data.clear_caches()
        st.session_state["_import_results"] = results
        if layout_name:
            st.session_state["_layout_saved"] = layout_name
        # the undo picker goes back to its first choice, the newest import: it kept the one
        # picked before, so "undo" right after a wrong import would have undone another file
        st.session_state.pop("undo_pick", None)
        st.session_state["_previews"] = {}
        if not keep_batch:
            st.session_state["_uploader_v"] = st.session_state.get("_uploader_v", 0) + 1
            shutil.rmtree(st.session_state.pop("_import_tmp", ""), ignore_errors=True)


    def on_taught(rec: dict, result, layout) -> None:
        finish_import([outcome(rec["name"], result)], layout.name, keep_batch=True)
        st.rerun()


    def show_results() -> None:
        saved = st.session_state.pop("_layout_saved", None)
        if saved:
            st.success(t("teach_saved", lang, name=saved), icon=":material/save:")
        for status, name, import_id, exc in st.session_state.pop("_import_results", []):
            if status == "ok":
                st.success(t("import_done", lang, name=name, id=import_id), icon=":material/check_circle:")
            elif status == "unchanged":
                st.info(t("import_unchanged", lang, name=name, id=import_id), icon=":material/info:")
            else:
                st.error(f"{name}: {error_text(exc)}", icon=":material/error:")
                if isinstance(exc, ImportRejected):
                    st.dataframe(problems_frame(exc), hide_index=True, width="stretch")
        msg = st.session_state.pop("_undo_result", None)
        if msg:
            st.success(msg, icon=":material/undo:")
        err = st.session_state.pop("_undo_error", None)
        if err:
            st.error(err, icon=":material/error:")


    show_results()

    # --- the demo data goes before real data comes (the importer refuses to mix them) ---------------
    def demo_gate() -> bool:
        """True while the store holds the demo data: the question, and the one-step removal."""
        from metrics.store.seed import demo_imports, remove_demo

        with data.cursor() as cur:
            n = len(demo_imports(cur))
        if not n:
            return False
        with st.container(border=True):
            st.warning(t("demo_present_import", lang, n=n), icon=":material/science:")
            if not st.session_state.get("_demo_remove_pending"):
                if st.button(t("demo_remove", lang), icon=":material/delete:", key="demo-remove"):
                    st.session_state["_demo_remove_pending"] = True
                    st.rerun()
            else:
                st.markdown(t("demo_remove_confirm", lang, n=n))
                a, b, _ = st.columns([1, 1, 4])
                if a.button(t("demo_remove", lang), type="primary", icon=":material/delete:", key="demo-remove-yes"):
                    st.session_state.pop("_demo_remove_pending", None)
                    with data.write_lock():
                        with data.cursor() as cur:
                            removed = remove_demo(cur, user=login.user_name())
                    data.clear_caches()
                    st.session_state["_demo_removed"] = removed
                    st.rerun()
                if b.button(t("cancel", lang), key="demo-remove-no"):
                    st.session_state.pop("_demo_remove_pending", None)
                    st.rerun()
        return True


    removed_now = st.session_state.pop("_demo_removed", None)
    if removed_now:
        st.success(t("demo_removed", lang, n=removed_now), icon=":material/check_circle:")
    HAS_DEMO = False
    with c.guarded(lang):
        HAS_DEMO = demo_gate()

    # --- upload and preview ------------------------------------------------------------------------
    st.header(t("upload_title", lang))
    kind_choice = st.selectbox(t("import_kind", lang), ["auto", *KINDS], key=state.keeps_choice("import_kind"),
                               format_func=lambda k: t("kind_auto", lang) if k == "auto" else pick(KIND_LABELS[k], lang))
    kind = None if kind_choice == "auto" else kind_choice
    # Streamlit writes the drop zone's own words in English only: the catalogue's words in either
    # language (in English, the same as Streamlit's)
    st.html(uploader_css(lang))
    uploads = st.file_uploader(t("upload_label", lang), type=UPLOAD_TYPES, accept_multiple_files=True,
                               key=f"uploader_{st.session_state.get('_uploader_v', 0)}", help=t("upload_help", lang))

    if uploads:
        with c.guarded(lang):
            known = active_imports()
            records = [inspect_upload(u, kind, known) for u in uploads]
            summary = []
            for rec in records:
                r = rec["result"]
                if rec["error"] is not None:
                    status = t("preview_refused", lang)
                elif rec["duplicate_of"]:
                    status = t("preview_duplicate", lang, id=rec["duplicate_of"])
                else:
                    status = t("preview_ok", lang)
                summary.append({
                    t("file", lang): rec["name"],
                    t("kind", lang): pick(KIND_LABELS[r.kind], lang) if r else "",
                    t("periods", lang): fmt.month_list(r.periods, lang) if r else "",
                    # the count only: the names, under the table, pushed the rows and the status
                    # off a 1280 px screen
                    t("units", lang): fmt.number(len(r.units), lang) if r else "",
                    t("rows", lang): fmt.number(r.rows, lang) if r else "",
                    t("status", lang): status,
                })
            st.subheader(t("preview_title", lang))
            st.dataframe(pd.DataFrame(summary), hide_index=True, width="stretch")
            for rec in records:
                if rec["error"] is not None:
                    st.error(f"**{rec['name']}** — {error_text(rec['error'])}", icon=":material/block:")
                    for hint in getattr(rec["error"], "hints", ()):
                        st.info(pick(hint, lang), icon=":material/lightbulb:")
                    if rec["problems"]:
                        exc = rec["error"]
                        st.dataframe(problems_frame(exc), hide_index=True, width="stretch")
                        if exc.total > len(exc.problems):
                            st.caption(t("more_problems", lang, n=fmt.number(exc.total - len(exc.problems), lang)))
                if rec["result"] is not None:
                    r = rec["result"]
                    layout_teach.show_report(rec["name"], r, lang, names_of(r.kind, r.units) if r.units else None)
                if not rec["duplicate_of"]:         # (a file imported: nothing left to teach on it)
                    layout_teach.teach(rec, kind, lang, prof, login.user_name(), on_taught)
            ready = [r for r in records if r["error"] is None and not r["duplicate_of"]]
            if ready and HAS_DEMO:
                st.info(t("demo_blocks_import", lang), icon=":material/science:")
            elif ready:
                st.caption(t("nothing_written_yet", lang))
                if st.button(t("import_confirm", lang, n=len(ready)), type="primary", icon=":material/upload:",
                             key="import-confirm"):
                    with st.spinner(t("importing", lang)):
                        do_import(ready, kind)
                    st.rerun()
            else:
                st.info(t("nothing_to_import", lang), icon=":material/info:")
    else:
        # nothing in the batch (dropped, or its files taken out): no copy of a file left behind
        shutil.rmtree(st.session_state.pop("_import_tmp", ""), ignore_errors=True)

    # --- the import log, with undo ----------------------------------------------------------------
    st.header(t("import_log", lang))


    def undo(import_id: int, label: str) -> None:
        try:
            with data.write_lock():
                with data.cursor() as cur:
                    undo_import(cur, import_id)
        except ReformError as exc:
            st.session_state["_undo_error"] = exc.text(lang)
            return
        data.clear_caches()
        st.session_state["_undo_result"] = t("undo_done", lang, label=label)


    def confirm_undo(labels: dict[int, str]) -> None:
        """Undo asks once more, in place (a dialog would rerun on its own, apart from the page)."""
        pending = st.session_state.get("_undo_pending")
        if pending not in labels:
            st.session_state.pop("_undo_pending", None)
            return
        with st.container(border=True):
            st.warning(f"**{t('undo_confirm_title', lang)}** {t('undo_confirm_text', lang, label=labels[pending])}",
                       icon=":material/undo:")
            a, b, _ = st.columns([1, 1, 4])
            if a.button(t("undo", lang), type="primary", icon=":material/undo:", key="undo-yes"):
                st.session_state.pop("_undo_pending", None)
                undo(pending, labels[pending])
                st.rerun()
            if b.button(t("cancel", lang), key="undo-no"):
                st.session_state.pop("_undo_pending", None)
                st.rerun()


    with c.guarded(lang):
        imports = active_imports()
        if imports.empty:
            c.empty_state(lang, "no_imports", None)
        else:
            view = pd.DataFrame({
                "#": imports.id,
                t("file", lang): imports.file_name,
                t("kind", lang): [pick(KIND_LABELS[k], lang) if k in KIND_LABELS else k for k in imports.kind],
                t("rows", lang): [fmt.number(v, lang) for v in imports.rows],
                t("periods", lang): [fmt.month_list([p for p in (ps or "").split(",") if p], lang)
                                     for ps in imports.periods],
                t("imported_at", lang): [fmt.timestamp(v, lang) for v in imports.imported_at],
                t("user", lang): imports.user_name.fillna(""),
                t("status", lang): [t(f"import_status_{s}", lang) + (f" ({fmt.timestamp(u, lang)})" if s == "undone" else "")
                                    for s, u in zip(imports.status, imports.undone_at)],
                t("demo", lang): ["✓" if d else "" for d in imports.is_demo],
            })
            # HTML (ui/cards.table): the page's first view needs no grid script (~0.2 s of a new
            # tab, docs/performance.md), and file names wrap
            st.html(cards.table(view, max_height=460))
            active = imports[imports.status == "active"]
            if not active.empty:
                labels = {int(i): f"#{int(i)} — {n}" for i, n in zip(active.id, active.file_name)}
                cols = st.columns([3, 1])
                with cols[0]:
                    chosen = st.selectbox(t("undo_which", lang), list(labels), key="undo_pick",
                                          format_func=lambda i: labels[i])
                with cols[1]:
                    st.write("")
                    if st.button(t("undo", lang), icon=":material/undo:", key="undo-open"):
                        st.session_state["_undo_pending"] = chosen
                confirm_undo(labels)


if __name__ == "__main__":     # run by Streamlit's legacy pages/ folder: through the entry point
    boot.legacy_start()
