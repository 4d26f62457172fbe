"""Local time of the jurisdiction. Vietnam keeps UTC+7 all year (no daylight saving), so a
fixed offset is exact and needs no time-zone database on the machine."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

VN = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")


def now() -> datetime:
    return datetime.now(VN).replace(tzinfo=None)


def today() -> date:
    return now().date()
