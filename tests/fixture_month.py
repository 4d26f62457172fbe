"""A small, hand-checked month of dossiers (August 2022) and its expected figures.

Every expected number below was worked out by hand from the rows, following
../shared/domain.md section 4 (see the comments on each row); none was copied from the
program's output.
"""
from __future__ import annotations

import csv
from pathlib import Path

HEADER = ["STT", "Mã hồ sơ", "Họ tên", "CCCD", "Đơn vị tiếp nhận", "Mã TTHC", "Tên TTHC", "Lĩnh vực",
          "Kênh nộp", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý", "Có nghĩa vụ tài chính",
          "Thanh toán trực tuyến", "Nhận kết quả qua BCCI", "Số hóa hồ sơ", "Kết quả điện tử",
          "Chứng thực điện tử", "Phiếu xin lỗi", "Đánh giá", "Cán bộ xử lý", "Số điện thoại", "Địa chỉ"]

# name, id number, phone and address are personal data that must never be stored
PERSONAL = ["Nguyễn Thị Hồng Nhung", "052198001234", "0905123456", "thôn Phú Mỹ, xã Phước Hưng"]

ROWS = [
    # 21961: new, online, early (4/8 < 5/8), digitised, e-result, very satisfied
    ["A1", "UBND xã Phước Hưng", "1.001193", "Đăng ký khai sinh", "Hộ tịch", "Trực tuyến",
     "02/08/2022 08:15", "05/08/2022", "04/08/2022 10:00", "", "", "", "x", "x", "", "", "Rất hài lòng", "Lê Văn Tâm"],
    # 21961: new, direct, on time, certification with fee paid online, e-certified copy
    ["A2", "Phước Hưng", "2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực", "1",
     "03/08/2022", "03/08/2022", "03/08/2022", "x", "x", "", "x", "x", "x", "", "Hài lòng", "Lê Văn Tâm"],
    # 21961: new, direct, late (25/8 > 20/8), land procedure at a commune (violation), no apology
    ["A3", "Xã Phước Hưng", "1.004227", "Đăng ký biến động đất đai", "Đất đai", "1",
     "10/08/2022", "20/08/2022", "25/08/2022", "x", "", "", "", "", "", "", "Không hài lòng", "Trần Văn Bình"],
    # 21961: received in July by post, still pending, due 14/8 -> carried over, pending overdue
    ["A4", "xã Phước Hưng", "2.000315", "Hòa giải tranh chấp đất đai", "Đất đai", "3",
     "15/07/2022", "14/08/2022", "", "", "", "", "", "", "", "", "", "Trần Văn Bình"],
    # 21961: received in July online, finished 1/8 before due 2/8 -> carried over, early, BCCI return
    ["A5", "Xã Phước Hưng", "1.001022", "Đăng ký kết hôn", "Hộ tịch", "2",
     "28/07/2022", "02/08/2022", "01/08/2022", "", "", "x", "x", "x", "", "", "Hài lòng", "Lê Văn Tâm"],
    # 21961: new, direct, pending, due 5/9 -> pending in time; fee not paid online
    ["A6", "Xã Phước Hưng", "1.004884", "Trích lục hộ tịch", "Hộ tịch", "Trực tiếp",
     "30/08/2022", "05/09/2022", "", "x", "không", "", "", "", "", "", "", "Lê Văn Tâm"],
    # TP: new, online, late (9/8 > 8/8) with an apology dated 8/8; fee paid online; BCCI return
    ["TP1", "Phòng Tư pháp", "2.000884", "Chứng thực chữ ký", "Chứng thực", "Trực tuyến",
     "05/08/2022", "08/08/2022", "09/08/2022", "x", "x", "x", "x", "x", "", "08/08/2022", "Hài lòng", "Phạm Thị Lan"],
    # TP: new, direct, early, nothing else
    ["TP2", "Tư pháp", "1.000894", "Thay đổi, cải chính hộ tịch", "Hộ tịch", "1",
     "10/08/2022", "17/08/2022", "12/08/2022", "", "", "", "", "", "", "", "", "Phạm Thị Lan"],
    # TP: June only (received and finished in June): not in August at all
    ["TP3", "TP", "1.000894", "Thay đổi, cải chính hộ tịch", "Hộ tịch", "1",
     "01/06/2022", "10/06/2022", "15/06/2022", "", "", "", "", "", "", "", "", "Phạm Thị Lan"],
    # 21952 (a township): land mediation, direct, on time (31/8 = 31/8): allowed at a commune
    ["T1", "TT Tuy Phước", "2.000315", "Hòa giải tranh chấp đất đai", "Đất đai", "1",
     "20/08/2022", "31/08/2022", "31/08/2022", "", "", "", "", "", "", "", "", "Võ Văn Hùng"],
    # 21952: other land procedure at a township (violation); by post; pending, due 1/9 -> in time
    ["T2", "Thị trấn Tuy Phước", "1.004227", "Cấp giấy chứng nhận quyền sử dụng đất", "Đất đai", "BCCI",
     "22/08/2022", "01/09/2022", "", "", "", "", "", "", "", "", "", "Võ Văn Hùng"],
]

