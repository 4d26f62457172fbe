"""The content of one month's briefing, built once from the engine and drawn by every
output: the PowerPoint deck, the PDF report, and the presentation page.

`gather()` reads the month (figures, comparisons, ranking, leagues, flags, commitments,
dossier lists) into a `Month`; `build()` turns it into a `Briefing`, a list of `Slide`s
each holding one idea: a title, a one-line message, big figures (cards), bullet lines, at
most one chart (a plotly Figure), at most one table, and speaker notes with the figures.
Nothing here draws or renders: the deck and the PDF render the charts in one batch
(images.py); a Streamlit page can show `slide.chart.figure` as it is.

With `unit`, everything is limited to that unit: its figures, its rank inside its group
(the group's median and best, no other unit named), its flags, commitments and dossiers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go

from .. import charts, fmt, queries
from ..errors import InputError
from ..flags import FLAG_LABELS, SEVERITY
from ..i18n import pick
from ..kpis import KPI, KPI_BY_KEY, KPIS
from ..period import last_day
from ..profile import LEVEL_LABELS, Profile
from ..score import GROUPS
from . import figures
from .common import TEXTS, month_words, tx

HEADLINE = [k for k in KPIS if k.headline]
TREND_KPI = "on_time_rate"
TREND_MONTHS = 12
MAX_TABLE_ROWS = 5          # rows of a table on a slide read from the back of the room
# Where a chart goes, in inches of a 13.33 × 7.5-inch (16:9) slide: the whole content area,
# or its left part beside bullet lines, or a sparkline on a card. The picture is drawn at
# PX_PER_IN layout pixels per inch with the type enlarged so that the charts' 16 px base
# size lands on TYPE_PT points on the slide: readable from the back of a meeting room.
FULL_BOX = (12.3, 5.0)
SIDE_BOX = (6.4, 5.0)
SPARK_BOX = (1.7, 0.6)
PX_PER_IN = 90
TYPE_PT = 18.0


# --- the content ------------------------------------------------------------------------------
@dataclass
class Card:
    """One headline figure: value, goal, status colour, change, and what it is made of."""

    key: str
    label: str
    value: str
    status: str                 # good / bad / none (charts.goal_status)
    goal: str = ""              # "Mục tiêu ≥ 50,0 % · Chưa đạt"
    delta: str = ""             # "+1,2 điểm % so với 07/2022"
    parts: str = ""             # "7.800/8.000 hồ sơ"
    spark: "Chart | None" = None


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    align: list[str] = field(default_factory=list)     # "l" or "r" per column
    widths: list[float] = field(default_factory=list)  # relative widths
    more: int = 0                                       # rows left off the slide

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass
class Chart:
    key: str
    figure: go.Figure
    box: tuple[float, float] = FULL_BOX      # inches on the slide

    @property
    def width(self) -> int:
        return round(self.box[0] * PX_PER_IN)

    @property
    def height(self) -> int:
        return round(self.box[1] * PX_PER_IN)

    @property
    def font_scale(self) -> float:
        return TYPE_PT / (charts.FONT_SIZE * 72 / PX_PER_IN)


@dataclass
class Slide:
    key: str
    title: str
    lead: str = ""
    cards: list[Card] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    chart: Chart | None = None
    table: Table | None = None
    notes: str = ""
    empty: bool = False         # says "chưa có dữ liệu" instead of figures


@dataclass
class Briefing:
    period: date
    lang: str
    unit: str | None
    subject: str                # the jurisdiction, or the unit
    jurisdiction: str
    province: str
    issuing_body: str
    place: str
    is_demo: bool
    as_of: date | None
    slides: list[Slide]
    month: "Month"

    def charts(self) -> list[Chart]:
        """Every chart of the briefing, cards' sparklines included, in slide order."""
        out = []
        for s in self.slides:
            for c in s.cards:
                if c.spark is not None:
                    out.append(c.spark)
            if s.chart is not None:
                out.append(s.chart)
        return out


# --- the month's figures ------------------------------------------------------------------------
def _row(df: pd.DataFrame, code: str) -> dict | None:
    if df is None or df.empty:
        return None
    hit = df[df.unit_code == code]
    if hit.empty:
        return None
    r = hit.iloc[0].to_dict()
    return r if (r.get("months") or 0) > 0 else None


def group_of(level: str | None) -> str | None:
    for g, levels in GROUPS.items():
        if level in levels:
            return g
    return None


