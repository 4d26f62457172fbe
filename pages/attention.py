"""Cảnh báo — the rules of the order as a worklist (another issue builds this page). Until
then it says so, and points to the attention list on the overview."""
from __future__ import annotations

import streamlit as st

from metrics.i18n import t
from ui import boot, state

boot.ensure_entry()  # first: a page always runs inside the entry point (ui/boot.py)

f = state.filters()
lang = f.lang
st.title(t("page_attention", lang))
st.info(t("coming_attention", lang), icon=":material/construction:")
st.page_link("pages/overview.py", label=t("see_overview_attention", lang), icon=":material/dashboard:")
st.page_link("pages/dossiers.py", label=t("see_dossiers", lang), icon=":material/folder_open:")
