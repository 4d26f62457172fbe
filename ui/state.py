"""The shared filters (language, period, unit or group, comparison): settled by dashboard.py
before the page runs (resolve_filters), handed to the page in its context (ui/menu.PageContext)
and drawn in the sidebar after it (draw_filters).

They live in the URL so that any view is a shareable link and survives page changes:
    ?p=2022-08            the month (or the first month of a range)
    &p2=2022-10           the last month of a range (absent for one month)
    &u=TP                 a unit code, or a group: all, departments, communes
    &cmp=yoy              comparison: prev (previous period, default) or yoy
    &lang=en              language (vi by default)
Why not the widgets' own bind="query-params": a bound widget writes its *displayed label*
into the URL ("u=Phòng+Tư+pháp", "cmp=Cùng+kỳ+năm+trước"), which changes with the
language and the wording. Codes keep old links working; the entry point copies the URL into
the widgets on a session's first run and writes the codes back on every run (which also
restores them when the browser drops them on a page switch).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import streamlit as st

from metrics.i18n import fmt
from metrics import queries
from metrics.i18n import DEFAULT_LANG, LANGS, t
from metrics.model.profile import UNIT_GROUPS, Profile

from . import data

GROUPS = {"all": None, **UNIT_GROUPS}
CMP_MODES = ("prev", "yoy")
_URL_KEYS = ("lang", "p", "p2", "u", "cmp")
_FILTERS = "_filters"
_PENDING = "_pending_filters"
_SEEDED = "_url_seeded"
_RANGE = "range_on"
# the page a button asked for (switch_later), opened at the start of the next run; tests open
# a page the same way
GOTO = "_switch_to"


@dataclass(frozen=True)
class Filters:
    lang: str
    start: date | None                 # None: the store has no data yet
    end: date | None
    selection: str                     # a group key or a unit code
    units: tuple[str, ...] | None      # None = every unit
    cmp: str
    cmp_start: date | None
    cmp_end: date | None
    periods: tuple[date, ...] = field(default_factory=tuple)
    selection_label: str = ""

    @property
    def has_data(self) -> bool:
        return self.start is not None

    @property
    def is_range(self) -> bool:
        return self.start is not None and self.end != self.start

    @property
    def unit(self) -> str | None:
        """The unit code when one unit (not a group) is selected."""
        return None if self.selection in GROUPS else self.selection

    @property
    def unit_list(self) -> list[str] | None:
        return list(self.units) if self.units else None

    def period_label(self, long: bool = True) -> str:
        return fmt.month_range(self.start, self.end, self.lang, long) if self.start else t("no_period", self.lang)

    def cmp_label(self) -> str:
        if not self.cmp_start:
            return ""
        return fmt.month_range(self.cmp_start, self.cmp_end, self.lang, long=True)

    def trend_window(self, months: int = 12) -> tuple[date, date] | None:
        """The `months` months ending with the selected period (sparklines, heatmaps)."""
        if not self.end:
            return None
        return queries.add_months(self.end, -(months - 1)), self.end


def comparison(start: date, end: date, mode: str) -> tuple[date, date]:
    """The previous period of the same length, or the same months a year earlier."""
    n = (end.year - start.year) * 12 + end.month - start.month + 1
    shift = -12 if mode == "yoy" else -n
    return queries.add_months(start, shift), queries.add_months(end, shift)


def group_units(prof: Profile, selection: str) -> tuple[str, ...] | None:
    if selection == "all":
        return None
    if selection in GROUPS:
        return tuple(u.code for u in prof.current_units() if u.level in GROUPS[selection])
    return (selection,)


def selection_options(prof: Profile) -> list[str]:
    """What the unit filter may show: a unit account sees its own unit and nothing else
    (not the groups either: their figures add up other units)."""
    from .login import current_user      # (login imports this module's neighbours)

    user = current_user()
    if user is None:                    # denied by default: the gate puts a user first
        return []
    if not user.can("see_all_units"):
        return [c for c in user.allowed_units(prof)]
    groups = [g for g in GROUPS if g == "all" or group_units(prof, g)]
    return groups + [u.code for u in prof.current_units()]


def selection_label(prof: Profile, selection: str, lang: str) -> str:
    if selection == "all":
        return t("group_all", lang, name=prof.jurisdiction(lang))
    if selection in GROUPS:
        return t(f"group_{selection}", lang)
    try:
        return prof.unit(selection).name
    except KeyError:
        return selection


def request(**values) -> None:
    """Ask for widget values on the next run (a widget's value cannot change once it is
    drawn in this run); follow with st.rerun, or use switch()."""
    st.session_state.setdefault(_PENDING, {}).update(values)


def switch(page: str, **changes) -> None:
    """Open another page (by its key: "dossiers") with the shared filters (and `changes`,
    e.g. u="TP" or a page's own widget such as dossier_status="late").

    st.switch_page starts the next run without the browser's widget values, so the
    filters are carried over explicitly, and written into the new page's link."""
    keep = {k: st.session_state[k] for k in (*_URL_KEYS, _RANGE) if k in st.session_state}
    request(**{**keep, **changes})
    # the shared filters only: a page's own parameters (?view=, ?sec=, ?status=…) belong to
    # it (unit detail's view=measures would open the attention page on its measures)
    from . import menu

    if page not in menu.ICONS:          # a request of an older release (a file path): stay
        return
    st.switch_page(menu.page(page, language()),
                   query_params=_shared_query({k: v for k, v in changes.items() if k in _URL_KEYS}))


def _shared_query(changes: dict) -> dict:
    """The link's shared filters (the month written out if the link had none), and `changes`."""
    query = {k: v for k, v in st.query_params.to_dict().items() if k in _URL_KEYS}
    query.update({k: str(v) for k, v in changes.items()})
    f = st.session_state.get(_FILTERS)
    if f is not None and not query.get("p") and f.start:
        query["p"] = fmt.month_key(f.start)
    return query


def link(page: str, **changes) -> str:
    """The address of another page (its url_path, e.g. "unit_detail") with the shared
    filters and `changes`, for a link inside markup (a unit's name in the league's table).
    Relative, so it holds under any base path; a click opens the page anew, signed in by the
    session's cookie, its filters read from the address."""
    from urllib.parse import urlencode

    return f"{page}?{urlencode(_shared_query(changes))}"


def views(key: str, param: str, options: tuple[str, ...], label: str, option_label) -> str:
    """One view of a page at a time, chosen by a segmented control and kept in the link
    (?view=heatmap): Streamlit's tabs draw every tab before the first one shows, and most of
    it below a 1280×720 screen (docs/performance.md). The first option is the default, left
    out of the link. `option_label(option)` is the option's text in the page's language."""
    from_url(key, param, options[0], str, options)
    chosen = st.segmented_control(label, options, key=key, required=True, format_func=option_label,
                                  label_visibility="collapsed")
    to_url(param, chosen, options[0])
    return chosen


def from_url(key: str, param: str, default, parse=str, valid=None) -> None:
    """A page's own widget (`key`) takes its value from the link (`param`) the first time
    the session draws it, so that a shared link opens the same view (?status=late)."""
    if key in st.session_state:
        return
    raw = st.query_params.get(param)
    value = default
    if raw not in (None, ""):
        try:
            value = parse(raw)
        except (TypeError, ValueError):
            value = default
    if valid is not None and value not in valid:
        value = default
    st.session_state[key] = value


def to_url(param: str, value, default) -> None:
    """Write a page's widget value into the link (left out while it is the default)."""
    if value in (None, "") or value == default:
        if param in st.query_params:
            del st.query_params[param]
    else:
        st.query_params[param] = str(value)


def switch_later(page: str) -> None:
    """A button's on_click: open `page` (with the filters) at the start of the next run,
    before anything of the current page runs again (the entry point calls
    switch_if_asked)."""
    st.session_state[GOTO] = page


def switch_if_asked() -> None:
    page = st.session_state.pop(GOTO, None)
    if page:
        switch(page)


def _seed_from_url() -> None:
    """A session's first run takes the filters from the link it was opened with."""
    if st.session_state.get(_SEEDED):
        return
    st.session_state[_SEEDED] = True
    qp = st.query_params
    for k in _URL_KEYS:
        if k in qp and k not in st.session_state:
            st.session_state[k] = qp.get(k)
    if qp.get("p2"):
        st.session_state[_RANGE] = True


def _apply_pending() -> None:
    pending = st.session_state.pop(_PENDING, None) or {}
    for k, v in pending.items():
        st.session_state[k] = v


def _valid(key: str, options: list, default):
    """Keep a widget's stored value only if it is still an option (a link may be stale)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default
    return st.session_state[key]


# widgets whose labels depend on the language (re-asserted when it changes, see below): the
# shared filters, and every page's own that it names with keeps_choice()
RELABELLED = {"p", "p2", "u", "cmp"}


def keeps_choice(key: str) -> str:
    """A page's widget key whose option labels are in the user's language: its choice is kept
    across a switch of language (_language_changed). Returns the key, for `key=`. A key has a
    value only once its page has run, which has registered it in this process."""
    RELABELLED.add(key)
    return key


def _language_changed() -> None:
    # The browser remembers a select box's choice by its displayed label; after a language
    # switch that label no longer exists and the next run would fall back to the default
    # (the month jumps to the latest, the unit to "all"). Assigning the values again makes
    # the server's choice win and the browser learn the new labels.
    for k in sorted(RELABELLED):
        if k in st.session_state:
            st.session_state[k] = st.session_state[k]


def prepare_language() -> str:
    """The language of this run (from the link, a pending change or the session), before
    anything is drawn: page titles and filters need it."""
    _seed_from_url()
    _apply_pending()
    _valid("lang", list(LANGS), DEFAULT_LANG)
    return st.session_state["lang"] or DEFAULT_LANG


def draw_language_switch() -> None:
    st.segmented_control(
        "Ngôn ngữ / Language", list(LANGS), key="lang", required=True, on_change=_language_changed,
        format_func=lambda x: {"vi": "Tiếng Việt", "en": "English"}[x], label_visibility="collapsed")


def resolve_filters(lang: str) -> Filters | None:
    """The shared filters of this run, from session state and the URL, without drawing
    their widgets (draw_filters): the entry point draws them after the page, so that the
    page's figures reach the browser first (docs/performance.md). None (said on the page)
    when the account may see no unit at all."""
    prof = data.profile()
    months = _months()
    keys = [fmt.month_key(m) for m in months]
    sel_options = selection_options(prof)
    if not sel_options:
        st.warning(t("not_allowed", lang))
        return None
    # a link naming a unit the account may not see falls back to what it may
    _valid("u", sel_options, sel_options[0] if sel_options else "all")
    _valid("cmp", list(CMP_MODES), "prev")
    if keys:
        _valid("p", keys, keys[0])
        if st.session_state.get(_RANGE):
            later = [k for k in keys if k >= st.session_state["p"]]
            _valid("p2", later, later[0])
    selection = st.session_state["u"]
    cmp = st.session_state["cmp"] or "prev"
    if keys:
        start = queries.month(st.session_state["p"])
        end = queries.month(st.session_state["p2"]) if st.session_state.get(_RANGE) else start
        if end < start:
            end = start
        cmp_start, cmp_end = comparison(start, end, cmp)
    else:
        start = end = cmp_start = cmp_end = None
    f = Filters(lang=lang, start=start, end=end, selection=selection, units=group_units(prof, selection),
                cmp=cmp, cmp_start=cmp_start, cmp_end=cmp_end, periods=tuple(months),
                selection_label=selection_label(prof, selection, lang))
    st.session_state[_FILTERS] = f
    _write_url(f)
    return f


def draw_filters(f: Filters) -> None:
    """The widgets of the shared filters, showing the values resolve_filters settled on
    (their keys hold them); a change reruns the page with the new values."""
    lang = f.lang
    prof = data.profile()
    keys = [fmt.month_key(m) for m in f.periods]
    st.subheader(t("filters", lang))
    if keys:
        st.selectbox(t("period", lang), keys, key="p", format_func=lambda k: fmt.month(k + "-01", lang, long=True))
        st.toggle(t("period_range", lang), key=_RANGE, help=t("period_range_help", lang))
        if st.session_state.get(_RANGE):
            later = [k for k in keys if k >= st.session_state["p"]]
            st.selectbox(t("period_to", lang), later, key="p2",
                         format_func=lambda k: fmt.month(k + "-01", lang, long=True))
    else:
        st.selectbox(t("period", lang), [t("no_period", lang)], disabled=True, key="_p_empty")
    st.selectbox(t("unit_or_group", lang), selection_options(prof), key="u",
                 format_func=lambda s: selection_label(prof, s, lang))
    st.segmented_control(t("compare_with", lang), list(CMP_MODES), key="cmp", required=True,
                         format_func=lambda m: t(f"cmp_{m}", lang))


def _months() -> list[date]:
    """The months with data, newest first."""
    try:
        return list(reversed(data.periods()))
    except Exception:
        return []


def _write_url(f: Filters) -> None:
    want = {
        "lang": None if f.lang == DEFAULT_LANG else f.lang,
        "p": fmt.month_key(f.start) if f.start else None,
        "p2": fmt.month_key(f.end) if f.is_range else None,
        "u": None if f.selection == "all" else f.selection,
        "cmp": None if f.cmp == "prev" else f.cmp,
    }
    qp = st.query_params
    for k, v in want.items():
        if v is None:
            if k in qp:
                del qp[k]
        elif qp.get(k) != v:
            qp[k] = v


def language() -> str:
    lang = st.session_state.get("lang")
    return lang if lang in LANGS else DEFAULT_LANG
