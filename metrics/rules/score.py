"""Service score and rank (domain.md section 6; an estimate of Decision 766/QĐ-TTg).

score = 100 × Σ wᵢ·sᵢ / Σ wᵢ, sᵢ = min(1, KPIᵢ / full_markᵢ), over the indicators whose
counters are known for every member of the comparison and, per member, whose denominator
is not 0. Ranks: highest score first, equal scores (to 2 decimals) share a rank.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from .. import queries
from ..model.kpis import KPI_BY_KEY
from ..model.profile import UNIT_GROUPS, Indicator, Profile, load_profile

GROUPS = UNIT_GROUPS


def _ratio(row, names) -> float | None:
    vals = [row.get(n) for n in names]
    if any(v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) for v in vals):
        return None
    return float(sum(vals))


def usable_indicators(frame: pd.DataFrame, indicators: list[Indicator]) -> list[Indicator]:
    """Indicators whose counters are known (not NULL) for every member."""
    out = []
    for ind in indicators:
        k = KPI_BY_KEY[ind.kpi]
        if all(frame[c].notna().all() for c in k.counters):
            out.append(ind)
    return out


@dataclass
class MemberScore:
    score: float                       # nan: no indicator usable for this member
    used: str                          # the indicators counted, comma-separated
    values: dict                       # indicator key -> KPI value (None: unknown)
    points: dict                       # indicator key -> points missing (nan: not counted)


def member_score(rec: dict, indicators: list[Indicator], used: list[Indicator],
                 overrides: dict[str, float] | None = None) -> MemberScore:
    """One member's score from its summed counters (`rec`), over the indicators `used` by
    the comparison (usable_indicators); `overrides`: indicator key -> KPI value used instead
    of the computed one. score_frame applies it to every member; the what-if's search moves
    one member's value and needs only this."""
    overrides = overrides or {}
    parts, values = [], {}
    for ind in indicators:
        k = KPI_BY_KEY[ind.kpi]
        num = _ratio(rec, k.num)
        den = _ratio(rec, k.den) if k.den else 1.0
        value = None if num is None or den in (None, 0) else num / den
        if ind.key in overrides and value is not None:
            value = overrides[ind.key]
        values[ind.key] = value
        if ind in used and den not in (None, 0) and value is not None:
            parts.append((ind, min(1.0, value / ind.full_mark)))
    total_w = sum(ind.weight for ind, _ in parts)
    if total_w == 0:
        return MemberScore(math.nan, "", values, {ind.key: math.nan for ind in indicators})
    got = {ind.key: sc for ind, sc in parts}
    return MemberScore(100.0 * sum(ind.weight * sc for ind, sc in parts) / total_w,
                       ",".join(ind.key for ind, _ in parts), values,
                       {ind.key: 100.0 * ind.weight * (1 - got[ind.key]) / total_w if ind.key in got else math.nan
                        for ind in indicators})


def score_frame(frame: pd.DataFrame, indicators: list[Indicator],
                overrides: dict[tuple[int, str], float] | None = None) -> pd.DataFrame:
    """Score, rank and points missing for the members (rows) of one comparison.

    `frame` holds summed counters per member (one row each). Adds value_<i>, points_<i>,
    score, rank and indicators_used. `overrides` maps (row position, indicator key) to a KPI
    value used instead of the computed one: the what-if of the ranking page.
    """
    overrides = overrides or {}
    out = frame.copy()
    used = usable_indicators(out, indicators) if len(out) else []
    scores, used_lists = [], []
    values = {i.key: [] for i in indicators}
    points = {i.key: [] for i in indicators}
    for pos, (_, row) in enumerate(out.iterrows()):
        m = member_score(row.to_dict(), indicators, used, {k: v for (p, k), v in overrides.items() if p == pos})
        scores.append(m.score)
        used_lists.append(m.used)
        for ind in indicators:
            values[ind.key].append(m.values[ind.key])
            points[ind.key].append(m.points[ind.key])
    out["score"] = pd.Series(scores, index=out.index, dtype="float64")
    for ind in indicators:
        out[f"value_{ind.key}"] = pd.Series(values[ind.key], index=out.index, dtype="Float64")
        out[f"points_{ind.key}"] = pd.Series(points[ind.key], index=out.index, dtype="float64")
    out["indicators_used"] = used_lists
    out["rank"] = competition_rank(out["score"])
    return out


