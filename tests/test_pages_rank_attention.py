"""The ranking, attention and presentation pages through AppTest (demo data, empty store,
English), what they compute (what-if, commitments judged next month, events on every time
series), and the pieces they are built from, tested directly."""
from __future__ import annotations

import base64
import json
import re
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from metrics import charts
from metrics.store import db
from metrics.i18n import fmt
from metrics.store.auth import User
from metrics.model.kpis import KPI_BY_KEY
from metrics.i18n import t
from tests.page_html import tables as html_tables
from tests.test_pages import (  # noqa: F401
    _app_like_a_running_server, assert_clean, figures, goto, metrics, open_app, plotly_specs, sidebar_order, texts)

NEW_PAGES = ["ranking", "attention", "presentation"]


# --- every new page, with and without data, in both languages ---------------------------------------
def demo_rank(path, period: date) -> tuple[int, int]:
    """The district's rank and the number ranked, as the engine computes them on the demo."""
    from metrics.rules import score

    con = db.connect(path)
    try:
        r = score.peer_ranking(con, period)
    finally:
        con.close()
    return int(r[r.is_self]["rank"].iloc[0]), int(r.score.notna().sum())


@pytest.fixture(scope="module")
def ranking_db(tmp_path_factory):
    """The hand-worked ranking month of tests/ranking_fixture.py (August 2022)."""
    from tests import ranking_fixture

    base = tmp_path_factory.mktemp("ranking")
    return ranking_fixture.build(base / "ranking.duckdb", base / "files")


@pytest.mark.parametrize("page", NEW_PAGES)
def test_new_pages_render_with_the_demo_data(monkeypatch, demo_db, page):
    at = open_app(monkeypatch, demo_db, page, p="2022-08")
    assert at.title[0].value == t(f"page_{page}", "vi")
    body = texts(at)
    assert "DỮ LIỆU MẪU" in body and "Số liệu đến ngày" in body
    assert "Traceback" not in body
    if page == "ranking":
        # a smoke test of the demo's story: its rank is whatever the engine makes of the
        # story's figures (the page's own numbers are checked on a hand-worked month below,
        # test_ranking_page_shows_the_hand_worked_month)
        rank, n = demo_rank(demo_db, date(2022, 8, 1))
        assert metrics(at)[t("rank", "vi")] == f"{rank} / {n}"
        assert t("road_title", "vi", stretch=4, target=5) in body
        for place in (5, 4):
            assert (t("road_inside", "vi", rank=rank, place=place) in body) == (rank <= place)
        # one section at a time: the standing's two light charts (no Plotly to load), the
        # projection a click away
        assert not plotly_specs(at) and t("projection_title", "vi") not in body
        charts_html = " ".join(h.proto.body for h in at.get("html"))
        assert t("rank_trend", "vi") in charts_html and "Tuy Phước" in charts_html
        at.segmented_control(key="rk_section").set_value("projection").run()
        assert_clean(at)
        assert t("projection_title", "vi") in texts(at) and at.query_params["sec"] == "projection"
        assert t("road_title", "vi", stretch=4, target=5) not in texts(at)
    if page == "attention":
        assert t("attention_title", "vi", month="Tháng 8/2022") in body
        assert t("streaks_title", "vi") in body                      # an administrator sees the officials
    if page == "presentation":
        assert at.header[0].value.startswith("Tình hình giải quyết thủ tục hành chính")
        assert len(at.get("download_button")) == 3


@pytest.mark.parametrize("page", NEW_PAGES)
def test_new_pages_render_with_an_empty_database(monkeypatch, empty_db, page):
    at = open_app(monkeypatch, empty_db, page)
    assert at.title[0].value == t(f"page_{page}", "vi")
    assert not figures(at)
    assert t("no_data_at_all", "vi") in texts(at)
    assert sidebar_order(at)[-3:] == ["_p_empty", "u", "cmp"]       # the filters, drawn after the page


def test_new_pages_in_english(monkeypatch, sample_db):
    at = open_app(monkeypatch, sample_db, lang="en", p="2022-08")
    for page in NEW_PAGES:
        goto(at, page)
        assert_clean(at)
        assert at.title[0].value == t(f"page_{page}", "en")
    from metrics import i18n

    assert not i18n.MISSING, sorted(i18n.MISSING)


def test_ranking_without_peer_figures_says_so(monkeypatch, sample_db):
    # the sample has peer figures for 07–10/2022 only
    at = open_app(monkeypatch, sample_db, "ranking", p="2022-03")
    body = texts(at)
    assert t("needs_peer_data", "vi") in body
    # what needs no peers still shows: the units' leagues, one click away
    at.segmented_control(key="rk_section").set_value("leagues").run()
    assert_clean(at)
    assert t("leagues_title", "vi") in texts(at) and t("needs_peer_data", "vi") not in texts(at)


