"""What a briefing is made of, as every output draws it (the deck, the PDF, the spreadsheet,
the presentation page): slides of cards, bullet lines, one chart and one table each."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from .. import charts

if TYPE_CHECKING:
    from .month import Month

# Where a chart goes, in inches of a 13.33 × 7.5-inch (16:9) slide: the whole content area,
# or its left part beside bullet lines, or a sparkline on a card. The picture is drawn at
# PX_PER_IN layout pixels per inch with the type enlarged so that the charts' 16 px base
# size lands on TYPE_PT points on the slide: readable from the back of a meeting room.
FULL_BOX = (12.3, 5.0)
SIDE_BOX = (6.4, 5.0)
SPARK_BOX = (1.7, 0.6)
PX_PER_IN = 90
TYPE_PT = 18.0


@dataclass
class Card:
    """One headline figure: value, goal, status colour, change, and what it is made of."""

    key: str
    label: str
    value: str
    status: str                 # good / bad / none (charts.goal_status)
    goal: str = ""              # "Mục tiêu ≥ 50,0 % · Chưa đạt"
    delta: str = ""             # "+1,2 điểm % so với 07/2022"
    parts: str = ""             # "7.800/8.000 hồ sơ"
    spark: "Chart | None" = None


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    align: list[str] = field(default_factory=list)     # "l" or "r" per column
    widths: list[float] = field(default_factory=list)  # relative widths
    more: int = 0                                       # rows left off the slide

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass
class Chart:
    key: str
    figure: go.Figure
    box: tuple[float, float] = FULL_BOX      # inches on the slide

    @property
    def width(self) -> int:
        return round(self.box[0] * PX_PER_IN)

    @property
    def height(self) -> int:
        return round(self.box[1] * PX_PER_IN)

    @property
    def font_scale(self) -> float:
        return TYPE_PT / (charts.FONT_SIZE * 72 / PX_PER_IN)


@dataclass
class Slide:
    key: str
    title: str
    lead: str = ""
    cards: list[Card] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    chart: Chart | None = None
    table: Table | None = None
    notes: str = ""
    empty: bool = False         # says "chưa có dữ liệu" instead of figures


@dataclass
class Briefing:
    period: date
    lang: str
    unit: str | None
    subject: str                # the jurisdiction, or the unit
    jurisdiction: str
    province: str
    issuing_body: str
    place: str
    is_demo: bool
    as_of: date | None
    slides: list[Slide]
    month: "Month"

    def charts(self) -> list[Chart]:
        """Every chart of the briefing, cards' sparklines included, in slide order."""
        out = []
        for s in self.slides:
            for c in s.cards:
                if c.spark is not None:
                    out.append(c.spark)
            if s.chart is not None:
                out.append(s.chart)
        return out
