"""Pieces shared by the briefing deck, the workbook and the PDF report: the typed error, the
texts of the exports in Vietnamese and English, and small formatting helpers.

The texts live here (not in metrics/locales) because the export modules are owned by the
export work; the keys can move into the catalogues without changing the callers' shape.
"""
from __future__ import annotations

import re
from datetime import date

from ..errors import ReformError


class ExportError(ReformError):
    """An export cannot be produced: a missing font or browser, a bad format."""

    title_vi, title_en = "Không xuất được báo cáo", "Export failed"


# key -> (Vietnamese, English). Placeholders use str.format names.
TEXTS: dict[str, tuple[str, str]] = {
    "deck_kicker": ("GIAO BAN CẢI CÁCH HÀNH CHÍNH", "ADMINISTRATIVE-REFORM BRIEFING"),
    "deck_title": ("Tình hình giải quyết thủ tục hành chính {month}",
                   "Handling of administrative procedures, {month}"),
    "of_unit": ("{unit}", "{unit}"),
    "as_of": ("Số liệu đến ngày {date}", "Figures up to {date}"),
    "made_on": ("Lập ngày {date}", "Prepared on {date}"),
    "demo": ("DỮ LIỆU MẪU — số liệu tạo tự động để minh họa, không phải số liệu thật",
             "DEMO DATA — generated for illustration, not real figures"),
    "demo_short": ("DỮ LIỆU MẪU", "DEMO DATA"),
    "no_data_month": ("Chưa có dữ liệu {month}", "No data for {month}"),
    "no_data_unit_month": ("Chưa có dữ liệu của {unit} {month}", "No data for {unit}, {month}"),
    "no_data": ("chưa có dữ liệu", "no data"),
    # KPI slide
    "kpis_title": ("Các chỉ số chính so với mục tiêu", "Headline figures against goals"),
    "kpis_lead": ("{met}/{n} chỉ số đạt mục tiêu", "{met} of {n} figures meet their goal"),
    "goal": ("Mục tiêu", "Goal"),
    "goal_met": ("Đạt", "Met"),
    "goal_not_met": ("Chưa đạt", "Not met"),
    "no_goal": ("Không đặt mục tiêu", "No goal set"),
    "vs_month": ("so với {month}", "vs {month}"),
    "no_comparison": ("tháng trước chưa có dữ liệu", "no data for the month before"),
    "of_total": ("{num}/{den}", "{num}/{den}"),
    "dossiers": ("hồ sơ", "dossiers"),
    # trend slide
    "trend_title": ("{kpi} qua các tháng", "{kpi} by month"),
    "trend_lead": ("{month}: {value} ({delta} so với tháng trước)", "{month}: {value} ({delta} on the month before)"),
    "trend_lead_plain": ("{month}: {value}", "{month}: {value}"),
    # rank slides
    "rank_title": ("Thứ hạng trong {province}", "Rank in {province}"),
    "rank_title_short": ("Thứ hạng trong các {peers}", "Rank among the {peers}"),
    "rank_lead_met": ("Hạng {rank}/{n} · {score} điểm — đạt mục tiêu tốp {target}",
                      "Rank {rank} of {n} · {score} points — within the target top {target}"),
    "rank_lead_not": ("Hạng {rank}/{n} · {score} điểm — cần lên {gap} bậc để vào tốp {target}",
                      "Rank {rank} of {n} · {score} points — {gap} places short of the top {target}"),
    "peers_partial": ("(mới có số liệu của {n}/{total} đơn vị)", "(figures of {n} of {total} peers so far)"),
    "rank_none": ("Chưa có số liệu các {peers} để xếp hạng {month}",
                  "No figures of the {peers} to rank {month}"),
    "score_note": ("Điểm phục vụ ước tính theo QĐ 766/QĐ-TTg từ dữ liệu hồ sơ, không phải điểm chính thức.",
                   "Service score estimated after Decision 766/QĐ-TTg from dossier data; not the official score."),
    "road_title": ("Con đường vào tốp {stretch}–{target}", "The road to the top {stretch}–{target}"),
    "road_to": ("Để vào tốp {target} (giữ nguyên các chỉ số khác), chỉ cần một trong các việc:",
                "To reach the top {target} (everything else held), any one of:"),
    "road_none": ("Không chỉ số nào riêng lẻ đủ để vào tốp {target}: cần cải thiện nhiều chỉ số cùng lúc.",
                  "No single indicator reaches the top {target}: several must improve together."),
    "road_hold": ("Đang ở tốp {stretch}: giữ vững các chỉ số.", "Within the top {stretch}: hold every figure."),
    "points_missing": ("Điểm còn thiếu nhiều nhất: {items}", "Most points missing: {items}"),
    "points_item": ("{label} {points} điểm", "{label} {points} pts"),
    "projection": ("Dự báo cuối năm: hạng {rank} (khoảng {best}–{worst}), {score} điểm",
                   "Year-end projection: rank {rank} (range {best}–{worst}), {score} points"),
    "projection_point": ("Dự báo cuối năm: hạng {rank}, {score} điểm",
                         "Year-end projection: rank {rank}, {score} points"),
    "projection_method": ("Cách dự báo: {method}", "Projection method: {method}"),
    # league
    "league_title": ("Xếp hạng {group}", "League: {group}"),
    "league_lead": ("Cao nhất: {best} ({best_score}) · thấp nhất: {worst} ({worst_score})",
                    "Top: {best} ({best_score}) · bottom: {worst} ({worst_score})"),
    "league_none": ("Chưa có dữ liệu {group} {month}", "No data for {group}, {month}"),
    "group_communes": ("khối xã, thị trấn", "communes and townships"),
    "group_departments": ("khối phòng, ban cấp huyện", "district departments"),
    "score": ("Điểm", "Score"),
    "points_unit": ("điểm", "points"),
    "position_title": ("Vị trí trong {group}", "Position among the {group}"),
    "position_lead": ("Hạng {rank}/{n} trong {group} · {score} điểm",
                      "Rank {rank} of {n} among the {group} · {score} points"),
    "position_none": ("Chưa xếp hạng được {month}", "Not ranked for {month}"),
    "own_score": ("Điểm của đơn vị", "Unit's score"),
    "group_median": ("Trung vị của khối", "Median of the group"),
    "group_best": ("Cao nhất khối", "Best of the group"),
    "points_title": ("Điểm còn thiếu theo chỉ số", "Points missing by indicator"),
    "points_none": ("Không có điểm nào còn thiếu", "No points missing"),
    # late
    "late_title": ("Đơn vị có nhiều hồ sơ trễ hạn nhất", "Units with the most late dossiers"),
    "late_title_unit": ("Hồ sơ trễ hạn qua các tháng", "Late dossiers by month"),
    "late_lead": ("{total} hồ sơ giải quyết quá hạn; {k} đơn vị nhiều nhất chiếm {share}",
                  "{total} dossiers resolved late; the top {k} units hold {share}"),
    "late_lead_unit": ("{month}: {total} hồ sơ giải quyết quá hạn, {overdue} hồ sơ đang quá hạn",
                       "{month}: {total} resolved late, {overdue} pending overdue"),
    "late_none": ("Không có hồ sơ trễ hạn trong tháng", "No late dossiers this month"),
    # flags
    "flags_title": ("Cảnh báo theo chỉ đạo", "Warnings under the order"),
    "flags_lead": ("{n} cảnh báo ở {units} đơn vị", "{n} warnings at {units} units"),
    "flags_of_unit": ("Các cảnh báo", "Warnings"),
    "flags_lead_unit": ("{n} cảnh báo", "{n} warnings"),
    "more_units": ("… và {n} đơn vị khác (xem tệp Excel)", "… and {n} more units (see the workbook)"),
    "flag_short_late_streak": ("trễ hạn {value} tháng liên tiếp", "late {value} months running"),
    "flag_short_apology_missing": ("{value} hồ sơ trễ chưa xin lỗi", "{value} late without apology"),
    "flag_short_land_at_commune": ("{value} hồ sơ đất đai sai thẩm quyền", "{value} land dossiers out of remit"),
    "flag_short_priority_not_honoured": ("trực tuyến/BCCI chưa được ưu tiên (kém {value} điểm %)",
                                         "online/BCCI not prioritised ({value} pp behind)"),
    "flag_short_overdue_backlog": ("{value} hồ sơ đang quá hạn", "{value} pending overdue"),
    "flags_none": ("Không có cảnh báo nào trong tháng", "No warnings this month"),
    "more_rows": ("… và {n} dòng khác (xem tệp Excel)", "… and {n} more (see the workbook)"),
    # commitments
    "review_title": ("Cam kết tháng trước", "Last month's commitments"),
    "review_lead": ("{n} cam kết của {month}: {kept} đã đạt, {missed} chưa đạt, {open} chưa đánh giá được",
                    "{n} commitments of {month}: {kept} kept, {missed} not kept, {open} not judged"),
    "review_none": ("{month} không có cam kết nào được ghi nhận", "No commitments were recorded for {month}"),
    "kept_yes": ("Đã đạt", "Kept"),
    "kept_no": ("Chưa đạt", "Not kept"),
    "kept_none": ("Chưa đánh giá", "Not judged"),
    "commitment": ("Cam kết", "Commitment"),
    "owner": ("Người phụ trách", "Owner"),
    "result": ("Kết quả", "Result"),
    "before_now": ("Trước → nay", "Before → now"),
    # columns
    "unit": ("Đơn vị", "Unit"),
    "unit_code": ("Mã đơn vị", "Unit code"),
    "level": ("Cấp", "Level"),
    "group": ("Khối", "Group"),
    "flag": ("Cảnh báo", "Warning"),
    "value": ("Giá trị", "Value"),
    "detail": ("Chi tiết", "Detail"),
    "kpi": ("Chỉ số", "Figure"),
    "this_month": ("Tháng này", "This month"),
    "prev_month": ("Tháng trước", "Month before"),
    "change": ("Thay đổi", "Change"),
    "yoy": ("Cùng kỳ năm trước", "Same month last year"),
    "ytd": ("Lũy kế từ đầu năm", "Year to date"),
    "status": ("Đánh giá", "Status"),
    "numerator": ("Tử số", "Numerator"),
    "denominator": ("Mẫu số", "Denominator"),
    "rank": ("Hạng", "Rank"),
    "peer": ("Đơn vị so sánh", "Peer"),
    "self": ("Đơn vị mình", "Us"),
    "slide": ("Trang", "Slide"),
}


