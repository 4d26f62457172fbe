"""Service score and rank against hand-worked cases (domain.md section 6)."""
from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from metrics.model.profile import load_profile
from metrics.rules.score import competition_rank, score_frame

PROFILE = load_profile()
COLS = ["received_total", "resolved_early", "resolved_on_time", "pending_in_time", "received_online",
        "received_direct_post", "fee_dossiers", "paid_online", "rated", "satisfied", "resolved", "e_result",
        "digitised"]


def frame(rows: dict[str, list]) -> pd.DataFrame:
    df = pd.DataFrame([[code, *vals] for code, vals in rows.items()], columns=["peer_code", *COLS])
    for c in COLS:
        df[c] = df[c].astype("Int64")
    # early and on time together, as every source that gives both gives it
    df["resolved_in_time"] = df.resolved_early + df.resolved_on_time
    return df


A = [100, 60, 30, 5, 30, 70, 10, 5, 20, 18, 90, 45, 90]
B = [50, 20, 20, 0, 5, 45, 10, 10, None, None, 45, 45, 0]      # no satisfaction counters
C = [10, 10, 0, 0, 5, 5, 0, 0, 5, 5, 10, 10, 10]               # no fee-bearing dossier


def test_all_indicators_known():
    out = score_frame(frame({"A": A}), PROFILE.indicators)
    # progress .95, online .3/.5, payment .5, satisfaction .9/.9, e-result .5, digitisation 1
    # = (20*.95 + 6*.6 + 6*.5 + 6*1 + 6*.5 + 4*1) / 48 = 38.6 / 48
    assert math.isclose(out.score[0], 100 * 38.6 / 48)


def test_indicator_missing_for_one_peer_is_dropped_for_all_and_zero_denominator_for_one():
    out = score_frame(frame({"A": A, "B": B, "C": C, "D": A}), PROFILE.indicators).set_index("peer_code")
    # satisfaction is unknown for B, so nobody is scored on it: weights 20+6+6+6+4 = 42
    assert math.isclose(out.score["A"], 100 * 32.6 / 42)            # 19 + 3.6 + 3 + 3 + 4
    assert math.isclose(out.score["B"], 100 * 29.2 / 42)            # 16 + 1.2 + 6 + 6 + 0
    # C has no fee-bearing dossier: payment is left out of C's own sum (36), everything else full
    assert math.isclose(out.score["C"], 100.0)
    assert out.indicators_used["C"] == "progress,online_submission,e_result,digitisation"
    # ties share a rank: 1, 2, 2, 4
    assert list(out.loc[["C", "A", "D", "B"], "rank"]) == [1, 2, 2, 4]
    # points missing per indicator, and they add up to 100 - score
    assert math.isclose(out.points_progress["A"], 100 * 20 * 0.05 / 42)
    assert math.isclose(out.points_online_payment["A"], 100 * 6 * 0.5 / 42)
    assert math.isnan(out.points_satisfaction["A"])
    pts = [c for c in out.columns if c.startswith("points_")]
    assert math.isclose(out.loc["A", pts].astype(float).fillna(0).sum(), 100 - out.score["A"])


def test_one_rank_rule_for_a_peer_a_projection_and_the_demo():
    from demo import story as demo
    from metrics.rules import projection
    from metrics.rules.score import rank_among

    # 1 + how many others score more at 2 decimals: 95 is ahead, 90.001 ties with 90.004
    assert rank_among(90.004, [90.001, 80.0, 95.0]) == 2
    assert rank_among(79.99, [80.0, 80.0]) == 3
    # the projection and the demo's story rank with it, not with a copy of the rule
    assert projection.rank_among is rank_among and demo.rank_among is rank_among
    assert not hasattr(demo, "rank_of")


def test_competition_rank_rounds_to_two_decimals():
    r = competition_rank(pd.Series([90.004, 90.001, 80.0, float("nan"), 95.0]))
    assert list(r) == [2, 2, 4, pd.NA, 1]


