"""The figure builders, directly: what they draw, in which language, and what they say when
there is nothing to draw."""
from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from metrics import charts, queries
from metrics.store import db
from metrics.model.kpis import KPIS


def series(values, key="on_time_rate", unit="ALL", name="Huyện Tuy Phước"):
    months = [date(2022, m, 1) for m in range(1, len(values) + 1)]
    return pd.DataFrame({"period": months, "unit_code": unit, "unit_name": name,
                         key: pd.array(values, dtype="Float64")})


def annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


@pytest.fixture(scope="module")
def store(sample_db):
    # same configuration as the page tests' connection in this process (DuckDB refuses a
    # read-only and a read-write connection to one file side by side)
    con = db.connect(sample_db)
    yield con
    con.close()


def test_house_style_separators_and_fonts():
    fig = charts.figure_for("on_time_rate", series([0.9, 0.95]), "vi")
    assert fig.layout.separators == ",."
    assert fig.layout.font.size >= 16
    assert charts.figure_for("on_time_rate", series([0.9, 0.95]), "en").layout.separators == ".,"


def test_rate_over_time_in_percent_with_goal_line_and_labels():
    fig = charts.figure_for("on_time_rate", series([0.9, None, 0.975]), "vi", goal=1.0)
    trace = fig.data[0]
    assert isinstance(trace, go.Scatter)
    assert list(trace.y) == [90.0, None, 97.5]                 # a missing month stays a gap
    assert list(trace.x) == ["01/2022", "02/2022", "03/2022"]
    assert "97,5 %" in trace.hovertext[2]
    assert "không có dữ liệu" in trace.hovertext[1]
    assert len(fig.layout.shapes) == 1 and fig.layout.shapes[0].y0 == 100.0
    assert any("Mục tiêu" in a and "100,0 %" in a for a in annotations(fig))
    assert fig.layout.title.text == "Tỷ lệ giải quyết đúng hạn"


def test_count_over_time_as_bars_coloured_against_the_goal():
    fig = charts.figure_for("late_count", series([0, 3, 12], key="late_count"), "en", goal=0)
    bar = fig.data[0]
    assert isinstance(bar, go.Bar)
    assert list(bar.marker.color) == [charts.GOOD, charts.BAD, charts.BAD]
    assert list(bar.text) == ["0", "3", "12"]
    assert fig.layout.title.text == "Dossiers resolved late"


def test_one_line_per_unit():
    df = pd.concat([series([0.9, 0.8], unit="TP", name="Phòng Tư pháp"),
                    series([0.7, 0.6], unit="21961", name="Xã Phước Hưng")])
    fig = charts.figure_for("on_time_rate", df, "vi")
    assert {t.name for t in fig.data} == {"Phòng Tư pháp", "Xã Phước Hưng"}
    assert fig.layout.showlegend


@pytest.mark.parametrize("frame", [None, pd.DataFrame(), series([None, None])])
def test_empty_figures_explain_themselves(frame):
    fig = charts.figure_for("online_rate", frame, "vi")
    assert "Chưa có dữ liệu tháng này" in annotations(fig)
    assert not fig.data
    assert "No data for this month yet" in annotations(charts.figure_for("online_rate", frame, "en"))


def test_goal_status_handles_lower_is_better_and_missing():
    assert charts.goal_status("on_time_rate", 1.0, 1.0) == "good"
    assert charts.goal_status("on_time_rate", 0.9996, 1.0) == "good"     # shows as 100,0 %
    assert charts.goal_status("on_time_rate", 0.98, 1.0) == "bad"
    assert charts.goal_status("late_count", 0, 0) == "good"
    assert charts.goal_status("late_count", 2, 0) == "bad"
    assert charts.goal_status("online_rate", None, 0.5) == "none"
    assert charts.goal_status("online_rate", 0.6, None) == "none"


def test_quartile_bands_and_cell_colours():
    vals = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    assert charts.quartile_band(0.1, vals, False) == 0
    assert charts.quartile_band(0.8, vals, False) == 3
    assert charts.quartile_band(0.1, vals, True) == 3           # low is good for counts
    assert charts.quartile_band(None, vals, False) is None
    assert charts.cell_colour("online_rate", 0.8, vals, goal=0.5) == charts.GOAL_MET_COLOUR
    assert charts.cell_colour("online_rate", 0.1, vals, goal=0.5) == charts.QUARTILE_COLOURS[0]
    assert charts.cell_colour("online_rate", None, vals, goal=0.5) is None


