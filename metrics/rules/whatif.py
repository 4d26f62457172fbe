"""What-if on the ranking: move one indicator (of the jurisdiction, or of one unit) and see
the score and rank at once; and "what it takes": the smallest value of each indicator alone
that reaches the target rank with everything else held."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from .. import queries
from ..model.kpis import KPI_BY_KEY
from ..model.profile import Indicator, Profile, load_profile
from .score import member_score, rank_among, score_frame, usable_indicators


def _peer_frame(con, start: date, end: date, profile: Profile) -> pd.DataFrame:
    f = queries.peer_table(con, start, end, profile)
    return f[f["months"].fillna(0) > 0].reset_index(drop=True)


def _self_pos(frame: pd.DataFrame, profile: Profile) -> int | None:
    idx = frame.index[frame.peer_code == profile.code]
    return int(idx[0]) if len(idx) else None


def simulate(con, start: date, end: date | None = None, values: dict[str, float] | None = None,
             unit_values: dict[tuple[str, str], float] | None = None,
             profile: Profile | None = None) -> pd.DataFrame:
    """The peer ranking with the jurisdiction's indicators set to `values` (indicator key ->
    KPI fraction) and/or some units' indicators set to `unit_values` ((unit, key) -> fraction).

    A unit's new value changes its numerator (its denominator is held), and the
    jurisdiction's counters are the sum of its units', so the district moves by that unit's
    weight in the district: improving a big unit gains more.
    """
    profile = profile or load_profile()
    end = end or start
    frame = _peer_frame(con, start, end, profile)
    me = _self_pos(frame, profile)
    if me is None or frame.empty:
        return pd.DataFrame()
    if unit_values:
        units = queries.kpi_table(con, start, end, include_total=False, profile=profile).set_index("unit_code")
        frame = frame.copy()
        for (unit, key), v in unit_values.items():
            ind = _indicator(profile, key)
            k = KPI_BY_KEY[ind.kpi]
            if unit not in units.index:
                continue
            den = sum(float(units.at[unit, c]) for c in k.den) if all(pd.notna(units.at[unit, c]) for c in k.den) else None
            num = sum(float(units.at[unit, c]) for c in k.num) if all(pd.notna(units.at[unit, c]) for c in k.num) else None
            if not den or num is None:
                continue
            frame = _moved(frame, me, k, v * den - num)
    overrides = {(me, key): v for key, v in (values or {}).items()}
    out = score_frame(frame, profile.indicators, overrides)
    out.insert(2, "is_self", out.peer_code == profile.code)
    return out.sort_values(["rank", "peer_code"], na_position="last").reset_index(drop=True)


def _moved(frame: pd.DataFrame, me, k, delta: float) -> pd.DataFrame:
    """The jurisdiction's counters with `delta` dossiers moved into the KPI's numerator, its
    denominator held: where the numerator's counter is also counted below the line (online
    submissions among all those received), the same dossiers leave the denominator's other
    counter (received in person or by post) — they were received another way, not more of them."""
    col = k.num[0]
    # held as floats: a what-if may need fractional dossiers to hit a value exactly
    frame[col] = frame[col].astype("Float64")
    frame.loc[me, col] = frame.loc[me, col] + delta
    rest = [c for c in (k.den or ()) if c not in k.num]
    if col in (k.den or ()) and rest:
        frame[rest[0]] = frame[rest[0]].astype("Float64")
        frame.loc[me, rest[0]] = frame.loc[me, rest[0]] - delta
    return frame


def _indicator(profile: Profile, key: str) -> Indicator:
    for i in profile.indicators:
        if i.key == key:
            return i
    raise KeyError(key)


@dataclass
class Need:
    indicator: str
    kpi: str
    current: float | None
    needed: float | None          # None: not reachable by this indicator alone
    already: bool
    rank_at_full: int | None

    def text(self, lang: str = "vi", fmt_pct=None) -> str:
        from ..i18n import fmt, pick, t

        pct = fmt_pct or (lambda v: fmt.percent(v, lang))
        label = KPI_BY_KEY[self.kpi].label(lang)
        # inside a Vietnamese sentence: lower the first letter only ("QĐ 766" stays as it is)
        label = pick((label[:1].lower() + label[1:], label), lang)
        if self.current is None:
            return t("need_no_data", lang, label=label)
        if self.already:
            return t("need_already", lang, label=label, current=pct(self.current))
        if self.needed is None:
            return t("need_unreachable", lang, label=label)
        return t("need_from_to", lang, label=label, current=pct(self.current), needed=pct(self.needed))


def what_it_takes(con, start: date, end: date | None = None, target_rank: int | None = None,
                  profile: Profile | None = None) -> list[Need]:
    profile = profile or load_profile()
    end = end or start
    target = target_rank or profile.target_rank
    frame = _peer_frame(con, start, end, profile)
    me = _self_pos(frame, profile)
    if me is None:
        return []
    base = score_frame(frame, profile.indicators)
    used = set(str(base.loc[me, "indicators_used"]).split(",")) - {""}
    now_rank = base.loc[me, "rank"]
    # the search moves only our value: the others' scores are fixed, so each step scores one
    # member and ranks it among them (a whole score_frame per step took 0.5 s a month)
    rec = frame.iloc[me].to_dict()
    usable = usable_indicators(frame, profile.indicators)
    others = [float(x) for i, x in enumerate(base["score"]) if i != me and not pd.isna(x)]

    def rank_with(key: str, v: float) -> int | None:
        own = member_score(rec, profile.indicators, usable, {key: v}).score
        return None if math.isnan(own) else rank_among(own, others)

    out = []
    for ind in profile.indicators:
        cur = base.loc[me, f"value_{ind.key}"]
        cur = None if pd.isna(cur) else float(cur)
        if cur is None or ind.key not in used:
            out.append(Need(ind.key, ind.kpi, cur, None, False, None))
            continue
        if pd.notna(now_rank) and now_rank <= target:
            out.append(Need(ind.key, ind.kpi, cur, cur, True, int(now_rank)))
            continue
        top = max(cur, ind.full_mark)
        r_full = rank_with(ind.key, top)
        if r_full is None or r_full > target:
            out.append(Need(ind.key, ind.kpi, cur, None, False, r_full))
            continue
        lo, hi = cur, top
        # the score rises monotonically with the value, so bisect to a tenth of a point
        for _ in range(40):
            mid = (lo + hi) / 2
            if rank_with(ind.key, mid) <= target:
                hi = mid
            else:
                lo = mid
            if hi - lo < 1e-4:
                break
        out.append(Need(ind.key, ind.kpi, cur, hi, False, r_full))
    return out


def points_by_unit(con, start: date, end: date | None = None, profile: Profile | None = None) -> pd.DataFrame:
    """For each unit and indicator: the district score gained if that unit alone reached the
    indicator's full mark (its numerator raised, its denominator held; the district's
    counters being the sum of its units'): whose improvement gains the district most.

    The peer and unit tables are read once; each pair is one score_frame on a copy (the
    same figures as simulate(unit_values=…) per pair, which would re-read them each time).
    """
    profile = profile or load_profile()
    end = end or start
    cols = ["unit_code", "unit_name", "indicator", "kpi", "value", "gain"]
    peers = _peer_frame(con, start, end, profile)
    me = _self_pos(peers, profile)
    if me is None:
        return pd.DataFrame(columns=cols)
    base_score = score_frame(peers, profile.indicators).loc[me, "score"]
    if pd.isna(base_score):
        return pd.DataFrame(columns=cols)
    units = queries.kpi_table(con, start, end, include_total=False, profile=profile)
    rows = []
    for rec in units.to_dict("records"):
        for ind in profile.indicators:
            k = KPI_BY_KEY[ind.kpi]
            v = rec.get(ind.kpi)
            if v is None or pd.isna(v):
                continue
            num = None if any(pd.isna(rec[c]) for c in k.num) else float(sum(rec[c] for c in k.num))
            den = None if any(pd.isna(rec[c]) for c in k.den) else float(sum(rec[c] for c in k.den))
            gain = 0.0
            if den and num is not None:
                frame = _moved(peers.copy(), me, k, max(float(v), ind.full_mark) * den - num)
                gain = float(score_frame(frame, profile.indicators).loc[me, "score"]) - float(base_score)
            rows.append((rec["unit_code"], rec["unit_name"], ind.key, ind.kpi, float(v), gain))
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values("gain", ascending=False, kind="stable").reset_index(drop=True)