class Month:
    """What the month's outputs read, each part computed once on first use."""

    def __init__(self, con, period: date, profile: Profile, lang: str = "vi", unit: str | None = None):
        self.con = con
        self.period = queries.month(period)
        self.profile = profile
        self.lang = "en" if lang == "en" else "vi"
        if unit in ("", queries.ALL):
            unit = None
        if unit is not None and unit not in profile.unit_codes:
            raise InputError(f"Không có đơn vị mã «{unit}»", f"No unit with code «{unit}»")
        self.unit = unit
        self.prev = queries.add_months(self.period, -1)
        self.window_start = queries.add_months(self.period, -(TREND_MONTHS - 1))

    # -- identity --------------------------------------------------------------------------
    @property
    def units(self) -> list[str] | None:
        return [self.unit] if self.unit else None

    @property
    def focus(self) -> str:
        return self.unit or queries.ALL

    @cached_property
    def unit_obj(self):
        return self.profile.unit(self.unit) if self.unit else None

    @property
    def subject(self) -> str:
        return self.unit_obj.name if self.unit else self.profile.jurisdiction_name

    @property
    def group(self) -> str | None:
        return group_of(self.unit_obj.level) if self.unit else None

    def month_label(self, d: date | None = None, long: bool = True) -> str:
        return fmt.month(d or self.period, self.lang, long=long)

    @cached_property
    def as_of(self) -> dict:
        return queries.as_of(self.con)

    # -- figures ----------------------------------------------------------------------------
    def _table(self, start: date, end: date | None = None) -> pd.DataFrame:
        df = queries.kpi_table(self.con, start, end or start, units=self.units, include_total=not self.unit,
                               profile=self.profile)
        return df[df.months.fillna(0) > 0].reset_index(drop=True)

    @cached_property
    def table(self) -> pd.DataFrame:
        """This month: the ALL row then every unit (or the one unit)."""
        return self._table(self.period)

    @cached_property
    def table_prev(self) -> pd.DataFrame:
        return self._table(self.prev)

    @cached_property
    def table_yoy(self) -> pd.DataFrame:
        return self._table(queries.add_months(self.period, -12))

    @cached_property
    def table_ytd(self) -> pd.DataFrame:
        return self._table(date(self.period.year, 1, 1), self.period)

    @property
    def row(self) -> dict | None:
        return _row(self.table, self.focus)

    @property
    def row_prev(self) -> dict | None:
        return _row(self.table_prev, self.focus)

    @property
    def has_data(self) -> bool:
        return self.row is not None

    @cached_property
    def unit_rows(self) -> pd.DataFrame:
        t = self.table
        return t[t.unit_code != queries.ALL].reset_index(drop=True)

    @cached_property
    def series(self) -> pd.DataFrame:
        """The focus (jurisdiction or unit) per month over the trend window."""
        return queries.kpi_series(self.con, self.window_start, self.period, units=self.units, profile=self.profile)

    def goal(self, k: KPI):
        return self.profile.goals.get(k.key)

    # -- ranking -----------------------------------------------------------------------------
    @cached_property
    def ranking(self) -> pd.DataFrame:
        from ..score import peer_ranking

        r = peer_ranking(self.con, self.period, self.period, self.profile)
        if r.empty or not r.is_self.any():
            return pd.DataFrame()
        return r

    @property
    def self_rank(self) -> dict | None:
        r = self.ranking
        if r.empty:
            return None
        me = r[r.is_self].iloc[0].to_dict()
        return None if fmt.is_missing(me.get("rank")) else me

    @cached_property
    def history(self) -> pd.DataFrame:
        from ..score import rank_history

        return rank_history(self.con, self.window_start, self.period, self.profile)

    @cached_property
    def needs(self) -> tuple[int, list]:
        """(target rank, what it takes): the target place when below it, else the stretch place."""
        from ..whatif import what_it_takes

        me = self.self_rank
        if me is None:
            return self.profile.target_rank, []
        target = self.profile.target_rank
        if int(me["rank"]) <= target and self.profile.stretch_rank < target:
            target = self.profile.stretch_rank
        return target, what_it_takes(self.con, self.period, self.period, target, self.profile)

    @cached_property
    def projection(self):
        from ..projection import project

        try:
            return project(self.con, self.period, self.profile)
        except (ValueError, ZeroDivisionError):   # too few months to fit a line
            return None

    @cached_property
    def leagues(self) -> dict[str, pd.DataFrame]:
        from ..score import unit_league

        return {g: unit_league(self.con, self.period, self.period, g, self.profile) for g in GROUPS}

    @cached_property
    def position(self) -> dict | None:
        """The unit's place in its group: rank, size, score, points missing."""
        if not self.unit:
            return None
        lg = self.leagues.get(self.group)
        if lg is None or lg.empty:
            return None
        hit = lg[lg.unit_code == self.unit]
        if hit.empty or fmt.is_missing(hit.iloc[0]["rank"]):
            return None
        r = hit.iloc[0].to_dict()
        r["n"] = int(lg.score.notna().sum())
        return r

    @cached_property
    def position_history(self) -> pd.DataFrame:
        """The unit's score and rank per month with its group's median and best."""
        from ..score import unit_league

        rows = []
        if not self.unit:
            return pd.DataFrame()
        p = self.window_start
        while p <= self.period:
            lg = unit_league(self.con, p, p, self.group, self.profile)
            if not lg.empty and lg.score.notna().any():
                hit = lg[lg.unit_code == self.unit]
                s = float(hit.iloc[0].score) if not hit.empty and not fmt.is_missing(hit.iloc[0].score) else math.nan
                rows.append({"period": p, "score": s,
                             "rank": hit.iloc[0]["rank"] if not hit.empty else pd.NA,
                             "median": float(lg.score.median()), "best": float(lg.score.max())})
            p = queries.add_months(p, 1)
        return pd.DataFrame(rows, columns=["period", "score", "rank", "median", "best"])

    # -- rules, commitments, dossiers ------------------------------------------------------------
    @cached_property
    def flags(self) -> pd.DataFrame:
        from ..flags import flags_for

        df = flags_for(self.con, self.period, self.profile)
        if self.unit:
            df = df[df.unit_code == self.unit]
        return df.reset_index(drop=True)

    @cached_property
    def review(self) -> pd.DataFrame:
        from ..notes import review

        return review(self.con, self.period, self.units, self.profile)

    def dossiers(self, status: str, limit: int | None = None) -> pd.DataFrame:
        """Dossiers of the month without any personal data: the handler's name is left out."""
        df = queries.dossier_list(self.con, self.period, self.period, units=self.units, status=status,
                                  limit=limit)
        return df.drop(columns=[c for c in ("handler",) if c in df.columns])

    def dossier_count(self, status: str) -> int:
        return queries.dossier_count(self.con, self.period, self.period, units=self.units, status=status)


