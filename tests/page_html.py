"""Reading what ui/cards.py draws (figure cards and static tables, as HTML in st.html) from
a streamlit.testing AppTest, the way the tests read st.metric and st.table."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pandas as pd


@dataclass
class Card:
    key: str = ""
    label: str = ""
    value: str = ""
    delta: str | None = None
    classes: str = ""
    help: str = ""                  # its explanation (the tip shown on hover or focus)
    text: str = ""                  # all the card says, its drill-down included
    tables: list[pd.DataFrame] = field(default_factory=list)


class Reader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cards: list[Card] = []
        self.tables: list[pd.DataFrame] = []
        self._card_depth: int | None = None
        self._depth = 0
        self._field: str | None = None
        self._in_tip = False
        self._field_depth = 0
        self._skip = 0
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._href: str | None = None
        self._links: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "div":
            self._depth += 1
            if "kc" in classes and self._card_depth is None:
                self._card_depth = self._depth
                self.cards.append(Card(key=a.get("data-kpi", ""), classes=" ".join(classes)))
            elif self._card_depth is not None and self._field is None:
                if "kc-label" in classes:
                    self._field, self._field_depth = "label", self._depth
                elif "data-kpi-value" in a:
                    self._field, self._field_depth = "value", self._depth
        elif tag == "span":
            if "kc-help" in classes or "kc-tip" in classes:
                self._skip += 1
                self._in_tip = "kc-tip" in classes and self._card_depth is not None
            elif "data-kpi-delta" in a and self._card_depth is not None:
                self.cards[-1].delta = ""
                self._field, self._field_depth = "delta", -1
        elif tag == "table":
            self._table = []
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
            self._href = None
        elif tag == "a" and self._cell is not None:
            self._href = a.get("href")

    def handle_endtag(self, tag):
        if tag == "div":
            if self._field in ("label", "value") and self._depth == self._field_depth:
                self._field = None
            if self._card_depth == self._depth:
                self._card_depth = None
            self._depth -= 1
        elif tag == "span":
            if self._skip:
                self._skip -= 1
                self._in_tip = False
            elif self._field == "delta":
                self._field = None
        elif tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell).strip()
            self._table[-1].append(text)
            if self._href:
                self._links[text] = self._href
            self._cell = None
        elif tag == "table" and self._table is not None:
            head, *rows = self._table or [[]]
            frame = pd.DataFrame(rows, columns=head or None)
            frame.attrs["links"] = self._links     # a linked cell's text -> its address
            self._links = {}
            self.tables.append(frame)
            if self._card_depth is not None:
                self.cards[-1].tables.append(frame)
            self._table = None

    def handle_data(self, data):
        if self._in_tip:
            self.cards[-1].help += data
        if self._cell is not None:
            self._cell.append(data)
        if self._card_depth is not None and not self._skip:
            self.cards[-1].text += data + " "
        if self._skip or self._field is None or self._card_depth is None:
            return
        card = self.cards[-1]
        if self._field == "delta":
            card.delta = (card.delta or "") + data
        else:
            setattr(card, self._field, getattr(card, self._field) + data)


def _read(at) -> Reader:
    reader = Reader()
    for element in at.get("html"):
        reader.feed(element.proto.body)
    reader.close()
    return reader


def cards(at) -> list[Card]:
    """The figure cards of the page, in order; the delta without its arrow."""
    out = _read(at).cards
    for c in out:
        c.label, c.value = c.label.strip(), c.value.strip()
        if c.delta is not None:
            c.delta = c.delta.strip().lstrip("▲▼→").strip()
    return out


def tables(at) -> list[pd.DataFrame]:
    """The static tables of the page (ui/cards.table), cells as shown."""
    return _read(at).tables
