"""The national portal's published index table (Decision 766/QĐ-TTg): per unit and month,
the group scores (transparency, progress, online services, satisfaction, digitisation) and
the total. Imported as the official score, kept beside the project's own estimate.
"""
from __future__ import annotations

from datetime import date

from ..errors import ImportRejected, Problem, ProblemList
from ..rules.official import GROUP_KEYS
from ..model.profile import Profile
from ..i18n.textnorm import key
from .columns import Column, FileReport
from .headers import clean_heading, header_paths
from .values import parse_count, parse_decimal, parse_month

# headings of each group score (and the total); the exporters' field names too
GROUP_HEADINGS: dict[str, list[str]] = {
    "transparency": ["Công khai, minh bạch", "Công khai minh bạch", "DiemCongKhaiMinhBach",
                     "Nhóm chỉ số về công khai, minh bạch", "Điểm công khai, minh bạch"],
    "progress": ["Tiến độ giải quyết", "Tiến độ, kết quả giải quyết", "DiemTienDoGiaiQuyet", "Tiến độ",
                 "Nhóm chỉ số về tiến độ, kết quả giải quyết", "Điểm tiến độ giải quyết"],
    "online": ["Dịch vụ công trực tuyến", "Cung cấp DVC trực tuyến", "Cung cấp dịch vụ trực tuyến",
               "DiemCungCapDVCTT", "Dịch vụ trực tuyến", "Nhóm chỉ số về cung cấp dịch vụ trực tuyến",
               "DVC trực tuyến"],
    "online_payment": ["Thanh toán trực tuyến", "DiemThanhToanTrucTuyen", "Điểm thanh toán trực tuyến"],
    "satisfaction": ["Mức độ hài lòng", "Sự hài lòng", "Mức độ hài lòng của người dân, doanh nghiệp",
                     "DiemMucDoHaiLong", "Nhóm chỉ số về mức độ hài lòng"],
    "digitisation": ["Số hóa hồ sơ", "Số hoá hồ sơ", "DiemSoHoa", "Số hóa hồ sơ, kết quả giải quyết",
                     "Mức độ số hóa hồ sơ", "Nhóm chỉ số về mức độ số hóa hồ sơ"],
    "total": ["Tổng điểm", "TongDiem766", "Tổng số điểm", "Điểm 766", "Chỉ số 766", "Tổng điểm 766", "Điểm số"],
}
_KEYS = {g: {clean_heading(h) for h in hs} for g, hs in GROUP_HEADINGS.items()}
_ENTITY = {clean_heading(h) for h in ["Đơn vị", "Tên đơn vị", "Cơ quan", "Địa phương", "Huyện", "Xã",
                                       "Đơn vị hành chính", "MaDinhDanh", "Tên cơ quan, đơn vị"]}
_MONTH = {clean_heading(h) for h in ["Tháng", "Kỳ", "Kỳ báo cáo", "Thời gian", "Ky"]}
_YEAR = {clean_heading(h) for h in ["Năm", "Nam"]}
_ORDINAL = {clean_heading(h) for h in ["STT", "TT"]}


def _group_of(k: str) -> str | None:
    for g, keys in _KEYS.items():
        if k in keys:
            return g
    # "Điểm công khai, minh bạch (18 điểm)" and the like
    for g, keys in _KEYS.items():
        if any(len(a) >= 8 and (k.startswith(a) or k.startswith("diem " + a)) for a in keys):
            return g
    return None


def official_header(head: list[list[object]]):
    """(row index, depth, {column: group or role}) of an index table's header, or None. A
    table is one when at least three group scores are named (a counter table has a
    "Thanh toán trực tuyến" column too: one such heading alone does not make it one)."""
    best = None
    for i in range(len(head)):
        for depth in (1, 2):
            if i + depth > len(head):
                break
            paths = header_paths(head[i:i + depth])
            cols: dict[int, str] = {}
            for j, path in enumerate(paths):
                if not path:
                    continue
                k = clean_heading(path[-1])
                g = _group_of(k)
                if g and g not in cols.values():
                    cols[j] = g
                elif k in _ENTITY and "@entity" not in cols.values():
                    cols[j] = "@entity"
                elif k in _MONTH and "@month" not in cols.values():
                    cols[j] = "@month"
                elif k in _YEAR and "@year" not in cols.values():
                    cols[j] = "@year"
                elif k in _ORDINAL:
                    cols[j] = "@ordinal"
            groups = [g for g in cols.values() if not g.startswith("@")]
            score = 10 * len(cols) - depth
            if len(set(groups) - {"online_payment"}) >= 3 and (best is None or score > best[4]):
                best = (i, depth, cols, paths, score)
    return best[:4] if best else None


