"""The overview's light charts (metrics/charts/inline.py): what they draw, in which order, with
which words, and that a name cannot break out of the markup."""
from __future__ import annotations

import base64
import re
from datetime import date

import pandas as pd

from metrics.charts import inline as ic


def _svg_of(html: str) -> str:
    """The SVG drawn by an <img> of the markup."""
    return base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)).decode()


def _rows(html: str) -> list[str]:
    return re.findall(r'<div class="ic-name[^"]*">([^<]*)</div>', html)


def _values(html: str) -> list[str]:
    return re.findall(r'<span class="ic-value"[^>]*>([^<]*)</span>', html)


def _margins(html: str) -> set[float]:
    """The margin each track keeps for the values, in widths of a digit."""
    return {float(m) for m in re.findall(r'class="ic-track" style="margin-right:([0-9.]+)ch"', html)}


def _widths(html: str) -> list[float]:
    return [float(w) for w in re.findall(r'class="ic-bar" style="width:([0-9.]+)%', html)]


UNITS = pd.DataFrame({
    "unit_code": ["A", "B", "C", "D", "ALL"],
    "unit_name": ["Xã An", "Xã Bình", "Phòng <Tư> pháp", "Xã Dũng", "Toàn huyện"],
    "on_time_rate": [0.9, 0.5, 0.75, None, 0.7],
    "late_count": [3, 12, 0, 5, 20],
})


def test_unit_bars_put_the_worst_first_and_write_vietnamese_numbers():
    html = ic.unit_bars(UNITS, "on_time_rate", "vi", goal=0.8, title="Đúng hạn thấp nhất", top=2)
    # the lowest on-time rates first; a unit without a value and the total row are left out
    assert _rows(html) == ["Xã Bình", "Phòng &lt;Tư&gt; pháp"]
    assert _values(html) == ["50,0 %", "75,0 %"]
    # bars in proportion to the rate (100 % fills the track, which stops short of the row's
    # end by the widest value: "75,0 %" is 6 characters)
    assert _widths(html) == [50.0, 75.0]
    assert _margins(html) == {7.6}
    # both under the 80 % goal: drawn red
    assert html.count("background:#c62828") == 2
    assert "Đúng hạn thấp nhất" in html


def test_unit_bars_of_counts_show_each_units_share_of_the_total():
    late = UNITS[UNITS.unit_code != "ALL"]
    html = ic.unit_bars(late[late.late_count > 0], "late_count", "en", title="Most late", top=5,
                        share_of=20.0)
    assert _rows(html) == ["Xã Bình", "Xã Dũng", "Xã An"]
    assert _values(html) == ["12 (60.0%)", "5 (25.0%)", "3 (15.0%)"]
    # the largest count fills the track; the margin holds the widest value, "12 (60.0%)"
    assert _widths(html)[0] == 100.0 and abs(_widths(html)[2] - 25.0) < 1e-9
    assert _margins(html) == {12.0}


def test_no_unit_with_a_value_says_so_instead_of_drawing_nothing():
    html = ic.unit_bars(UNITS.assign(on_time_rate=None), "on_time_rate", "vi", title="T")
    assert "ic-empty" in html and "ic-bar" not in html
    assert "Chưa có dữ liệu tháng này" in html


def test_peer_bars_band_the_target_places_and_mark_the_cut():
    ranking = pd.DataFrame({
        "peer_name": [f"Huyện {c}" for c in "ABCDEFG"],
        "is_self": [False, False, False, False, False, True, False],
        "score": [90.0, 85.0, 80.0, 78.0, 76.0, 75.5, 60.0],
        "rank": [1, 2, 3, 4, 5, 6, 7],
    })
    html = ic.peer_bars(ranking, "vi", target_rank=5, stretch_rank=4)
    assert _rows(html)[0] == "Huyện A" and len(_rows(html)) == 7
    assert html.count('class="ic-row ic-band') == 5                 # places 1–5 tinted
    assert "ngưỡng 76,0 điểm" in html                               # the score of place 5
    # the cut drawn at 76 points on a track where 100 points is 75 % of the width
    assert set(re.findall(r'class="ic-cut" style="left:([0-9.]+)%', html)) == {"76.00"}
    # the district itself in bold, its own colour; the stretch target (4) as a line above place 5
    assert '<div class="ic-name ic-strong">Huyện F</div>' in html
    assert re.search(r'ic-divider" title="Huyện E', html)
    assert "75,5 · #6" in _values(html)


def test_peer_bars_without_scores_ask_for_the_peer_file():
    html = ic.peer_bars(pd.DataFrame({"peer_name": ["A"], "is_self": [True], "score": [None], "rank": [None]}),
                        "vi")
    assert "ic-empty" in html


