"""THE registry of counters and KPIs, and the queries built from it.

A counter is a nullable integer per unit and month (NULL = not reported, 0 = none). A KPI
is a ratio of summed counters (domain.md 4-5). Tables, roll-ups, charts, exports and tests
are all generated from the two lists below: adding a KPI is one entry here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import pick


@dataclass(frozen=True)
class Counter:
    name: str
    vi: str
    en: str
    # SQL over one row of the dossier-month expansion (see counters.py); None when the
    # counter is only reported, never derived from dossiers
    base: str | None = None       # which dossiers of the month it counts
    flag: str | None = None       # a per-dossier flag that may be unknown (NULL)
    reportable: bool = True       # can come from a report / peer file
    # for a report that does not give it: the counters it is exactly the sum of (any of the
    # alternatives whose parts are all known), e.g. resolved = early + on time + late
    sums: tuple[tuple[str, ...], ...] = ()

    def label(self, lang: str = "vi") -> str:
        return pick((self.vi, self.en), lang)


# --- dossier statuses: the one model ---------------------------------------------------
# A dossier's status at the end of a period, over the DATE columns of one row
# (received_date, due_date, finished_date) and the period's first and last day. Every row
# they are applied to was open at some time in the period (received on or before its last
# day, not finished before its first: `open_in`). The counters (over the dossier-month
# expansion of counters.py, with the month's m_start and m_end), the dossier list's filters
# and status column (queries.py) and the flags' dossiers (flags.py) are all generated here.
# Rule 3 of the order: online and BCCI dossiers (sent or returned by post) get priority.
# An export without the return-by-post column still tells the channel, so read it as "no".
PRIORITY_SQL = "({a}channel IN (2, 3) OR coalesce({a}result_by_post, FALSE))"


def statuses(a: str = "d.", start: str = "m_start", end: str = "m_end") -> dict[str, str]:
    """Each status's SQL predicate over a row aliased `a` ("d." or ""), for the period
    [start, end] given as SQL (column names or DATE literals of our own making)."""
    new = f"{a}received_date >= {start}"
    resolved = f"{a}finished_date <= {end}"
    pending = f"({a}finished_date IS NULL OR {a}finished_date > {end})"
    late = f"{resolved} AND {a}finished_date > {a}due_date"
    early = f"{resolved} AND {a}finished_date < {a}due_date"
    priority = PRIORITY_SQL.format(a=a)
    return {
        "new": new,
        "carried": f"{a}received_date < {start}",
        "resolved": resolved,
        "pending": pending,
        "early": early,
        "on_time": f"{resolved} AND {a}finished_date = {a}due_date",
        "late": late,
        "in_time": f"{resolved} AND {a}finished_date <= {a}due_date",
        "pending_in_time": f"{pending} AND {a}due_date > {end}",
        "overdue": f"{pending} AND {a}due_date <= {end}",
        # late without an apology letter; an export that says nothing of apologies (NULL) is
        # not "missing": we do not know
        "apology_missing": f"{late} AND NOT {a}apology_sent",
        # a land procedure other than mediation received at a commune (rule 4 of the order)
        "land_violation": f"{new} AND {a}is_commune AND {a}is_land AND NOT {a}is_land_mediation",
        # an online or BCCI dossier resolved, but not early (rule 3: priority not honoured)
        "priority_not_early": f"{resolved} AND NOT ({a}finished_date < {a}due_date) AND {priority}",
        "priority": priority,
    }


def open_in(a: str, start: str, end: str) -> str:
    """The rows the statuses apply to: open at some time in [start, end]."""
    return f"{a}received_date <= {end} AND ({a}finished_date IS NULL OR {a}finished_date >= {start})"


def status_case(a: str, start: str, end: str) -> str:
    """SQL: the one status of a row open in the period, as the dossier list shows it."""
    s = statuses(a, start, end)
    return (f"CASE WHEN {s['overdue']} THEN 'overdue' WHEN {s['pending']} THEN 'pending' "
            f"WHEN {s['early']} THEN 'early' WHEN {s['on_time']} THEN 'on_time' ELSE 'late' END")


# the counters' predicates, over the dossier-month expansion d(…, m_start, m_end)
_S = statuses()
NEW, CARRIED, RESOLVED, PENDING = _S["new"], _S["carried"], _S["resolved"], _S["pending"]
EARLY, ON_TIME, LATE, PRIORITY = _S["early"], _S["on_time"], _S["late"], _S["priority"]

COUNTERS: list[Counter] = [
    Counter("received_total", "Tổng số hồ sơ tiếp nhận", "Dossiers received (total)", "TRUE"),
    Counter("received_online", "Tiếp nhận trực tuyến", "Received online", NEW, "d.channel = 2"),
    Counter("received_direct", "Tiếp nhận trực tiếp", "Received in person", NEW, "d.channel = 1"),
    Counter("received_post", "Tiếp nhận qua BCCI", "Received by post (BCCI)", NEW, "d.channel = 3"),
    Counter("received_direct_post", "Trực tiếp và bưu chính", "In person and by post", NEW,
            "d.channel IN (1, 3)", sums=(("received_direct", "received_post"),)),
    Counter("carried_over", "Từ kỳ trước", "Carried over", CARRIED),
    Counter("resolved", "Đã giải quyết", "Resolved", RESOLVED,
            sums=(("resolved_early", "resolved_on_time", "resolved_late"), ("resolved_in_time", "resolved_late"))),
    Counter("resolved_early", "Giải quyết trước hạn", "Resolved early", EARLY),
    Counter("resolved_on_time", "Giải quyết đúng hạn", "Resolved on time", ON_TIME),
    Counter("resolved_late", "Giải quyết quá hạn", "Resolved late", LATE),
    Counter("pending", "Đang giải quyết", "Pending", PENDING, sums=(("pending_in_time", "pending_overdue"),)),
    Counter("pending_in_time", "Đang giải quyết trong hạn", "Pending, not yet due", _S["pending_in_time"]),
    Counter("pending_overdue", "Đang giải quyết quá hạn", "Pending, overdue", _S["overdue"]),
    Counter("fee_dossiers", "Hồ sơ có nghĩa vụ tài chính", "Fee-bearing dossiers", NEW, "d.has_fee"),
    Counter("paid_online", "Thanh toán trực tuyến", "Paid online", NEW,
            "d.has_fee AND d.paid_online"),
    Counter("result_by_post", "Trả kết quả qua BCCI", "Results returned by post", RESOLVED,
            "d.result_by_post"),
    # rating is '' for "not rated" and NULL when the export has no rating column at all
    Counter("rated", "Số lượt đánh giá", "Ratings", RESOLVED, "d.rating <> ''"),
    Counter("satisfied", "Hài lòng (gồm rất hài lòng)", "Satisfied (incl. very)", RESOLVED,
            "d.rating IN ('satisfied', 'very_satisfied')"),
    Counter("very_satisfied", "Rất hài lòng", "Very satisfied", RESOLVED,
            "d.rating = 'very_satisfied'"),
    Counter("dissatisfied", "Không hài lòng", "Dissatisfied", RESOLVED, "d.rating = 'dissatisfied'"),
    Counter("apologised", "Quá hạn có thư xin lỗi", "Late with an apology", LATE, "d.apology_sent"),
    Counter("digitised", "Hồ sơ được số hóa", "Digitised", RESOLVED, "d.digitised"),
    Counter("e_result", "Có kết quả điện tử", "Electronic result", RESOLVED, "d.e_result"),
    # is_certification / is_land are unknown (NULL) when the export has no field column: the
    # counters are then unknown, not 0
    Counter("certified", "Hồ sơ chứng thực", "Certification dossiers", NEW, "d.is_certification"),
    Counter("e_certified", "Chứng thực bản sao điện tử", "Electronic certified copies", NEW,
            "d.is_certification AND d.e_certified_copy"),
    Counter("land_violation", "Hồ sơ đất đai sai thẩm quyền ở xã", "Land dossiers at a commune",
            f"{NEW} AND d.is_commune", "d.is_land AND NOT d.is_land_mediation"),
    Counter("priority_resolved", "Đã giải quyết (trực tuyến + BCCI)", "Resolved (online + BCCI)",
            RESOLVED, PRIORITY),
    Counter("priority_early", "Trước hạn (trực tuyến + BCCI)", "Early (online + BCCI)", EARLY, PRIORITY),
    Counter("direct_resolved", "Đã giải quyết (trực tiếp)", "Resolved (in person)", RESOLVED,
            f"NOT {PRIORITY}"),
    Counter("direct_early", "Trước hạn (trực tiếp)", "Early (in person)", EARLY, f"NOT {PRIORITY}"),
    # early and on time together: land-registry tables give only "Trước và trong hạn", so the
    # on-time rate and the progress index are built on this sum (early and on time alone stay
    # unknown for such a file, not 0)
    Counter("resolved_in_time", "Giải quyết trước và đúng hạn", "Resolved early or on time",
            _S["in_time"], sums=(("resolved_early", "resolved_on_time"),)),
]
COUNTER_NAMES = [c.name for c in COUNTERS]
COUNTER = {c.name: c for c in COUNTERS}


@dataclass(frozen=True)
class KPI:
    key: str
    vi: str
    en: str
    num: tuple[str, ...]          # counters summed for the numerator
    den: tuple[str, ...] | None   # counters summed for the denominator; None = a count
    lower_is_better: bool = False
    short_vi: str = ""
    short_en: str = ""
    help_vi: str = ""
    help_en: str = ""
    headline: bool = False        # shown as a card on the overview
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_rate(self) -> bool:
        return self.den is not None

    def label(self, lang: str = "vi") -> str:
        return pick((self.vi, self.en), lang)

    def short(self, lang: str = "vi") -> str:
        return pick((self.short_vi or self.vi, self.short_en or self.en), lang)

    def help(self, lang: str = "vi") -> str:
        return pick((self.help_vi, self.help_en), lang)

    @property
    def counters(self) -> tuple[str, ...]:
        return self.num + (self.den or ())


KPIS: list[KPI] = [
    KPI("on_time_rate", "Tỷ lệ giải quyết đúng hạn", "On-time rate",
        ("resolved_in_time",), ("resolved",), short_vi="Đúng hạn",
        short_en="On time", help_vi="(Trước hạn + đúng hạn) / đã giải quyết",
        help_en="(early + on time) / resolved", headline=True),
    KPI("late_count", "Hồ sơ giải quyết quá hạn", "Dossiers resolved late", ("resolved_late",), None,
        lower_is_better=True, short_vi="Trễ hạn", short_en="Late", headline=True,
        help_vi="Số hồ sơ đã giải quyết sau ngày hẹn trả", help_en="Resolved after the due date"),
    KPI("overdue_backlog", "Hồ sơ đang quá hạn", "Overdue backlog", ("pending_overdue",), None,
        lower_is_better=True, short_vi="Đang quá hạn", short_en="Overdue", headline=True,
        help_vi="Hồ sơ chưa giải quyết đã quá hạn cuối tháng",
        help_en="Pending dossiers past their due date at month end"),
    KPI("progress_766", "Chỉ số tiến độ (QĐ 766)", "Progress index (Decision 766)",
        ("resolved_in_time", "pending_in_time"), ("received_total",),
        short_vi="Tiến độ", short_en="Progress",
        help_vi="(Trước hạn + đúng hạn + đang trong hạn) / tổng tiếp nhận",
        help_en="(early + on time + pending not yet due) / received"),
    KPI("online_rate", "Tỷ lệ nộp trực tuyến", "Online submission rate", ("received_online",),
        ("received_online", "received_direct_post"), short_vi="Trực tuyến", short_en="Online",
        help_vi="Trực tuyến / (trực tuyến + trực tiếp, bưu chính)",
        help_en="online / (online + in person and post)", headline=True),
    KPI("online_payment_rate", "Tỷ lệ thanh toán trực tuyến", "Online payment rate", ("paid_online",),
        ("fee_dossiers",), short_vi="Thanh toán TT", short_en="Online payment",
        help_vi="Đã thanh toán trực tuyến / hồ sơ có nghĩa vụ tài chính",
        help_en="paid online / fee-bearing dossiers", headline=True),
    KPI("bcci_intake_rate", "Tỷ lệ tiếp nhận qua BCCI", "BCCI intake rate", ("received_post",),
        ("received_online", "received_direct_post"), short_vi="Nhận qua BCCI", short_en="BCCI in",
        help_vi="Tiếp nhận qua bưu chính / tổng hồ sơ mới", help_en="received by post / new dossiers"),
    KPI("bcci_return_rate", "Tỷ lệ trả kết quả qua BCCI", "BCCI return rate", ("result_by_post",),
        ("resolved",), short_vi="Trả qua BCCI", short_en="BCCI out",
        help_vi="Trả kết quả qua bưu chính / đã giải quyết", help_en="returned by post / resolved"),
    KPI("satisfaction_rate", "Tỷ lệ hài lòng", "Satisfaction rate", ("satisfied",), ("rated",),
        short_vi="Hài lòng", short_en="Satisfied", headline=True,
        help_vi="(Hài lòng + rất hài lòng) / số lượt đánh giá", help_en="satisfied / rated"),
    KPI("rating_coverage", "Tỷ lệ hồ sơ được đánh giá", "Rating coverage", ("rated",), ("resolved",),
        short_vi="Được đánh giá", short_en="Rated",
        help_vi="Số lượt đánh giá / đã giải quyết", help_en="rated / resolved"),
    KPI("apology_rate", "Tỷ lệ hồ sơ trễ có thư xin lỗi", "Apology rate", ("apologised",),
        ("resolved_late",), short_vi="Xin lỗi", short_en="Apologies",
        help_vi="Hồ sơ quá hạn có thư xin lỗi / hồ sơ quá hạn", help_en="late with apology / late"),
    KPI("digitisation_rate", "Tỷ lệ số hóa hồ sơ", "Digitisation rate", ("digitised",), ("resolved",),
        short_vi="Số hóa", short_en="Digitised", help_vi="Hồ sơ số hóa / đã giải quyết",
        help_en="digitised / resolved"),
    KPI("e_result_rate", "Tỷ lệ cấp kết quả điện tử", "Electronic result rate", ("e_result",),
        ("resolved",), short_vi="KQ điện tử", short_en="E-result",
        help_vi="Có kết quả điện tử / đã giải quyết", help_en="electronic result / resolved"),
    KPI("e_certified_rate", "Tỷ lệ chứng thực bản sao điện tử", "Electronic certified copy rate",
        ("e_certified",), ("certified",), short_vi="Chứng thực ĐT", short_en="E-certified",
        help_vi="Chứng thực điện tử / hồ sơ chứng thực", help_en="e-certified / certification dossiers"),
    KPI("early_rate_priority", "Tỷ lệ trước hạn (trực tuyến + BCCI)", "Early rate (online + BCCI)",
        ("priority_early",), ("priority_resolved",), short_vi="Trước hạn ưu tiên",
        short_en="Early, priority", help_vi="Trước hạn / đã giải quyết, hồ sơ trực tuyến và BCCI",
        help_en="early / resolved, online and BCCI dossiers"),
    KPI("early_rate_direct", "Tỷ lệ trước hạn (trực tiếp)", "Early rate (in person)",
        ("direct_early",), ("direct_resolved",), short_vi="Trước hạn trực tiếp",
        short_en="Early, in person", help_vi="Trước hạn / đã giải quyết, hồ sơ trực tiếp",
        help_en="early / resolved, in-person dossiers"),
]
KPI_KEYS = [k.key for k in KPIS]
KPI_BY_KEY = {k.key: k for k in KPIS}


def kpi(key: str) -> KPI:
    return KPI_BY_KEY[key]


def derive_sums(v: dict[str, int | None]) -> None:
    """Fill, in a report's row of counters, each unknown counter that is exactly the sum of
    known ones (Counter.sums); never guesses. Twice, so that a sum of sums is found."""
    for _ in range(2):
        for c in COUNTERS:
            if v.get(c.name) is not None:
                continue
            for parts in c.sums:
                if all(v.get(p) is not None for p in parts):
                    v[c.name] = sum(v[p] for p in parts)
                    break


def _sum_known(values) -> int | None:
    """A counter over several units or months: the sum of the known values; None (unknown)
    only if no member reported it."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def aggregate(rows: list[tuple], idx: dict[str, int]) -> dict:
    """THE roll-up: every counter summed and every KPI as the ratio of the summed numerator
    and denominator (never a mean of rates), over rows of counters (unit-months, peer-months,
    procedure-months); `idx` gives each counter's position in a row.

    A KPI sums only the rows where every counter it uses is known, so a unit that did not
    report a counter (NULL) neither inflates nor dilutes the ratio; no known row, or a zero
    denominator, means no value.
    """
    out = {c: _sum_known(r[idx[c]] for r in rows) for c in COUNTER_NAMES}
    for k in KPIS:
        known = [r for r in rows if all(r[idx[c]] is not None for c in k.counters)]
        if not known:
            out[k.key] = None
            continue
        num = sum(r[idx[c]] for r in known for c in k.num)
        if not k.is_rate:
            out[k.key] = float(num)
            continue
        den = sum(r[idx[c]] for r in known for c in k.den)
        out[k.key] = float(num) / den if den else None
    return out