def test_peer_ranking_end_to_end_and_a_peer_without_data(tmp_path):
    """Own row = sum of the units; a peer without a row this month is not ranked."""
    from metrics.store import db as dbm
    from metrics import queries
    from metrics.importers.core import import_file
    from metrics.rules.score import peer_ranking
    from tests import fixture_month as fm
    from tests import report_fixtures as rf

    con = dbm.connect(tmp_path / "r.duckdb")
    import_file(con, fm.write_csv(tmp_path / "d.csv"))
    import_file(con, rf.write_peers(tmp_path / "p.csv"))
    r = peer_ranking(con, date(2022, 8, 1))
    assert set(r.peer_code) == {"540", "542", "547", "550"}
    own = queries.kpi_table(con, date(2022, 8, 1))
    me = r[r.is_self].iloc[0]
    # the peer file has no fee, rating or digitisation columns: only progress and online count
    assert me.indicators_used == "progress,online_submission"
    allrow = own[own.unit_code == "ALL"].iloc[0]
    expected = 100 * (20 * allrow.progress_766 + 6 * min(1, allrow.online_rate / 0.5)) / 26
    assert math.isclose(me.score, expected)
    # Quy Nhơn: progress (3000+1500+350)/5000, online 2000/4700
    qn = r[r.peer_code == "540"].iloc[0]
    assert math.isclose(qn.score, 100 * (20 * 4850 / 5000 + 6 * min(1, (2000 / 4700) / 0.5)) / 26)
    con.close()


def test_what_it_takes_reaches_exactly_the_target(tmp_path):
    from metrics.store import db as dbm
    from metrics.importers.core import import_file
    from metrics.rules.whatif import simulate, what_it_takes
    from tests import fixture_month as fm
    from tests import report_fixtures as rf

    con = dbm.connect(tmp_path / "w.duckdb")
    import_file(con, fm.write_csv(tmp_path / "d.csv"))
    import_file(con, rf.write_peers(tmp_path / "p.csv"))
    p = date(2022, 8, 1)
    base = simulate(con, p)
    assert int(base[base.is_self]["rank"].iloc[0]) == 4  # 70 % progress is last of four
    needs = {n.indicator: n for n in what_it_takes(con, p, target_rank=2)}
    prog = needs["progress"]
    assert prog.needed is not None and prog.current < prog.needed <= 1
    at = simulate(con, p, values={"progress": prog.needed})
    below = simulate(con, p, values={"progress": prog.needed - 0.002})
    assert int(at[at.is_self]["rank"].iloc[0]) <= 2 < int(below[below.is_self]["rank"].iloc[0])
    assert needs["online_payment"].needed is None  # not an indicator here (no peer reports it)
    assert "lên" in prog.text("vi")
    con.close()


def test_projection_straight_line(tmp_path):
    """Peers with scores that move on straight lines project exactly."""
    import csv

    from metrics.store import db as dbm
    from metrics.importers.core import import_file
    from metrics.rules.projection import project
    from tests import fixture_month as fm

    con = dbm.connect(tmp_path / "p.duckdb")
    import_file(con, fm.write_csv(tmp_path / "d.csv"))  # our district: August only (progress 70 %)
    # Quy Nhơn: progress 50 % in June, 60 % in July, 70 % in August: +10 points of progress a month
    with (tmp_path / "peers.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Huyện", "Tháng", "Tổng tiếp nhận", "Trước hạn", "Đúng hạn", "Quá hạn", "Trong hạn", "Quá hạn",
                    "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước"])
        for m, early in ((6, 50), (7, 60), (8, 70)):
            w.writerow(["TP Quy Nhơn", f"{m:02d}/2022", 100, early, 0, 0, 0, 100 - early, 25, 75, 0])
    import_file(con, tmp_path / "peers.csv")
    pr = project(con, date(2022, 8, 1))
    # Quy Nhơn's score (progress weight 20, online 6 at 25/50 = half marks) is
    # (20 * p + 3) / 26: 50.0, 57.69, 65.38 -> +7.69 a month -> December 65.38 + 4 * 7.69 = 96.15
    # ours: June 0 (TP3 late), July 100 (all pending in time, online 1 of 2), August 65.38
    # -> slope 32.69 a month from 55.13 in July: far above 100 by December, held at 100
    assert pr.months_used == 3 and pr.year == 2022
    assert math.isclose(pr.score, 100.0)
    assert pr.rank == 1
    qn_dec = 100 * (20 * 0.7 + 3) / 26 + 4 * (100 * (20 * 0.1) / 26)
    traj = pr.trajectory.set_index("month")
    assert math.isclose(traj.loc[date(2022, 8, 1), "actual"], 100 * 17 / 26)
    # the scatter of three months around our line is huge: the 95 % interval spans 0-100,
    # so the worst case is below Quy Nhơn (rank 2)
    assert pr.low == 0.0 and pr.high == 100.0 and pr.rank_worst == 2 and pr.rank_best == 1
    # two peers only: rank 1 of 2 is within the target of 5 already in August
    assert pr.already and pr.month_reached == date(2022, 8, 1)
    assert qn_dec < 100
    con.close()