def test_sparkline_scales_to_its_range_and_shows_the_goal_only_when_near():
    svg = ic.sparkline([50.0, 60.0, None, 70.0], "#123456", goal=65.0, hover="a · b")
    pts = re.search(r'points="([^"]+)"', svg).group(1).split()
    ys = [float(p.split(",")[1]) for p in pts]
    assert len(pts) == 3                                # the month without a value is left out
    assert ys[0] == 54.0 and ys[-1] == 6.0              # lowest at the bottom, highest at the top
    assert 'stroke-dasharray="4 3"' in svg and "<title>a · b</title>" in svg
    # a goal far outside the line's range would flatten it: not drawn
    assert "stroke-dasharray" not in ic.sparkline([50.0, 51.0], goal=100.0)
    assert ic.sparkline([50.0]) == "" and ic.sparkline([None, None]) == ""


def test_rank_trend_writes_each_rank_and_the_events():
    hist = pd.DataFrame({"period": [date(2022, m, 1) for m in (6, 7, 8)], "rank": [8, None, 5],
                         "n_peers": [11, 11, 11]})
    events = pd.DataFrame({"event_date": [date(2022, 7, 15), date(2021, 1, 1)],
                           "text": ["Hội nghị <cải cách>", "ngoài khung"]})
    html = ic.rank_trend(hist, "vi", target_rank=5, title="Thứ hạng", annotations=events)
    svg = _svg_of(html)
    assert re.findall(r'class="p">(#\d+)<', svg) == ["#8", "#5"]       # the unknown month: no point
    # the event: a numbered mark on the chart, its words under it (never vertical text over it)
    assert "①" in svg and "cải cách" not in svg and "rotate(" not in svg
    assert '① 07/2022: Hội nghị &lt;cải cách&gt;</div>' in html and "<cải" not in html
    assert "ngoài khung" not in html                                    # outside the months shown
    assert svg.count('class="a">') == 11 + 3                            # ranks 1–11, three months
    assert "Thứ hạng · Nhóm mục tiêu (hạng 1–5)" in html
    # the same in words, for a screen reader and on hover
    alt = re.search(r'alt="([^"]+)"', html).group(1)
    assert "Tháng 6/2022: #8 / 11" in alt and "15/07/2022: Hội nghị &lt;cải cách&gt;" in alt
    assert "ic-empty" in ic.rank_trend(hist.assign(rank=None), "vi")


def test_badge_and_sparkline_image_escape_their_texts():
    assert ic.badge("Đạt · Mục tiêu ≥ 90,0 %", "good").endswith("✓ Đạt · Mục tiêu ≥ 90,0 %</span>")
    assert "<b>" not in ic.badge("<b>", "bad")
    img = ic.as_image(ic.sparkline([1.0, 2.0], hover='a "b" <c>'), 'a "b" <c>', "ic-spark")
    assert 'alt="a &quot;b&quot; &lt;c&gt;"' in img
    assert "<title>a &quot;b&quot; &lt;c&gt;</title>" in _svg_of(img)
    assert ic.as_image("") == ""


def test_a_deck_sparkline_is_redrawn_with_its_values_goal_and_status_colour():
    from metrics import charts

    months = [date(2022, m, 1) for m in (5, 6, 7, 8)]
    fig = charts.sparkline(months, [0.5, None, 0.6, 0.7], "on_time_rate", "vi", goal=0.8)
    svg = ic.sparkline_of(fig)
    pts = re.search(r'points="([^"]+)"', svg).group(1).split()
    assert len(pts) == 3                                   # the month without a value is left out
    assert 'y1="6.0" y2="6.0"' in svg                      # the 80 % goal, highest value in view: top
    assert f'stroke="{charts.BAD}" stroke-width="8"' in svg  # 70 % < 80 %: the last point red
    assert ic.sparkline_of(None) == ""


def test_a_control_character_in_an_event_does_not_break_the_svg():
    import xml.dom.minidom

    hist = pd.DataFrame({"period": [date(2022, 7, 1), date(2022, 8, 1)], "rank": [6, 5], "n_peers": [11, 11]})
    events = pd.DataFrame({"event_date": [date(2022, 8, 3)], "text": ["Họp\x08 giao ban\ufffe"]})
    html = ic.rank_trend(hist, "vi", annotations=events)
    xml.dom.minidom.parseString(_svg_of(html))       # raises on a character XML forbids
    assert "Họp giao ban" in html and "\x08" not in html


def test_inside_the_band_the_cut_is_the_first_score_outside_it():
    ranking = pd.DataFrame({"peer_name": list("ABCDEFG"), "is_self": [False, True] + [False] * 5,
                            "score": [90.0, 88.0, 85.0, 80.0, 78.0, 76.0, 60.0], "rank": list(range(1, 8))})
    html = ic.peer_bars(ranking, "vi", target_rank=5)
    # holding place 5 takes 76 points (F's): B keeps it until the fifth best of the others passes it
    assert "ngưỡng 76,0 điểm" in html


