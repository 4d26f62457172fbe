"""Year-end projection of score and rank from the months so far.

Method (kept simple so that it can be explained in one sentence on the page): for every
peer, a straight line is fitted by least squares to its monthly scores of the year and
extended to December; peers are ranked on the projected scores. Our uncertainty is the
95 % prediction interval of that line (±1.96 standard errors, from the scatter of the
months around it); the rank range is the rank at both ends of the interval.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from .. import queries
from ..model.profile import Profile, load_profile
from .score import peer_ranking, rank_among, target_cut

METHOD_VI = ("Mỗi đơn vị: đường thẳng bình phương nhỏ nhất qua điểm các tháng trong năm, kéo dài đến "
             "tháng 12; khoảng tin cậy 95 % từ độ phân tán của các tháng quanh đường thẳng.")
METHOD_EN = ("Each peer: a least-squares straight line through the year's monthly scores, extended to "
             "December; 95 % interval from the scatter of the months around the line.")


@dataclass
class Projection:
    year: int
    months_used: int
    score: float | None
    low: float | None
    high: float | None
    rank: int | None
    rank_best: int | None
    rank_worst: int | None
    target_rank: int
    month_reached: date | None          # first month at which the projected rank meets the target
    already: bool
    trajectory: pd.DataFrame = field(default_factory=pd.DataFrame)  # month, score, target_score
    # December is in: score and rank are the year's actual result, not a projection
    final: bool = False


def _fit(xs: list[float], ys: list[float]) -> tuple[float, float, float, float, float]:
    """slope, intercept, residual std, mean x, Sxx."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    intercept = my - slope * mx
    resid = [y - (intercept + slope * x) for x, y in zip(xs, ys)]
    sd = math.sqrt(sum(r * r for r in resid) / (n - 2)) if n > 2 else float("nan")
    return slope, intercept, sd, mx, sxx


def _clamp(v: float) -> float:
    return max(0.0, min(100.0, v))


def project(con, upto: date, profile: Profile | None = None) -> Projection | None:
    profile = profile or load_profile()
    year = upto.year
    months = [p for p in queries.peer_periods(con) if p.year == year and p <= upto]
    scores: dict[str, dict[int, float]] = {}
    for p in months:
        r = peer_ranking(con, p, p, profile)
        for row in r.itertuples():
            if pd.notna(row.score):
                scores.setdefault(row.peer_code, {})[p.month] = float(row.score)
    mine = scores.get(profile.code, {})
    if not mine:
        return None
    fits = {}
    for code, by_month in scores.items():
        xs = sorted(by_month)
        ys = [by_month[x] for x in xs]
        fits[code] = _fit([float(x) for x in xs], ys) if len(xs) >= 2 else (0.0, ys[-1], float("nan"), xs[-1], 0.0)

    def at(code: str, m: int) -> float:
        s, i, *_ = fits[code]
        return _clamp(i + s * m)

    def rank_of(value: float, m: int) -> int:
        return rank_among(value, [at(c, m) for c in fits if c != profile.code])

    def target_score(m: int) -> float | None:
        # what our score must reach in month m to hold the target place
        return target_cut([at(c, m) for c in fits if c != profile.code], profile.target_rank)

    end = 12
    slope, intercept, sd, mx, sxx = fits[profile.code]
    score = at(profile.code, end)
    n = len(mine)
    if n > 2 and sxx and not math.isnan(sd):
        se = sd * math.sqrt(1 + 1 / n + (end - mx) ** 2 / sxx)
        low, high = _clamp(score - 1.96 * se), _clamp(score + 1.96 * se)
    else:
        low = high = None
    rank = rank_of(score, end)
    last = max(mine)
    already = rank_of(mine[last], last) <= profile.target_rank if last in mine else False
    reached = None
    for m in range(last, end + 1):
        if rank_of(at(profile.code, m), m) <= profile.target_rank:
            reached = date(year, m, 1)
            break
    traj = pd.DataFrame([{"month": date(year, m, 1), "score": at(profile.code, m), "target_score": target_score(m),
                          "actual": mine.get(m)} for m in range(min(mine), end + 1)])
    if all(end in s for s in scores.values()):
        # December is in for us and every peer scored this year: a line fitted through it would
        # "forecast" a month already measured (91,8 beside an actual 90,1); the actual score and
        # rank are the year's result. (With some peers' December still missing, a rank among the
        # others would flatter: the projection stands until they are in.)
        actual_rank = rank_among(mine[end], [s[end] for c, s in scores.items() if c != profile.code])
        return Projection(year, n, mine[end], None, None, actual_rank, None, None, profile.target_rank, None,
                          actual_rank <= profile.target_rank, traj, final=True)
    return Projection(year, n, score, low, high, rank,
                      rank_of(high, end) if high is not None else None,
                      rank_of(low, end) if low is not None else None,
                      profile.target_rank, reached, already, traj)