def test_the_target_cut_is_the_score_that_holds_the_target_place():
    from metrics.rules.score import competition_rank, target_cut

    others = [90.0, 85.0, 80.0, 78.0, 76.0, 70.0]
    cut = target_cut(others, 5)
    assert cut == 76.0
    # at the cut we rank 5th, a hair below it 6th, whether we start inside the band or not
    for ours, rank in ((cut, 5), (cut - 0.01, 6), (95.0, 1)):
        ranks = competition_rank(pd.Series([*others, ours]))
        assert ranks.iloc[-1] == rank
    assert target_cut([90.0, None, 80.0], 5) is None           # fewer others than places: any score holds it
    assert target_cut([90.0, 80.0], 2) == 80.0


# --- one hand-worked month among peers (tests/ranking_fixture.py: the arithmetic is there) -----------
@pytest.fixture
def ranking_con(tmp_path):
    from metrics.store import db as dbm
    from tests import ranking_fixture as rk

    con = dbm.connect(rk.build(tmp_path / "rank.duckdb", tmp_path / "files"))
    yield con
    con.close()


def test_the_profile_is_the_one_the_ranking_fixture_was_worked_out_for():
    ind = {i.key: (i.weight, i.full_mark) for i in PROFILE.indicators}
    assert ind["progress"] == (20, 1.0) and ind["online_submission"] == (6, 0.5)
    assert (PROFILE.target_rank, PROFILE.stretch_rank, PROFILE.code) == (5, 4, "550")


def test_peer_ranking_of_the_hand_worked_month(ranking_con):
    from metrics.rules.score import peer_ranking, rank_among, target_cut
    from tests import ranking_fixture as rk

    r = peer_ranking(ranking_con, rk.PERIOD).set_index("peer_code")
    assert set(r.index) == set(rk.SCORES)
    for code, expected in rk.SCORES.items():
        assert math.isclose(r.score[code], expected), code
        assert r["rank"][code] == rk.RANKS[code], code
    assert set(r.indicators_used) == {"progress,online_submission"}      # no peer gives the others
    assert r.is_self["550"] and r.is_self.sum() == 1
    # the district's own row is the sum of its two units: (50 + 30 + 5) / 100 and 36 / 90
    assert math.isclose(r.value_progress["550"], rk.PROGRESS)
    assert math.isclose(r.value_online_submission["550"], rk.ONLINE)
    # points missing: progress 100 × 20 × 0.15 / 26 = 300 / 26, online 100 × 6 × 0.2 / 26 = 120 / 26
    assert math.isclose(r.points_progress["550"], 300 / 26)
    assert math.isclose(r.points_online_submission["550"], 120 / 26)
    # the place cuts among the others: Tây Sơn's 92.31 holds 4th, An Lão's 73.08 holds 5th
    others = r.score.drop("550")
    assert target_cut(others, 4) == 92.31 and target_cut(others, 5) == 73.08
    assert rank_among(rk.SCORES["550"], others) == 5


def test_what_it_takes_and_what_if_on_the_hand_worked_month(ranking_con):
    from metrics.rules.whatif import simulate, what_it_takes
    from tests import ranking_fixture as rk

    def own(sim):
        me = sim[sim.is_self].iloc[0]
        return float(me.score), int(me["rank"])

    # already 5th: the target place 5 needs nothing
    assert all(n.already for n in what_it_takes(ranking_con, rk.PERIOD, target_rank=5) if n.current is not None)
    needs = {n.indicator: n for n in what_it_takes(ranking_con, rk.PERIOD, target_rank=4)}
    # progress alone: 20 p + 4.8 = 24 -> p = 0.96; to 2 decimals a score of 92.305 already
    # ties (p ≥ 0.959965), and the search stops within 1e-4 above the least value that does
    prog = needs["progress"]
    assert prog.current == rk.PROGRESS and 0.959965 <= prog.needed < 0.96 + 1e-4
    assert prog.text("vi") == "chỉ số tiến độ (QĐ 766) từ 85,0 % lên 96,0 %"
    # online alone, even at its full mark 50 %: 100 × (17 + 6) / 26 = 88.46, still 5th
    online = needs["online_submission"]
    assert online.needed is None and online.rank_at_full == 5
    assert online.text("vi") == "tỷ lệ nộp trực tuyến: không đủ nếu chỉ cải thiện chỉ số này"
    assert all(needs[k].current is None for k in ("online_payment", "satisfaction", "e_result", "digitisation"))
    # the what-if: progress 100 % -> 95.38, 3rd; at the road's 96 % -> 92.31, 4th (shared with
    # Tây Sơn); online 50 % -> 88.46, 5th
    score, rank = own(simulate(ranking_con, rk.PERIOD, values={"progress": 1.0}))
    assert math.isclose(score, rk.SCORE_PROGRESS_AT_100) and rank == rk.RANK_PROGRESS_AT_100
    score, rank = own(simulate(ranking_con, rk.PERIOD, values={"progress": rk.PROGRESS_FOR_4TH}))
    assert math.isclose(score, 2400 / 26) and rank == 4
    score, rank = own(simulate(ranking_con, rk.PERIOD, values={"online_submission": 0.5}))
    assert math.isclose(score, rk.SCORE_ONLINE_AT_FULL) and rank == 5
    # by one unit: Phòng Tư pháp's progress 34/40 -> 40/40 adds 6 to the district's 85 of 100
    score, rank = own(simulate(ranking_con, rk.PERIOD, unit_values={("TP", "progress"): 1.0}))
    assert math.isclose(score, 100 * (20 * 0.91 + 4.8) / 26) and rank == 5


