"""A small, hand-worked ranking month (August 2022): the district's own counters from an
II.06a report of two units, five peers from a peer file, and every figure the ranking page
should show, worked out by hand below (domain.md section 6) — none copied from the program.

Only progress and online submission count: the peer file gives no fee, rating, e-result or
digitisation counters, and an indicator counts only when every member's counters are known.
So, with the default profile (progress weight 20 at full mark 100 %, online submission
weight 6 at full mark 50 %; target place 5, stretch place 4):

    score = 100 × (20 × progress + 6 × min(1, online / 0.5)) / 26

The district (code 550, its row the sum of its two units):

    unit                  received  online  direct+post  carried  early  on time  late  in time  overdue
    Phòng Tư pháp            40       20        20          0       24      8       4       2        2
    UBND xã Phước Hưng       60       16        34         10       26     22       6       3        3
    district                100       36        54         10       50     30      10       5        5

    progress = (50 + 30 + 5) / 100 = 0.85      online = 36 / (36 + 54) = 0.40 -> 0.40 / 0.5 = 0.8
    score    = 100 × (20 × 0.85 + 6 × 0.8) / 26 = 100 × (17 + 4.8) / 26 = 2180 / 26 = 83.85

The peers (each row adds up: received = online + direct/post + carried
= early + on time + late + in time + overdue):

    peer            received  early  on time  late  in time  overdue  online  direct+post  progress  online   score
    TP Quy Nhơn       1000     900     100      0      0        0       600      400        1.00    0.60->1   100 × 26 / 26   = 100.00
    TX An Nhơn         800     600     140     20     20       20       400      400        0.95    0.50->1   100 × 25 / 26   =  96.15
    TX Hoài Nhơn       500     400      50     30     10       10       300      200        0.92    0.60->1   100 × 24.4 / 26 =  93.85
    Huyện Tây Sơn      400     300      50     20     10       20       200      200        0.90    0.50->1   100 × 24 / 26   =  92.31
    Huyện An Lão       200     120      30     20     10       20        50      150        0.80    0.25->.5  100 × 19 / 26   =  73.08

Ranks: Quy Nhơn 1, An Nhơn 2, Hoài Nhơn 3, Tây Sơn 4, Tuy Phước 5 (83.85), An Lão 6: the
district is 5th of 6, inside the target place 5 (the road to place 5 says so).

The road to place 4: equal Tây Sơn's 92.31 (an equal score shares the place) — 2400 / 26.
- progress alone: 100 × (20 p + 4.8) / 26 = 2400 / 26  ->  20 p = 19.2  ->  p = 0.96:
  "from 85.0 % to 96.0 %" (to 2 decimals a score of 92.305 already ties, i.e. p ≥ 0.959965,
  which is still 96.0 % at one decimal);
- online alone, even at its full mark: 100 × (17 + 6) / 26 = 88.46 < 92.31: still 5th,
  "not enough on its own".

The what-if with progress at 100 %: 100 × (20 + 4.8) / 26 = 2480 / 26 = 95.38, +300 / 26 =
+11.54 points: above Hoài Nhơn (93.85) and Tây Sơn, below An Nhơn (96.15): 3rd of 6.
With progress at the road's 96 %: 2400 / 26 = 92.31, level with Tây Sơn: 4th (shared).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from tests import report_fixtures as rf

PERIOD = date(2022, 8, 1)

UNITS = [
    # unit as written, then the II.06a columns (3)..(13): received, online, direct+post, carried,
    # resolved, early, on time, late, pending, in time, overdue
    ("Phòng Tư pháp", [40, 20, 20, 0, 36, 24, 8, 4, 4, 2, 2]),
    ("UBND xã Phước Hưng", [60, 16, 34, 10, 54, 26, 22, 6, 6, 3, 3]),
]

PEERS = [
    # peer as written, month, received_total, early, on time, late, in time, overdue, online, direct+post, carried
    ("TP Quy Nhơn", "08/2022", 1000, 900, 100, 0, 0, 0, 600, 400, 0),
    ("TX An Nhơn", "08/2022", 800, 600, 140, 20, 20, 20, 400, 400, 0),
    ("TX Hoài Nhơn", "08/2022", 500, 400, 50, 30, 10, 10, 300, 200, 0),
    ("Huyện Tây Sơn", "08/2022", 400, 300, 50, 20, 10, 20, 200, 200, 0),
    ("Huyện An Lão", "08/2022", 200, 120, 30, 20, 10, 20, 50, 150, 0),
]

# the hand-worked figures above, by peer code (550: the district)
SCORES = {"540": 2600 / 26, "549": 2500 / 26, "543": 2440 / 26, "547": 2400 / 26, "550": 2180 / 26,
          "542": 1900 / 26}
RANKS = {"540": 1, "549": 2, "543": 3, "547": 4, "550": 5, "542": 6}
PROGRESS, ONLINE = 0.85, 0.40                     # the district's values
PROGRESS_FOR_4TH = 0.96                           # progress alone, to equal Tây Sơn
SCORE_ONLINE_AT_FULL = 2300 / 26                  # 88.46: still 5th
SCORE_PROGRESS_AT_100 = 2480 / 26                 # 95.38: 3rd
RANK_PROGRESS_AT_100 = 3


def write_files(folder: Path) -> tuple[Path, Path]:
    """The report and the peer file, written into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    return (rf.write_report(folder / "bao_cao_II06a_08_2022.xlsx", units=UNITS),
            rf.write_peers(folder / "cac_huyen_08_2022.csv", rows=PEERS))


def build(path: Path, folder: Path) -> Path:
    """A closed store at `path` holding the month, imported as a user would (import_file)."""
    from metrics.importers.core import import_file
    from metrics.store import db

    con = db.connect(path)
    try:
        for f in write_files(folder):
            import_file(con, f)
    finally:
        con.close()
    return path