def gather(con, period: date, profile: Profile, lang: str = "vi", unit: str | None = None) -> Month:
    return Month(con, period, profile, lang, unit)


# --- helpers ------------------------------------------------------------------------------
def _sum(row: dict | None, names) -> float | None:
    if row is None:
        return None
    vals = [row.get(n) for n in names]
    if any(fmt.is_missing(v) for v in vals):
        return None
    return float(sum(vals))


def parts_text(k: KPI, row: dict | None, lang: str) -> str:
    """"7.800/8.000" for a rate; "" for a count."""
    if not k.is_rate or row is None:
        return ""
    num, den = _sum(row, k.num), _sum(row, k.den)
    if num is None or den is None:
        return ""
    return f"{fmt.number(num, lang)}/{fmt.number(den, lang)}"


def kpi_line(k: KPI, row: dict | None, prev: dict | None, goal, m: Month) -> str:
    """One sentence with every figure of a KPI: for speaker notes and the PDF."""
    lang = m.lang
    v = None if row is None else row.get(k.key)
    s = f"{k.label(lang)}: {fmt.kpi_value(k, v, lang)}"
    parts = parts_text(k, row, lang)
    if parts:
        s += f" ({parts})"
    pv = None if prev is None else prev.get(k.key)
    if not fmt.is_missing(pv):
        s += f"; {m.month_label(m.prev, long=False)}: {fmt.kpi_value(k, pv, lang)}"
        d = fmt.kpi_delta(k, v, pv, lang)
        if d:
            s += f" ({d})"
    if not fmt.is_missing(goal):
        status = charts.goal_status(k, v, goal)
        word = {"good": tx("goal_met", lang), "bad": tx("goal_not_met", lang)}.get(status, "")
        s += f"; {tx('goal', lang).lower()} {fmt.goal_text(k, goal, lang)}" + (f" — {word.lower()}" if word else "")
    return s + "."


def _table(columns, rows, align=None, widths=None, limit: int | None = MAX_TABLE_ROWS) -> Table:
    more = 0
    if limit is not None and len(rows) > limit:
        more = len(rows) - limit
        rows = rows[:limit]
    return Table(list(columns), [list(r) for r in rows], align or ["l"] * len(columns),
                 widths or [1.0] * len(columns), more)


def _chart(key: str, fig: go.Figure, box: tuple[float, float] = FULL_BOX) -> Chart:
    return Chart(key, fig, box)


def _no_title(fig: go.Figure) -> go.Figure:
    """The slide's title says what the chart shows; the picture keeps the room."""
    fig.update_layout(title=None, margin=dict(t=40))
    return fig


# --- slides ---------------------------------------------------------------------------------
def title_slide(m: Month) -> Slide:
    lang = m.lang
    bullets = []
    if m.unit:
        bullets.append(m.profile.jurisdiction_name + (f", {m.profile.province}" if m.profile.province else ""))
    last = m.as_of.get("last_date")
    if last:
        bullets.append(tx("as_of", lang, date=fmt.day(min(last, last_day(m.period)), lang)))
    notes = [tx("deck_title", lang, month=month_words(m.period, lang)) + f" — {m.subject}."]
    if m.row:
        for k in HEADLINE:
            notes.append(kpi_line(k, m.row, m.row_prev, m.goal(k), m))
    else:
        notes.append(_no_data_text(m) + ".")
    if m.as_of.get("is_demo"):
        notes.append(tx("demo", lang) + ".")
    return Slide("title", title=tx("deck_title", lang, month=month_words(m.period, lang)),
                 lead=m.subject, bullets=bullets, notes="\n".join(notes), empty=not m.has_data)