# --- the ranking page on a hand-worked month ---------------------------------------------------------------
def test_ranking_page_shows_the_hand_worked_month(monkeypatch, ranking_db):
    """tests/ranking_fixture.py works every figure out by hand: the district scores
    100 × (20 × 0.85 + 6 × 0.4 / 0.5) / 26 = 83.85, 5th of 6; to be 4th it must equal Tây
    Sơn's 92.31, which progress alone does at 96 % and online submission cannot (88.46 at
    its full mark)."""
    at = open_app(monkeypatch, ranking_db, "ranking", p="2022-08")
    body = texts(at)
    m = metrics(at)
    assert m[t("rank", "vi")] == "5 / 6"
    assert m[t("service_score_card", "vi")] == "83,8"                          # 2180 / 26 = 83.846
    assert t("service_score_estimate", "vi") in body                       # said an estimate under it
    assert t("peers_partial_note", "vi", n=6, total=11) in body             # 6 of the profile's 11
    # the gap cards: inside place 5, 10.77 ahead of An Lão (2180 - 1900) / 26; 8.46 short of
    # place 4, Tây Sơn's 92.31 ((2400 - 2180) / 26 = 8.4615)
    assert m[t("gap_to", "vi", rank=5)] == t("gap_inside", "vi")
    assert t("gap_ahead", "vi", rank=6, name="Huyện An Lão", points="10,77 điểm") in body
    assert m[t("gap_to", "vi", rank=4)] == "+8,46"
    assert t("gap_behind", "vi", rank=4, name="Huyện Tây Sơn") in body
    # the road: inside the target place 5; to place 4, progress alone from 85 % to 96 %,
    # online submission not enough on its own (the other indicators have no figures)
    assert t("road_title", "vi", stretch=4, target=5) in body
    assert [s.value for s in at.success] == [t("road_inside", "vi", rank=5, place=5)]
    assert t("road_one_of", "vi", place=4) in body
    assert "- Chỉ số tiến độ (QĐ 766) từ 85,0 % lên 96,0 %" in [x.value for x in at.markdown]
    assert "Tỷ lệ nộp trực tuyến: không đủ nếu chỉ cải thiện chỉ số này" in [x.value for x in at.caption]
    assert t("road_no_single", "vi", place=4) not in body and body.count(" lên ") == 1    # one road only


def test_what_if_moves_score_and_rank_to_the_hand_worked_values(monkeypatch, ranking_db):
    at = open_app(monkeypatch, ranking_db, "ranking", p="2022-08")
    now = metrics(at)[t("service_score_card", "vi")]
    at.segmented_control(key="rk_section").set_value("whatif").run()
    assert_clean(at)
    score_label, rank_label = t("whatif_score", "vi"), t("whatif_rank", "vi")

    def shown(i: int = 0) -> tuple[str, str, str, str]:
        """The what-if's score and rank cards (the i-th pair: 0 by indicator, 1 by unit): value
        and delta ("" when unchanged)."""
        (s, r) = ([m for m in at.metric if m.label == label][i] for label in (score_label, rank_label))
        return s.value, s.delta, r.value, r.delta

    # untouched sliders change nothing: 83.85, 5th of 6
    assert now == "83,8" and shown() == ("83,8", "", "5 / 6", "")
    progress = next(s for s in at.select_slider if s.key.startswith("rk-wi-progress-"))
    online = next(s for s in at.select_slider if s.key.startswith("rk-wi-online_submission-"))
    assert progress.value == 85.0 and online.value == 40.0
    # progress at 100 %: 100 × (20 + 4.8) / 26 = 95.38, +300 / 26 = +11.54; above Hoài Nhơn
    # (93.85), below An Nhơn (96.15): 3rd, two places up
    progress.set_value(100.0).run()
    assert_clean(at)
    assert shown() == ("95,4", "+11,54", "3 / 6", "2")
    assert t("whatif_changed", "vi", items="Tiến độ 85,0 % → 100,0 %") in texts(at)
    # at the road's 96 %: 2400 / 26 = 92.31, level with Tây Sơn: 4th (shared), one place up
    progress.set_value(96.0).run()
    assert shown() == ("92,3", "+8,46", "4 / 6", "1")
    # online submission alone at its full mark (50 %): 100 × (17 + 6) / 26 = 88.46, still 5th
    at.button(key="rk-wi-reset").click().run()
    assert shown() == ("83,8", "", "5 / 6", "")
    next(s for s in at.select_slider if s.key.startswith("rk-wi-online_submission-")).set_value(50.0).run()
    assert shown() == ("88,5", "+4,62", "5 / 6", "")
    # by one unit: Phòng Tư pháp's progress 34/40 -> 40/40 adds 6 to the district's 85 of
    # 100: 0.91, 100 × (18.2 + 4.8) / 26 = 88.46, still 5th
    at.selectbox(key="rk-wu-unit").set_value("TP").run()
    at.selectbox(key="rk-wu-ind").set_value("progress").run()
    next(s for s in at.select_slider if s.key.startswith("rk-wu-TP-progress-")).set_value(100.0).run()
    assert_clean(at)
    assert shown(1) == ("88,5", "+4,62", "5 / 6", "")