def rank_among(own: float, others) -> int:
    """The rank rule, the one place it is written: 1 + how many others score more, scores
    compared to 2 decimals (1, 2, 2, 4: equal scores share the best rank). `others` leaves
    out the one ranked and any without a score."""
    mine = round(float(own), 2)
    return 1 + sum(1 for s in others if round(float(s), 2) > mine)


def competition_rank(scores: pd.Series) -> pd.Series:
    """rank_among for every score of a column; no score, no rank."""
    valid = [float(v) for v in scores.dropna()]
    ranks = [pd.NA if pd.isna(v) else rank_among(v, valid) for v in scores]
    return pd.Series(ranks, index=scores.index, dtype="Int64")


def target_cut(other_scores, target_rank: int) -> float | None:
    """The score that holds the target place: the target_rank-th best of the *other* peers'
    scores. A score at or above it ranks target_rank or better (competition_rank: only
    strictly higher scores count against it); None when there are fewer others than that
    (any score holds the place). One definition for the peer chart's cut line, the rank
    history and the projection's target line."""
    known = sorted((round(float(s), 2) for s in other_scores if not pd.isna(s)), reverse=True)
    return known[target_rank - 1] if 0 < target_rank <= len(known) else None


def _has_data(frame: pd.DataFrame) -> pd.Series:
    return frame["months"].fillna(0) > 0


def peer_ranking(con, start: date, end: date | None = None, profile: Profile | None = None) -> pd.DataFrame:
    """The jurisdiction among its peers; empty when no peer has imported figures."""
    profile = profile or load_profile()
    frame = queries.peer_table(con, start, end or start, profile)
    frame = frame[_has_data(frame)]
    if frame.empty or (frame.peer_code != profile.code).sum() == 0:
        return pd.DataFrame()
    out = score_frame(frame.reset_index(drop=True), profile.indicators)
    out.insert(2, "is_self", out.peer_code == profile.code)
    return out.sort_values(["rank", "peer_code"], na_position="last").reset_index(drop=True)


def unit_league(con, start: date, end: date | None = None, group: str = "communes",
                profile: Profile | None = None) -> pd.DataFrame:
    """Units of one group (communes with townships, or departments with the land branch)
    scored among themselves."""
    profile = profile or load_profile()
    if group not in GROUPS:
        raise ValueError(group)
    frame = queries.kpi_table(con, start, end or start, include_total=False, profile=profile)
    frame = frame[frame.level.isin(GROUPS[group]) & _has_data(frame)]
    if frame.empty:
        return pd.DataFrame()
    out = score_frame(frame.reset_index(drop=True), profile.indicators)
    return out.sort_values(["rank", "unit_code"], na_position="last").reset_index(drop=True)


def rank_point(con, period: date, profile: Profile | None = None) -> dict | None:
    """The jurisdiction's score and rank in one month, with the score of the target place;
    None for a month without peer figures."""
    profile = profile or load_profile()
    r = peer_ranking(con, period, period, profile)
    if r.empty:
        return None
    me = r[r.is_self]
    target = target_cut(r.score[~r.is_self], profile.target_rank)
    return {
        "period": period,
        "score": float(me.score.iloc[0]) if len(me) else math.nan,
        "rank": me["rank"].iloc[0] if len(me) else pd.NA,
        "n_peers": int(r.score.notna().sum()),
        "target_score": math.nan if target is None else target,
    }


def history_frame(points: list[dict | None]) -> pd.DataFrame:
    """rank_point rows (months without peers left out) as rank_history's frame."""
    df = pd.DataFrame([p for p in points if p is not None],
                      columns=["period", "score", "rank", "n_peers", "target_score"])
    df["rank"] = df["rank"].astype("Int64")
    return df


def rank_history(con, start: date, end: date, profile: Profile | None = None) -> pd.DataFrame:
    """rank_point for every month with peer figures between start and end."""
    profile = profile or load_profile()
    return history_frame([rank_point(con, p, profile) for p in queries.peer_periods(con) if start <= p <= end])