def _no_data_text(m: Month) -> str:
    if m.unit:
        return tx("no_data_unit_month", m.lang, unit=m.subject, month=month_words(m.period, m.lang))
    return tx("no_data_month", m.lang, month=month_words(m.period, m.lang))


def kpi_slide(m: Month) -> Slide:
    lang = m.lang
    cards, notes, met, with_goal = [], [], 0, 0
    spark_series = m.series
    for k in HEADLINE:
        v = None if m.row is None else m.row.get(k.key)
        goal = m.goal(k)
        status = charts.goal_status(k, v, goal)
        if status != "none":
            with_goal += 1
            met += status == "good"
        goal_txt = ""
        if not fmt.is_missing(goal):
            word = {"good": tx("goal_met", lang), "bad": tx("goal_not_met", lang)}.get(status, "")
            goal_txt = f"{tx('goal', lang)} {fmt.goal_text(k, goal, lang)}" + (f" · {word}" if word else "")
        pv = None if m.row_prev is None else m.row_prev.get(k.key)
        d = fmt.kpi_delta(k, v, pv, lang)
        delta = f"{d} {tx('vs_month', lang, month=fmt.month(m.prev, lang))}" if d else ""
        parts = parts_text(k, m.row, lang)
        spark = None
        if not spark_series.empty and spark_series[k.key].notna().sum() >= 2:
            spark = _chart(f"spark_{k.key}", charts.sparkline(spark_series.period, spark_series[k.key], k.key, lang,
                                                              goal, height=70), SPARK_BOX)
        # a card's value is big: "–" when unknown, and the words on the line below it
        cards.append(Card(k.key, k.short(lang) if len(k.label(lang)) > 28 else k.label(lang),
                          fmt.kpi_value(k, v, lang, short=True), status, goal_txt, delta,
                          f"{parts} {tx('dossiers', lang)}" if parts else
                          (fmt.no_data(lang).capitalize() if fmt.is_missing(v) else ""), spark))
        notes.append(kpi_line(k, m.row, m.row_prev, goal, m))
    lead = tx("kpis_lead", lang, met=met, n=with_goal) if m.has_data else _no_data_text(m)
    title = tx("kpis_title", lang) + f" — {m.month_label()}"
    return Slide("kpis", title, lead, cards=cards, notes="\n".join(notes), empty=not m.has_data)


def trend_slide(m: Month, kpi_key: str = TREND_KPI) -> Slide:
    lang = m.lang
    k = KPI_BY_KEY[kpi_key]
    goal = m.goal(k)
    fig = _no_title(charts.figure_for(k.key, m.series, lang, goal, title="", height=360))
    _label_points(fig, k, lang)
    v = None if m.row is None else m.row.get(k.key)
    pv = None if m.row_prev is None else m.row_prev.get(k.key)
    d = fmt.kpi_delta(k, v, pv, lang)
    if not m.has_data:
        lead = _no_data_text(m)
    elif d:
        lead = tx("trend_lead", lang, month=m.month_label(), value=fmt.kpi_value(k, v, lang), delta=d)
    else:
        lead = tx("trend_lead_plain", lang, month=m.month_label(), value=fmt.kpi_value(k, v, lang))
    notes = []
    for r in m.series.itertuples():
        row = r._asdict()
        parts = parts_text(k, row, lang)
        notes.append(f"{fmt.month(r.period, lang)}: {fmt.kpi_value(k, getattr(r, k.key), lang)}"
                     + (f" ({parts})" if parts else ""))
    if not notes:
        notes.append(_no_data_text(m))
    if not fmt.is_missing(goal):
        notes.append(f"{tx('goal', lang)}: {fmt.goal_text(k, goal, lang)}.")
    return Slide(f"trend_{k.key}", tx("trend_title", lang, kpi=k.label(lang)), lead,
                 chart=_chart(f"trend_{k.key}", fig), notes="\n".join(notes),
                 empty=m.series.empty or m.series[k.key].isna().all())


def _label_points(fig: go.Figure, k: KPI, lang: str) -> None:
    """Write each month's value on a one-line trend: read from the back of the room."""
    lines = [tr for tr in fig.data if tr.type == "scatter"]
    if len(lines) != 1:
        return
    tr = lines[0]
    vals = [None if v is None else (v / 100 if k.is_rate else v) for v in tr.y]
    tr.update(mode="lines+markers+text", textposition="bottom center", cliponaxis=False,
              text=[fmt.kpi_value(k, v, lang, short=True) if v is not None else "" for v in vals])