# --- attention: flags, dossiers, roles -------------------------------------------------------------------
def test_a_flag_opens_its_dossiers(monkeypatch, demo_db):
    at = open_app(monkeypatch, demo_db, "attention", p="2022-08")
    # the cards count units: said in the label (it wraps), the value a bare number (it is cut)
    cards = {m.label: m.value for m in at.metric}
    assert cards and all(label.endswith("(số đơn vị)") and value.isdigit() for label, value in cards.items())
    tables = len(at.dataframe)
    at.button(key="att-flag-CNVPDK-apology_missing").click().run()
    assert_clean(at)
    assert len(at.dataframe) == tables + 1
    assert t("flag_dossiers_count", "vi", n="187") in texts(at)
    opened = [df.value for df in at.dataframe if t("col_dossier_code", "vi") in df.value.columns][0]
    assert len(opened) == 187 and "Cán bộ xử lý" not in opened.columns          # no official's name


@pytest.mark.parametrize("role, sees", [("officer", True), ("leader", True), ("unit", False)])
def test_officials_streaks_only_for_leaders_and_officers(monkeypatch, demo_db, role, sees):
    user = User("u", role, "CNVPDK" if role == "unit" else None)
    at = open_app(monkeypatch, demo_db, "attention", user=user, p="2022-08")
    assert (t("streaks_title", "vi") in texts(at)) == sees


def test_the_flag_cards_carry_short_names_and_the_full_one_in_their_help(monkeypatch, demo_db):
    from metrics.rules.flags import FLAG_LABELS

    at = open_app(monkeypatch, demo_db, "attention", lang="en", p="2022-08")
    cards = {m.label: m for m in at.metric}
    # the demo's August has every kind of flag
    for flag, (_vi, en) in FLAG_LABELS.items():
        card = cards[t("n_units_label", "en", label=t(f"flag_card_{flag}", "en"))]
        assert card.help == t("flag_units_help", "en", label=en)
        assert len(t(f"flag_card_{flag}", "en")) < len(en)


def test_overview_lists_the_same_flags_in_english(monkeypatch, demo_db):
    at = open_app(monkeypatch, demo_db, lang="en", p="2022-08")
    flags = [tb for tb in html_tables(at) if "Detail" in tb.columns][0]
    # the engine's English detail, worst unit first (a late streak of 8 months)
    assert flags.iloc[0]["Detail"].startswith("Late dossiers in 8 consecutive months")
    assert not any("tháng liên tiếp" in d for d in flags["Detail"])


# --- commitments and events, written in the app ---------------------------------------------------------
def add_commitment(at, unit: str, text: str, kpi: str | None = None, target: float | None = None):
    at.selectbox(key="att-c-unit").set_value(unit)
    at.text_area(key="att-c-text").input(text)
    at.text_input(key="att-c-owner").input("Phó Chủ tịch UBND xã")
    if kpi:
        at.selectbox(key="att-c-kpi").set_value(kpi)
    if target is not None:
        at.number_input(key="att-c-target").set_value(target)
    at.form_submit_button[0].click().run()
    assert_clean(at)


def test_a_commitment_shows_next_month_kept_or_not(monkeypatch, demo_db, copy_db):
    path = copy_db(demo_db)
    at = open_app(monkeypatch, path, "attention", p="2022-07", view="commitments")
    add_commitment(at, "21961", "Giải quyết dứt điểm hồ sơ quá hạn", "on_time_rate", 90)
    assert any(t("commit_added", "vi", unit="Xã Phước Hưng", month="Tháng 8/2022") in s.value for s in at.success)
    assert "Giải quyết dứt điểm hồ sơ quá hạn" in texts(at)               # listed for July
    # next month: judged by August's figures, beside them on the attention page …
    at.sidebar.selectbox(key="p").set_value("2022-08").run()
    assert_clean(at)
    review = [df.value for df in at.dataframe if t("result", "vi") in df.value.columns]
    assert review, "no review table"
    row = review[0].iloc[0]
    assert row[t("commitment", "vi")] == "Giải quyết dứt điểm hồ sơ quá hạn"
    assert row[t("unit", "vi")] == "Xã Phước Hưng"
    assert row[t("result", "vi")].startswith(("✓", "✗"))
    assert "Đúng hạn" in row[t("before_now", "vi")] and "→" in row[t("before_now", "vi")]
    # … and on the unit's own page
    at.sidebar.selectbox(key="u").set_value("21961").run()
    goto(at, "unit_detail")
    assert_clean(at)
    assert t("review_unit_title", "vi", month="Tháng 7/2022") in texts(at)
    assert any("Giải quyết dứt điểm hồ sơ quá hạn" in list(df.value.iloc[:, 0]) for df in at.dataframe)


