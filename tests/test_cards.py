"""ui/cards.py: figure cards and static tables as HTML."""
from __future__ import annotations

import pandas as pd
import pytest

from tests.page_html import Reader
from ui import cards


def read(markup: str) -> Reader:
    r = Reader()
    r.feed(markup)
    return r


@pytest.mark.parametrize("delta, lower_is_better, tone, arrow", [
    ("+2,1 điểm %", False, "good", "▲"),     # a rate up: good news
    ("-2,1 điểm %", False, "bad", "▼"),
    ("+3", True, "bad", "▲"),                # late dossiers up: bad news
    ("-3", True, "good", "▼"),
    ("0", True, "flat", "→"),                # no change: neither
    ("0,0 điểm %", False, "flat", "→"),
])
def test_the_change_is_coloured_by_good_or_bad_news(delta, lower_is_better, tone, arrow):
    html = cards.delta_html(delta, lower_is_better, "so với Tháng 7/2022")
    assert f"kd-{tone}" in html and f"{arrow} {delta}" in html and "so với Tháng 7/2022" in html


def test_no_change_known_draws_no_change_line():
    assert cards.delta_html(None) == "" and cards.delta_html("") == ""
    card = read(cards.card("Đúng hạn", "94,4 %")).cards[0]
    assert card.delta is None and card.value == "94,4 %"


def test_a_card_shows_its_label_value_change_and_goal_stripe():
    html = cards.card("Trễ hạn", "12", delta="-3", lower_is_better=True, delta_note="so với Tháng 7/2022",
                      help_text="Hồ sơ trả sau hạn", status="bad", key="late_count")
    card = read(html).cards[0]
    assert (card.key, card.label, card.value) == ("late_count", "Trễ hạn", "12")
    assert card.delta.strip() == "▼ -3" and "kc-bad" in card.classes
    assert card.help == "Hồ sơ trả sau hạn"
    assert "kc-none" not in cards.card("Điểm", "80,1", status=None) and "kc-" + "good" in cards.card(
        "x", "1", status="good")


def test_text_from_the_data_cannot_become_markup():
    html = cards.card('<img src=x onerror="alert(1)">', "<b>1</b>", delta="+1 <i>", help_text='"><script>',
                      key='"x')
    assert "<img" not in html and "<b>" not in html and "<i>" not in html and "<script>" not in html
    card = read(html).cards[0]
    assert card.label == '<img src=x onerror="alert(1)">' and card.value == "<b>1</b>"
    assert card.help == '"><script>'


def test_a_static_table_keeps_cells_as_they_are_and_aligns_figures():
    df = pd.DataFrame({"Đơn vị": ["Xã <An>", "Xã B"], "Số": ["1.234", "12,5 %"], "Ghi chú": [None, "-3"]})
    html = cards.table(df, caption="Điểm còn thiếu")
    back = read(html).tables[0]
    assert list(back.columns) == ["Đơn vị", "Số", "Ghi chú"]
    assert back.values.tolist() == [["Xã <An>", "1.234", ""], ["Xã B", "12,5 %", "-3"]]
    assert html.count('class="num"') == 3 and "<caption>Điểm còn thiếu</caption>" in html


def test_grid_puts_the_cards_side_by_side():
    html = cards.grid([cards.card("a", "1"), cards.card("b", "2")], per_row=3)
    assert "kc-grid-3" in html and [c.label for c in read(html).cards] == ["a", "b"]
    assert "kc-grid-6" in cards.grid([], per_row=9) and "kc-grid-1" in cards.grid([], per_row=0)


def test_the_drill_down_opens_in_place():
    html = cards.details("Mở con số", "<table></table>")
    assert html.startswith('<details class="kc-drill"><summary>Mở con số</summary>')