def test_a_kpi_sparkline_draws_rates_in_percent_against_the_goal():
    from metrics import charts

    months = [date(2022, m, 1) for m in (6, 7, 8)]
    img = ic.kpi_sparkline(months, [0.90, None, 0.95], "on_time_rate", "vi", goal=0.98)
    svg = _svg_of(img)
    assert 'alt="06/2022: 90,0 % · 08/2022: 95,0 %"' in img          # the month without a value left out
    assert 'y1="6.0" y2="6.0"' in svg                                  # 98 % on top, above both months
    assert f'stroke="{charts.BAD}" stroke-width="8"' in svg            # 95 % misses the 98 % goal
    late = _svg_of(ic.kpi_sparkline(months, [4, 2, 0], "late_count", "vi", goal=0))
    assert f'stroke="{charts.GOOD}" stroke-width="8"' in late          # none late: the goal is met
    assert ic.kpi_sparkline(months, [None, None, 0.9], "on_time_rate", "vi") == ""


def test_a_unit_kpi_trend_writes_each_month_its_goal_and_its_events():
    months = [date(2022, 6, 1), date(2022, 7, 1), date(2022, 8, 1)]
    events = pd.DataFrame({"event_date": [date(2022, 7, 15)], "text": ["Xe tuyên truyền <lưu động>"]})
    html = ic.kpi_trend(months, [0.9, None, 0.955], "on_time_rate", "vi", goal=0.95, title="Đúng hạn",
                        annotations=events)
    svg = _svg_of(html)
    # a rate: one line through the known months (July unknown: no point, no label), values written
    assert re.findall(r'class="v">([^<]*)</text>', svg) == ["90,0 %", "95,5 %"]
    assert svg.count("<circle") == 2 and "<polyline" in svg
    assert "≥ 95,0 %" in svg                                                    # the goal line, labelled
    # the event: a numbered mark on the chart, its words under it and in the alt text
    assert "①" in svg and "&lt;lưu động&gt;" in html and "<lưu động>" not in html
    # a count: bars from zero in their goal colour
    bars = ic.kpi_trend(months, [3, 0, 5], "late_count", "vi", goal=0)
    assert _svg_of(bars).count("<rect") == 3
    assert ic.kpi_trend(months, [None, None, None], "on_time_rate", "vi").count("ic-empty") == 1


def test_points_and_gains_lists_keep_every_name_and_value_whole():
    from metrics.model.profile import load_profile

    inds = load_profile().indicators
    row = {f"points_{i.key}": 0.0 for i in inds} | {f"value_{i.key}": 0.9 for i in inds}
    first, second = inds[0], inds[1]
    row |= {f"points_{first.key}": 2.5, f"value_{first.key}": 0.5, f"points_{second.key}": 6.7,
            f"value_{second.key}": 0.466}
    html = ic.points_list(row, inds, "vi")
    # the largest first, each value written whole after its bar, in the margin kept for the widest
    assert _values(html)[:2] == ["6,7 điểm (46,6 %)", "2,5 điểm (50,0 %)"]
    assert max(_widths(html)) == 100.0 and _margins(html) == {19.7}
    gains = pd.DataFrame({"unit_name": ["Chi nhánh Văn phòng Đăng ký đất đai huyện Tuy Phước", "Phòng Tư pháp"],
                          "kpi": ["online_payment_rate", "online_rate"], "value": [0.535, 0.444],
                          "gain": [2.44, 0.004]})
    html = ic.gains_list(gains, "vi")
    assert _rows(html) == ["CN VP Đăng ký đất đai · Thanh toán TT"]               # 0,004 points: not listed
    assert _values(html) == ["+2,44 điểm"] and "+2,44 điểm · hiện 53,5 %" in html       # the value now: in the hover
    assert "ic-empty" in ic.gains_list(gains.assign(gain=0.0), "vi")


def test_month_labels_never_stand_side_by_side():
    """A year of months: every other month labelled and the last one always, but not the one
    just before it ("Nov 2022Dec 2022" ran together in English)."""
    from datetime import date

    periods = [date(2022, m, 1) for m in range(1, 13)]
    svg = _svg_of(ic.kpi_trend(periods, [0.5 + m / 100 for m in range(12)], "on_time_rate", "en"))
    labels = re.findall(r'class="a">([A-Z][a-z]{2} 2022)<', svg)
    assert labels == ["Jan 2022", "Mar 2022", "May 2022", "Jul 2022", "Sep 2022", "Dec 2022"]
    assert sorted(ic._month_ticks(13)) == [0, 2, 4, 6, 8, 10, 12]       # the last on the rhythm: kept
    assert sorted(ic._month_ticks(5)) == [0, 1, 2, 3, 4]