def test_an_empty_commitment_is_refused_without_writing(monkeypatch, demo_db, copy_db):
    path = copy_db(demo_db)
    at = open_app(monkeypatch, path, "attention", p="2022-07", view="commitments")
    at.form_submit_button[0].click().run()
    assert_clean(at)
    assert t("commit_text_missing", "vi") in texts(at)
    assert t("commit_none_yet", "vi") in texts(at)


def test_an_event_entered_in_the_app_is_drawn_on_the_charts(monkeypatch, demo_db, copy_db):
    path = copy_db(demo_db)
    at = open_app(monkeypatch, path, "attention", p="2022-08", view="events")
    at.date_input(key="att-e-date").set_value(date(2022, 6, 15))
    at.text_input(key="att-e-text").input("Xe tuyên truyền lưu động")
    at.form_submit_button[0].click().run()
    assert_clean(at)
    assert any(t("events_added", "vi") in s.value for s in at.success)
    assert "Xe tuyên truyền lưu động" in texts(at)
    # on the attention page's own time series: every measure's chart, the apology letters' …
    at.segmented_control(key="att_view").set_value("measures").run()
    measures = plotly_specs(at)
    assert measures and all("Xe tuyên truyền lưu động" in s for s in measures)
    at.segmented_control(key="att_view").set_value("apology").run()
    assert sum("Xe tuyên truyền lưu động" in s for s in plotly_specs(at)) == 1
    # … on the overview's rank trend, every trend of a unit and the ranking page
    goto(at, "overview")
    # (the overview draws its rank trend as an SVG image, metrics/charts/inline.py)
    trend = [h.proto.body for h in at.get("html") if "Thứ hạng qua các tháng" in h.proto.body]
    assert trend, "no rank trend on the overview"
    svg = base64.b64decode(re.search(r'base64,([^"]+)"', trend[0]).group(1)).decode()
    # (a numbered mark on the line; the words under the chart and in the image's alt text)
    assert "Xe tuyên truyền lưu động" not in svg and re.search(r'class="e">[①-⑨]<', svg)
    assert re.search(r'class="ic-event"[^>]*>[①-⑨] 06/2022: Xe tuyên truyền lưu động', trend[0])
    goto(at, "ranking")
    trend = [h.proto.body for h in at.get("html") if "Thứ hạng qua các tháng" in h.proto.body]
    assert trend and "Xe tuyên truyền lưu động" in trend[0]                            # the rank trend
    at.segmented_control(key="rk_section").set_value("projection").run()
    assert sum("Xe tuyên truyền lưu động" in s for s in plotly_specs(at)) == 1        # the projection
    at.sidebar.selectbox(key="u").set_value("TP").run()
    goto(at, "unit_detail")
    assert_clean(at)
    # every trend of the unit (light SVG charts, two a row where they fit): the event numbered on each, its
    # words once above them
    trends = [h.proto.body for h in at.get("html") if 'class="ic-chart"' in h.proto.body]
    charts = trends[0].split('<div class="ic-chart">')[1:] if trends else []
    assert len(charts) >= 5
    assert all("Xe tuyên truyền lưu động" in c for c in charts)                    # in each one's alt text
    legend = trends[0].split('<div class="kc-cols"')[0]                             # once, above the charts
    assert "Xe tuyên truyền lưu động" in legend and 'class="ic-event"' in legend


# --- presentation -----------------------------------------------------------------------------------------
def test_presentation_steps_through_the_deck_slides(monkeypatch, demo_db):
    from metrics.export import briefing
    from metrics.model.profile import load_profile

    con = db.connect(demo_db)
    try:
        deck = briefing.build(con, date(2022, 8, 1), load_profile(), "vi")
    finally:
        con.close()
    at = open_app(monkeypatch, demo_db, "presentation", p="2022-08")
    seen = [at.header[0].value]
    for _ in range(len(deck.slides) - 1):
        at.button(key="pres-next").click().run()
        assert_clean(at)
        seen.append(at.header[0].value)
    assert seen == [s.title for s in deck.slides]                    # the same slides as the PPTX
    assert at.button(key="pres-next").disabled
    at.button(key="pres-prev").click().run()
    assert at.header[0].value == deck.slides[-2].title
    picker(at).set_value(3).run()
    assert at.header[0].value == deck.slides[3].title
    # the cards slide carries the deck's sparklines, drawn as light SVG images
    i = next(i for i, sl in enumerate(deck.slides) if sl.cards)
    picker(at).set_value(i).run()
    drawn = [h.proto.body for h in at.get("html") if "slide-cards" in h.proto.body]
    sparks = sum(c.spark is not None for c in deck.slides[i].cards)
    assert drawn and drawn[0].count('class="slide-spark"') == sparks > 0