def rank_slide(m: Month) -> Slide:
    lang, p = m.lang, m.profile
    peers = p.peer_kind_vi if lang == "vi" else p.peer_kind_en
    title = (tx("rank_title", lang, province=p.province) if p.province
             else tx("rank_title_short", lang, peers=peers))
    fig = _no_title(charts.peer_bars(m.ranking, lang, p.target_rank, p.stretch_rank, title=""))
    me = m.self_rank
    notes = []
    if me is None:
        lead = tx("rank_none", lang, peers=peers, month=month_words(m.period, lang))
        notes.append(lead + ".")
    else:
        n = int(m.ranking.score.notna().sum())
        rank = int(me["rank"])
        score = fmt.decimal(me["score"], lang, 1)
        if rank <= p.target_rank:
            lead = tx("rank_lead_met", lang, rank=rank, n=n, score=score, target=p.target_rank)
        else:
            lead = tx("rank_lead_not", lang, rank=rank, n=n, score=score, gap=rank - p.target_rank,
                      target=p.target_rank)
        known = len(p.peers)
        if known and n < known:
            # a rank among the few peers that reported is not yet the rank among all of them
            lead += " " + tx("peers_partial", lang, n=n, total=known)
        notes.append(lead + ".")
        for r in m.ranking.itertuples():
            mark = " ◄" if r.is_self else ""
            notes.append(f"{'' if fmt.is_missing(r.rank) else int(r.rank)}. {r.peer_name}: "
                         f"{fmt.decimal(r.score, lang, 1)} {tx('points_unit', lang)}{mark}")
        notes.append(tx("score_note", lang))
    return Slide("rank", title, lead, chart=_chart("rank", fig), notes="\n".join(notes),
                 empty=me is None)


def _points_items(row: dict | None, m: Month, top: int = 3) -> list[tuple[str, float]]:
    if row is None:
        return []
    items = []
    for ind in m.profile.indicators:
        v = row.get(f"points_{ind.key}")
        if not fmt.is_missing(v) and float(v) >= 0.05:
            items.append((KPI_BY_KEY[ind.kpi].short(m.lang), float(v)))
    return sorted(items, key=lambda x: -x[1])[:top]


def road_slide(m: Month) -> Slide:
    lang, p = m.lang, m.profile
    title = tx("road_title", lang, stretch=p.stretch_rank, target=p.target_rank)
    fig = _no_title(charts.rank_trend(m.history, lang, p.target_rank, title=""))
    me = m.self_rank
    bullets, notes = [], []
    if me is None:
        peers = p.peer_kind_vi if lang == "vi" else p.peer_kind_en
        lead = tx("rank_none", lang, peers=peers, month=month_words(m.period, lang))
        notes.append(lead + ".")
        return Slide("road", title, lead, chart=_chart("road", fig), notes="\n".join(notes), empty=True)
    rank = int(me["rank"])
    target, needs = m.needs
    if rank <= p.stretch_rank:
        lead = tx("road_hold", lang, stretch=p.stretch_rank)
    else:
        reachable = [x for x in needs if x.needed is not None and not x.already]
        if reachable:
            lead = tx("road_to", lang, target=target)
            reachable.sort(key=lambda x: (x.needed - x.current) / max(1e-9, _full_mark(m, x.indicator)))
            bullets += [need_text(x, lang) for x in reachable[:3]]
        else:
            lead = tx("road_none", lang, target=target)
    pts = _points_items(me, m)
    if pts:
        bullets.append(tx("points_missing", lang, items="; ".join(
            tx("points_item", lang, label=lab, points=fmt.decimal(v, lang, 1)) for lab, v in pts)))
    pr = m.projection
    if pr is not None and pr.rank is not None:
        if pr.rank_best is not None and pr.rank_worst is not None and pr.rank_best != pr.rank_worst:
            bullets.append(tx("projection", lang, rank=pr.rank, best=pr.rank_best, worst=pr.rank_worst,
                              score=fmt.decimal(pr.score, lang, 1)))
        else:
            bullets.append(tx("projection_point", lang, rank=pr.rank, score=fmt.decimal(pr.score, lang, 1)))
    notes.append(lead)
    notes += bullets
    notes += [x.text(lang) + "." for x in needs]
    for ind in p.indicators:
        v = me.get(f"value_{ind.key}")
        pt = me.get(f"points_{ind.key}")
        notes.append(f"{KPI_BY_KEY[ind.kpi].label(lang)}: {fmt.percent(v, lang)}; "
                     f"{tx('points_unit', lang)} {'–' if fmt.is_missing(pt) else fmt.decimal(pt, lang, 1)}")
    if pr is not None:
        notes.append(tx("projection_method", lang, method=_projection_method(lang)))
    hist = m.history
    if not hist.empty:
        notes.append("; ".join(f"{fmt.month(r.period, lang)}: #{'' if fmt.is_missing(r.rank) else int(r.rank)}"
                               for r in hist.itertuples()))
    return Slide("road", title, lead, bullets=bullets, chart=_chart("road", fig, SIDE_BOX),
                 notes="\n".join(notes))