def parse_official(src_name: str, rows: list[list[object]], found, profile: Profile,
                   period_of_title: date | None):
    from .tables import ParsedTable, _is_section, _is_total

    hidx, depth, cols, paths = found
    problems = ProblemList()
    out = ParsedTable(kind="official")
    report = out.report = FileReport()
    for j, path in enumerate(paths):
        if not path:
            continue
        label = " / ".join(path)
        if j in cols and cols[j] != "@ordinal":
            report.columns.append(Column(j, label, read_as=cols[j] if cols[j].startswith("@")
                                         else f"official_{cols[j]}"))
        elif j in cols:
            report.columns.append(Column(j, label, reason="ordinal"))
        else:
            report.columns.append(Column(j, label, reason="unknown"))
    by = {v: k for k, v in cols.items()}
    ent = by.get("@entity")
    if ent is None:
        raise ImportRejected(src_name, [Problem("Bảng điểm không có cột đơn vị", "The score table has no unit column")])
    seen: dict[tuple, int] = {}
    for n, r in enumerate(rows[hidx + depth:], start=hidx + depth + 1):
        if not any(c not in (None, "") for c in r):
            continue
        text = str(r[ent]).strip() if ent < len(r) and r[ent] not in (None, "") else ""
        if not text or _is_total(text) or _is_section(text):
            continue
        period = _row_period(r, by, period_of_title)
        if period is None:
            problems.add(Problem("Không xác định được tháng của dòng", "No month for the row", row=n,
                                 expected_vi="cột Tháng (08/2022) hoặc Tháng và Năm, hoặc dòng «Tháng 8 năm 2022»",
                                 expected_en="a Month column (08/2022), Month and Year, or a 'Tháng 8 năm 2022' line"))
            continue
        unit = profile.match_unit(text)
        peer = None if unit else profile.match_peer(text)
        if unit is None and peer is None:
            sugg = ", ".join(profile.suggest_units(text) + profile.suggest_peers(text, 2))
            problems.add(Problem(f"Đơn vị không có trong danh mục; gần nhất: {sugg}",
                                 f"Unknown unit; closest known: {sugg}", row=n, value=text))
            continue
        level, code = ("unit", unit.code) if unit else ("peer", peer.code)
        scores: dict[str, float | None] = {}
        bad = False
        for g in GROUP_KEYS:
            j = by.get(g)
            if j is None:
                scores[g] = None
                continue
            ok, v = parse_decimal(r[j] if j < len(r) else None)
            if not ok or (v is not None and not 0 <= v <= 100):
                problems.add(Problem("Điểm không đọc được", "Unreadable score", row=n, column=" / ".join(paths[j]),
                                     value=str(r[j] if j < len(r) else ""), expected_vi="số từ 0 đến 100, ví dụ 17,5",
                                     expected_en="a number from 0 to 100, e.g. 17.5"))
                bad = True
            scores[g] = v
        if bad:
            continue
        parts = [scores[g] for g in GROUP_KEYS if g not in ("total", "online_payment")]
        payment = scores.get("online_payment")
        known = all(p is not None for p in parts)
        if scores.get("total") is not None and known:
            payment_inside = payment or 0.0
            if abs(sum(parts) - scores["total"]) > 0.06 and abs(sum(parts) + payment_inside - scores["total"]) > 0.06:
                report.notes.append((f"Dòng {n}: tổng điểm {scores['total']} khác tổng các nhóm {round(sum(parts), 2)}",
                                     f"Row {n}: the total {scores['total']} differs from the sum of the groups "
                                     f"{round(sum(parts), 2)}"))
        if payment is not None and scores.get("online") is not None and _payment_apart(scores, parts, known):
            # "online" is stored as the whole group (22 points: submission 12 + payment 10),
            # the group the estimate is compared with; the payment column stays as printed
            scores["online"] = scores["online"] + payment
        k = (level, code, period)
        if k in seen:
            problems.add(Problem(f"Đơn vị xuất hiện hai lần trong cùng tháng (dòng {seen[k]})",
                                 f"The same unit twice in one month (row {seen[k]})", row=n, value=text))
            continue
        seen[k] = n
        out.official_rows.append((n, level, code, period, scores))
    if not out.official_rows and not problems:
        problems.add(Problem("Không có dòng điểm nào", "No score rows"))
    problems.raise_if_any(src_name)
    return out


def _payment_apart(scores: dict, parts: list, known: bool) -> bool:
    """Whether a row's online-payment points are a group of their own beside "online"
    (online then holds submission only, at most 12) rather than a breakdown inside it.
    The total decides when it is given; else an online score above 12 can only hold both."""
    total = scores.get("total")
    if total is not None and known:
        return abs(sum(parts) + scores["online_payment"] - total) <= 0.06 < abs(sum(parts) - total)
    return scores["online"] <= 12 + 1e-9


def _row_period(r: list[object], by: dict[str, int], title: date | None) -> date | None:
    m = by.get("@month")
    y = by.get("@year")
    mv = r[m] if m is not None and m < len(r) else None
    if mv not in (None, ""):
        p = parse_month(mv)
        if p is not None:
            return p
        ok, month = parse_count(mv)
        yv = r[y] if y is not None and y < len(r) else None
        ok_y, year = parse_count(yv)
        if ok and ok_y and month and year and 1 <= month <= 12 and 1990 <= year <= 2100:
            return date(year, month, 1)
        return None
    return title


def is_official_title(text: str) -> bool:
    k = key(text)
    return "766" in k