def picker(at):
    # its key carries the slide shown (pages/presentation.py says why)
    [box] = [b for b in at.selectbox if b.key.startswith("pres_pick_")]
    assert box.key == f"pres_pick_{box.value}"
    return box


def test_presentation_of_one_unit(monkeypatch, demo_db):
    at = open_app(monkeypatch, demo_db, "presentation", p="2022-08", u="TP")
    assert_clean(at)
    assert "Phòng Tư pháp" in texts(at)


# --- the pieces, directly ----------------------------------------------------------------------------------
EVENTS = pd.DataFrame({"event_date": [date(2022, 3, 15), date(2022, 3, 20), date(2023, 5, 1)],
                       "text": ["Xe tuyên truyền lưu động", "Bưu điện bố trí nhân viên tại Bộ phận Một cửa",
                                "ngoài khung"]})


def event_texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations if a.name == "event"]


def series(key="on_time_rate", values=(0.9, 0.92, 0.95, 0.97)):
    months = [date(2022, m, 1) for m in range(1, len(values) + 1)]
    return pd.DataFrame({"period": months, "unit_code": "ALL", "unit_name": "Huyện Tuy Phước",
                         key: pd.array(list(values), dtype="Float64")})


def test_events_are_drawn_on_a_kpi_over_time():
    fig = charts.figure_for("on_time_rate", series(), "vi", goal=1.0, annotations=EVENTS)
    marks = [s for s in fig.layout.shapes if s.name == "event"]
    assert len(marks) == 1 and marks[0].x0 == "03/2022"                  # two events, one month, one mark
    # a marker above the plot area (never over a data or goal label), its short text beside it
    # (one month marked) and the whole on hover
    assert event_texts(fig) == ["◆ Xe tuyên truyền lưu động (+1)"]
    marker = [a for a in fig.layout.annotations if a.name == "event"][0]
    assert (marker.y, marker.yanchor, marker.textangle) == (1, "bottom", None)
    hover = marker.hovertext
    assert "15/03/2022: Xe tuyên truyền lưu động" in hover and "Bưu điện" in hover
    assert "ngoài khung" not in json.dumps(fig.to_plotly_json(), ensure_ascii=False)   # outside: left out
    assert [x for x in fig.layout.xaxis.categoryarray or []] == [] and list(fig.data[0].x)[2] == "03/2022"
    assert not [s for s in charts.figure_for("on_time_rate", series(), "vi").layout.shapes if s.name == "event"]


def test_events_on_counts_rank_heatmap_and_the_new_figures():
    from metrics.charts import analysis as figures

    assert event_texts(charts.figure_for("late_count", series("late_count", (3, 1, 4, 0)), "en",
                                         annotations=EVENTS))
    hist = pd.DataFrame({"period": [date(2022, m, 1) for m in range(1, 5)], "rank": pd.array([8, 7, 6, 5], "Int64"),
                         "n_peers": 11, "score": 70.0, "target_score": 72.0})
    assert event_texts(charts.rank_trend(hist, "vi", 5, annotations=EVENTS))
    heat = series().assign(unit_code="TP", unit_name="Phòng Tư pháp")
    fig = charts.league_heatmap(heat, "on_time_rate", "vi", annotations=EVENTS)
    assert [s.type for s in fig.layout.shapes if s.name == "event"] == ["rect"]
    assert event_texts(figures.kpi_pair(series("early_rate_priority").assign(
        early_rate_direct=pd.array([0.3] * 4, "Float64")), ["early_rate_priority", "early_rate_direct"], "vi",
        annotations=EVENTS))
    acc = pd.DataFrame({"period": [date(2022, m, 1) for m in range(1, 5)], "accounts": [10, 20, 30, 40]})
    fig = figures.count_bars(acc, "accounts", "vi", goal=25, annotations=EVENTS)
    assert event_texts(fig) and any("Mục tiêu ≥ 25" in (a.text or "") for a in fig.layout.annotations)
    ap = pd.DataFrame({"period": [date(2022, m, 1) for m in range(1, 5)], "dossiers": [5] * 4, "in_time": [1] * 4,
                       "late": [1] * 4, "sent_undated": [0] * 4, "missing": [3] * 4, "unknown": [0] * 4})
    assert event_texts(figures.apology_bars(ap, "vi", annotations=EVENTS))


