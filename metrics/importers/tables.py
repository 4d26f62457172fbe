"""Counter tables: the monthly report form II.06a (rows = units), peer files (rows = peer
districts) and the yearly official CCHC index (peer, year, score, rank). Small files, read
whole in Python.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..errors import ImportRejected, Problem, ProblemList
from ..model.kpis import COUNTER_NAMES, derive_sums
from ..model.profile import Profile
from ..i18n.textnorm import key
from .columns import Column, FileReport, column_letter
from .headers import TableHeader, group_of, map_header_rows
from .layouts import NOT_USED
from .official import official_header, parse_official
from ..model.period import last_day
from .values import NUMBERING, TOTAL_WORDS, month_in_text, parse_count, parse_decimal, parse_month, parse_percent, range_in_text

# The form's identities (domain.md 3.2), each as total = sum of parts
IDENTITIES = [
    ("received_total", ("received_online", "received_direct_post", "carried_over"), "(3) = (4) + (5) + (6)"),
    ("resolved", ("resolved_early", "resolved_on_time", "resolved_late"), "(7) = (8) + (9) + (10)"),
    ("pending", ("pending_in_time", "pending_overdue"), "(11) = (12) + (13)"),
    ("received_total", ("resolved", "pending"), "(3) = (7) + (11)"),
    ("resolved", ("resolved_in_time", "resolved_late"), "đã giải quyết = trước và trong hạn + trễ hạn"),
    ("resolved_in_time", ("resolved_early", "resolved_on_time"), "trước và trong hạn = trước hạn + đúng hạn"),
]


@dataclass
class CounterRow:
    row: int
    entity: str
    period: date
    values: dict[str, int | None]


@dataclass
class ParsedTable:
    kind: str                       # report | peers | index | accounts | events
    rows: list[CounterRow] = field(default_factory=list)
    index_rows: list[tuple] = field(default_factory=list)   # (row, peer, year, score, rank)
    account_rows: list[tuple] = field(default_factory=list)  # (row, unit, period, accounts)
    event_rows: list[tuple] = field(default_factory=list)    # (row, date, unit or None, text)
    official_rows: list[tuple] = field(default_factory=list)  # (row, level, code, period, {group: score})
    warnings: list[str] = field(default_factory=list)
    counters: list[str] = field(default_factory=list)
    report: FileReport | None = None


_SECTION = re.compile(r"^(i{1,3}|iv|v|vi{0,3}|[a-e])\s")
_NUMBERING = re.compile(NUMBERING)


def _is_numbering_row(row: list[object]) -> bool:
    """The row under the header that numbers the columns "(1) (2) … (13)"."""
    cells = [str(c).strip() for c in row if c not in (None, "")]
    return len(cells) >= 3 and all(_NUMBERING.match(c) for c in cells)


def _is_total(text: str) -> bool:
    k = key(text)
    return k in TOTAL_WORDS or k.startswith("tong cong")


def _is_section(text: str) -> bool:
    k = key(text)
    if k in ("cap huyen", "cap xa", "cap xa thi tran", "cap tinh"):
        return True
    return bool(_SECTION.match(k)) and ("cap" in k or len(k.split()) <= 4 and not k[0].isdigit())


def find_table_header(head: list[list[object]]) -> tuple[int, TableHeader] | None:
    """The header row (and the one or two rows under it that complete a merged header) that
    names the most columns; a deeper header wins only where it names more."""
    best: tuple[int, int, TableHeader] | None = None
    for i, row in enumerate(head):
        if not any(c not in (None, "") for c in row):
            continue
        for depth in (1, 2, 3):
            if i + depth > len(head):
                break
            if depth > 1 and not upper_rows_group(head[i:i + depth - 1]):
                break
            h = map_header_rows(head[i:i + depth])
            special = sum(1 for c in h.columns.values()
                          if c in ("@year", "@score", "@rank", "@accounts", "@date", "@event"))
            named = len(h.counters) + (2 if h.entity_col is not None else 0) + 2 * special
            # a deeper header, or a later row, must name more to win
            score = 10 * named - depth
            if best is None or score > best[0]:
                best = (score, i, h)
    if best is None or best[0] < 30 - 3:
        return None
    return best[1], best[2]


def upper_rows_group(rows: list[list[object]]) -> bool:
    """Rows that can sit above a header's last row: group headings, several to a row (a
    title line, one text in its row, is not one even if it says "tiếp nhận")."""
    for r in rows:
        cells = [c for c in r if c not in (None, "")]
        if len(cells) < 2:
            return False
    return any(group_of(c) for r in rows for c in r if isinstance(c, str))


def _entity_col(h: TableHeader, row: list[object]) -> int | None:
    if h.entity_col is not None:
        return h.entity_col
    # no heading for the name column: the first text cell left of the counters
    first_counter = min(h.counters) if h.counters else len(row)
    for i in range(first_counter):
        if i < len(row) and isinstance(row[i], str) and not _NUMBERING.match(row[i].strip()):
            return i
    return None


_CUMULATIVE = re.compile(r"\b(luy ke|cong don|tu dau nam)\b")
_THIS_MONTH = re.compile(r"\btrong (thang|ky)\b")


def title_period(rows: list[list[object]]) -> tuple[date | None, Problem | None]:
    """The month of a report from its title lines: 'Kỳ báo cáo: Tháng 8 năm 2022', 'Tháng 8
    Năm 2022', or '(Từ ngày 01/08/2022 đến ngày 31/08/2022)' when it spans exactly one
    calendar month; a range that does not is a problem (the store is monthly), and so is a
    title that says the figures are cumulative ("lũy kế từ đầu năm": the year so far, which
    read as the month would count every earlier month again)."""
    for r in rows:
        # a title line (one text in its row): a row of column groups above the header may well
        # hold "Lũy kế từ đầu năm" beside the month's group, which is read as the month
        texts = [c for c in r if isinstance(c, str) and c.strip()]
        if len(texts) == 1 and _CUMULATIVE.search(key(texts[0])) and not _THIS_MONTH.search(key(texts[0])):
            return None, Problem(
                "Báo cáo lũy kế (cộng dồn từ đầu năm), không phải số liệu của riêng một tháng: hãy xuất "
                "báo cáo của từng tháng",
                "A cumulative report (the year to date), not one month's figures: export the report of "
                "each month", value=texts[0].strip()[:120])
    for r in rows:
        for c in r:
            if not isinstance(c, str):
                continue
            rng = range_in_text(c)
            if rng is not None:
                start, end = rng
                if start.day == 1 and end == last_day(start):
                    return date(start.year, start.month, 1), None
                return None, Problem(
                    f"Báo cáo cho khoảng {start:%d/%m/%Y} – {end:%d/%m/%Y}, không phải một tháng trọn vẹn: "
                    "hãy xuất báo cáo theo từng tháng",
                    f"The report covers {start:%d/%m/%Y} – {end:%d/%m/%Y}, not one calendar month: export one "
                    "report per month", value=c.strip()[:120])
            m = month_in_text(c)
            if m is not None:
                return m, None
    return None, None


def parse_table(src_name: str, rows: list[list[object]], profile: Profile, forced: str | None = None,
                layout=None) -> ParsedTable:
    found = find_table_header(rows[:40])
    if layout is not None:
        found = _with_layout(rows, found, layout)
    if found is None and forced in (None, "official") and official_header(rows[:40]) is not None:
        found = (0, None)
    if found is None:
        raise ImportRejected(src_name, [Problem(
            "Không tìm thấy dòng tiêu đề (mã hồ sơ, đơn vị, số hồ sơ tiếp nhận…)",
            "No header row found (dossier code, unit, dossiers received…)",
            expected_vi="một bảng kết xuất hồ sơ, Biểu II.06a, tệp số liệu các huyện hoặc tệp chỉ số năm",
            expected_en="a dossier export, a II.06a report, a peer file or a yearly index file")])
    hidx, h = found
    official = official_header(rows[:40]) if forced in (None, "official") else None
    if official is not None:
        period_of_title, _ = title_period(rows[:official[0]])
        return parse_official(src_name, rows, official, profile, period_of_title)
    period_of_title, period_problem = title_period(rows[:hidx])
    start = hidx + h.header_rows
    roles = set(h.columns.values())
    if forced in (None, "index") and {"@year", "@score"} <= roles:
        return _parse_index(src_name, rows, start, h, profile)
    if forced in (None, "accounts") and "@accounts" in roles:
        return _parse_accounts(src_name, rows, start, h, profile, period_of_title)
    if forced in (None, "events") and {"@date", "@event"} <= roles:
        return _parse_events(src_name, rows, start, h, profile)
    return _parse_counters(src_name, rows, start, h, profile, forced, period_of_title, period_problem, layout)


def table_columns(h: TableHeader, width: int) -> list[Column]:
    """The column report of a counter table."""
    out = []
    for i in range(width):
        label = h.labels.get(i)
        if label is None:
            continue
        role = h.columns.get(i)
        if role is not None:
            out.append(Column(i, label, read_as=role))
        else:
            reason, note = h.left_out.get(i, ("unknown", ""))
            out.append(Column(i, label, reason=reason, note=note))
    return out


def _with_layout(rows: list[list[object]], found, layout):
    """The header as the layout reads it: at the row it names (or the first row that is its
    header), each column it names read as it says, "-" left out."""
    hidx = layout.header_row if layout.header_row is not None and layout.header_row < len(rows) else None
    if hidx is None:
        hidx = next((i for i, r in enumerate(rows[:40]) if layout.matches(r)), None)
    if hidx is None:
        return found
    if found is not None and found[0] <= hidx < found[0] + found[1].header_rows:
        hidx, depth = found[0], found[1].header_rows
    else:
        depth = 1
    h = map_header_rows(rows[hidx:hidx + depth])
    for i, label in list(h.labels.items()):
        leaf = label.split(" / ")[-1]
        target = layout.column(label) or layout.column(leaf)
        if target is None:
            continue
        h.unread_counts = [j for j in h.unread_counts if j != i]
        if target == NOT_USED:
            h.columns.pop(i, None)
            h.left_out[i] = ("not_used", layout.name)
            continue
        for j, c in list(h.columns.items()):
            if c == target and j != i:
                del h.columns[j]
                h.left_out[j] = ("duplicate", column_letter(i))
        h.columns[i] = target
        h.left_out.pop(i, None)
        if target == "@entity":
            h.entity_col = i
        elif target == "@month":
            h.month_col = i
    return hidx, h


def _parse_counters(src_name, rows, start, h: TableHeader, profile: Profile, forced, period_of_title,
                    period_problem, layout=None) -> ParsedTable:
    problems = ProblemList()
    out = ParsedTable(kind=forced or "report", counters=sorted(set(h.counters.values()), key=COUNTER_NAMES.index))
    width = max((len(r) for r in rows[start - h.header_rows:start]), default=0)
    report = out.report = FileReport(columns=table_columns(h, width))
    if not h.counters:
        raise ImportRejected(src_name, [Problem("Không nhận ra cột số liệu nào", "No counter column recognised")])
    for i in h.unread_counts:
        problems.add(Problem(
            "Cột có vẻ là số liệu nhưng không nhận ra là chỉ tiêu nào: hãy gán cột này (hoặc đánh dấu bỏ qua) "
            "trong trang Nhập dữ liệu", "The column looks like a count but names no known counter: map it (or mark "
            "it as not used) on the import page", column=f"{column_letter(i)} «{h.labels.get(i)}»",
            learn=("column", i)))
    data: list[tuple[int, list[object]]] = []
    for n, r in enumerate(rows[start:], start=start + 1):
        if not any(c not in (None, "") for c in r):
            continue
        if _is_numbering_row(r):
            continue
        data.append((n, r))
    # units or peers? whichever the names match more often, unless the user said
    if forced not in ("report", "peers"):
        u = p = 0
        for _, r in data:
            ec = _entity_col(h, r)
            if ec is None or ec >= len(r) or r[ec] in (None, ""):
                continue
            text = str(r[ec])
            if profile.match_unit(text):
                u += 1
            elif profile.match_peer(text):
                p += 1
        out.kind = "peers" if p > u else "report"
    percent_cols = [i for i, (reason, _) in h.left_out.items() if reason == "percent"]
    new_total_col = next((i for i, (reason, _) in h.left_out.items() if reason == "new_total"), None)

    totals: list[CounterRow] = []
    section = ""                               # the section row the data rows sit under
    section_rows: dict[str, list[CounterRow]] = {}
    skipped: list[tuple[int, str, date, dict]] = []
    by_key: dict[tuple[str, date], CounterRow] = {}
    sections_of: dict[tuple[str, date], list[str]] = {}
    again: list[tuple[CounterRow, str, str, str | None]] = []
    pending_subtotal: list[tuple[int, str, date, dict, str]] = []
    for n, r in data:
        ec = _entity_col(h, r)
        text = str(r[ec]).strip() if ec is not None and ec < len(r) and r[ec] not in (None, "") else ""
        if not text:
            continue
        cells = {i: (r[i] if i < len(r) else None) for i in h.counters}
        blank = all(v in (None, "") for v in cells.values())
        if blank and out.kind == "report" and profile.match_unit(text) is not None:
            # a unit that reported nothing (unknown, not 0: it gets no row), said, wherever it
            # stands (a total row first used to hide it among the signatures)
            report.notes.append((f"Dòng {n}: «{text}» không có số liệu nào, không nhập",
                                 f"Row {n}: «{text}» has no figures, not imported"))
            continue
        if totals and not any(isinstance(v, (int, float)) or (isinstance(v, str) and any(ch.isdigit() for ch in v))
                              for v in cells.values()):
            # below a total row and without a figure: the place, date and signatures
            continue
        if blank:
            # no figure at all: a section heading ("Xã, phường, thị trấn", a land report item)
            if not _is_total(text):
                section = text
            continue
        period = period_of_title
        if h.month_col is not None:
            mv = r[h.month_col] if h.month_col < len(r) else None
            if mv not in (None, ""):
                period = parse_month(mv)
                if period is None:
                    problems.add(Problem("Tháng không đọc được", "Unreadable month", row=n,
                                         column=h.labels.get(h.month_col), value=str(mv),
                                         expected_vi="08/2022, 2022-08, Tháng 8/2022, T8/2022",
                                         expected_en="08/2022, 2022-08, Tháng 8/2022, T8/2022"))
                    continue
        if period is None:
            if period_problem is not None:
                if not any(pr is period_problem for pr in problems.items):
                    problems.add(period_problem)
            else:
                problems.add(Problem("Không xác định được kỳ báo cáo (tháng)", "No reporting month found", row=n,
                                     expected_vi="cột Tháng hoặc dòng «Kỳ báo cáo: Tháng 8 năm 2022» hoặc "
                                                 "«(Từ ngày 01/08/2022 đến ngày 31/08/2022)»",
                                     expected_en="a month column or a 'Kỳ báo cáo: Tháng 8 năm 2022' or "
                                                 "'(Từ ngày 01/08/2022 đến ngày 31/08/2022)' line"))
            continue
        values: dict[str, int | None] = {}
        bad = False
        for i, cname in h.counters.items():
            cell = cells[i]
            ok, v = parse_count(cell)
            if not ok and isinstance(cell, float) and not cell.is_integer():
                # a workbook cell holding a fraction: "1.234" typed (or saved) under English
                # settings is the number 1.234, not one thousand two hundred and thirty-four
                problems.add(Problem("Số liệu là số thập phân, không phải số hồ sơ", "A fraction, not a count",
                                     row=n, column=h.labels.get(i, cname), value=str(cell),
                                     expected_vi="số nguyên không âm; ô này là số thập phân — nếu số «1.234» được "
                                                 "nhập hoặc lưu bằng Excel tiếng Anh thì thành 1,234: hãy định dạng "
                                                 "cột là văn bản hoặc số nguyên rồi xuất lại",
                                     expected_en="a whole number ≥ 0; this cell holds a fraction — «1.234» typed or "
                                                 "saved under English settings becomes 1.234: format the column as "
                                                 "text or whole numbers and export again"))
            elif not ok:
                problems.add(Problem("Số liệu không đọc được", "Unreadable number", row=n,
                                     column=h.labels.get(i, cname), value=str(cell),
                                     expected_vi="số nguyên không âm, ví dụ 1.234",
                                     expected_en="a whole number ≥ 0, e.g. 1.234"))
                bad = True
            values[cname] = v
        if bad:
            continue
        new_total = None
        if new_total_col is not None:
            ok, new_total = parse_count(r[new_total_col] if new_total_col < len(r) else None)
            if ok and new_total is not None:
                if values.get("received_total") is None and values.get("carried_over") is not None:
                    values["received_total"] = new_total + values["carried_over"]
        _derive(values)
        _check_new_total(problems, n, values, new_total)
        _check_percents(report, n, r, h, percent_cols, values)
        if _is_total(text):
            totals.append(CounterRow(n, text, period, values))
            continue
        if layout is not None and layout.skips(text):
            report.notes.append((f"Dòng {n}: «{text}» không thuộc phạm vi (theo mẫu tệp), không nhập",
                                 f"Row {n}: «{text}» is not one of ours (per the layout), not imported"))
            skipped.append((n, text, period, values))
            continue
        if out.kind == "report":
            ent = profile.match_unit(text)
            if ent is None:
                peer = profile.match_peer(text)
                if peer is not None and peer.code == profile.code:
                    out.warnings.append(f"row {n}: jurisdiction subtotal «{text}» skipped")
                    skipped.append((n, text, period, values))
                    continue
                # not a unit: a section's subtotal ("I. Cấp huyện" with the sum of the units below
                # it, or "Cộng" after them; checked once they are read), or an error
                pending_subtotal.append((n, text, period, values, section))
                section = text
                continue
            code = ent.code
        else:
            peer = profile.match_peer(text)
            if peer is None:
                sugg = ", ".join(profile.suggest_peers(text))
                problems.add(Problem(f"Đơn vị so sánh không có trong danh mục; gần nhất: {sugg}",
                                     f"Unknown peer; closest known: {sugg}", row=n,
                                     column=h.labels.get(ec), value=text, learn=("peer", text)))
                continue
            if peer.code == profile.code:
                # the jurisdiction's own row is computed from its units, never imported
                out.warnings.append(f"row {n}: own row «{text}» ignored (computed from units)")
                continue
            code = peer.code
        for total, parts, label in IDENTITIES:
            _check_identity(problems, n, values, total, parts, label)
        row = CounterRow(n, code, period, values)
        section_rows.setdefault(section, []).append(row)
        k = (code, period)
        if k in by_key:
            if section in sections_of[k]:
                problems.add(Problem(f"Đơn vị xuất hiện hai lần trong cùng tháng (dòng {by_key[k].row})",
                                     f"The same unit twice in one month (row {by_key[k].row})",
                                     row=n, column=h.labels.get(ec), value=text))
                continue
            # the same unit under another section: decided below, once every row is read
            again.append((row, section, text, h.labels.get(ec)))
            sections_of[k].append(section)
            continue
        by_key[k] = row
        sections_of[k] = [section]
        out.rows.append(row)

    # rows whose name is not a unit: a subtotal when the units of its section add up to it
    for n, text, period, values, sec in pending_subtotal:
        blocks = [[r.values for r in section_rows.get(name, []) if r.period == period] for name in (text, sec)]
        if any(members and _adds_up(values, members) for members in blocks):
            report.notes.append((f"Dòng {n}: «{text}» là dòng cộng của mục, đã đối chiếu, không nhập",
                                 f"Row {n}: «{text}» is the item's subtotal: checked, not imported"))
            continue
        sugg = ", ".join(profile.suggest_units(text))
        problems.add(Problem(f"Đơn vị không có trong danh mục; gần nhất: {sugg}",
                             f"Unknown unit; closest known: {sugg}", row=n, value=text, learn=("unit", text)))
    summed = _sum_over_items(problems, by_key, sections_of, again)
    for k in summed:
        r = by_key[k]
        report.notes.append((f"«{profile_unit_name(profile, k[0])}» có ở {len(sections_of[k])} mục "
                             f"({'; '.join(s or '—' for s in sections_of[k])}): số liệu tháng là tổng các mục",
                             f"«{profile_unit_name(profile, k[0])}» appears under {len(sections_of[k])} items: "
                             "its month is their sum"))
        for total, parts, label in IDENTITIES:
            _check_identity(problems, r.row, r.values, total, parts, label)
    for t in totals:
        for total, parts, label in IDENTITIES:
            _check_identity(problems, t.row, t.values, total, parts, label)
        _check_total(problems, h, t, out.rows, section_rows, skipped)
    if not out.rows and not problems:
        problems.add(Problem("Không có dòng số liệu nào của đơn vị", "No data row for any unit"))
    report.unknown_counters = [c for c in COUNTER_NAMES
                               if not any(r.values.get(c) is not None for r in out.rows)]
    problems.raise_if_any(src_name)
    return out


def _sum_over_items(problems, by_key: dict, sections_of: dict, again: list) -> set:
    """Units listed under more than one section. A land registry table lists each branch once
    under every item (procedure): most of its units repeat, and a unit's month is the sum over
    the items. Where most units appear once (sections by level: "Cấp huyện", "Cấp xã"), a
    repeated unit is a row pasted twice: refused, never added up in silence."""
    if not again:
        return set()
    repeated = {row.entity for row, *_ in again}
    if len(repeated) * 2 <= len({k[0] for k in by_key}):
        for row, _section, text, column in again:
            first = by_key[(row.entity, row.period)]
            problems.add(Problem(f"Đơn vị xuất hiện hai lần trong cùng tháng (dòng {first.row})",
                                 f"The same unit twice in one month (row {first.row})",
                                 row=row.row, column=column, value=text))
        return set()
    summed = set()
    for row, *_ in again:
        k = (row.entity, row.period)
        first = by_key[k]
        first.values = {c: (None if first.values.get(c) is None or row.values.get(c) is None
                            else first.values[c] + row.values[c]) for c in set(first.values) | set(row.values)}
        summed.add(k)
    return summed


def profile_unit_name(profile: Profile, code: str) -> str:
    u = next((u for u in profile.units if u.code == code), None)
    return u.name if u else code


def _adds_up(values: dict, members: list[dict]) -> bool:
    known = [c for c, v in values.items() if v is not None]
    if not known:
        return False
    for c in known:
        parts = [m.get(c) for m in members]
        if any(p is None for p in parts) or sum(parts) != values[c]:
            return False
    return True


def _check_total(problems: ProblemList, h: TableHeader, t: CounterRow, rows: list[CounterRow],
                 section_rows: dict[str, list[CounterRow]], skipped) -> None:
    """A total row equals the sum of the units of its month, or of one section (a section's
    "Cộng"), or of the units and the rows set aside (a jurisdiction subtotal)."""
    candidates = [[r.values for r in rows if r.period == t.period]]
    candidates += [[r.values for r in rs if r.period == t.period] for rs in section_rows.values()]
    candidates.append([r.values for r in rows if r.period == t.period] + [s[3] for s in skipped if s[2] == t.period])
    for members in candidates:
        if members and _adds_up({c: v for c, v in t.values.items() if c in h.counters.values()}, members):
            return
    members = candidates[0]
    for cname in sorted(set(h.counters.values()), key=COUNTER_NAMES.index):
        tv = t.values.get(cname)
        parts = [m.get(cname) for m in members]
        if tv is None or any(v is None for v in parts) or sum(parts) == tv:
            continue
        problems.add(Problem(
            f"Dòng Tổng cộng ({tv}) khác tổng các đơn vị ({sum(parts)})",
            f"The total row ({tv}) differs from the sum of the units ({sum(parts)})",
            row=t.row, column=h.labels.get(_col_of(h, cname)), value=str(tv),
            expected_vi=str(sum(parts)), expected_en=str(sum(parts))))


def _check_new_total(problems: ProblemList, n: int, v: dict, new_total: int | None) -> None:
    """The new intake ("Trong kỳ / Tổng số") against its parts and the total."""
    if new_total is None:
        return
    parts = [v.get("received_online"), v.get("received_direct_post")]
    if all(p is not None for p in parts) and sum(parts) != new_total:
        problems.add(Problem(f"Tiếp nhận trong kỳ ({new_total}) ≠ trực tuyến + trực tiếp, bưu chính ({sum(parts)})",
                             f"New intake ({new_total}) ≠ online + in person and post ({sum(parts)})", row=n,
                             value=str(new_total)))
    if v.get("received_total") is not None and v.get("carried_over") is not None and \
            v["received_total"] != new_total + v["carried_over"]:
        problems.add(Problem(f"Tổng tiếp nhận ({v['received_total']}) ≠ trong kỳ + kỳ trước "
                             f"({new_total + v['carried_over']})",
                             f"Received ({v['received_total']}) ≠ new + carried over ({new_total + v['carried_over']})",
                             row=n, value=str(v["received_total"])))


# a percent column is checked against the counts it is made of (never stored): the first
# reading of its heading that agrees is taken; none agreeing is said (a mapping may be wrong)
_PERCENT_READINGS = [
    ("tre han", [("resolved_late", "resolved")]),
    ("qua han", [("pending_overdue", "pending"), ("resolved_late", "resolved")]),
    ("dung han", [("resolved_in_time", "resolved")]),
    ("truoc han", [("resolved_in_time", "resolved"), ("resolved_early", "resolved")]),
    ("truc tuyen", [("received_online", "received_total")]),
]


def _check_percents(report: FileReport, n: int, r: list[object], h: TableHeader, cols: list[int],
                    values: dict) -> None:
    for i in cols:
        raw = r[i] if i < len(r) else None
        ok, pct = parse_percent(raw)
        if not ok or pct is None:
            continue
        k = key(h.labels.get(i, ""))
        readings = [pairs for word, pairs in _PERCENT_READINGS if word in k]
        tried = [pair for pairs in readings for pair in pairs]
        # an Excel cell formatted as a percentage holds the fraction (8,33 % is 0.0833)
        as_written = [pct] + ([100 * pct] if isinstance(raw, (int, float)) and abs(pct) <= 1 else [])
        fits = False
        for num, den in tried:
            a, b = values.get(num), values.get(den)
            if a is None or not b:
                continue
            if any(abs(100 * a / b - p) <= 0.051 + (0.5 if float(p).is_integer() else 0) for p in as_written):
                fits = True
                break
        if tried and not fits and any(values.get(num) is not None and values.get(den) for num, den in tried):
            report.notes.append((f"Dòng {n}, cột {column_letter(i)}: tỷ lệ {raw} không khớp với các số liệu của dòng",
                                 f"Row {n}, column {column_letter(i)}: the percentage {raw} does not match the "
                                 "row's counts"))


def _col_of(h: TableHeader, cname: str) -> int | None:
    for i, c in h.counters.items():
        if c == cname:
            return i
    return None


def _derive(v: dict[str, int | None]) -> None:
    """Fill counters that the others fix exactly (counters add up); never guess."""
    derive_sums(v)


def _check_identity(problems: ProblemList, n: int, v: dict, total: str, parts: tuple, label: str) -> None:
    if v.get(total) is None or any(v.get(p) is None for p in parts):
        return
    s = sum(v[p] for p in parts)
    if s != v[total]:
        problems.add(Problem(
            f"Số liệu không khớp {label}: {v[total]} ≠ {s}",
            f"Figures do not add up {label}: {v[total]} ≠ {s}", row=n, value=str(v[total]),
            expected_vi=f"{total} = " + " + ".join(parts), expected_en=f"{total} = " + " + ".join(parts)))


def _parse_index(src_name, rows, start, h: TableHeader, profile: Profile) -> ParsedTable:
    problems = ProblemList()
    out = ParsedTable(kind="index")
    col = {v: k for k, v in h.columns.items()}
    for n, r in enumerate(rows[start:], start=start + 1):
        if not any(c not in (None, "") for c in r):
            continue
        ec = _entity_col(h, r)
        text = str(r[ec]).strip() if ec is not None and ec < len(r) and r[ec] not in (None, "") else ""
        if not text or _is_total(text):
            continue
        peer = profile.match_peer(text)
        if peer is None:
            problems.add(Problem("Đơn vị so sánh không có trong danh mục", "Unknown peer", row=n, value=text))
            continue
        ok_y, year = parse_count(_cell(r, col["@year"]))
        ok_s, score = parse_decimal(_cell(r, col["@score"]))
        ok_r, rank = parse_count(_cell(r, col.get("@rank"))) if "@rank" in col else (True, None)
        if not ok_y or year is None or not 1990 <= year <= 2100:
            problems.add(Problem("Năm không hợp lệ", "Invalid year", row=n, value=str(_cell(r, col["@year"])),
                                 expected_vi="năm, ví dụ 2021", expected_en="a year, e.g. 2021"))
            continue
        if not ok_s or not ok_r:
            problems.add(Problem("Điểm hoặc thứ hạng không đọc được", "Unreadable score or rank", row=n))
            continue
        out.index_rows.append((n, peer.code, year, score, rank))
    problems.raise_if_any(src_name)
    if not out.index_rows:
        raise ImportRejected(src_name, [Problem("Không có dòng số liệu nào", "No data rows")])
    return out


def _cell(r: list[object], i: int | None):
    return r[i] if i is not None and i < len(r) else None


def _parse_accounts(src_name, rows, start, h: TableHeader, profile: Profile, title_period) -> ParsedTable:
    """Public-service accounts created for citizens with help: unit, month, accounts."""
    problems = ProblemList()
    out = ParsedTable(kind="accounts")
    col = {v: k for k, v in h.columns.items()}
    seen: set = set()
    for n, r in enumerate(rows[start:], start=start + 1):
        if not any(c not in (None, "") for c in r):
            continue
        ec = _entity_col(h, r)
        text = str(_cell(r, ec) or "").strip()
        if not text or _is_total(text) or _is_section(text):
            continue
        unit = profile.match_unit(text)
        if unit is None:
            sugg = ", ".join(profile.suggest_units(text))
            problems.add(Problem(f"Đơn vị không có trong danh mục; gần nhất: {sugg}",
                                 f"Unknown unit; closest known: {sugg}", row=n, value=text))
            continue
        period = parse_month(_cell(r, col.get("@month"))) if "@month" in col else title_period
        if period is None:
            problems.add(Problem("Tháng không đọc được", "Unreadable month", row=n,
                                 value=str(_cell(r, col.get("@month"))),
                                 expected_vi="08/2022, 2022-08, Tháng 8/2022", expected_en="08/2022, 2022-08"))
            continue
        ok, v = parse_count(_cell(r, col["@accounts"]))
        if not ok:
            problems.add(Problem("Số tài khoản không đọc được", "Unreadable number of accounts", row=n,
                                 value=str(_cell(r, col["@accounts"])), expected_vi="số nguyên ≥ 0",
                                 expected_en="a whole number ≥ 0"))
            continue
        if (unit.code, period) in seen:
            problems.add(Problem("Đơn vị xuất hiện hai lần trong cùng tháng", "The same unit twice in one month",
                                 row=n, value=text))
            continue
        seen.add((unit.code, period))
        out.account_rows.append((n, unit.code, period, v))
    if not out.account_rows and not problems:
        problems.add(Problem("Không có dòng số liệu nào", "No data rows"))
    problems.raise_if_any(src_name)
    return out


def _parse_events(src_name, rows, start, h: TableHeader, profile: Profile) -> ParsedTable:
    """Events for the charts: date, unit (blank = the whole jurisdiction), text."""
    from .values import parse_date

    problems = ProblemList()
    out = ParsedTable(kind="events")
    col = {v: k for k, v in h.columns.items()}
    for n, r in enumerate(rows[start:], start=start + 1):
        if not any(c not in (None, "") for c in r):
            continue
        text = str(_cell(r, col["@event"]) or "").strip()
        raw_date = _cell(r, col["@date"])
        d = parse_date(raw_date)
        if d is None:
            problems.add(Problem("Ngày không hợp lệ", "Not a valid date", row=n, value=str(raw_date),
                                 expected_vi="dd/mm/yyyy", expected_en="dd/mm/yyyy"))
            continue
        if not text:
            problems.add(Problem("Thiếu nội dung sự kiện", "Missing event text", row=n))
            continue
        unit_code = None
        ut = _cell(r, h.entity_col)
        if ut not in (None, "") and key(str(ut)) not in ("tat ca", "toan huyen", "all", "chung"):
            u = profile.match_unit(ut)
            if u is None:
                sugg = ", ".join(profile.suggest_units(ut))
                problems.add(Problem(f"Đơn vị không có trong danh mục; gần nhất: {sugg}",
                                     f"Unknown unit; closest known: {sugg}", row=n, value=str(ut)))
                continue
            unit_code = u.code
        out.event_rows.append((n, d.date(), unit_code, text[:500]))
    if not out.event_rows and not problems:
        problems.add(Problem("Không có dòng số liệu nào", "No data rows"))
    problems.raise_if_any(src_name)
    return out


# --- writing --------------------------------------------------------------------------
def write(con, parsed: ParsedTable, import_id: int) -> None:
    if parsed.kind == "official":
        from ..rules.official import GROUP_KEYS

        for _, level, code, period, scores in parsed.official_rows:
            con.execute("UPDATE official_scores SET is_current = FALSE WHERE level = ? AND code = ? AND period = ? "
                        "AND is_current", [level, code, period])
            con.execute(f"INSERT INTO official_scores (import_id, level, code, period, {', '.join(GROUP_KEYS)}) "
                        f"VALUES (?, ?, ?, ?, {', '.join('?' for _ in GROUP_KEYS)})",
                        [import_id, level, code, period, *[scores.get(g) for g in GROUP_KEYS]])
        return
    if parsed.kind == "accounts":
        for _, unit, period, v in parsed.account_rows:
            con.execute("UPDATE citizen_accounts SET is_current = FALSE WHERE unit_code = ? AND period = ? "
                        "AND is_current", [unit, period])
            con.execute("INSERT INTO citizen_accounts VALUES (?, ?, ?, ?, TRUE)", [import_id, unit, period, v])
        return
    if parsed.kind == "events":
        from .. import clock

        for _, d, unit, text in parsed.event_rows:
            con.execute("INSERT INTO annotations VALUES (nextval('note_id_seq'), ?, ?, ?, ?, NULL, ?)",
                        [d, unit, text, clock.now(), import_id])
        return
    if parsed.kind == "index":
        for _, peer, year, score, rank in parsed.index_rows:
            con.execute("UPDATE peer_index SET is_current = FALSE WHERE peer_code = ? AND year = ? AND is_current",
                        [peer, year])
            con.execute("INSERT INTO peer_index VALUES (?, ?, ?, ?, ?, TRUE)", [import_id, peer, year, score, rank])
        return
    table, keycol = ("report_rows", "unit_code") if parsed.kind == "report" else ("peer_rows", "peer_code")
    names = COUNTER_NAMES
    placeholders = ", ".join("?" for _ in range(len(names) + 3))
    for r in parsed.rows:
        con.execute(f"UPDATE {table} SET is_current = FALSE WHERE {keycol} = ? AND period = ? AND is_current",
                    [r.entity, r.period])
    con.executemany(
        f"INSERT INTO {table} (import_id, {keycol}, period, {', '.join(names)}) VALUES ({placeholders})",
        [[import_id, r.entity, r.period, *[r.values.get(n) for n in names]] for r in parsed.rows])


def undo(con, kind: str, import_id: int) -> None:
    if kind == "events":
        con.execute("DELETE FROM annotations WHERE import_id = ?", [import_id])
        return
    if kind == "official":
        con.execute("CREATE OR REPLACE TEMP TABLE undo_keys AS SELECT DISTINCT level, code, period FROM "
                    "official_scores WHERE import_id = ?", [import_id])
        con.execute("DELETE FROM official_scores WHERE import_id = ?", [import_id])
        con.execute("""
            UPDATE official_scores SET is_current = TRUE
            FROM (SELECT t.level, t.code, t.period, max(t.import_id) AS last_id FROM official_scores t
                  JOIN undo_keys u USING (level, code, period) GROUP BY ALL) AS last
            WHERE official_scores.level = last.level AND official_scores.code = last.code
              AND official_scores.period = last.period AND official_scores.import_id = last.last_id""")
        con.execute("DROP TABLE IF EXISTS undo_keys")
        return
    table, keys = {"report": ("report_rows", "unit_code, period"), "peers": ("peer_rows", "peer_code, period"),
                   "index": ("peer_index", "peer_code, year"),
                   "accounts": ("citizen_accounts", "unit_code, period")}[kind]
    con.execute(f"CREATE OR REPLACE TEMP TABLE undo_keys AS SELECT DISTINCT {keys} FROM {table} WHERE import_id = ?",
                [import_id])
    con.execute(f"DELETE FROM {table} WHERE import_id = ?", [import_id])
    k1, k2 = [k.strip() for k in keys.split(",")]
    con.execute(f"""
        UPDATE {table} SET is_current = TRUE
        FROM (SELECT t.{k1}, t.{k2}, max(t.import_id) AS last_id FROM {table} t
              JOIN undo_keys u ON u.{k1} = t.{k1} AND u.{k2} = t.{k2} GROUP BY t.{k1}, t.{k2}) AS last
        WHERE {table}.{k1} = last.{k1} AND {table}.{k2} = last.{k2} AND {table}.import_id = last.last_id""")
    con.execute("DROP TABLE IF EXISTS undo_keys")
