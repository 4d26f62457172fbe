"""The content of one month's briefing, built once from the engine and drawn by every
output: the PowerPoint deck, the PDF report, and the presentation page.

`gather()` (month.py) reads the month (figures, comparisons, ranking, leagues, flags, commitments,
dossier lists) into a `Month`; `build()` turns it into a `Briefing` (content.py) with the
slide builders of slides.py, a list of `Slide`s
each holding one idea: a title, a one-line message, big figures (cards), bullet lines, at
most one chart (a plotly Figure), at most one table, and speaker notes with the figures.
Nothing here draws or renders: the deck and the PDF render the charts in one batch
(images.py); a Streamlit page can show `slide.chart.figure` as it is.

With `unit`, everything is limited to that unit: its figures, its rank inside its group
(the group's median and best, no other unit named), its flags, commitments and dossiers.
"""
from __future__ import annotations

from datetime import date

from ..i18n import pick
from ..model.period import last_day
from ..model.profile import LEVEL_LABELS, Profile
from .content import Briefing, Card, Chart, Slide, Table
from .month import Month, gather
from .slides import (kpi_slide, late_slide, league_slide, points_slide, position_slide, rank_slide,
                     review_slide, road_slide, title_slide, trend_slide, unit_late_slide, flags_slide)

# what the writers (pptx, pdf, xlsx) and the presentation page take from a briefing
__all__ = ["Briefing", "Card", "Chart", "Slide", "Table", "Month", "build", "gather", "level_label"]


def build(con, period: date, profile: Profile, lang: str = "vi", unit: str | None = None,
          month: Month | None = None) -> Briefing:
    """The month's slides, in the order of the meeting."""
    m = month or gather(con, period, profile, lang, unit)
    if m.unit:
        slides = [title_slide(m), kpi_slide(m), trend_slide(m), position_slide(m), points_slide(m),
                  unit_late_slide(m), flags_slide(m), review_slide(m)]
    else:
        slides = [title_slide(m), kpi_slide(m), trend_slide(m), rank_slide(m), road_slide(m),
                  league_slide(m, "communes"), league_slide(m, "departments"), late_slide(m),
                  flags_slide(m), review_slide(m)]
    last = m.as_of.get("last_date")
    return Briefing(period=m.period, lang=m.lang, unit=m.unit, subject=m.subject,
                    jurisdiction=profile.jurisdiction_name, province=profile.province,
                    issuing_body=profile.issuing_body, place=profile.place,
                    is_demo=bool(m.as_of.get("is_demo")),
                    as_of=min(last, last_day(m.period)) if last else None, slides=slides, month=m)


def level_label(level: str | None, lang: str) -> str:
    return pick(LEVEL_LABELS[level], lang) if level in LEVEL_LABELS else ""
