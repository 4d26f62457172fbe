"""Xếp hạng — the full ranking among peers and of units (another issue builds this page).
Until then it says so, and points to what already exists."""
from __future__ import annotations

import streamlit as st

from metrics.i18n import t
from ui import boot, state

boot.ensure_entry()  # first: a page always runs inside the entry point (ui/boot.py)

f = state.filters()
lang = f.lang
st.title(t("page_ranking", lang))
st.info(t("coming_ranking", lang), icon=":material/construction:")
st.page_link("pages/overview.py", label=t("see_overview_rank", lang), icon=":material/dashboard:")
st.page_link("pages/league.py", label=t("see_league", lang), icon=":material/table_chart:")