def test_event_names_never_squeeze_the_months():
    # plotly widens an autoranged axis to keep annotations in view: a long event name squeezed
    # the demo's heatmap into a sixth of its width; the axis holds the months, the names are
    # numbered when several (they ran into each other), in full on hover
    events = pd.DataFrame({"event_date": [date(2022, 2, 1), date(2022, 3, 1)],
                           "text": ["Xe tuyên truyền lưu động về dịch vụ công trực tuyến " * 2, "Bưu điện"]})
    heat = series().assign(unit_code="TP", unit_name="Phòng Tư pháp")
    for fig in (charts.league_heatmap(heat, "on_time_rate", "vi", annotations=events),
                charts.figure_for("on_time_rate", series(), "vi", annotations=events)):
        assert tuple(fig.layout.xaxis.range) == (-0.5, 3.5) and fig.layout.xaxis.autorange is False
    heat_fig = charts.league_heatmap(heat, "on_time_rate", "vi", annotations=events)
    assert event_texts(heat_fig) == ["▲1", "▲2"]
    assert "Bưu điện" in [a for a in heat_fig.layout.annotations if a.name == "event"][1].hovertext
    assert not charts.league_heatmap(heat, "on_time_rate", "vi").layout.xaxis.range   # no events: autorange


def test_heatmap_writes_a_full_rate_as_100():
    heat = series(values=(1.0, 0.9987, None, 0.5)).assign(unit_code="TP", unit_name="Phòng Tư pháp")
    assert list(charts.league_heatmap(heat, "on_time_rate", "vi").data[0].text[0]) == ["100", "99,9", "–", "50,0"]


def test_event_rows_accept_lists_and_skip_blanks():
    rows = charts.event_rows([(date(2022, 1, 2), "  a   b "), (None, "x"), (date(2022, 1, 3), "")])
    assert rows == [(date(2022, 1, 2), "a b")]
    assert charts.event_rows(None) == [] and charts.event_rows(pd.DataFrame()) == []


def test_flags_worst_first_grouped_by_unit(monkeypatch):
    from ui import attention_parts as ap

    flags = pd.DataFrame({
        "unit_code": ["A", "B", "B", "C", "A"],
        "unit_name": ["Xã A", "Xã B", "Xã B", "Xã C", "Xã A"],
        "flag": ["priority_not_honoured", "overdue_backlog", "late_streak", "late_streak", "apology_missing"],
        "value": [3.5, 4, 2, 6, 12],
        "detail": ["a1", "b1", "b2", "c1", "a2"],
    })
    out = ap.ordered(flags, ["A", "B", "C"])
    assert list(out.unit_code) == ["C", "B", "B", "A", "A"]            # streak of 6, streak of 2, then A
    assert list(out.flag[1:3]) == ["late_streak", "overdue_backlog"]
    assert list(out.flag[3:]) == ["apology_missing", "priority_not_honoured"]
    # the engine's detail as it was written (flags_for writes it in the language asked for)
    view = ap.flags_view(out, "en")
    assert list(view["Alert"]) == ["Late dossiers in consecutive months"] * 2 + [
        "Overdue pending dossiers", "Late dossiers without an apology", "Online/BCCI dossiers not given priority"]
    assert list(view["Detail"]) == ["c1", "b2", "b1", "a2", "a1"]
    assert list(ap.flags_view(out, "vi")[t("detail", "vi")]) == ["c1", "b2", "b1", "a2", "a1"]


def test_apology_summary_rates_over_known_letters():
    from ui.attention_parts import apology_summary

    rows = pd.DataFrame({"unit_code": ["A"] * 5 + ["B"],
                         "apology": ["in_time", "late", "missing", "unknown", "sent_undated", "unknown"]})
    s = apology_summary(rows, "unit_code").set_index("unit_code")
    assert s.loc["A", "dossiers"] == 5 and s.loc["A", "missing"] == 1
    assert s.loc["A", "sent_rate"] == pytest.approx(3 / 4)            # the unknown one is not counted
    assert s.loc["A", "in_time_rate"] == pytest.approx(1 / 4)
    assert fmt.is_missing(s.loc["B", "sent_rate"])                    # nothing known: no rate, not 0


def test_points_by_unit_agrees_with_simulate(sample_db):
    """The engine's one-read points_by_unit gives, pair by pair, what simulate() gives when
    that unit alone reaches the indicator's full mark."""
    from metrics.rules import whatif
    from metrics.model.profile import load_profile

    con = db.connect(sample_db)
    try:
        prof = load_profile()
        p = date(2022, 8, 1)
        fast = whatif.points_by_unit(con, p, p, prof)
        assert len(fast) > 0
        base = whatif.simulate(con, p, p, profile=prof)
        base_score = float(base[base.is_self].score.iloc[0])
        full = {i.key: i.full_mark for i in prof.indicators}
        for r in fast.head(6).itertuples():
            sim = whatif.simulate(con, p, p, unit_values={(r.unit_code, r.indicator): max(r.value, full[r.indicator])},
                                  profile=prof)
            assert abs(float(sim[sim.is_self].score.iloc[0]) - base_score - r.gain) < 1e-9
    finally:
        con.close()