def need_text(x, lang: str) -> str:
    """"Tỷ lệ nộp trực tuyến: 36,4 % → 38,5 %" (the label keeps its capitals: "QĐ 766")."""
    k = KPI_BY_KEY[x.kpi]
    return f"{k.label(lang)}: {fmt.percent(x.current, lang)} → {fmt.percent(x.needed, lang)}"


def _full_mark(m: Month, key: str) -> float:
    for ind in m.profile.indicators:
        if ind.key == key:
            return ind.full_mark
    return 1.0


def _projection_method(lang: str) -> str:
    from ..projection import METHOD_EN, METHOD_VI

    return METHOD_EN if lang == "en" else METHOD_VI


def league_slide(m: Month, group: str) -> Slide:
    lang = m.lang
    gname = tx(f"group_{group}", lang)
    lg = m.leagues.get(group, pd.DataFrame())
    title = tx("league_title", lang, group=gname)
    fig = _no_title(figures.league_bars(lg, lang, title=""))
    if lg.empty or lg.score.isna().all():
        lead = tx("league_none", lang, group=gname, month=month_words(m.period, lang))
        return Slide(f"league_{group}", title, lead, chart=_chart(f"league_{group}", fig), notes=lead + ".",
                     empty=True)
    ranked = lg.dropna(subset=["score"]).sort_values("score", ascending=False)
    best, worst = ranked.iloc[0], ranked.iloc[-1]
    lead = tx("league_lead", lang, best=figures.short_name(best.unit_name), best_score=fmt.decimal(best.score, lang, 1),
              worst=figures.short_name(worst.unit_name), worst_score=fmt.decimal(worst.score, lang, 1))
    notes = []
    for r in ranked.itertuples():
        row = r._asdict()
        pts = _points_items(row, m, top=2)
        extra = "; ".join(tx("points_item", lang, label=lab, points=fmt.decimal(v, lang, 1)) for lab, v in pts)
        notes.append(f"{int(r.rank)}. {r.unit_name}: {fmt.decimal(r.score, lang, 1)} {tx('points_unit', lang)}"
                     + (f" — {tx('points_missing', lang, items=extra)}" if extra else ""))
    notes.append(tx("score_note", lang))
    return Slide(f"league_{group}", title, lead, chart=_chart(f"league_{group}", fig),
                 notes="\n".join(notes))


def late_slide(m: Month) -> Slide:
    lang = m.lang
    k = KPI_BY_KEY["late_count"]
    units = m.unit_rows
    title = tx("late_title", lang)
    late = units[units.late_count.fillna(0) > 0] if not units.empty else units
    total = float(late.late_count.sum()) if not late.empty else 0.0
    if late.empty:
        msg = tx("late_none", lang) if m.has_data else _no_data_text(m)
        fig = charts.empty_figure(lang, msg, 360)
        return Slide("late", title, msg, chart=_chart("late", fig), notes=msg + ".", empty=not m.has_data)
    top = 5
    named = late.assign(unit_name=[figures.short_name(n) for n in late.unit_name])
    fig = _no_title(charts.unit_bars(named, k.key, lang, m.goal(k), title="", top=top, share_of=total))
    shown = late.sort_values("late_count", ascending=False).head(top)
    lead = tx("late_lead", lang, total=fmt.number(total, lang), k=len(shown),
              share=fmt.percent(float(shown.late_count.sum()) / total, lang))
    notes = [lead + "."]
    for r in late.sort_values("late_count", ascending=False).itertuples():
        ap = "" if fmt.is_missing(r.apology_rate) else f"; {KPI_BY_KEY['apology_rate'].short(lang).lower()} " \
                                                         f"{fmt.percent(r.apology_rate, lang)}"
        notes.append(f"{r.unit_name}: {fmt.number(r.late_count, lang)} ({fmt.percent(r.late_count / total, lang)})"
                     f"; {KPI_BY_KEY['overdue_backlog'].short(lang).lower()} {fmt.number(r.overdue_backlog, lang)}{ap}")
    return Slide("late", title, lead, chart=_chart("late", fig), notes="\n".join(notes))


def unit_late_slide(m: Month) -> Slide:
    lang = m.lang
    k = KPI_BY_KEY["late_count"]
    fig = _no_title(charts.figure_for(k.key, m.series, lang, m.goal(k), title="", height=360))
    title = tx("late_title_unit", lang)
    if not m.has_data:
        lead = _no_data_text(m)
    else:
        lead = tx("late_lead_unit", lang, month=m.month_label(), total=fmt.number(m.row.get("late_count"), lang),
                  overdue=fmt.number(m.row.get("overdue_backlog"), lang))
    notes = [lead + "."] + [f"{fmt.month(r.period, lang)}: {fmt.number(r.late_count, lang)}"
                            for r in m.series.itertuples()]
    return Slide("late", title, lead, chart=_chart("late", fig), notes="\n".join(notes), empty=not m.has_data)


