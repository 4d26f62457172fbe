"""Small generated input files in the layouts of domain.md 3.1-3.3, for tests that need a
store with several months, units and sources (pages, charts, exports).

Deterministic (seeded), a few hundred dossiers: fast to import, varied enough that every KPI
has a value somewhere, some units are late, and one unit-month has both a report and
dossiers (for the reconciliation view).
"""
from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

# unit as an officer might write it; codes in the default profile: TP, TNMT, CNVPDK, 21961, 21955, 21988
UNITS = ["Phòng Tư pháp", "Phòng Tài nguyên và Môi trường", "CN VPĐKĐĐ", "UBND xã Phước Hưng",
         "TT Diêu Trì", "Xã Phước Thành"]
PROCEDURES = [
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch"),
    ("2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực"),
    ("2.000315", "Hòa giải tranh chấp đất đai", "Đất đai"),
    ("1.004227", "Đăng ký biến động đất đai", "Đất đai"),
    ("1.001022", "Đăng ký kết hôn", "Hộ tịch"),
]
HEADER = ["STT", "Mã hồ sơ", "Họ tên", "Đơn vị", "Mã TTHC", "Tên TTHC", "Lĩnh vực", "Kênh nộp",
          "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Có nghĩa vụ tài chính", "Thanh toán trực tuyến",
          "Nhận kết quả qua BCCI", "Số hóa hồ sơ", "Kết quả điện tử", "Chứng thực điện tử", "Phiếu xin lỗi",
          "Đánh giá"]
FIRST = date(2021, 9, 1)
MONTHS = 14                      # 09/2021 .. 10/2022: a year-on-year comparison for 09-10/2022


def month_start(i: int, first: date = FIRST) -> date:
    k = first.year * 12 + first.month - 1 + i
    return date(k // 12, k % 12 + 1, 1)


def write_dossiers(path: Path, months: int = MONTHS, per_month: int = 40, seed: int = 1,
                   first: date = FIRST) -> Path:
    """A dossier export: one title row, the header, `per_month` dossiers a month. Later
    units in UNITS are late more often; the last month leaves some dossiers open."""
    rnd = random.Random(seed)
    rows = []
    n = 0
    for m in range(months):
        start = month_start(m, first)
        for _ in range(per_month):
            n += 1
            ui = rnd.randrange(len(UNITS))
            code, name, field = rnd.choice(PROCEDURES)
            received = start + timedelta(days=rnd.randrange(28))
            due = received + timedelta(days=rnd.choice([3, 5, 7, 10]))
            if rnd.random() < 0.05 + 0.04 * ui:
                finished = due + timedelta(days=rnd.choice([1, 2, 5]))
            else:
                finished = due - timedelta(days=rnd.randrange(0, 3))
            if m == months - 1 and rnd.random() < 0.3:
                finished = None
            late = finished is not None and finished > due
            fee = rnd.random() < 0.5
            rows.append([
                n, f"HS{n:06d}", "Nguyễn Văn A", UNITS[ui], code, name, field,
                rnd.choice(["Trực tiếp", "Trực tuyến", "Trực tuyến", "BCCI"]),
                received.strftime("%d/%m/%Y 08:00"), due.strftime("%d/%m/%Y"),
                finished.strftime("%d/%m/%Y") if finished else "",
                "x" if fee else "", "x" if fee and rnd.random() < 0.5 else "",
                "x" if rnd.random() < 0.1 else "", "x" if rnd.random() < 0.6 else "",
                "x" if rnd.random() < 0.5 else "",
                ("x" if rnd.random() < 0.3 else "") if field == "Chứng thực" else "",
                "x" if late and rnd.random() < 0.5 else "",
                rnd.choice(["Rất hài lòng", "Hài lòng", "Không hài lòng", "", ""]) if finished else "",
            ])
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["DANH SÁCH HỒ SƠ TIẾP NHẬN"])
        w.writerow(HEADER)
        w.writerows(rows)
    return path


REPORT_HEADER = ["Đơn vị", "Tổng số hồ sơ tiếp nhận", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước",
                 "Đã giải quyết", "Trước hạn", "Đúng hạn", "Trễ hạn", "Đang giải quyết", "Trong hạn", "Đang quá hạn"]


def write_report(path: Path, month: date = date(2022, 8, 1)) -> Path:
    """A one-row-header II.06a report for two units: Phòng Tư pháp (which also has dossiers
    that month: something to reconcile) and Phòng Nội vụ (report only)."""
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow([f"Kỳ báo cáo: Tháng {month.month} năm {month.year}"])
        w.writerow(REPORT_HEADER)
        w.writerow(["Phòng Tư pháp", 10, 4, 5, 1, 8, 4, 3, 1, 2, 2, 0])
        w.writerow(["Phòng Nội vụ", 20, 5, 14, 1, 18, 10, 7, 1, 2, 1, 1])
    return path


PEERS = ["TP Quy Nhơn", "An Lão", "TX Hoài Nhơn", "Hoài Ân", "Phù Mỹ", "Vĩnh Thạnh", "Tây Sơn", "Phù Cát",
         "TX An Nhơn", "Vân Canh"]


def write_peers(path: Path, months: int = 4, last: date = date(2022, 10, 1), seed: int = 2) -> Path:
    """Every other peer's counters for the `months` months up to `last` (identities hold)."""
    rnd = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["Huyện", "Tháng", "Tổng số hồ sơ tiếp nhận", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính",
                    "Từ kỳ trước", "Đã giải quyết", "Trước hạn", "Đúng hạn", "Trễ hạn", "Đang giải quyết",
                    "Trong hạn", "Đang quá hạn"])
        for i in range(months):
            m = month_start(-(months - 1 - i), last)
            for name in PEERS:
                online, direct, carried = rnd.randint(20, 300), rnd.randint(100, 600), rnd.randint(0, 50)
                total = online + direct + carried
                pending = rnd.randint(0, total // 10)
                overdue = rnd.randint(0, pending // 3 + 1) if pending else 0
                resolved = total - pending
                late = rnd.randint(0, resolved // 12)
                early = rnd.randint(resolved // 3, resolved - late)
                on_time = resolved - late - early
                w.writerow([name, f"{m.month:02d}/{m.year}", total, online, direct, carried, resolved, early,
                            on_time, late, pending, pending - overdue, overdue])
    return path


def build_sample_db(path: Path, workdir: Path) -> Path:
    """A store with the three kinds of input, closed (so another process may open it)."""
    from metrics.store import db
    from metrics.importers.core import import_file

    workdir.mkdir(parents=True, exist_ok=True)
    con = db.connect(path)
    try:
        for f in (write_dossiers(workdir / "ho_so.csv"), write_report(workdir / "bao_cao_II06a.csv"),
                  write_peers(workdir / "so_lieu_cac_huyen.csv")):
            import_file(con, f, user="test")
    finally:
        con.close()
    return path
