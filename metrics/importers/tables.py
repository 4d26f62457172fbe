"""Counter tables: the monthly report form II.06a (rows = units), peer files (rows = peer
districts) and the yearly official CCHC index (peer, year, score, rank). Small files, read
whole in Python.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..errors import ImportRejected, Problem, ProblemList
from ..kpis import COUNTER_NAMES, derive_sums
from ..profile import Profile
from ..textnorm import key
from .columns import FileReport
from .headers import TableHeader, group_of, map_table_header
from .values import month_in_text, parse_count, parse_decimal, parse_month

# The form's identities (domain.md 3.2), each as total = sum of parts
IDENTITIES = [
    ("received_total", ("received_online", "received_direct_post", "carried_over"), "(3) = (4) + (5) + (6)"),
    ("resolved", ("resolved_early", "resolved_on_time", "resolved_late"), "(7) = (8) + (9) + (10)"),
    ("pending", ("pending_in_time", "pending_overdue"), "(11) = (12) + (13)"),
    ("received_total", ("resolved", "pending"), "(3) = (7) + (11)"),
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
    warnings: list[str] = field(default_factory=list)
    counters: list[str] = field(default_factory=list)
    report: FileReport | None = None


_SECTION = re.compile(r"^(i{1,3}|iv|v|vi{0,3}|[a-e])\s")
_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")


def _is_numbering_row(row: list[object]) -> bool:
    """The row under the header that numbers the columns "(1) (2) … (13)"."""
    cells = [str(c).strip() for c in row if c not in (None, "")]
    return len(cells) >= 3 and all(_NUMBERING.match(c) for c in cells)


def _is_total(text: str) -> bool:
    k = key(text)
    return k in ("tong cong", "tong so", "cong", "tong", "total", "toan huyen") or k.startswith("tong cong")


def _is_section(text: str) -> bool:
    k = key(text)
    if k in ("cap huyen", "cap xa", "cap xa thi tran", "cap tinh"):
        return True
    return bool(_SECTION.match(k)) and ("cap" in k or len(k.split()) <= 4 and not k[0].isdigit())


def find_table_header(head: list[list[object]]) -> tuple[int, TableHeader] | None:
    best: tuple[int, int, TableHeader] | None = None
    for i, row in enumerate(head):
        if not any(c not in (None, "") for c in row):
            continue
        one = map_table_header(row, None)
        cands = [(len(one.counters) + (2 if one.entity_col is not None else 0), one)]
        if i + 1 < len(head) and any(group_of(c) for c in row if isinstance(c, str)):
            two = map_table_header(row, head[i + 1])
            cands.append((len(two.counters) + (2 if two.entity_col is not None else 0) + 1, two))
        for score, h in cands:
            special = sum(1 for c in h.columns.values()
                          if c in ("@year", "@score", "@rank", "@accounts", "@date", "@event"))
            score += 2 * special
            if best is None or score > best[0]:
                best = (score, i, h)
    if best is None or best[0] < 3:
        return None
    return best[1], best[2]


def _entity_col(h: TableHeader, row: list[object]) -> int | None:
    if h.entity_col is not None:
        return h.entity_col
    # no heading for the name column: the first text cell left of the counters
    first_counter = min(h.counters) if h.counters else len(row)
    for i in range(first_counter):
        if i < len(row) and isinstance(row[i], str) and not _NUMBERING.match(row[i].strip()):
            return i
    return None


def parse_table(src_name: str, rows: list[list[object]], profile: Profile, forced: str | None = None) -> ParsedTable:
    found = find_table_header(rows[:40])
    if found is None:
        raise ImportRejected(src_name, [Problem(
            "Không tìm thấy dòng tiêu đề (mã hồ sơ, đơn vị, số hồ sơ tiếp nhận…)",
            "No header row found (dossier code, unit, dossiers received…)",
            expected_vi="một bảng kết xuất hồ sơ, Biểu II.06a, tệp số liệu các huyện hoặc tệp chỉ số năm",
            expected_en="a dossier export, a II.06a report, a peer file or a yearly index file")])
    hidx, h = found
    title_period = None
    for r in rows[:hidx]:
        for c in r:
            if isinstance(c, str):
                title_period = title_period or month_in_text(c)
    start = hidx + h.header_rows
    roles = set(h.columns.values())
    if forced in (None, "index") and {"@year", "@score"} <= roles:
        return _parse_index(src_name, rows, start, h, profile)
    if forced in (None, "accounts") and "@accounts" in roles:
        return _parse_accounts(src_name, rows, start, h, profile, title_period)
    if forced in (None, "events") and {"@date", "@event"} <= roles:
        return _parse_events(src_name, rows, start, h, profile)

    problems = ProblemList()
    out = ParsedTable(kind=forced or "report", counters=sorted(set(h.counters.values()),
                                                                  key=COUNTER_NAMES.index))
    if not h.counters:
        raise ImportRejected(src_name, [Problem("Không nhận ra cột số liệu nào", "No counter column recognised")])
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
    total_row: CounterRow | None = None
    seen: dict[tuple[str, date], int] = {}
    for n, r in data:
        ec = _entity_col(h, r)
        text = str(r[ec]).strip() if ec is not None and ec < len(r) and r[ec] not in (None, "") else ""
        if not text:
            continue
        if _is_section(text):
            continue
        is_total = _is_total(text)
        period = title_period
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
            problems.add(Problem("Không xác định được kỳ báo cáo (tháng)", "No reporting month found", row=n,
                                 expected_vi="cột Tháng hoặc dòng «Kỳ báo cáo: Tháng 8 năm 2022»",
                                 expected_en="a month column or a 'Kỳ báo cáo: Tháng 8 năm 2022' line"))
            continue
        values: dict[str, int | None] = {}
        bad = False
        for i, cname in h.counters.items():
            cell = r[i] if i < len(r) else None
            ok, v = parse_count(cell)
            if not ok:
                problems.add(Problem("Số liệu không đọc được", "Unreadable number", row=n,
                                     column=h.labels.get(i, cname), value=str(cell),
                                     expected_vi="số nguyên không âm, ví dụ 1.234",
                                     expected_en="a whole number ≥ 0, e.g. 1.234"))
                bad = True
            values[cname] = v
        if bad:
            continue
        _derive(values)
        if is_total:
            total_row = CounterRow(n, text, period, values)
            # below the total come the place, date and signatures: not data
            break
        if out.kind == "report":
            ent = profile.match_unit(text)
            if ent is None:
                if profile.match_peer(text) and profile.match_peer(text).code == profile.code:
                    out.warnings.append(f"row {n}: jurisdiction subtotal «{text}» skipped")
                    continue
                sugg = ", ".join(profile.suggest_units(text))
                problems.add(Problem(f"Đơn vị không có trong danh mục; gần nhất: {sugg}",
                                     f"Unknown unit; closest known: {sugg}", row=n,
                                     column=h.labels.get(ec), value=text))
                continue
            code = ent.code
        else:
            peer = profile.match_peer(text)
            if peer is None:
                sugg = ", ".join(profile.suggest_peers(text))
                problems.add(Problem(f"Đơn vị so sánh không có trong danh mục; gần nhất: {sugg}",
                                     f"Unknown peer; closest known: {sugg}", row=n,
                                     column=h.labels.get(ec), value=text))
                continue
            if peer.code == profile.code:
                # the jurisdiction's own row is computed from its units, never imported
                out.warnings.append(f"row {n}: own row «{text}» ignored (computed from units)")
                continue
            code = peer.code
        if (code, period) in seen:
            problems.add(Problem(f"Đơn vị xuất hiện hai lần trong cùng tháng (dòng {seen[(code, period)]})",
                                 f"The same unit twice in one month (row {seen[(code, period)]})",
                                 row=n, column=h.labels.get(ec), value=text))
            continue
        seen[(code, period)] = n
        for total, parts, label in IDENTITIES:
            _check_identity(problems, n, values, total, parts, label)
        out.rows.append(CounterRow(n, code, period, values))
    if total_row is not None:
        for total, parts, label in IDENTITIES:
            _check_identity(problems, total_row.row, total_row.values, total, parts, label)
        for cname in out.counters:
            tv = total_row.values.get(cname)
            members = [r.values.get(cname) for r in out.rows if r.period == total_row.period]
            if tv is None or any(v is None for v in members):
                continue
            if sum(members) != tv:
                problems.add(Problem(
                    f"Dòng Tổng cộng ({tv}) khác tổng các đơn vị ({sum(members)})",
                    f"The total row ({tv}) differs from the sum of the units ({sum(members)})",
                    row=total_row.row, column=h.labels.get(_col_of(h, cname)), value=str(tv),
                    expected_vi=str(sum(members)), expected_en=str(sum(members))))
    if not out.rows and not problems:
        problems.add(Problem("Không có dòng số liệu nào của đơn vị", "No data row for any unit"))
    problems.raise_if_any(src_name)
    return out


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
