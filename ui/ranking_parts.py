"""What the ranking page reads besides the engine's cached calls: the gaps to the target
places, where the points are per unit (fast), the what-if, and the official yearly index.

"""
from __future__ import annotations

import math
from datetime import date

import pandas as pd
import streamlit as st

from metrics import queries
from metrics.rules import whatif

from . import data


def _self_row(frame: pd.DataFrame, code: str) -> int | None:
    idx = frame.index[frame.peer_code == code]
    return int(idx[0]) if len(idx) else None


@st.cache_data(show_spinner=False, max_entries=64)
def _points_by_unit(path: str, version: tuple, start: date, end: date) -> pd.DataFrame:
    with data.cursor(path) as cur:
        return whatif.points_by_unit(cur, start, end, data.profile())


def unit_gains(start: date, end: date) -> pd.DataFrame:
    return _points_by_unit(data.db_key(), data.data_version(), start, end)


@st.cache_data(show_spinner=False, max_entries=16)
def _official_index(path: str, version: tuple) -> pd.DataFrame:
    with data.cursor(path) as cur:
        return queries.peer_index(cur)


def official_index() -> pd.DataFrame:
    prof = data.profile()
    df = _official_index(data.db_key(), data.data_version())
    if df.empty:
        return df.assign(peer_name=[], is_self=[])
    return df.assign(peer_name=[prof.peer_name(c) for c in df.peer_code], is_self=df.peer_code == prof.code)


def simulate(start: date, end: date, values: dict | None = None, unit_values: dict | None = None) -> pd.DataFrame:
    """whatif.simulate, uncached (a slider gives a new value on every move)."""
    from metrics.rules import whatif

    with data.cursor() as cur:
        return whatif.simulate(cur, start, end, values=values or None, unit_values=unit_values or None,
                               profile=data.profile())


def self_of(ranking: pd.DataFrame) -> dict | None:
    if ranking is None or ranking.empty or "is_self" not in ranking or not ranking.is_self.any():
        return None
    return ranking[ranking.is_self].iloc[0].to_dict()


def place_score(ranking: pd.DataFrame, place: int) -> tuple[float | None, str | None]:
    """The score and name of the member at `place` (1 = best) by score."""
    ordered = ranking.dropna(subset=["score"]).sort_values("score", ascending=False, kind="stable")
    if len(ordered) < place:
        return None, None
    r = ordered.iloc[place - 1]
    return float(r.score), str(r.peer_name)


def gap_to(ranking: pd.DataFrame, place: int) -> dict | None:
    """How far the jurisdiction is from `place`: behind (points to gain to equal its score)
    or, when already there, ahead of the next place (points of margin)."""
    me = self_of(ranking)
    if me is None or pd.isna(me.get("score")) or pd.isna(me.get("rank")):
        return None
    score = float(me["score"])
    if int(me["rank"]) > place:
        s, name = place_score(ranking, place)
        if s is None:
            return None
        return {"inside": False, "points": max(0.0, s - score), "name": name, "place": place}
    s, name = place_score(ranking, place + 1)
    return {"inside": True, "points": None if s is None else max(0.0, score - s), "name": name, "place": place + 1}


def clamp_rate(v) -> float:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(v) else max(0.0, min(1.0, v))
