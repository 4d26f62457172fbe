"""Files laid out as real offices' systems write them, for the import tests, with the figures
each must give worked out by hand (in the comments beside the rows).

Five families (issue "Real exports as they come"):
  1. one-stop systems' dossier lists (title rows, status texts, no channel column; a variant
     with the field and the resolving unit),
  2. the national portal's sync record (coded channel, fee state and status, yyyyMMddHHmmss),
  3. form II.06a / Biểu 06 as the systems print it (three heading rows, sections, total row),
  4. the land registry branch's table (items as sections, early and on time combined),
  5. the published Decision 766 index table (group scores and total per unit and month).
Each is written as CSV, XLSX (merged headings) or the HTML table that an "Excel" button
saves under an .xls name (nested title table, <strong> headings, rowspan/colspan, no charset).
"""
from __future__ import annotations

import csv
import html
from pathlib import Path

# --- writers ---------------------------------------------------------------------------
# A table is a list of rows; a cell is a value or a Span(value, rows, cols) for a merged cell.


class Span:
    def __init__(self, value, rows: int = 1, cols: int = 1):
        self.value, self.rows, self.cols = value, rows, cols


def grid(table: list[list]) -> list[list]:
    """The table as a sheet shows it: a merged cell's value in its first cell, the cells it
    covers empty (what Excel and calamine give, and what a CSV export writes)."""
    out: list[list] = []
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(table):
        line: list = []
        c = 0
        for cell in row:
            while (r, c) in taken:
                line.append(None)
                c += 1
            span = cell if isinstance(cell, Span) else Span(cell)
            line.append(span.value)
            for dc in range(1, span.cols):
                line.append(None)
            for dr in range(span.rows):
                for dc in range(span.cols):
                    if dr or dc:
                        taken.add((r + dr, c + dc))
            c += span.cols
        while (r, c) in taken:
            line.append(None)
            c += 1
        out.append(line)
    return out


def write_csv(path: Path, title: list[list], table: list[list], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh)
        for row in grid(title) + grid(table):
            w.writerow(["" if v is None else v for v in row])
    return path