def test_unit_bars_show_the_worst_units_first():
    frame = pd.DataFrame({
        "unit_code": ["ALL", "A", "B", "C"], "unit_name": ["Tổng", "Đơn vị A", "Đơn vị B", "Đơn vị C"],
        "late_count": pd.array([30, 20, 1, 9], dtype="Float64"),
        "on_time_rate": pd.array([0.9, 0.5, 1.0, 0.8], dtype="Float64"),
    })
    late = charts.unit_bars(frame, "late_count", "vi", goal=0, top=2, share_of=30)
    assert list(late.data[0].y) == ["Đơn vị A", "Đơn vị C"]        # the ALL row never competes
    assert late.data[0].text[0] == "20 (66,7 %)"
    low = charts.unit_bars(frame, "on_time_rate", "vi", goal=1.0, top=2)
    assert list(low.data[0].y) == ["Đơn vị A", "Đơn vị C"]
    assert list(low.data[0].marker.color) == [charts.BAD, charts.BAD]
    assert charts.wrap("Chi nhánh Văn phòng Đăng ký đất đai huyện Tuy Phước").count("<br>") == 1


def test_heatmap_units_by_months(store):
    df = queries.kpi_series(store, date(2021, 11, 1), date(2022, 10, 1), by_unit=True)
    fig = charts.league_heatmap(df, "on_time_rate", "vi", goal=1.0)
    hm = fig.data[0]
    assert isinstance(hm, go.Heatmap)
    assert len(hm.y) == df.unit_code.nunique()
    assert len(hm.x) == 12 and hm.x[0] == "11/2021"
    assert all(v is None or 0 <= v <= 100 for row in hm.z for v in row)
    assert any("," in cell or cell == "–" for row in hm.text for cell in row)
    # lower is better: the colour scale runs the other way
    late = charts.league_heatmap(df, "late_count", "vi")
    assert late.data[0].colorscale[0][1] == charts.SCALE_UP[-1][1]


def test_every_kpi_of_the_registry_draws(store):
    df = queries.kpi_series(store, date(2021, 9, 1), date(2022, 10, 1))
    for k in KPIS:
        fig = charts.figure_for(k.key, df, "vi")
        assert isinstance(fig, go.Figure)
        fig.to_json()                      # the exports serialise the same figures


def test_peer_bars_and_rank_trend(store):
    from metrics.rules import score

    ranking = score.peer_ranking(store, date(2022, 10, 1))
    assert not ranking.empty
    fig = charts.peer_bars(ranking, "vi", target_rank=5, stretch_rank=4)
    bar = fig.data[0]
    me = ranking[ranking.is_self].peer_name.iloc[0]
    assert bar.marker.color[list(bar.y).index(me)] == charts.SELF
    assert list(bar.x) == sorted(bar.x, reverse=True)
    assert any(s.type == "rect" for s in fig.layout.shapes)       # the target band
    hist = score.rank_history(store, date(2022, 7, 1), date(2022, 10, 1))
    trend = charts.rank_trend(hist, "vi", target_rank=5)
    assert list(trend.layout.yaxis.range) == [11.5, 0.5]           # rank 1 at the top
    assert "Nhóm mục tiêu (hạng 1–5)" in trend.layout.title.text


def test_peer_charts_without_peer_data_say_so():
    assert "Cần số liệu các huyện để xếp hạng." in annotations(charts.peer_bars(pd.DataFrame(), "vi"))
    assert "Needs peer data to rank." in annotations(charts.rank_trend(pd.DataFrame(), "en"))


def test_sparkline_marks_the_last_value_in_its_goal_colour():
    fig = charts.sparkline([1, 2, 3], [0.9, 0.95, 1.0], "on_time_rate", "vi", goal=1.0)
    assert fig.data[1].marker.color == charts.GOOD
    assert fig.layout.height == 70


def test_values_written_after_bars_get_their_room_in_the_margin():
    frame = pd.DataFrame({"unit_code": ["A", "B"], "unit_name": ["Xã A", "Xã B"], "late_count": [40, 4]})
    short = charts.unit_bars(frame, "late_count", "vi", title="T")
    long = charts.unit_bars(frame, "late_count", "vi", title="T", share_of=44.0)
    # "40 (90,9 %)" needs more room than "40": the margin grows, the bars keep the plot's width
    assert long.layout.margin.r > short.layout.margin.r >= 16
    assert list(short.layout.xaxis.range) == list(long.layout.xaxis.range) == [0, 40 * 1.02]