def test_gap_to_a_place():
    from ui.ranking_parts import gap_to

    ranking = pd.DataFrame({"peer_name": list("ABCDEF"), "is_self": [False, False, False, False, True, False],
                            "score": [90.0, 85, 82, 80, 79.5, 70], "rank": pd.array([1, 2, 3, 4, 5, 6], "Int64")})
    g4 = gap_to(ranking, 4)
    assert not g4["inside"] and g4["points"] == pytest.approx(0.5) and g4["name"] == "D"
    g5 = gap_to(ranking, 5)
    assert g5["inside"] and g5["points"] == pytest.approx(9.5) and g5["name"] == "F"


def test_downloads_never_hold_a_live_formula():
    import io

    import openpyxl

    from ui.downloads import csv_bytes, xlsx_bytes

    frame = pd.DataFrame({"Thủ tục": ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "Đăng ký kết hôn"],
                          "Số": [1, 2, 3, 4, 5]})
    text = csv_bytes(frame).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1" in text and "'-2" in text and "'@SUM" in text
    assert "\nĐăng ký kết hôn," in text
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"Hồ sơ": frame}))).active
    cells = [ws.cell(row=r, column=1) for r in range(2, 7)]
    assert all(c.data_type == "s" for c in cells)
    assert cells[0].value == '=HYPERLINK("http://x","y")'               # shown as text, never run


def test_peer_bars_draw_the_target_cut():
    ranking = pd.DataFrame({"peer_name": [f"H{i}" for i in range(7)], "is_self": [False] * 6 + [True],
                            "score": [90.0, 88, 85, 83, 81.4, 80, 79], "rank": pd.array(range(1, 8), "Int64")})
    fig = charts.peer_bars(ranking, "vi", target_rank=5, stretch_rank=4)
    (cut,) = [s for s in fig.layout.shapes if s.name == "target_cut"]
    assert cut.x0 == cut.x1 == 81.4
    assert any("ngưỡng 81,4 điểm" in (a.text or "") for a in fig.layout.annotations)


def test_peer_bar_labels_stay_inside_the_plot():
    # beside the bar, "87,3 · #1" ran past a half-width column at 1280×720 and was cut
    ranking = pd.DataFrame({"peer_name": ["A", "B", "C"], "is_self": [False, False, True],
                            "score": [99.6, 80.0, 12.0], "rank": pd.array([1, 2, 3], "Int64")})
    (bar,) = charts.peer_bars(ranking, "vi", target_rank=2).data
    assert bar.textposition == "auto" and bar.insidetextanchor == "end"     # inside the end of a long bar
    assert bar.insidetextfont.color == "white" and bar.outsidetextfont.color == charts.INK
    assert list(bar.text) == ["99,6 · #1", "80,0 · #2", "12,0 · #3"]


def test_the_ranking_page_says_which_score_it_shows(monkeypatch, sample_db, copy_db, tmp_path):
    from metrics.importers.core import import_file
    from tests import real_exports as rx

    db_path = copy_db(sample_db)
    at = open_app(monkeypatch, db_path, "ranking", p="2022-08")
    assert t("official_none", "vi") in texts(at)                       # the estimate, and it says so
    con = db.connect(db_path)
    try:
        import_file(con, rx.official_766(tmp_path / "chi_so", "csv"))
    finally:
        con.close()
    at = open_app(monkeypatch, db_path, "ranking", p="2022-08")
    body = texts(at)
    # of the four published: Quy Nhơn 80, An Nhơn 74,5, Tuy Phước 73, Phù Cát 67
    assert t("official_shown", "vi", name="Tuy Phước", rank=3, n=4, total="73,00") in body
    groups = next(df.value for df in at.dataframe if "Nhóm chỉ số" in df.value.columns)
    row = groups[groups["Nhóm chỉ số"] == "Tiến độ giải quyết"].iloc[0]
    assert row["Chính thức"] == "17,50" and row["Điểm tối đa"] == "20"
    transparency = groups[groups["Nhóm chỉ số"] == "Công khai, minh bạch"].iloc[0]
    assert transparency["Ước tính"] == t("official_not_estimable", "vi")