def position_slide(m: Month) -> Slide:
    lang = m.lang
    gname = tx(f"group_{m.group}", lang) if m.group else ""
    title = tx("position_title", lang, group=gname)
    fig = _no_title(figures.position_trend(m.position_history, lang, title=""))
    pos = m.position
    if pos is None:
        lead = tx("position_none", lang, month=month_words(m.period, lang))
        return Slide("position", title, lead, chart=_chart("position", fig), notes=lead + ".", empty=True)
    lead = tx("position_lead", lang, rank=int(pos["rank"]), n=pos["n"], group=gname,
              score=fmt.decimal(pos["score"], lang, 1))
    notes = [lead + "."]
    for r in m.position_history.itertuples():
        notes.append(f"{fmt.month(r.period, lang)}: {fmt.decimal(r.score, lang, 1)} "
                     f"(#{'' if fmt.is_missing(r.rank) else int(r.rank)}; {tx('group_median', lang).lower()} "
                     f"{fmt.decimal(r.median, lang, 1)}; {tx('group_best', lang).lower()} "
                     f"{fmt.decimal(r.best, lang, 1)})")
    notes.append(tx("score_note", lang))
    return Slide("position", title, lead, chart=_chart("position", fig), notes="\n".join(notes))


def points_slide(m: Month) -> Slide:
    lang = m.lang
    title = tx("points_title", lang)
    pos = m.position
    fig = _no_title(figures.points_bars(pos or {}, m.profile.indicators, lang, title=""))
    if pos is None:
        lead = tx("position_none", lang, month=month_words(m.period, lang))
        return Slide("points", title, lead, chart=_chart("points", fig), notes=lead + ".", empty=True)
    pts = _points_items(pos, m)
    lead = (tx("points_missing", lang, items="; ".join(
        tx("points_item", lang, label=lab, points=fmt.decimal(v, lang, 1)) for lab, v in pts))
        if pts else tx("points_none", lang))
    notes = [lead + "."]
    for ind in m.profile.indicators:
        v, pt = pos.get(f"value_{ind.key}"), pos.get(f"points_{ind.key}")
        notes.append(f"{KPI_BY_KEY[ind.kpi].label(lang)}: {fmt.percent(v, lang)}; "
                     f"{tx('points_unit', lang)} {'–' if fmt.is_missing(pt) else fmt.decimal(pt, lang, 1)}")
    return Slide("points", title, lead, chart=_chart("points", fig), notes="\n".join(notes))


def flag_rows(m: Month) -> list[list[str]]:
    """Flags worst first: unit, warning, detail."""
    df = m.flags
    if df.empty:
        return []
    df = df.assign(_s=[-SEVERITY.get(f, 0) for f in df.flag]).sort_values(["_s"], kind="stable")
    rows = []
    for r in df.itertuples():
        label = pick(FLAG_LABELS[r.flag], m.lang) if r.flag in FLAG_LABELS else r.flag
        rows.append([r.unit_name, label, _flag_detail(r, m.lang)])
    return rows


def _flag_detail(r, lang: str) -> str:
    if lang == "vi":
        return str(r.detail)
    from ..i18n import t

    decimals = 1 if r.flag == "priority_not_honoured" else 0
    return t(f"flag_detail_{r.flag}", lang, value=fmt.decimal(r.value, lang, decimals))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def flag_short(flag: str, value, lang: str) -> str:
    key = f"flag_short_{flag}"
    if key not in TEXTS:
        return flag
    v = fmt.decimal(value, lang, 1) if flag == "priority_not_honoured" else fmt.number(value, lang)
    return tx(key, lang, value=v)


def flags_by_unit(m: Month) -> list[tuple[str, str, list[str]]]:
    """(unit code, unit name, short warnings worst first), the worst units first."""
    df = m.flags
    if df.empty:
        return []
    order = {u.code: i for i, u in enumerate(m.profile.units)}
    out = []
    for code, g in df.groupby("unit_code", sort=False):
        g = g.assign(_s=[-SEVERITY.get(f, 0) for f in g.flag]).sort_values("_s", kind="stable")
        worst = -int(g._s.min())
        items = [flag_short(r.flag, r.value, m.lang) for r in g.itertuples()]
        out.append((worst, len(g), code, g.unit_name.iloc[0], items))
    out.sort(key=lambda x: (-x[0], -x[1], order.get(x[2], 999)))
    return [(code, name, items) for _, _, code, name, items in out]


