"""Generate N dossiers in the export layout of domain.md 3.1 (CSV or XLSX), fast.

    python benchmarks/gen_dossiers.py 1000000 /tmp/d1m.csv
    python benchmarks/gen_dossiers.py 100000 /tmp/d100k.xlsx
    python benchmarks/gen_dossiers.py 1000000 /tmp/d1m-v2.csv --variant 2

--messy writes the same kind of dossiers the way real offices' files are written (a quarter's
export replicated): each date column mixes three formats in about equal shares
(`2022-08-25 14:30:00`, `25/08/2022`, `25/08/2022 14:30`), units come as codes and as several
spellings of their names, the channel as a code or a word, yes/no in many spellings.

    python benchmarks/gen_dossiers.py 1000000 /tmp/d1m-messy.csv --messy

--messy 2 writes them as another office's system would: other date shapes in other shares
(`1/8/2022` with single digits for more than half, `25-08-2022 14:30:00`, `2022-08-25T14:30:00`,
a few `25/08/2022`), unit names the profile does not list ("Phòng Tài nguyên - Môi trường",
"CN VPĐK đất đai", names in capitals), other words for yes/no and the channel. The importer must
read it to the same figures as the clean file without being taught anything (the issue's check
runs on a file of a shape the project has never seen).

--variant 2 writes the same dossier codes with other content (every handler changes), as a
later export of the same year would: importing it after variant 1 takes the update path
(every dossier gets a new current version).

The CSV is written by DuckDB itself (seconds for millions of rows). Dates are dd/mm/yyyy
HH:MM, units are written the several ways real exports write them, and the personal-data
columns the importer must drop are present.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

UNITS = ["UBND xã Phước Hưng", "Xã Phước Thắng", "Phước Quang", "Xã Phước Hòa", "Xã Phước Sơn", "Xã Phước Hiệp",
         "Xã Phước Lộc", "Xã Phước Nghĩa", "Xã Phước Thuận", "Xã Phước An", "Xã Phước Thành", "TT Tuy Phước",
         "Thị trấn Diêu Trì", "CN VPĐKĐĐ", "Phòng Tư pháp", "Phòng Tài nguyên và Môi trường", "Phòng Nội vụ",
         "Phòng Kinh tế và Hạ tầng", "Phòng Lao động – Thương binh và Xã hội", "Phòng Y tế"]
PROCS = [("1.001193", "Đăng ký khai sinh", "Hộ tịch"), ("2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực"),
         ("2.000315", "Hòa giải tranh chấp đất đai", "Đất đai"), ("1.004227", "Đăng ký biến động đất đai", "Đất đai"),
         ("1.001022", "Đăng ký kết hôn", "Hộ tịch"), ("2.000884", "Chứng thực chữ ký", "Chứng thực"),
         ("1.009994", "Cấp giấy phép xây dựng", "Xây dựng"), ("2.001612", "Đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh")]
HEADER = ["STT", "Mã hồ sơ", "Họ tên người nộp", "Số CCCD", "Đơn vị tiếp nhận", "Mã TTHC", "Tên TTHC", "Lĩnh vực",
          "Kênh nộp", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý", "Có nghĩa vụ tài chính",
          "Thanh toán trực tuyến", "Nhận kết quả qua BCCI", "Số hóa hồ sơ", "Kết quả điện tử", "Phiếu xin lỗi",
          "Đánh giá", "Cán bộ xử lý", "Số điện thoại", "Địa chỉ"]


# the same units as UNITS, each written the ways real exports write it (names, abbreviations, codes)
MESSY_UNITS = [
    ["UBND xã Phước Hưng", "Xã Phước Hưng", "Phước Hưng", "21961", "xã phước hưng"],
    ["Xã Phước Thắng", "UBND xã Phước Thắng", "21958"], ["Phước Quang", "Xã Phước Quang", "21964"],
    ["Xã Phước Hòa", "Phước Hoà", "21967"], ["Xã Phước Sơn", "UBND Xã Phước Sơn", "21970"],
    ["Xã Phước Hiệp", "Phước Hiệp"], ["Xã Phước Lộc", "21976"], ["Xã Phước Nghĩa", "Phước Nghĩa"],
    ["Xã Phước Thuận", "21982"], ["Xã Phước An", "UBND xã Phước An"], ["Xã Phước Thành", "21988"],
    ["TT Tuy Phước", "Thị trấn Tuy Phước", "TT. Tuy Phước", "21952"],
    ["TT. Diêu Trì", "TT Diêu Trì", "Thị trấn Diêu Trì", "21955"],
    ["Chi nhánh VP ĐKĐĐ", "CN VPĐKĐĐ", "CNVPDK", "Chi nhánh Văn phòng Đăng ký đất đai"],
    ["Phòng Tư pháp", "P. Tư pháp", "TP"], ["Phòng Tài nguyên và Môi trường", "Phòng TN&MT", "TNMT"],
    ["Phòng Nội vụ", "NV"], ["Phòng Kinh tế và Hạ tầng", "Phòng KT&HT", "KTHT"],
    ["Phòng Lao động – Thương binh và Xã hội", "Phòng LĐ-TB&XH", "LDTBXH"], ["Phòng Y tế", "YT"],
]
YES = ["x", "X", "Có", "có", "đã", "1"]
NO = ["", "chưa", "Không", "0"]
# the channel's spellings by kind (direct, online, post): the clean file's kind, spelled one way or another
CHANNELS = [["1", "Trực tiếp"], ["2", "Trực tuyến", "trực tuyến", "Nộp trực tuyến"], ["3", "BCCI", "Qua bưu điện"]]

# --messy 2: the same units as UNITS again, spelled as no alias of the profile spells them
OTHER_UNITS = [
    ["XÃ PHƯỚC HƯNG", "UBND Xã Phước Hưng", "xa Phuoc Hung"], ["UBND XÃ PHƯỚC THẮNG", "Phước Thắng"],
    ["UBND xã Phước Quang", "Phước Quang"], ["UBND xã Phước Hoà", "Xã Phước Hoà"], ["Xã Phước Sơn"],
    ["UBND xã Phước Hiệp"], ["UBND xã Phước Lộc"], ["UBND xã Phước Nghĩa"], ["UBND xã Phước Thuận"], ["Phước An"],
    ["UBND xã Phước Thành"], ["UBND thị trấn Tuy Phước", "Thị Trấn Tuy Phước"],
    ["UBND thị trấn Diêu Trì", "TT.Diêu Trì"],
    ["Chi nhánh Văn phòng đăng ký đất đai huyện Tuy Phước", "CN VPĐK đất đai"],
    ["Phòng Tư Pháp", "Tư pháp"], ["Phòng Tài nguyên - Môi trường", "Phòng TNMT"], ["Phòng Nội Vụ"],
    ["Phòng Kinh tế - Hạ tầng"], ["Phòng Lao động - Thương binh và Xã hội"], ["Phòng Y Tế"],
]
OTHER_YES = ["Có", "X", "Đã", "đã gửi", "1", "x"]
OTHER_NO = ["", "Không", "không", "Chưa", "0"]
OTHER_CHANNELS = [["Trực tiếp", "Nộp trực tiếp"], ["Trực tuyến", "Nộp trực tuyến"], ["Dịch vụ bưu chính công ích", "BCCI"]]


def _list(xs) -> str:
    return "[" + ", ".join("'" + x.replace("'", "''") + "'" for x in xs) + "]"


def _messy_date(ts: str, h: str, style: int = 1) -> str:
    """Style 1: one of three formats, about a third each, chosen by a hash (another per
    column). Style 2: four formats in shares of 55, 25, 15 and 5%."""
    if style == 2:
        return (f"CASE WHEN ({h}) % 20 < 11 THEN strftime({ts}, '%-d/%-m/%Y') "
                f"WHEN ({h}) % 20 < 16 THEN strftime({ts}, '%d-%m-%Y %H:%M:%S') "
                f"WHEN ({h}) % 20 < 19 THEN strftime({ts}, '%Y-%m-%dT%H:%M:%S') ELSE strftime({ts}, '%d/%m/%Y') END")
    return (f"CASE ({h}) % 3 WHEN 0 THEN strftime({ts}, '%Y-%m-%d %H:%M:%S') "
            f"WHEN 1 THEN strftime({ts}, '%d/%m/%Y') ELSE strftime({ts}, '%d/%m/%Y %H:%M') END")


def _yes_no(cond: str, h: str, yes: list[str] = YES, no: list[str] = NO) -> str:
    return (f"CASE WHEN {cond} THEN {_list(yes)}[1 + ({h}) % {len(yes)}] "
            f"ELSE {_list(no)}[1 + ({h}) % {len(no)}] END")


def _channel(spellings: list[list[str]]) -> str:
    # the clean file's channel is ['1', '2', '3', 'Trực tuyến', 'Trực tiếp'][1 + (h2 // 3) % 5]:
    # direct, online, post, online, direct
    kind = "[1, 2, 3, 2, 1][1 + (_h2 // 3) % 5]"
    return "CASE " + " ".join(f"WHEN {kind} = {k + 1} THEN {_list(sp)}[1 + (_h // 47) % {len(sp)}]"
                              for k, sp in enumerate(spellings)) + " END"


def _messy_columns(style: int = 1) -> str:
    units, channels = (OTHER_UNITS, OTHER_CHANNELS) if style == 2 else (MESSY_UNITS, CHANNELS)
    yes_no = (lambda cond, h: _yes_no(cond, h, OTHER_YES, OTHER_NO)) if style == 2 else _yes_no
    spellings = [sp for group in units for sp in group]
    starts, k = [], 0
    for group in units:
        starts.append(k)
        k += len(group)
    sizes = [len(g) for g in units]
    pick = f"1 + _h % {len(units)}"
    unit = f"{_list(spellings)}[1 + {starts}[{pick}] + (_h2 // 5) % {sizes}[{pick}]]"
    fin = (f"CASE WHEN _fin IS NULL OR _fin > TIMESTAMP '2022-12-31 17:00:00' THEN '' "
           f"ELSE {_messy_date('_fin', '_h // 19', style)} END")
    return ", ".join([
        f'{unit} AS "Đơn vị tiếp nhận"',
        f'{_channel(channels)} AS "Kênh nộp"',
        f'{_messy_date("_recv", "_h // 13", style)} AS "Ngày tiếp nhận"',
        f'{_messy_date("_due", "_h2 // 17", style)} AS "Ngày hẹn trả"',
        f'{fin} AS "Ngày kết thúc xử lý"',
        f'{yes_no("_h % 3 = 0", "_h2 // 23")} AS "Có nghĩa vụ tài chính"',
        f'{yes_no("_h % 3 = 0 AND _h2 % 2 = 0", "_h // 29")} AS "Thanh toán trực tuyến"',
        f'{yes_no("_h2 % 9 = 0", "_h // 31")} AS "Nhận kết quả qua BCCI"',
        f'{yes_no("_h2 % 4 <> 0", "_h // 37")} AS "Số hóa hồ sơ"',
        f'{yes_no("_h2 % 5 <> 0", "_h // 41")} AS "Kết quả điện tử"',
        f'{yes_no("_h2 % 7 = 0", "_h // 43")} AS "Phiếu xin lỗi"',
    ])


def relation_sql(n: int, variant: int = 1) -> str:
    units = "[" + ", ".join(f"'{u}'" for u in UNITS) + "]"
    pc = "[" + ", ".join(f"'{p[0]}'" for p in PROCS) + "]"
    pn = "[" + ", ".join(f"'{p[1]}'" for p in PROCS) + "]"
    pf = "[" + ", ".join(f"'{p[2]}'" for p in PROCS) + "]"
    return f"""
    WITH g AS (
        SELECT i, CAST(hash(i) % 1000000007 AS BIGINT) AS h, CAST(hash(i * 7 + 3) % 1000000007 AS BIGINT) AS h2,
               TIMESTAMP '2022-01-01 07:30:00' + to_seconds(CAST((hash(i * 13) % 31449600) AS BIGINT)) AS recv
        FROM range({n}) t(i)
    ), d AS (
        SELECT i, h, h2, recv,
               recv + to_days(CAST(1 + h % 10 AS INTEGER)) AS due,
               CASE WHEN h2 % 20 = 0 THEN NULL
                    ELSE recv + to_days(CAST(h2 % 12 AS INTEGER)) END AS fin
        FROM g
    )
    SELECT i + 1 AS "STT", h AS _h, h2 AS _h2, recv AS _recv, due AS _due, fin AS _fin,
           printf('H%08d', i) AS "Mã hồ sơ",
           'Nguyễn Văn ' || (i % 997) AS "Họ tên người nộp",
           printf('0521%08d', i % 99999999) AS "Số CCCD",
           {units}[1 + h % {len(UNITS)}] AS "Đơn vị tiếp nhận",
           {pc}[1 + (h // 7) % {len(PROCS)}] AS "Mã TTHC",
           {pn}[1 + (h // 7) % {len(PROCS)}] AS "Tên TTHC",
           {pf}[1 + (h // 7) % {len(PROCS)}] AS "Lĩnh vực",
           ['1', '2', '3', 'Trực tuyến', 'Trực tiếp'][1 + (h2 // 3) % 5] AS "Kênh nộp",
           strftime(recv, '%d/%m/%Y %H:%M') AS "Ngày tiếp nhận",
           strftime(due, '%d/%m/%Y') AS "Ngày hẹn trả",
           CASE WHEN fin IS NULL OR fin > TIMESTAMP '2022-12-31 17:00:00' THEN ''
                ELSE strftime(fin, '%d/%m/%Y %H:%M') END AS "Ngày kết thúc xử lý",
           CASE WHEN h % 3 = 0 THEN 'x' ELSE '' END AS "Có nghĩa vụ tài chính",
           CASE WHEN h % 3 = 0 AND h2 % 2 = 0 THEN 'x' ELSE '' END AS "Thanh toán trực tuyến",
           CASE WHEN h2 % 9 = 0 THEN 'Có' ELSE '' END AS "Nhận kết quả qua BCCI",
           CASE WHEN h2 % 4 <> 0 THEN 'x' ELSE '' END AS "Số hóa hồ sơ",
           CASE WHEN h2 % 5 <> 0 THEN '1' ELSE '0' END AS "Kết quả điện tử",
           CASE WHEN h2 % 7 = 0 THEN 'x' ELSE '' END AS "Phiếu xin lỗi",
           ['Hài lòng', 'Rất hài lòng', '', 'Không hài lòng', 'Hài lòng'][1 + (h // 11) % 5] AS "Đánh giá",
           'Cán bộ ' || ((h + {variant - 1}) % 50) AS "Cán bộ xử lý",
           printf('09%08d', i % 99999999) AS "Số điện thoại",
           'Thôn ' || (i % 40) || ', Tuy Phước' AS "Địa chỉ"
    FROM d
    """



def export_sql(n: int, variant: int = 1, messy: int = 0) -> str:
    """The file's rows: the clean columns, or the same dossiers written as real files mix them
    (messy 1 or True: the first office's way; 2: another's)."""
    base = relation_sql(n, variant)
    if messy:
        base = f"SELECT * REPLACE ({_messy_columns(int(messy))}) FROM ({base})"
    return f"SELECT * EXCLUDE (_h, _h2, _recv, _due, _fin) FROM ({base})"


def write_csv(n: int, path: Path, variant: int = 1, messy: int = 0) -> Path:
    con = duckdb.connect()
    con.execute(f"COPY ({export_sql(n, variant, messy)}) TO '{path}' (HEADER, DELIMITER ',')")
    return path


def write_xlsx(n: int, path: Path, variant: int = 1, messy: int = 0) -> Path:
    import openpyxl

    con = duckdb.connect()
    rows = con.execute(export_sql(n, variant, messy)).fetchall()
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["UBND HUYỆN TUY PHƯỚC"])
    ws.append(["DANH SÁCH HỒ SƠ"])
    ws.append(HEADER)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def write(n: int, path: Path, variant: int = 1, messy: int = 0) -> Path:
    return (write_xlsx if path.suffix == ".xlsx" else write_csv)(n, path, variant, messy)


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("path", type=Path)
    ap.add_argument("--variant", type=int, default=1, choices=[1, 2])
    ap.add_argument("--messy", type=int, nargs="?", const=1, default=0, choices=[1, 2],
                    help="dates, units, channels and yes/no as real files mix them (2: another office's way)")
    a = ap.parse_args()
    write(a.n, a.path, a.variant, a.messy)
    print(a.path, a.path.stat().st_size // 1024, "KiB")