def test_the_overview_answers_the_chairman_first(monkeypatch, demo_db):
    """Before the KPI cards: the rank among the peers with the target, the points to the next
    place and the margin on the target place, and what gains most — its figures from the
    ranking itself and from what_it_takes's search (an independent way to the same values)."""
    from metrics.rules import score, whatif
    from metrics.model.profile import load_profile
    from tests.page_html import cards as html_cards

    prof = load_profile()
    con = db.connect(demo_db)
    try:
        ranking = score.peer_ranking(con, date(2022, 8, 1), profile=prof)
        search = {n.indicator: n for n in whatif.what_it_takes(con, date(2022, 8, 1), target_rank=4, profile=prof)}
    finally:
        con.close()
    ordered = ranking.sort_values("score", ascending=False).reset_index(drop=True)
    me = ordered[ordered.is_self].index[0]
    mine, fourth, sixth = ordered.score[me], ordered.score[3], ordered.score[5]
    at = open_app(monkeypatch, demo_db, None, p="2022-08")
    first = [c for c in html_cards(at) if c.key.startswith("first-")]
    assert [c.key for c in first] == ["first-rank", "first-gap", "first-actions"]     # before the KPI cards
    assert first[0].value == f"{me + 1} / 11"
    gap = first[1].text
    assert t("first_next", "vi", place=me, points=fmt.decimal(fourth - mine, "vi", 2), name=ordered.peer_name[3]) in gap
    assert t("first_hold", "vi", target=5, points=fmt.decimal(mine - sixth, "vi", 2), name=ordered.peer_name[5],
             place=6) in gap
    # each action's value is the one the ranking page shows for place 4 (what_it_takes): one
    # answer to one question on both pages
    shown = dict(re.findall(r"(Tỷ lệ [^:]+): từ [\d,]+ % lên ([\d,]+ %)", first[2].text))
    assert len(shown) == 2
    kpi_of = {i.key: i.kpi for i in prof.indicators}
    for key, need in search.items():
        label = KPI_BY_KEY[kpi_of[key]].label("vi")
        if label in shown:
            assert need.needed is not None and shown[label] == fmt.percent(need.needed, "vi"), (label, need)


def test_a_slide_chart_fits_the_projector_and_keeps_its_labels():
    from ui import presentation_parts as pp

    ranking = pd.DataFrame({"peer_name": ["A", "B"], "is_self": [False, True], "score": [90.0, 80.0],
                            "rank": pd.array([1, 2], "Int64")})
    peers = pp.enlarge(charts.peer_bars(ranking, "vi", 1), scale=1.5)
    assert peers.layout.height == pp.SLIDE_CHART_HEIGHT <= 450          # under the title on 1280×720
    assert peers.data[0].insidetextfont.size == peers.data[0].outsidetextfont.size == round(charts.FONT_SIZE * 1.5)
    bars = charts.room_for_labels(charts.style(go.Figure(go.Bar(x=[358], y=["A"], orientation="h"))), ["358 (88,4 %)"])
    before = bars.layout.margin.r
    assert pp.enlarge(bars, scale=1.5).layout.margin.r == round(before * 1.5)   # the label's room grows with it
    assert bars.layout.margin.r == before                                        # the deck's figure is untouched


def test_the_first_screen_of_a_range_answers_for_its_last_month(monkeypatch, demo_db):
    # the rank is the range's last month's; what it takes to pass the next place is for that
    # same month, not for the range (the gap it cites is the month's)
    from tests.page_html import cards

    def first_screen(**query):
        at = open_app(monkeypatch, demo_db, **query)
        return {c.key: c.text for c in cards(at) if c.key.startswith("first-")}

    month = first_screen(p="2022-08")
    ranged = first_screen(p="2022-06", p2="2022-08")
    assert ranged["first-actions"] == month["first-actions"] and ranged["first-gap"] == month["first-gap"]


def test_the_official_index_section_lists_every_year_of_every_peer(monkeypatch, demo_db):
    from metrics.store import db
    from metrics import queries
    from tests.page_html import tables as html_tables
    from tests.test_pages import assert_clean, open_app

    con = db.connect(demo_db)
    try:
        idx = queries.peer_index(con)
    finally:
        con.close()
    at = open_app(monkeypatch, demo_db, "ranking", sec="index")
    assert_clean(at)
    table = html_tables(at)[0]
    years = sorted({str(int(y)) for y in idx.year})
    assert list(table.columns) == [t("peer", "vi"), *years]
    assert len(table) == idx.peer_code.nunique()
    # the district's own row, marked, each year written "score (#rank)" the Vietnamese way
    from metrics.model.profile import load_profile

    own = idx[idx.peer_code == load_profile().code]
    assert len(own) == len(years)
    mine = table[table[t("peer", "vi")].str.startswith("►")].iloc[0]
    assert [mine[str(int(r.year))] for r in own.itertuples()] == \
        [f"{r.score:.2f}".replace(".", ",") + f" (#{int(r.rank)})" for r in own.itertuples()]


def test_in_december_the_year_end_section_shows_the_result_not_a_forecast(monkeypatch, demo_db):
    rank, n = demo_rank(demo_db, date(2022, 12, 1))
    at = open_app(monkeypatch, demo_db, "ranking", p="2022-12", sec="projection")
    assert_clean(at)
    body, m = texts(at), metrics(at)
    assert t("projection_final_note", "vi", year=2022) in body
    assert m[t("projection_final_rank", "vi", year=2022)] == f"#{rank}"
    assert t("projection_score", "vi", year=2022) not in m and "Khoảng tin cậy" not in body
    assert m[t("projection_final_target", "vi", rank=5)] == (t("gap_inside", "vi") if rank <= 5
                                                             else t("projection_final_missed", "vi"))
