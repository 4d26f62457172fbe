"""Quản trị — accounts and the activity log (administrators only)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.store import auth
from metrics.i18n import fmt
from metrics.errors import ReformError
from metrics.i18n import t
from ui import boot, cards, data, login, state
from ui.menu import PageContext


def render(ctx: PageContext) -> None:
    me = login.require("manage_users")
    if me is None:
        return
    lang = ctx.lang
    prof = ctx.profile

    st.title(t("page_admin", lang))
    # the accounts or the log (?view=audit): the log's grid cost every opening of the page ~0.2 s
    VIEW = state.views("admin_view", "view", ("users", "audit"), t("admin_views", lang), lambda k: t(f"admin_{k}", lang))

    if VIEW == "users":
        with data.cursor() as cur:
            users = auth.list_users(cur)
            slowed = auth.throttled(cur)
        # the least privilege first: a new account is a unit's unless the administrator says otherwise
        roles = ["unit", "officer", "leader", "admin"]
        # what an administrator acts on first (who, which role and unit, who is being slowed down)
        # before the dates, so that it is in view at 1280×720; "–" where there is nothing to say
        none = fmt.no_data(lang, short=True)
        view = pd.DataFrame({
            t("admin_name", lang): users.name,
            t("admin_role", lang): [auth.role_label(r, lang) for r in users.role],
            t("unit", lang): [prof.unit(u).name if isinstance(u, str) and u in prof.unit_codes else none
                              for u in users.unit_code],
            t("admin_col_slowed", lang): [", ".join(f"{c} → {fmt.timestamp(at, lang)}" for c, at in
                                                    zip(slowed.client[slowed.name == n], slowed.next_at[slowed.name == n]))
                                          or none for n in users.name],
            t("admin_col_last_login", lang): [fmt.timestamp(x, lang) if pd.notna(x) else none for x in users.last_login],
            t("admin_email", lang): users.email.fillna(none).replace("", none),
            t("admin_col_created", lang): [fmt.timestamp(x, lang) for x in users.created_at],
        })
        st.html(cards.table(view, max_height=420))
        if not slowed.empty:
            st.caption(t("admin_slowed_help", lang))
            c1, c2 = st.columns([3, 1])
            who = c1.selectbox(t("admin_unlock", lang), sorted(set(slowed.name)), key="admin_unlock_pick")
            if c2.button(t("admin_unlock", lang), key="admin_unlock_go"):
                with data.write_lock(), data.cursor() as cur:
                    auth.unlock(cur, who, by=me.name)
                st.success(t("admin_unlocked", lang, name=who))
                st.rerun()

        with st.form("add_user", clear_on_submit=True):
            st.subheader(t("admin_add", lang))
            c1, c2 = st.columns(2)
            name = c1.text_input(t("admin_name", lang), max_chars=64)
            role = c2.selectbox(t("admin_role", lang), roles,
                                format_func=lambda r: auth.role_label(r, lang))
            unit = c1.selectbox(t("admin_unit", lang), [""] + prof.unit_codes,
                                format_func=lambda c: "—" if not c else prof.unit(c).name)
            password = c2.text_input(t("admin_password", lang), type="password")
            email = c1.text_input(t("admin_email", lang), help=t("admin_email_help", lang))
            if st.form_submit_button(t("admin_create", lang), type="primary"):
                try:
                    with data.write_lock(), data.cursor() as cur:
                        auth.add_user(cur, name, role, password, unit or None, by=me.name, profile=prof, email=email)
                    st.success(t("admin_created", lang, name=name))
                    st.rerun()
                except ReformError as exc:
                    st.error(exc.text(lang))

        others = [n for n in users.name if n != me.name]
        if others:
            c1, c2 = st.columns([3, 1])
            victim = c1.selectbox(t("admin_remove", lang), others, key="admin_remove_pick")
            if c2.button(t("admin_remove", lang), key="admin_remove_go", type="secondary"):
                try:
                    with data.write_lock(), data.cursor() as cur:
                        auth.remove_user(cur, victim, by=me.name)
                    st.success(t("admin_removed", lang, name=victim))
                    st.rerun()
                except ReformError as exc:
                    st.error(exc.text(lang))

    if VIEW == "audit":
        with data.cursor() as cur:
            log = auth.audit_log(cur, limit=1000)
        st.dataframe(pd.DataFrame({
            t("admin_col_at", lang): [fmt.timestamp(x, lang) for x in log["at"]],
            t("admin_col_user", lang): log.user_name.fillna(""),
            t("admin_col_action", lang): log.action,
            t("admin_col_detail", lang): log.detail.fillna(""),
        }), hide_index=True, width="stretch", height=520)


if __name__ == "__main__":     # run by Streamlit's legacy pages/ folder: through the entry point
    boot.legacy_start()
