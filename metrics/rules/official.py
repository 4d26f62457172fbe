"""The official score (Decision 766/QĐ-TTg, as the national portal publishes it) beside the
project's estimate (score.py), and the estimate's error per group.

The official index scores five groups on 100 points: transparency 18, progress 20, online
services 22 (online submission 12 + online payment 10), satisfaction 18, digitisation 22
(domain 6). The estimate computes some indicators from dossiers; each group's estimate in
official points is its maximum times the weighted share of full marks of the indicators
that feed it. Transparency cannot be estimated from dossiers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..i18n import pick

if TYPE_CHECKING:
    import pandas as pd

GROUP_KEYS = ("transparency", "progress", "online", "online_payment", "satisfaction", "digitisation", "total")


@dataclass(frozen=True)
class Group:
    key: str
    vi: str
    en: str
    points: float                    # the group's maximum in the official index
    indicators: tuple[str, ...]      # the profile's score indicators that estimate it

    def label(self, lang: str = "vi") -> str:
        return pick((self.vi, self.en), lang)


GROUPS = [
    Group("transparency", "Công khai, minh bạch", "Transparency", 18, ()),
    Group("progress", "Tiến độ giải quyết", "Progress", 20, ("progress",)),
    Group("online", "Dịch vụ công trực tuyến", "Online services", 22, ("online_submission", "online_payment")),
    Group("satisfaction", "Mức độ hài lòng", "Satisfaction", 18, ("satisfaction",)),
    Group("digitisation", "Số hóa hồ sơ", "Digitisation", 22, ("digitisation", "e_result")),
]


def official_table(con, period: date, level: str = "peer") -> pd.DataFrame:
    """The imported official scores of one month (level 'peer' or 'unit')."""
    import pandas as pd

    return con.execute(
        "SELECT code, transparency, progress, online, online_payment, satisfaction, digitisation, total "
        "FROM official_scores WHERE is_current AND level = ? AND period = ? ORDER BY total DESC NULLS LAST, code",
        [level, period]).df()


def official_periods(con, level: str = "peer") -> list[date]:
    return [r[0] for r in con.execute("SELECT DISTINCT period FROM official_scores WHERE is_current AND level = ? "
                                      "ORDER BY 1", [level]).fetchall()]


def estimate_points(row: pd.Series, indicators) -> dict[str, float | None]:
    """Each group's estimate in official points from a score_frame row (value_<indicator>)."""
    import pandas as pd

    by_key = {i.key: i for i in indicators}
    out: dict[str, float | None] = {}
    for g in GROUPS:
        parts = []
        for key in g.indicators:
            ind = by_key.get(key)
            v = row.get(f"value_{key}") if ind is not None else None
            if ind is None or v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                continue
            parts.append((ind.weight, min(1.0, float(v) / ind.full_mark)))
        w = sum(p[0] for p in parts)
        out[g.key] = g.points * sum(p[0] * p[1] for p in parts) / w if w else None
    return out


def comparison(con, period: date, ranking: pd.DataFrame, indicators, code_col: str = "peer_code",
               level: str = "peer") -> pd.DataFrame:
    """Per member: the official total and rank beside the estimate's score and rank, and per
    group the official points, the estimate and its error (estimate − official). Empty when
    no official table was imported for the month."""
    import pandas as pd

    off = official_table(con, period, level)
    if off.empty or ranking.empty:
        return pd.DataFrame()
    from .score import competition_rank

    off = off.set_index("code")
    rows = []
    for _, r in ranking.iterrows():
        code = r[code_col]
        est = estimate_points(r, indicators)
        rec = {"code": code, "estimate_score": r.get("score"), "estimate_rank": r.get("rank")}
        o = off.loc[code] if code in off.index else None
        rec["official_total"] = None if o is None else o["total"]
        for g in GROUPS:
            ov = None if o is None else o[g.key]
            ov = None if ov is None or (isinstance(ov, float) and math.isnan(ov)) else float(ov)
            rec[f"official_{g.key}"] = ov
            rec[f"estimate_{g.key}"] = est[g.key]
            rec[f"error_{g.key}"] = None if ov is None or est[g.key] is None else est[g.key] - ov
        rows.append(rec)
    df = pd.DataFrame(rows)
    df["official_total"] = pd.to_numeric(df["official_total"], errors="coerce")
    df["official_rank"] = competition_rank(df["official_total"])
    return df


def peer_comparison(con, period: date, profile=None) -> pd.DataFrame:
    """The month's peer ranking by the estimate beside the official table, when one was
    imported for that month (else empty)."""
    import pandas as pd

    from ..model.profile import load_profile
    from .score import peer_ranking

    profile = profile or load_profile()
    if not official_periods(con, "peer") or period not in official_periods(con, "peer"):
        return pd.DataFrame()
    ranking = peer_ranking(con, period, period, profile)
    if ranking.empty:
        off = official_table(con, period, "peer")
        ranking = pd.DataFrame({"peer_code": off.code, "score": float("nan"), "rank": pd.NA})
    return comparison(con, period, ranking, profile.indicators)
