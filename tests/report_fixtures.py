"""II.06a report workbooks and peer files built the way the provincial system lays them out."""
from __future__ import annotations

from pathlib import Path

SUB = ["Tổng số", "Trong đó: Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước",
       "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"]

# unit as written, then columns (3)..(13); every row satisfies 3=4+5+6, 7=8+9+10, 11=12+13, 3=7+11
UNITS = [
    ("Phòng Tư pháp", [120, 30, 80, 10, 100, 60, 35, 5, 20, 18, 2]),
    ("Chi nhánh VP ĐKĐĐ", ["1.250", 50, "1.000", 200, "1.050", 700, 300, 50, 200, 150, 50]),
    ("UBND xã Phước Hưng", [300, 90, 200, 10, 280, 200, 78, 2, 20, 20, 0]),
    ("TT Diêu Trì", [210, 60, 140, 10, 200, 150, 50, 0, 10, 9, 1]),
]


def totals(units=UNITS):
    from metrics.importers.values import parse_count

    cols = list(zip(*[u[1] for u in units]))
    return [sum(parse_count(v)[1] for v in col) for col in cols]


def write_report(path: Path, units=UNITS, total=None, month_line="Kỳ báo cáo: Tháng 8 năm 2022 "
                 "(Từ ngày 01/08/2022 đến ngày 31/08/2022)", extra_col: tuple[str, list] | None = None) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["UBND HUYỆN TUY PHƯỚC", None, None, None, None, None, None, None, "Biểu số II.06a/VPCP/KSTT"])
    ws.append(["TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"])
    ws.append([month_line])
    ws.append(["Đơn vị tính: Số hồ sơ TTHC"])
    up = ["STT", "Lĩnh vực, công việc giải quyết theo cấp", "Số hồ sơ nhận giải quyết", None, None, None,
          "Kết quả giải quyết", None, None, None, "Số hồ sơ đang giải quyết", None, None]
    lo = [None, None] + SUB
    if extra_col:
        up.append(extra_col[0])
        lo.append(None)
    ws.append(up)
    ws.append(lo)
    # the merged cells of the form: STT and unit over two rows, groups over their columns
    ws.merge_cells("A5:A6")
    ws.merge_cells("B5:B6")
    ws.merge_cells("C5:F5")
    ws.merge_cells("G5:J5")
    ws.merge_cells("K5:M5")
    if extra_col:
        ws.merge_cells("N5:N6")
    ws.append([f"({i})" for i in range(1, 14 + (1 if extra_col else 0))])
    ws.append(["I", "Cấp huyện"])
    for i, (name, vals) in enumerate(units, start=1):
        if i == 3:
            ws.append(["II", "Cấp xã"])
        row = [i, name, *vals]
        if extra_col:
            row.append(extra_col[1][i - 1])
        ws.append(row)
    t = total if total is not None else totals(units)
    row = [None, "Tổng cộng", *[f"{v:,}".replace(",", ".") for v in t]]
    if extra_col:
        row.append(sum(extra_col[1]))
    ws.append(row)
    wb.save(path)
    return path


PEERS = [
    # peer as written, month, received_total, early, on time, late, in time, overdue, online, direct+post, carried
    ("TP Quy Nhơn", "08/2022", 5000, 3000, 1500, 100, 350, 50, 2000, 2700, 300),
    ("Huyện An Lão", "08/2022", 400, 250, 120, 10, 18, 2, 100, 280, 20),
    ("Tây Sơn", "08/2022", 1500, 900, 450, 50, 90, 10, 300, 1100, 100),
]


def write_peers(path: Path, rows=PEERS) -> Path:
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["SỐ LIỆU GIẢI QUYẾT TTHC CÁC HUYỆN, THỊ XÃ, THÀNH PHỐ"])
        w.writerow(["Huyện", "Tháng", "Tổng tiếp nhận", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước",
                    "Trước hạn", "Đúng hạn", "Quá hạn", "Trong hạn", "Quá hạn"])
        for name, m, total, early, on_time, late, in_time, overdue, online, dp, carried in rows:
            w.writerow([name, m, total, online, dp, carried, early, on_time, late, in_time, overdue])
    return path