def flags_slide(m: Month) -> Slide:
    lang = m.lang
    title = tx("flags_title", lang) + f" — {m.month_label()}"
    if m.flags.empty:
        lead = tx("flags_none", lang) if m.has_data else _no_data_text(m)
        return Slide("flags", title, lead, notes=lead + ".", empty=not m.has_data)
    lead = (tx("flags_lead_unit", lang, n=len(m.flags)) if m.unit
            else tx("flags_lead", lang, n=len(m.flags), units=m.flags.unit_code.nunique()))
    notes = [lead + "."] + [" — ".join(r) for r in flag_rows(m)]
    if m.unit:
        rows = [r[1:] for r in flag_rows(m)]
        table = _table([tx("flag", lang), tx("detail", lang)], rows, widths=[1.0, 1.4])
        if table.more:
            table.rows.append(["", tx("more_rows", lang, n=table.more)])
    else:
        rows = [[figures.short_name(name), _capital("; ".join(items))] for _, name, items in flags_by_unit(m)]
        table = _table([tx("unit", lang), tx("flags_of_unit", lang)], rows, widths=[1.0, 2.4])
        if table.more:
            table.rows.append(["", tx("more_units", lang, n=table.more)])
    return Slide("flags", title, lead, table=table, notes="\n".join(notes))


def review_rows(m: Month) -> list[list[str]]:
    lang = m.lang
    rv = m.review
    rows = []
    names = {u.code: u.name for u in m.profile.units}
    for r in rv.itertuples():
        k = KPI_BY_KEY.get(r.kpi) if isinstance(r.kpi, str) else None
        if k is not None:
            fig = f"{k.short(lang)}: {fmt.kpi_value(k, r.value_before, lang, short=True)} → " \
                  f"{fmt.kpi_value(k, r.value_now, lang, short=True)}"
            if not fmt.is_missing(r.target):
                fig += f" ({tx('goal', lang).lower()} {fmt.kpi_value(k, r.target, lang)})"
        else:
            fig = "–"
        kept = tx("kept_none", lang) if r.kept is None or fmt.is_missing(r.kept) else \
            tx("kept_yes", lang) if bool(r.kept) else tx("kept_no", lang)
        owner = f" ({r.owner})" if isinstance(r.owner, str) and r.owner else ""
        rows.append([names.get(r.unit_code, r.unit_code), f"{r.text}{owner}", fig, kept])
    return rows


def review_slide(m: Month) -> Slide:
    lang = m.lang
    title = tx("review_title", lang) + f" ({fmt.month(m.prev, lang)})"
    rows = review_rows(m)
    if not rows:
        lead = tx("review_none", lang, month=fmt.month(m.prev, lang, long=True))
        return Slide("review", title, lead, notes=lead + ".", empty=True)
    kept = [r[3] for r in rows]
    lead = tx("review_lead", lang, n=len(rows), month=fmt.month(m.prev, lang), kept=kept.count(tx("kept_yes", lang)),
              missed=kept.count(tx("kept_no", lang)), open=kept.count(tx("kept_none", lang)))
    cols = [tx("unit", lang), tx("commitment", lang), tx("before_now", lang), tx("result", lang)]
    widths = [1.0, 2.0, 1.4, 0.7]
    shown = rows
    if m.unit:
        cols, widths, shown = cols[1:], widths[1:], [r[1:] for r in rows]
    table = _table(cols, shown, widths=widths)
    if table.more:
        table.rows.append([""] * (len(cols) - 1) + [tx("more_rows", lang, n=table.more)])
    notes = [lead + "."] + [" — ".join(r) for r in rows]
    return Slide("review", title, lead, table=table, notes="\n".join(notes))


# --- the briefing -----------------------------------------------------------------------------
def build(con, period: date, profile: Profile, lang: str = "vi", unit: str | None = None,
          month: Month | None = None) -> Briefing:
    """The month's slides, in the order of the meeting."""
    m = month or gather(con, period, profile, lang, unit)
    if m.unit:
        slides = [title_slide(m), kpi_slide(m), trend_slide(m), position_slide(m), points_slide(m),
                  unit_late_slide(m), flags_slide(m), review_slide(m)]
    else:
        slides = [title_slide(m), kpi_slide(m), trend_slide(m), rank_slide(m), road_slide(m),
                  league_slide(m, "communes"), league_slide(m, "departments"), late_slide(m),
                  flags_slide(m), review_slide(m)]
    last = m.as_of.get("last_date")
    return Briefing(period=m.period, lang=m.lang, unit=m.unit, subject=m.subject,
                    jurisdiction=profile.jurisdiction_name, province=profile.province,
                    issuing_body=profile.issuing_body, place=profile.place,
                    is_demo=bool(m.as_of.get("is_demo")),
                    as_of=min(last, last_day(m.period)) if last else None, slides=slides, month=m)


def level_label(level: str | None, lang: str) -> str:
    return pick(LEVEL_LABELS[level], lang) if level in LEVEL_LABELS else ""