def tx(key: str, lang: str = "vi", **values) -> str:
    vi, en = TEXTS[key]
    text = en if lang == "en" else vi
    return text.format(**values) if values else text


def month_words(d: date, lang: str = "vi") -> str:
    """'tháng 8 năm 2022' / 'August 2022' (the words of a report title)."""
    from .. import fmt

    if lang == "en":
        return fmt.month(d, "en", long=True)
    return f"tháng {d.month} năm {d.year}"


def date_words(d: date, place: str, lang: str = "vi") -> str:
    """'Tuy Phước, ngày 05 tháng 9 năm 2022' (administrative style, Decree 30/2020)."""
    if lang == "en":
        from .. import fmt

        return f"{place}, {fmt.day(d, 'en')}" if place else fmt.day(d, "en")
    day = f"{d.day:02d}" if d.day < 10 else str(d.day)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    text = f"ngày {day} tháng {month} năm {d.year}"
    return f"{place}, {text}" if place else text.capitalize()


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    from ..textnorm import strip_accents

    s = strip_accents(str(text).lower()).replace("đ", "d")
    return _SLUG.sub("-", s).strip("-")


# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection"),
# plus tab and carriage return, which some programs strip before looking.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text) -> str:
    """Text safe for XML (pptx) and PDF: control characters from imported cells dropped."""
    return _CONTROL.sub("", str(text))


def nobreak(text: str) -> str:
    """Keep "95,2 %", "≥ 50,0 %" and "+1,2 điểm %" on one line (no-break spaces); control
    characters dropped."""
    s = clean(text)
    for a, b in ((" %", "\u00a0%"), ("≥ ", "≥\u00a0"), ("≤ ", "≤\u00a0"), (" điểm", "\u00a0điểm")):
        s = s.replace(a, b)
    return s


def looks_like_formula(text: str) -> bool:
    return isinstance(text, str) and text.startswith(FORMULA_START)