def write_xlsx(path: Path, title: list[list], table: list[list]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    r0 = 1
    for part in (title, table):
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(part):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                span = cell if isinstance(cell, Span) else Span(cell)
                ws.cell(row=r0 + r, column=c + 1, value=span.value)
                if span.rows > 1 or span.cols > 1:
                    ws.merge_cells(start_row=r0 + r, start_column=c + 1, end_row=r0 + r + span.rows - 1,
                                   end_column=c + span.cols)
                for dr in range(span.rows):
                    for dc in range(span.cols):
                        taken.add((r + dr, c + dc))
                c += span.cols
        r0 += len(part)
    wb.save(path)
    return path


def _html_rows(table: list[list], bold: int = 0) -> str:
    out = []
    for r, row in enumerate(table):
        cells = []
        for cell in row:
            span = cell if isinstance(cell, Span) else Span(cell)
            attrs = (f' rowspan="{span.rows}"' if span.rows > 1 else "") + \
                    (f' colspan="{span.cols}"' if span.cols > 1 else "")
            text = "" if span.value is None else html.escape(str(span.value)).replace("\n", "<br/>")
            if r < bold:
                text = f"<strong>{text}</strong>"
            cells.append(f'<td{attrs} style="border:1px solid #333;vertical-align:middle;padding:5px">{text}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "\n".join(out)


def write_html_xls(path: Path, title: list[list], table: list[list], header_rows: int = 1) -> Path:
    """What the one-stop systems' "Excel" button saves: an HTML page (UTF-8, no charset
    declared) with a title table and the data table nested in a third, named .xls."""
    page = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel" '
        'xmlns="http://www.w3.org/TR/REC-html40"><head><!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets>'
        "<x:ExcelWorksheet><x:Name>Danh sách</x:Name><x:WorksheetOptions><x:DisplayGridlines/></x:WorksheetOptions>"
        "</x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]--></head><body>"
        '<table style="font-family: Times New Roman; font-size: 17px">'
        f"<table>{_html_rows(title, bold=len(title))}</table>"
        f'<table id="tableToExcel">{_html_rows(table, bold=header_rows)}</table>'
        "</table></body></html>")
    path.write_bytes(page.encode("utf-8"))
    return path


def write(path: Path, fmt: str, title: list[list], table: list[list], header_rows: int = 1) -> Path:
    if fmt == "csv":
        return write_csv(path.with_suffix(".csv"), title, table)
    if fmt == "xlsx":
        return write_xlsx(path.with_suffix(".xlsx"), title, table)
    return write_html_xls(path.with_suffix(".xls"), title, table, header_rows)


FORMATS = ("csv", "xlsx", "html")

# --- 1. one-stop dossier lists ------------------------------------------------------------
ONE_STOP_HEADER = ["STT", "Đơn vị tiếp nhận", "Tên thủ tục hành chính", "Mã hồ sơ", "Trạng thái", "Địa chỉ",
                   "Người nộp", "Chủ hồ sơ", "Ngày nộp hồ sơ", "Ngày nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý"]
# (unit, procedure, code, status, submitted, received, due, finished); August 2022
ONE_STOP_ROWS = [
    # 21961 new 1/8, finished 2/8 before due 3/8: early
    ("UBND xã Phước Hưng", "Đăng ký khai sinh", "H1", "Đã trả kết quả", "01/08/2022 07:00:00",
     "01/08/2022 08:00:00", "03/08/2022 17:00:00", "02/08/2022 10:00:00"),
    # 21961 new 10/8, open at 31/8, due 20/8: pending overdue
    ("Xã Phước Hưng", "Đăng ký kết hôn", "H2", "Đang xử lý", "10/08/2022 07:00:00", "10/08/2022 08:00:00",
     "20/08/2022 17:00:00", ""),
    # registered online, never received: left out (no month)
    ("Phước Hưng", "Cấp bản sao trích lục hộ tịch", "H3", "Mới đăng ký", "30/08/2022 07:00:00", "", "", ""),
    # 21955 new 15/8, finished 15/8 = due 15/8: on time
    ("Thị trấn Diêu Trì", "Chứng thực chữ ký", "H4", "Đã xử lý xong", "15/08/2022 08:30:00",
     "15/08/2022 09:00:00", "15/08/2022 17:00:00", "15/08/2022 16:00:00"),
    # 21955 received 20/7, finished 10/8 after due 5/8: carried over into August, late
    ("TT Diêu Trì", "Đăng ký thường trú", "H5", "Đã trả kết quả", "20/07/2022 07:00:00", "20/07/2022 08:00:00",
     "05/08/2022 17:00:00", "10/08/2022 10:00:00"),
    # 21955 new 25/8, open, due 5/9: pending in time
    ("TT. Diêu Trì", "Đăng ký tạm trú", "H6", "Yêu cầu bổ sung giấy tờ", "25/08/2022 07:00:00",
     "25/08/2022 08:00:00", "05/09/2022 17:00:00", ""),
    # 21961 received 29/7, finished 1/8 before due 2/8: carried over, early
    ("UBND xã Phước Hưng", "Đăng ký khai tử", "H7", "Đã trả kết quả", "29/07/2022 07:00:00",
     "29/07/2022 08:00:00", "02/08/2022 17:00:00", "01/08/2022 15:00:00"),
    # 21988 new 12/8, withdrawn but no finished date: counted pending, overdue (due 19/8), said so
    ("Xã Phước Thành", "Đăng ký kết hôn", "H8", "Công dân yêu cầu rút hồ sơ", "12/08/2022 07:00:00",
     "12/08/2022 08:00:00", "19/08/2022 17:00:00", ""),
]
# August 2022, worked out from the rows above (domain 4)
ONE_STOP_EXPECTED = {
    "21961": dict(received_total=3, carried_over=1, resolved=2, resolved_early=2, resolved_on_time=0,
                  resolved_late=0, resolved_in_time=2, pending=1, pending_in_time=0, pending_overdue=1),
    "21955": dict(received_total=3, carried_over=1, resolved=2, resolved_early=0, resolved_on_time=1,
                  resolved_late=1, resolved_in_time=1, pending=1, pending_in_time=1, pending_overdue=0),
    "21988": dict(received_total=1, carried_over=0, resolved=0, resolved_late=0, pending=1, pending_in_time=0,
                  pending_overdue=1),
}
# rates in percent: on time (early + on time) / resolved; progress (in time + pending in time) / received
ONE_STOP_KPIS = {"21961": dict(on_time_rate=100.0, progress_766=200 / 3),
                 "21955": dict(on_time_rate=50.0, progress_766=200 / 3),
                 "21988": dict(on_time_rate=None, progress_766=0.0)}
# no channel, fee, rating, post, digitisation, field column: these are unknown, never 0
ONE_STOP_UNKNOWN = ["received_online", "received_direct", "received_post", "received_direct_post",
                    "fee_dossiers", "paid_online", "result_by_post", "rated", "satisfied", "digitised",
                    "e_result", "certified", "e_certified", "land_violation", "priority_resolved"]


def one_stop_list(path: Path, fmt: str) -> Path:
    title = [[Span("THỐNG KÊ HỒ SƠ TIẾP NHẬN VÀ GIẢI QUYẾT", cols=12)], [Span(None, cols=12)]]
    people = ["thôn Phú Mỹ, xã Phước Hưng", "Nguyễn Thị Hồng Nhung", "Trần Văn Bảy"]
    table = [ONE_STOP_HEADER] + [[n, u, p, code, st, people[0], people[1], people[2], sub, rec, due, fin]
                                 for n, (u, p, code, st, sub, rec, due, fin) in enumerate(ONE_STOP_ROWS, start=1)]
    return write(path, fmt, title, table)


VARIANT_HEADER = ["STT", "Đơn vị tiếp nhận", "Lĩnh vực", "Tên thủ tục hành chính", "Mã hồ sơ", "Trạng thái",
                  "Địa chỉ", "Người nộp", "Chủ hồ sơ", "Ngày nộp hồ sơ", "Ngày nhận", "Ngày hẹn trả",
                  "Ngày kết thúc xử lý", "Đơn vị/ cá nhân giải quyết"]
# the district's one-stop shop receives; the departments resolve (the unit read is theirs)
VARIANT_ROWS = [
    # TP: certification, received 2/8 08:00, due and finished 2/8: on time; certified
    ("Chứng thực", "Chứng thực bản sao từ bản chính", "V1", "Đã trả kết quả", "02/08/2022 08:00:00",
     "02/08/2022 17:00:00", "02/08/2022 11:00:00", "Phòng Tư pháp"),
    # CNVPDK: land, due 10/8, finished 12/8: late
    ("Đất đai", "Đăng ký biến động quyền sử dụng đất", "V2", "Đã trả kết quả", "01/08/2022 08:00:00",
     "10/08/2022 17:00:00", "12/08/2022 09:00:00", "Chi nhánh VP ĐKĐĐ"),
    # CNVPDK: open, due 14/9: pending in time
    ("Đất đai", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu", "V3", "Đang xử lý", "15/08/2022 08:00:00",
     "14/09/2022 17:00:00", "", "CN VPĐKĐĐ"),
    # TNMT: finished 8/8 before due 13/8: early
    ("Môi trường", "Đăng ký kế hoạch bảo vệ môi trường", "V4", "Đã xử lý xong", "03/08/2022 08:00:00",
     "13/08/2022 17:00:00", "08/08/2022 10:00:00", "Phòng Tài nguyên và Môi trường"),
    # TP: finished 9/8 = due: on time
    ("Hộ tịch", "Thay đổi, cải chính hộ tịch", "V5", "Đã trả kết quả", "04/08/2022 08:00:00",
     "09/08/2022 17:00:00", "09/08/2022 16:00:00", "Phòng Tư pháp"),
]
VARIANT_EXPECTED = {
    "TP": dict(received_total=2, resolved=2, resolved_early=0, resolved_on_time=2, resolved_late=0, pending=0,
               certified=1, land_violation=0),
    "CNVPDK": dict(received_total=2, resolved=1, resolved_late=1, resolved_in_time=0, pending=1, pending_in_time=1,
                   certified=0, land_violation=0),
    "TNMT": dict(received_total=1, resolved=1, resolved_early=1, pending=0, certified=0),
}


def one_stop_variant(path: Path, fmt: str) -> Path:
    title = [[Span("THỐNG KÊ HỒ SƠ TIẾP NHẬN VÀ GIẢI QUYẾT", cols=14)], [Span(None, cols=14)]]
    table = [VARIANT_HEADER]
    for n, (field, proc, code, st, rec, due, fin, resolver) in enumerate(VARIANT_ROWS, start=1):
        table.append([n, "UBND huyện Tuy Phước", field, proc, code, st, "thôn Trung Tín", "Lê Thị Mai", "Lê Thị Mai",
                      rec, rec, due, fin, resolver])
    return write(path, fmt, title, table)


# --- 2. the national portal's sync record -----------------------------------------------
SYNC_HEADER = ["MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "KenhThucHien", "ChuHoSo",
               "SoGiayToChuHoSo", "SoDienThoai", "NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy",
               "NgayTra", "TrangThaiHoSo", "HinhThuc", "DonViXuLy", "DuocThanhToanTrucTuyen",
               "HoSoCoThanhPhanSoHoa"]
SYNC_ROWS = [
    # fee state (DuocThanhToanTrucTuyen): 1 and 2 are paid online; 0 (the exporters' default) and
    # 3 are not paid online but do not say whether a fee is due: fee-bearing stays unknown
    # 21961 online, finished 2/8 before due 3/8: early; code 0; digitised
    ("000.00.21.H08-220801-0001", "1.001193", "Đăng ký khai sinh", "G09-HT", "Hộ tịch", "2",
     "20220801073000", "20220801080000", "20220803170000", "20220802100000", "20220803090000", "10", "0",
     "UBND xã Phước Hưng", "0", "1"),
    # 21961 in person, finished 5/8 = due: on time; fee paid online; certification; not digitised
    ("000.00.21.H08-220805-0002", "2.000815", "Chứng thực bản sao từ bản chính", "G09-CT", "Chứng thực", "1",
     "20220805080000", "20220805080000", "20220805170000", "20220805110000", "20220805113000", "10", "0",
     "UBND xã Phước Hưng", "1", "0"),
    # 21961 by post, finished 25/8 after due 20/8: late; code 3, not paid online; land at a commune
    ("000.00.21.H08-220810-0003", "1.004227", "Đăng ký biến động đất đai", "G09-DD", "Đất đai", "3",
     "20220809160000", "20220810080000", "20220820170000", "20220825090000", "20220826080000", "10", "1",
     "UBND xã Phước Hưng", "3", "1"),
    # 21961 online, open, due 5/9: pending in time
    ("000.00.21.H08-220828-0004", "1.001022", "Đăng ký kết hôn", "G09-HT", "Hộ tịch", "2",
     "20220827200000", "20220828080000", "20220905170000", "", "", "4", "0", "UBND xã Phước Hưng", "0", "0"),
    # 21958 in person, land mediation (allowed at a commune), finished 29/8 before due 30/8: early
    ("000.00.21.H08-220802-0005", "2.000315", "Hòa giải tranh chấp đất đai", "G09-DD", "Đất đai", "1",
     "20220802080000", "20220802080000", "20220830170000", "20220829100000", "20220829150000", "9", "0",
     "UBND xã Phước Thắng", "0", "0"),
    # 21958 registered online, never received (status 1): left out
    ("000.00.21.H08-220830-0006", "1.001193", "Đăng ký khai sinh", "G09-HT", "Hộ tịch", "2",
     "20220830210000", "", "", "", "", "1", "0", "UBND xã Phước Thắng", "0", "0"),
]
SYNC_EXPECTED = {
    "21961": dict(received_total=4, received_online=2, received_direct=1, received_post=1, received_direct_post=2,
                  carried_over=0, resolved=3, resolved_early=1, resolved_on_time=1, resolved_late=1,
                  resolved_in_time=2, pending=1, pending_in_time=1, pending_overdue=0,
                  paid_online=1, digitised=2, certified=1, land_violation=1, priority_resolved=2,
                  priority_early=1, direct_resolved=1, direct_early=0),
    "21958": dict(received_total=1, received_online=0, received_direct=1, received_post=0, resolved=1,
                  resolved_early=1, pending=0, paid_online=0, digitised=0, certified=0,
                  land_violation=0),
}
SYNC_KPIS = {"21961": dict(online_rate=50.0, digitisation_rate=200 / 3,
                           on_time_rate=200 / 3, progress_766=75.0)}
# HinhThuc's meaning is not known (left out, said): the post return and everything rated stay
# unknown; so do fee-bearing dossiers (codes 0 and 3) and with them the online-payment rate
SYNC_UNKNOWN = ["result_by_post", "rated", "satisfied", "e_result", "apologised", "e_certified", "fee_dossiers",
                "online_payment_rate"]


def sync_record(path: Path, fmt: str) -> Path:
    table = [SYNC_HEADER]
    for r in SYNC_ROWS:
        code, proc, name, fcode, fname, ch, sub, rec, due, fin, ret, st, form, unit, fee, dig = r
        table.append([code, proc, name, fcode, fname, ch, "Nguyễn Văn An", "052090001234", "0905000111",
                      sub, rec, due, fin, ret, st, form, unit, fee, dig])
    return write(path, fmt, [], table)


# --- 3. form II.06a / Biểu 06 as the systems print it -------------------------------------
# (name, received total, online, in person and post, carried over, resolved, early, on time,
#  late, pending, in time, overdue); each row satisfies the form's identities
REPORT_ROWS = [
    ("Phòng Tư pháp", 1234, 400, 800, 34, 1200, 700, 450, 50, 34, 30, 4),
    ("Phòng Nội vụ", 20, 5, 14, 1, 18, 10, 7, 1, 2, 1, 1),
    ("UBND xã Phước Hưng", 56, 20, 30, 6, 50, 30, 15, 5, 6, 4, 2),
]
REPORT_CODES = {"Phòng Tư pháp": "TP", "Phòng Nội vụ": "NV", "UBND xã Phước Hưng": "21961"}
REPORT_TOTAL = ("Tổng số", 1310, 425, 844, 41, 1268, 740, 472, 56, 42, 35, 7)
REPORT_COUNTERS = ["received_total", "received_online", "received_direct_post", "carried_over", "resolved",
                   "resolved_early", "resolved_on_time", "resolved_late", "pending", "pending_in_time",
                   "pending_overdue"]


def _num(v: int) -> str:
    """Vietnamese thousands dots, as the systems print counts."""
    return f"{v:,}".replace(",", ".")


def report_06a(path: Path, fmt: str, pasted_twice: bool = False) -> Path:
    """The 06a/06 layout of the one-stop systems: three heading rows, no numbering row,
    section rows, the total at the end with an empty STT, the period as a date range.
    pasted_twice: Phòng Nội vụ's row again under the communes, the total counting it twice."""
    title = [
        [Span("UBND HUYỆN TUY PHƯỚC", cols=5), Span("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
                                                    cols=8)],
        [Span("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC\n"
              "(Từ ngày 01/08/2022 đến ngày 31/08/2022 )", cols=13)],
        [None],
    ]
    table = [
        [Span("STT", rows=3), Span("Đơn vị", rows=3), Span("Số hồ sơ nhận giải quyết", cols=4),
         Span("Số hồ sơ đã giải quyết", cols=4), Span("Số lượng hồ sơ đang giải quyết", cols=3)],
        [Span("Tổng số", rows=2), Span("Trong đó", cols=2), Span("Từ kỳ trước", rows=2), Span("Tổng số", rows=2),
         Span("Trước hạn", rows=2), Span("Đúng hạn", rows=2), Span("Quá hạn", rows=2), Span("Tổng số", rows=2),
         Span("Trong hạn", rows=2), Span("Quá hạn", rows=2)],
        ["Trực tuyến", "Trực tiếp, dịch vụ bưu chính"],
        [Span("Huyện, thị xã, thành phố", cols=13)],
    ]
    for n, r in enumerate(REPORT_ROWS[:2], start=2):      # the exporter's STT restarts at 2
        table.append([n, r[0], *[_num(v) for v in r[1:]]])
    table.append([Span("Xã, phường, thị trấn", cols=13)])
    table.append([2, REPORT_ROWS[2][0], *[_num(v) for v in REPORT_ROWS[2][1:]]])
    total = list(REPORT_TOTAL)
    if pasted_twice:
        table.append([3, REPORT_ROWS[1][0], *[_num(v) for v in REPORT_ROWS[1][1:]]])
        total[1:] = [a + b for a, b in zip(total[1:], REPORT_ROWS[1][1:])]
    table.append([None, total[0], *[_num(v) for v in total[1:]]])
    return write(path, fmt, title, table, header_rows=3)


def report_06_variant(path: Path, fmt: str, silent_unit: bool = False) -> Path:
    """Another system's Biểu 06: 'Tiếp nhận' over 'Trong kỳ' (over online / in person and post)
    and 'Kỳ trước'; 'Hồ sơ đang xử lý'; notes in brackets; a numbering row; the total first;
    the period as 'Tháng 8 Năm 2022'. silent_unit: Phòng Y tế listed last with every cell blank."""
    title = [["Biểu số 06/VPCP/KSTT"], ["TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"], ["Tháng 8 Năm 2022"],
             ["Đơn vị tính: Số hồ sơ TTHC"]]
    table = [
        [Span("TT", rows=3), Span("Tên đơn vị", rows=3), Span("Tiếp nhận", cols=4), Span("Số hồ sơ đã giải quyết", cols=4),
         Span("Hồ sơ đang xử lý", cols=3)],
        [Span("Tổng số", rows=2), Span("Trong kỳ", cols=2), Span("Kỳ trước", rows=2), Span("Tổng số", rows=2),
         Span("Trước hạn", rows=2),
         Span("Đúng hạn (Bao gồm cả hồ sơ chờ bổ sung và trả lại/xin rút)", rows=2), Span("Quá hạn", rows=2),
         Span("Tổng số", rows=2), Span("Đúng hạn", rows=2), Span("Quá hạn", rows=2)],
        ["Trực tuyến", "Trực tiếp, dịch vụ bưu chính"],
        [f"({i})" for i in range(1, 14)],
        [None, "Tổng cộng", *[_num(v) for v in REPORT_TOTAL[1:]]],
    ]
    for n, r in enumerate(REPORT_ROWS, start=1):
        table.append([n, r[0], *[_num(v) for v in r[1:]]])
    if silent_unit:
        table.append([len(REPORT_ROWS) + 1, "Phòng Y tế", *[None] * 11])
    return write(path, fmt, title, table, header_rows=3)


# --- 4. land registry branch table ---------------------------------------------------------
# per item: carried over, in person, online, total, resolved, early or on time, late, late %,
# pending, in time, overdue, overdue %
LAND_ITEMS = [
    ("Đăng ký biến động quyền sử dụng đất", (10, 40, 20, 70, 60, 55, 5, "8,33", 10, 8, 2, "20,00")),
    ("Cấp giấy chứng nhận lần đầu", (5, 25, 5, 35, 30, 30, 0, "0,00", 5, 5, 0, "0,00")),
]
# the branch's August is the sum over the items; "in person" is everything not online here
LAND_EXPECTED = dict(carried_over=15, received_direct_post=65, received_online=25, received_total=105, resolved=90,
                     resolved_in_time=85, resolved_late=5, pending=15, pending_in_time=13, pending_overdue=2)
LAND_KPIS = dict(on_time_rate=8500 / 90, progress_766=9800 / 105, online_rate=2500 / 90)
# early and on time come only together: each alone is unknown, not 0
LAND_UNKNOWN = ["resolved_early", "resolved_on_time", "received_direct", "received_post"]


def land_table(path: Path, fmt: str, other_branch: bool = False, fractions: bool = False) -> Path:
    """fractions: the percent cells as an Excel sheet formatted in % holds them (8,33 % -> 0.0833)."""
    title = [["VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI TỈNH BÌNH ĐỊNH"],
             ["BIỂU TỔNG HỢP CÔNG TÁC TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ ĐẤT ĐAI"], ["Tháng 8 năm 2022"]]
    table = [
        [Span("Tên", rows=3), Span("Số hồ sơ phải giải quyết", cols=4), Span("Đã giải quyết", cols=4),
         Span("Đang giải quyết", cols=4)],
        [Span("Kỳ trước chuyển sang", rows=2), Span("Tiếp nhận trong kỳ", cols=2), Span("Cộng", rows=2),
         Span("Tổng số", rows=2), Span("Trước và trong hạn", rows=2), Span("Trễ hạn", rows=2),
         Span("Tỷ lệ trễ hạn (%)", rows=2), Span("Tổng số", rows=2), Span("Trong hạn", rows=2),
         Span("Quá hạn", rows=2), Span("Tỷ lệ quá hạn (%)", rows=2)],
        ["Trực tiếp", "Trực tuyến"],
    ]
    for item, v in LAND_ITEMS:
        table.append([Span(item, cols=13)])
        cells = [(float(x.replace(",", ".")) / 100 if fractions else x) if isinstance(x, str) else _num(x) for x in v]
        table.append(["Chi nhánh Tuy Phước", *cells])
        if other_branch:
            table.append(["Chi nhánh An Nhơn", 3, 7, 2, 12, 10, 9, 1, "10,00", 2, 2, 0, "0,00"])
    return write(path, fmt, title, table, header_rows=3)


# --- 5. the published Decision 766 index table --------------------------------------------
# peer, transparency, progress, online services, satisfaction, digitisation, total (Aug 2022)
OFFICIAL_ROWS = [
    ("TP Quy Nhơn", "16,5", "18,2", "15,0", "16,0", "14,3", "80,0"),
    ("Huyện Tuy Phước", "15,0", "17,5", "12,4", "15,5", "12,6", "73,0"),
    ("TX An Nhơn", "14,0", "18,0", "13,0", "16,0", "13,5", "74,5"),
    ("Huyện Phù Cát", "15,5", "16,0", "11,0", "14,0", "10,5", "67,0"),
]
OFFICIAL_CODES = {"TP Quy Nhơn": "540", "Huyện Tuy Phước": "550", "TX An Nhơn": "549", "Huyện Phù Cát": "548"}


def official_766(path: Path, fmt: str, month_columns: bool = False) -> Path:
    title = [["BẢNG ĐIỂM CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (QUYẾT ĐỊNH 766/QĐ-TTG)"]]
    if not month_columns:
        title.append(["Tháng 8 năm 2022"])
    head = ["STT", "Đơn vị"] + (["Tháng", "Năm"] if month_columns else []) + \
        ["Công khai, minh bạch", "Tiến độ giải quyết", "Dịch vụ công trực tuyến", "Mức độ hài lòng",
         "Số hóa hồ sơ", "Tổng điểm"]
    table = [head]
    for n, r in enumerate(OFFICIAL_ROWS, start=1):
        table.append([n, r[0]] + ([8, 2022] if month_columns else []) + list(r[1:]))
    return write(path, fmt, title, table)