def test_a_units_online_rate_what_if_holds_its_denominator(ranking_con):
    from metrics.rules.whatif import points_by_unit, simulate
    from tests import ranking_fixture as rk

    # Phước Hưng (21961): 16 online of 16 + 34 = 50. At 50 %, 25 of its 50 dossiers online (9
    # more, taken from direct/post): the district 45 of 90 = 50 %, the full mark, so
    # 100 × (17 + 6) / 26 = 88.46, 120 / 26 = 4.62 points more
    sim = simulate(ranking_con, rk.PERIOD, unit_values={("21961", "online_submission"): 0.5})
    me = sim[sim.is_self].iloc[0]
    gain = points_by_unit(ranking_con, rk.PERIOD).set_index(["unit_code", "indicator"]).gain
    # (the denominator moved with the numerator once: 45 / 99, 86.36 and 2.52)
    assert math.isclose(me.value_online_submission, 0.5)
    assert math.isclose(me.score, rk.SCORE_ONLINE_AT_FULL)
    assert math.isclose(gain[("21961", "online_submission")], 120 / 26)


def test_with_december_in_the_projection_is_the_years_actual_result(demo_db):
    """A line fitted through December would "forecast" a month already measured (91,8 beside
    an actual 90,1 on the demo): the result is December's actual score and rank."""
    import duckdb

    from metrics.rules.projection import project
    from metrics.rules.score import peer_ranking

    con = duckdb.connect(str(demo_db))     # (the app may hold it in this process: same configuration)
    try:
        prof = load_profile()
        dec = date(2022, 12, 1)
        actual = peer_ranking(con, dec, dec, prof)
        me = actual[actual.peer_code == prof.code].iloc[0]
        pr = project(con, dec, prof)
        assert pr.final and pr.low is None and pr.high is None
        assert math.isclose(pr.score, float(me.score)) and pr.rank == int(me["rank"])
        assert pr.already == (int(me["rank"]) <= prof.target_rank)
        # before December it is still a projection
        nov = project(con, date(2022, 11, 1), prof)
        assert not nov.final and nov.score is not None
    finally:
        con.close()


def test_with_a_peers_december_missing_it_is_still_a_projection(demo_db, copy_db):
    """A rank among the peers that have sent December would flatter (first of the two in):
    the projection stands until every peer scored this year has December."""
    import duckdb

    from metrics.rules.projection import project

    path = copy_db(demo_db)
    con = duckdb.connect(str(path))
    try:
        late = con.execute("SELECT peer_code FROM peer_rows WHERE is_current AND period = DATE '2022-12-01' "
                           "LIMIT 1").fetchone()[0]
        con.execute("UPDATE peer_rows SET is_current = FALSE WHERE peer_code = ? AND period = DATE '2022-12-01'",
                    [late])
        pr = project(con, date(2022, 12, 1), load_profile())
        assert not pr.final and pr.low is not None and pr.high is not None
    finally:
        con.close()


def test_the_december_briefing_states_the_result_not_a_forecast(demo_db):
    import duckdb

    from metrics.export import month as month_export
    from metrics.export import slides
    from metrics.i18n import t

    con = duckdb.connect(str(demo_db))     # (the app may hold it in this process: same configuration)
    try:
        m = month_export.gather(con, date(2022, 12, 1), load_profile(), "vi")
        pr = m.projection
        assert pr.final
        road = slides.road_slide(m)
        assert t("export_projection_final", "vi", rank=pr.rank, score=f"{pr.score:.1f}".replace(".", ",")) \
            in road.bullets
        assert not any(b.startswith("Dự báo cuối năm") for b in road.bullets)
        assert "Cách dự báo:" not in road.notes
    finally:
        con.close()