EXPECTED_COUNTERS = {
    "21961": dict(received_total=6, received_online=1, received_direct=3, received_post=0, received_direct_post=3,
                  carried_over=2, resolved=4, resolved_early=2, resolved_on_time=1, resolved_late=1, pending=2,
                  pending_in_time=1, pending_overdue=1, fee_dossiers=3, paid_online=1, result_by_post=1, rated=4,
                  satisfied=3, very_satisfied=1, dissatisfied=1, apologised=0, digitised=3, e_result=3,
                  certified=1, e_certified=1, land_violation=1, priority_resolved=2, priority_early=2,
                  direct_resolved=2, direct_early=0),
    "TP": dict(received_total=2, received_online=1, received_direct=1, received_post=0, received_direct_post=1,
               carried_over=0, resolved=2, resolved_early=1, resolved_on_time=0, resolved_late=1, pending=0,
               pending_in_time=0, pending_overdue=0, fee_dossiers=1, paid_online=1, result_by_post=1, rated=1,
               satisfied=1, very_satisfied=0, dissatisfied=0, apologised=1, digitised=1, e_result=1, certified=1,
               e_certified=0, land_violation=0, priority_resolved=1, priority_early=0, direct_resolved=1,
               direct_early=1),
    "21952": dict(received_total=2, received_online=0, received_direct=1, received_post=1, received_direct_post=2,
                  carried_over=0, resolved=1, resolved_early=0, resolved_on_time=1, resolved_late=0, pending=1,
                  pending_in_time=1, pending_overdue=0, fee_dossiers=0, paid_online=0, result_by_post=0, rated=0,
                  satisfied=0, very_satisfied=0, dissatisfied=0, apologised=0, digitised=0, e_result=0,
                  certified=0, e_certified=0, land_violation=1, priority_resolved=0, priority_early=0,
                  direct_resolved=1, direct_early=0),
}
EXPECTED_COUNTERS["ALL"] = {k: sum(EXPECTED_COUNTERS[u][k] for u in ("21961", "TP", "21952"))
                            for k in EXPECTED_COUNTERS["21961"]}

# KPIs in percent, from the fractions worked out by hand (None = no value, denominator 0)
EXPECTED_KPIS = {
    "21961": dict(on_time_rate=3 / 4, late_count=1, overdue_backlog=1, progress_766=4 / 6, online_rate=1 / 4,
                  online_payment_rate=1 / 3, bcci_intake_rate=0 / 4, bcci_return_rate=1 / 4,
                  satisfaction_rate=3 / 4, rating_coverage=4 / 4, apology_rate=0 / 1, digitisation_rate=3 / 4,
                  e_result_rate=3 / 4, e_certified_rate=1 / 1, early_rate_priority=2 / 2, early_rate_direct=0 / 2),
    "TP": dict(on_time_rate=1 / 2, late_count=1, overdue_backlog=0, progress_766=1 / 2, online_rate=1 / 2,
               online_payment_rate=1 / 1, bcci_intake_rate=0 / 2, bcci_return_rate=1 / 2, satisfaction_rate=1 / 1,
               rating_coverage=1 / 2, apology_rate=1 / 1, digitisation_rate=1 / 2, e_result_rate=1 / 2,
               e_certified_rate=0 / 1, early_rate_priority=0 / 1, early_rate_direct=1 / 1),
    "21952": dict(on_time_rate=1 / 1, late_count=0, overdue_backlog=0, progress_766=2 / 2, online_rate=0 / 2,
                  online_payment_rate=None, bcci_intake_rate=1 / 2, bcci_return_rate=0 / 1, satisfaction_rate=None,
                  rating_coverage=0 / 1, apology_rate=None, digitisation_rate=0 / 1, e_result_rate=0 / 1,
                  e_certified_rate=None, early_rate_priority=None, early_rate_direct=0 / 1),
    "ALL": dict(on_time_rate=5 / 7, late_count=2, overdue_backlog=1, progress_766=7 / 10, online_rate=2 / 8,
                online_payment_rate=2 / 4, bcci_intake_rate=1 / 8, bcci_return_rate=2 / 7, satisfaction_rate=4 / 5,
                rating_coverage=5 / 7, apology_rate=1 / 2, digitisation_rate=4 / 7, e_result_rate=4 / 7,
                e_certified_rate=1 / 2, early_rate_priority=2 / 3, early_rate_direct=1 / 4),
}
COUNT_KPIS = {"late_count", "overdue_backlog"}


