"""One month's figures for a briefing, read once from the engine (`gather`): the figures, the
comparisons, the ranking and leagues, the flags, the commitments and the dossier lists."""
from __future__ import annotations

import math
from datetime import date
from functools import cached_property

import pandas as pd

from ..i18n import fmt, pick
from .. import queries
from ..errors import InputError
from ..model.kpis import KPI, KPIS
from ..model.profile import Profile
from ..rules.score import GROUPS


HEADLINE = [k for k in KPIS if k.headline]
TREND_KPI = "on_time_rate"
TREND_MONTHS = 12
MAX_TABLE_ROWS = 5          # rows of a table on a slide read from the back of the room


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
        self.lang = pick(("vi", "en"), lang)      # one of the two: the catalogue's fallback rule
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

    def _compared(self, start: date) -> pd.DataFrame:
        """A comparison period's table; empty (no comparison) when the jurisdiction resolved
        nothing in it: a month known only from what a later export carries over (queries.covered)."""
        df = self._table(start)
        return df if queries.covered(self.con, start) else df.iloc[0:0]

    @cached_property
    def table_prev(self) -> pd.DataFrame:
        return self._compared(self.prev)

    @cached_property
    def table_yoy(self) -> pd.DataFrame:
        return self._compared(queries.add_months(self.period, -12))

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
        from ..rules.score import peer_ranking

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
        from ..rules.score import rank_history

        return rank_history(self.con, self.window_start, self.period, self.profile)

    @cached_property
    def needs(self) -> tuple[int, list]:
        """(target rank, what it takes): the target place when below it, else the stretch place."""
        from ..rules.whatif import what_it_takes

        me = self.self_rank
        if me is None:
            return self.profile.target_rank, []
        target = self.profile.target_rank
        if int(me["rank"]) <= target and self.profile.stretch_rank < target:
            target = self.profile.stretch_rank
        return target, what_it_takes(self.con, self.period, self.period, target, self.profile)

    @cached_property
    def projection(self):
        from ..rules.projection import project

        try:
            return project(self.con, self.period, self.profile)
        except (ValueError, ZeroDivisionError):   # too few months to fit a line
            return None

    @cached_property
    def leagues(self) -> dict[str, pd.DataFrame]:
        from ..rules.score import unit_league

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
        from ..rules.score import unit_league

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
        from ..rules.flags import flags_for

        df = flags_for(self.con, self.period, self.profile, lang=self.lang)
        if self.unit:
            df = df[df.unit_code == self.unit]
        return df.reset_index(drop=True)

    @cached_property
    def review(self) -> pd.DataFrame:
        from ..store.notes import review

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