def rows_with_personal_data() -> list[list[str]]:
    out = []
    for i, r in enumerate(ROWS, start=1):
        out.append([str(i), r[0], PERSONAL[0], PERSONAL[1], *r[1:], PERSONAL[2], PERSONAL[3]])
    return out


def write_csv(path: Path, encoding: str = "utf-8-sig", delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(["UBND HUYỆN TUY PHƯỚC"])
        w.writerow(["DANH SÁCH HỒ SƠ TIẾP NHẬN THÁNG 8/2022"])
        w.writerow([])
        w.writerow(HEADER)
        for r in rows_with_personal_data():
            w.writerow(r)
    return path


def write_xlsx(path: Path) -> Path:
    """The same month as a workbook: title rows, real date cells and Excel serial numbers."""
    from datetime import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["UBND HUYỆN TUY PHƯỚC"])
    ws.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN THÁNG 8/2022"])
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(HEADER)
    recv, due, fin = HEADER.index("Ngày tiếp nhận"), HEADER.index("Ngày hẹn trả"), HEADER.index("Ngày kết thúc xử lý")
    for r in rows_with_personal_data():
        r = list(r)
        # received as real datetime cells, due dates as Excel serial numbers, finished as text
        d = r[recv]
        fmt = "%d/%m/%Y %H:%M" if ":" in d else "%d/%m/%Y"
        r[recv] = datetime.strptime(d, fmt)
        dd = datetime.strptime(r[due], "%d/%m/%Y")
        r[due] = (dd - datetime(1899, 12, 30)).days
        ws.append(r)
    wb.save(path)
    return path


def write_xlsx_offset(path: Path) -> Path:
    """The same month as another exporter writes it (XlsxWriter): a cover sheet first, the
    table starting at column C of row 5, dates as date cells with a date format, the STT
    column as formulas with their cached values, an empty column inside the table."""
    from datetime import datetime

    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    cover = wb.add_worksheet("Bìa")
    cover.write("A1", "Báo cáo tháng 8/2022")
    ws = wb.add_worksheet("Hồ sơ")
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    stamp = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    ws.write("C2", "DANH SÁCH HỒ SƠ THÁNG 8/2022")
    header = HEADER[:5] + ["(trống)"] + HEADER[5:]
    first = 4                                   # 0-based row of the header: sheet row 5
    ws.write_row(first, 2, header)
    recv, due, fin = (header.index(h) for h in ("Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý"))
    for n, r in enumerate(rows_with_personal_data(), start=1):
        r = list(r[:5]) + [None] + list(r[5:])
        row = first + n
        for j, v in enumerate(r):
            col = 2 + j
            if j == 0:
                ws.write_formula(row, col, f"=ROW()-{first + 1}", None, n)
            elif j in (recv, due, fin) and v:
                fmt = "%d/%m/%Y %H:%M" if ":" in v else "%d/%m/%Y"
                ws.write_datetime(row, col, datetime.strptime(v, fmt), stamp if ":" in v else day)
            elif v not in (None, ""):
                ws.write(row, col, v)
    wb.close()
    return path
