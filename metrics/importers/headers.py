"""Headings: finding the header row below any title rows and naming each column.

Matching is case-, accent-, space- and punctuation-insensitive (textnorm.key). Columns that
map to no known field are not read at all; that is how personal data (names, ID numbers,
phones, addresses) is dropped at the door.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..i18n.textnorm import key

# --- dossier exports (domain.md 3.1) ----------------------------------------------------
DOSSIER_FIELDS: dict[str, list[str]] = {
    "dossier_code": ["Mã hồ sơ", "Số hồ sơ", "MaHoSo", "Mã số hồ sơ", "Ma HS", "Mã HS", "Dossier code", "Dossier ID", "Dossier number", "Application code", "Số biên nhận", "Mã biên nhận"],
    # the unit that receives the dossier (at a district, often the one-stop shop itself) ...
    "unit": ["Đơn vị", "Đơn vị tiếp nhận", "DonVi", "Tên đơn vị", "Nơi tiếp nhận", "Cơ quan tiếp nhận", "Unit", "Receiving unit", "Agency", "Office"],
    # ... and the one that resolves it: where both are given, the one whose names are units
    # of the profile is read (dossiers.choose_unit_column)
    "resolving_unit": ["Cơ quan giải quyết", "Đơn vị xử lý", "Cơ quan thực hiện", "Đơn vị giải quyết",
                       "DonViXuLy", "Đơn vị/ cá nhân giải quyết", "Đơn vị, cá nhân giải quyết",
                       "Cơ quan xử lý", "Đơn vị chủ trì giải quyết", "Resolving unit", "Handling unit", "Processing unit"],
    "procedure_code": ["Mã TTHC", "Mã thủ tục", "MaTTHC", "Mã thủ tục hành chính", "Procedure code"],
    "procedure_name": ["Tên TTHC", "Tên thủ tục", "Thủ tục", "Tên thủ tục hành chính", "TenTTHC",
                       "Thủ tục hành chính", "Procedure", "Procedure name"],
    "field": ["Lĩnh vực", "LinhVuc", "Tên lĩnh vực", "TenLinhVuc", "Lĩnh vực thủ tục", "Field", "Sector"],
    "channel": ["Kênh nộp", "Hình thức nộp", "KenhThucHien", "Kênh thực hiện", "Hình thức tiếp nhận",
                "Kênh nộp hồ sơ", "Hình thức nộp hồ sơ", "Kênh tiếp nhận", "Channel", "Submission channel"],
    "received_at": ["Ngày tiếp nhận", "NgayTiepNhan", "Thời gian tiếp nhận", "Ngày nhận hồ sơ", "Ngày nhận",
                    "Ngày tiếp nhận hồ sơ", "Received", "Received date", "Date received", "Received at"],
    "due_at": ["Ngày hẹn trả", "Hạn xử lý", "NgayHenTra", "Ngày hẹn trả kết quả", "Hạn giải quyết",
               "Ngày hẹn", "Due", "Due date", "Deadline", "Appointment date"],
    "finished_at": ["Ngày kết thúc xử lý", "Ngày hoàn thành", "Ngày có kết quả", "NgayKetThucXuLy",
                    "Ngày kết thúc", "Ngày xử lý xong", "Ngày giải quyết xong", "Finished", "Finished date", "Completed", "Completion date", "Date finished"],
    # the dossier's state as the system words it (codes 1-10 of the sync record, or their
    # texts): the dates decide the counters; the status explains rows without a received date
    # and is checked against the finished date (dossiers.STATUS_*)
    "status": ["Trạng thái", "Trạng thái hồ sơ", "TrangThaiHoSo", "Tình trạng", "Tình trạng hồ sơ",
               "Tình trạng xử lý", "Status", "Dossier status"],
    "has_fee": ["Có nghĩa vụ tài chính", "Có phí/lệ phí", "Có phí lệ phí", "Nghĩa vụ tài chính",
                "CoPhi", "Fee", "Has fee", "Fee-bearing"],
    "paid_online": ["Thanh toán trực tuyến", "Đã thanh toán trực tuyến", "Paid online", "Online payment"],
    # the sync record's coded fee state: 0 no fee, 1 or 2 paid online, 3 fee not paid online
    "fee_payment": ["DuocThanhToanTrucTuyen", "Được thanh toán trực tuyến", "Tình trạng thanh toán"],
    "result_by_post": ["Nhận kết quả qua BCCI", "Trả kết quả qua bưu chính", "Trả kết quả qua BCCI",
                       "Nhận kết quả qua bưu chính", "Result by post", "Returned by post"],
    "digitised": ["Số hóa hồ sơ", "Đã số hóa", "Số hoá hồ sơ", "Đã số hoá", "SoHoa",
                  "HoSoCoThanhPhanSoHoa", "Hồ sơ có thành phần số hóa", "Digitised", "Digitized"],
    "e_result": ["Kết quả điện tử", "Có kết quả điện tử", "KetQuaDienTu", "Electronic result", "E-result"],
    "e_certified_copy": ["Chứng thực điện tử", "Bản sao điện tử", "Chứng thực bản sao điện tử", "Electronic certified copy", "E-certified copy"],
    "apology_sent": ["Phiếu xin lỗi", "Đã xin lỗi", "Ngày xin lỗi", "Văn bản xin lỗi", "Thư xin lỗi", "Apology", "Apology letter"],
    "rating": ["Đánh giá", "Mức độ hài lòng", "Kết quả đánh giá", "DanhGia", "Rating", "Satisfaction"],
    "handler": ["Cán bộ xử lý", "Người xử lý", "CanBoXuLy", "Cán bộ giải quyết", "Handler", "Official"],
}
# Headings that name a field less surely: read only when no column has one of its headings
# above (the sync record has both NgayKetThucXuLy, the end of processing, and NgayTra, the
# day the result was handed over; the first is the finished date)
FALLBACK_FIELDS: dict[str, list[str]] = {
    "finished_at": ["Ngày trả kết quả", "Ngày trả", "NgayTra", "Ngày trả KQ"],
}
DOSSIER_REQUIRED = ["dossier_code", "unit", "received_at", "due_at", "finished_at"]

# Headings that are known to carry personal data: never mapped (listed so that a test can
# prove none of them reaches the database, and so the preview can say why they are left out)
PERSONAL_HEADINGS = ["Họ tên", "Họ và tên", "Người nộp", "Chủ hồ sơ", "CMND", "CCCD", "Số định danh",
                     "Điện thoại", "Số điện thoại", "Địa chỉ", "Email", "Ngày sinh", "Tên người nộp",
                     "ChuHoSo", "SoGiayToChuHoSo", "SoDienThoai", "Fax", "DiaChiChuHoSo", "Địa chỉ chủ hồ sơ",
                     "Số giấy tờ", "Số giấy tờ chủ hồ sơ", "Người được ủy quyền", "Người ủy quyền",
                     "Tên tổ chức, cá nhân", "Tổ chức, cá nhân", "Người đứng tên", "DinhDanhCHS",
                     "Số CMND/CCCD", "Mã định danh", "Giới tính"]
# Headings of columns the product knows and does not need, with the reason (a key of
# metrics/i18n/locales: col_reason_<reason>)
KNOWN_UNUSED: dict[str, list[str]] = {
    "ordinal": ["STT", "TT", "Số thứ tự"],
    "submitted": ["Ngày nộp hồ sơ", "NgayNopHoSo", "Ngày nộp", "Thời gian nộp", "Ngày đăng ký"],
    "field_code": ["MaLinhVuc", "Mã lĩnh vực"],
    "summary": ["Trích yếu", "Trích yếu hồ sơ", "TrichYeuHoSo", "Nội dung hồ sơ"],
    "receiver": ["Người tiếp nhận", "TenNguoiNhanHoSo", "Cán bộ tiếp nhận", "Người nhận hồ sơ"],
    "meaning_unknown": ["HinhThuc", "Hình thức"],
    "not_used": ["NoiNopHoSo", "TaiKhoanDuocXacThucVoiVNeID", "LoaiDoiTuong", "MaDoiTuong", "ThongTinKhac",
                 "ThongTinTra", "GhiChu", "Ghi chú", "SoBoHoSo", "Số bộ hồ sơ", "NgayTuChoi", "Ngày từ chối",
                 "TenDiaBan", "Địa bàn", "Lý do", "Ngày rút hồ sơ", "Ngày yêu cầu bổ sung", "TaiLieuNop",
                 "DanhSachLePhi", "DanhSachGiayToKetQua", "Số tiền", "Phí, lệ phí", "Lệ phí"],
}

# --- counter tables: II.06a reports and peer files (domain.md 3.2-3.4) ---------------------
GROUPS = ("received", "resolved", "pending")
GROUP_TOTAL = {"received": "received_total", "resolved": "resolved", "pending": "pending"}


def group_of(heading: str) -> str | None:
    k = key(heading)
    if not k:
        return None
    if "dang giai quyet" in k or "dang xu ly" in k or "chua giai quyet" in k or k.startswith("pending") \
            or k in ("in progress", "being resolved", "unresolved"):
        return "pending"
    if "da giai quyet" in k or "ket qua giai quyet" in k or "da xu ly" in k or k.startswith("resolved") \
            or k in ("processed", "completed", "settled"):
        return "resolved"
    if "nhan giai quyet" in k or "tiep nhan" in k or "so ho so nhan" in k or "phai giai quyet" in k \
            or k.startswith("received") or k in ("intake", "to be resolved"):
        return "received"
    return None


# heading -> counter, for headings that name one counter whatever the group
COUNTER_HEADINGS: dict[str, list[str]] = {
    "received_total": ["Tổng số hồ sơ tiếp nhận", "Tổng tiếp nhận", "Tổng số hồ sơ nhận giải quyết",
                       "Số hồ sơ nhận giải quyết", "Tiếp nhận", "received_total"],
    "received_online": ["Trực tuyến", "Trong đó: Trực tuyến", "Tiếp nhận trực tuyến", "Nộp trực tuyến",
                        "received_online"],
    "received_direct_post": ["Trực tiếp, dịch vụ bưu chính", "Trực tiếp và bưu chính",
                             "Trực tiếp, bưu chính", "Trực tiếp và dịch vụ bưu chính",
                             "Trực tiếp, dịch vụ bưu chính công ích", "received_direct_post"],
    "received_direct": ["Trực tiếp", "Tiếp nhận trực tiếp", "received_direct"],
    "received_post": ["Qua BCCI", "Bưu chính công ích", "Qua bưu chính", "Tiếp nhận qua BCCI",
                      "received_post"],
    "carried_over": ["Từ kỳ trước", "Kỳ trước chuyển qua", "Kỳ trước chuyển sang", "carried_over"],
    "resolved": ["Đã giải quyết", "Số hồ sơ đã giải quyết", "Tổng số đã giải quyết", "resolved"],
    "resolved_early": ["Trước hạn", "Giải quyết trước hạn", "resolved_early"],
    "resolved_on_time": ["Đúng hạn", "Giải quyết đúng hạn", "resolved_on_time"],
    "resolved_late": ["Trễ hạn", "Giải quyết quá hạn", "Đã giải quyết quá hạn", "resolved_late"],
    "pending": ["Đang giải quyết", "Số hồ sơ đang giải quyết", "Tổng số đang giải quyết", "pending"],
    "pending_in_time": ["Trong hạn", "Chưa đến hạn", "Đang giải quyết trong hạn", "pending_in_time"],
    "pending_overdue": ["Đang quá hạn", "Đang giải quyết quá hạn", "pending_overdue"],
    "fee_dossiers": ["Hồ sơ có nghĩa vụ tài chính", "Tổng HS có nghĩa vụ tài chính",
                     "Số hồ sơ có nghĩa vụ tài chính", "Có nghĩa vụ tài chính", "fee_dossiers"],
    "paid_online": ["Thanh toán trực tuyến", "Đã thanh toán trực tuyến", "Số HS đã TTTT",
                    "Số hồ sơ đã thanh toán trực tuyến", "paid_online"],
    "result_by_post": ["Trả kết quả qua BCCI", "Trả kết quả qua bưu chính", "result_by_post"],
    "rated": ["Số lượt đánh giá", "Tổng số đánh giá", "Số hồ sơ được đánh giá", "rated"],
    "satisfied": ["Hài lòng", "Số lượt hài lòng", "satisfied"],
    "very_satisfied": ["Rất hài lòng", "very_satisfied"],
    "dissatisfied": ["Không hài lòng", "dissatisfied"],
    "digitised": ["Số hóa", "Hồ sơ được số hóa", "Số hồ sơ số hóa", "digitised"],
    "e_result": ["Kết quả điện tử", "Có kết quả điện tử", "e_result"],
    "certified": ["Hồ sơ chứng thực", "Số hồ sơ chứng thực", "certified"],
    "e_certified": ["Chứng thực điện tử", "Chứng thực bản sao điện tử", "e_certified"],
    "apologised": ["Có thư xin lỗi", "Số văn bản xin lỗi", "Đã xin lỗi", "apologised"],
}
AMBIGUOUS = {"tong so": "total", "tong": "total", "qua han": "late", "so ho so": "total"}

ENTITY_HEADINGS = ["Đơn vị", "Tên đơn vị", "Lĩnh vực, công việc giải quyết theo cấp", "Cơ quan",
                   "Địa phương", "Huyện", "Huyện, thị xã, thành phố", "Đơn vị hành chính", "Mã đơn vị",
                   "peer", "peer_code", "unit", "unit_code", "Tên", "Cấp huyện", "Xã, thị trấn",
                   "Đơn vị cấp huyện", "DonVi"]
MONTH_HEADINGS = ["Tháng", "Kỳ báo cáo", "Kỳ", "Month", "period", "Thời gian", "Tháng báo cáo"]
YEAR_HEADINGS = ["Năm", "Year"]
SCORE_HEADINGS = ["Điểm", "Chỉ số", "Chỉ số CCHC", "Điểm CCHC", "Tổng điểm", "Score", "Par Index",
                  "Điểm chỉ số"]
RANK_HEADINGS = ["Xếp hạng", "Thứ hạng", "Hạng", "Rank", "Vị trí"]
ORDINAL_HEADINGS = ["STT", "TT", "Số thứ tự", "No", "No.", "#", "Order"]
EVENT_DATE_HEADINGS = ["Ngày", "Ngày sự kiện", "Thời điểm", "Date", "event_date"]
EVENT_TEXT_HEADINGS = ["Nội dung", "Sự kiện", "Sự kiện, hoạt động", "Hoạt động", "Event", "Ghi chú sự kiện", "text"]
ACCOUNTS_HEADINGS = ["Tài khoản", "Số tài khoản", "Tài khoản được tạo", "Số tài khoản tạo mới",
                     "Tài khoản DVC được hỗ trợ tạo", "accounts"]


def _keyset(aliases: list[str]) -> set[str]:
    return {key(a) for a in aliases}


_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]|\*")


def clean_heading(h: object) -> str:
    """A heading's key without notes in brackets: 'Ngày tiếp nhận (dd/mm/yyyy)'."""
    if h is None:
        return ""
    k = key(_PAREN.sub(" ", str(h)))
    for lead in ("trong do ", "trong so ", "gom "):
        if k.startswith(lead):
            k = k[len(lead):]
    return k


_DOSSIER_KEYS = {f: _keyset(a) for f, a in DOSSIER_FIELDS.items()}
_FALLBACK_KEYS = {f: _keyset(a) for f, a in FALLBACK_FIELDS.items()}
_PERSONAL_KEYS = _keyset(PERSONAL_HEADINGS)
# words that make any heading personal wherever they stand in it ("Số CCCD", "SĐT người nộp",
# "Địa chỉ thường trú"): such a column is never read, and never offered for mapping
_PERSONAL_WORDS = re.compile(r"\b(cccd|cmnd|can cuoc|chung minh nhan dan|dien thoai|sdt|dia chi|ho ten|ho va ten|"
                             r"ngay sinh|email|e mail|dinh danh|gioi tinh|nguoi nop|chu ho so|giay to)\b")


def is_personal(k: str) -> bool:
    """A cleaned heading (clean_heading) that names personal data."""
    return k in _PERSONAL_KEYS or any(k.startswith(p + " ") for p in _PERSONAL_KEYS if len(p) >= 6) or \
        bool(_PERSONAL_WORDS.search(k))
_UNUSED_KEYS = {k: _keyset(a) for k, a in KNOWN_UNUSED.items()}
# Headings that begin like a known one but mean something else: never mapped by prefix
NOT_FIELDS = _keyset(["Đơn vị tính", "Ngày nhận kết quả", "Ngày trả kết quả thực tế cho công dân",
                      "Hạn xử lý bước hiện tại", "Số hồ sơ gốc", "Đơn vị tiếp nhận hồ sơ liên thông",
                      "Ngày hẹn trả bổ sung"])


def map_dossier_heading(h: object, exact_only: bool = False) -> str | None:
    k = clean_heading(h)
    if not k:
        return None
    for f, keys in _DOSSIER_KEYS.items():
        if k in keys:
            return f
    if exact_only or k in NOT_FIELDS or any(k.startswith(n + " ") for n in NOT_FIELDS):
        return None
    if is_personal(k) or any(k in keys for keys in _UNUSED_KEYS.values()):
        return None
    # a heading that starts with a known one: "Ngày hẹn trả kết quả cho công dân"
    best, best_len = None, 0
    for f, keys in _DOSSIER_KEYS.items():
        for a in keys:
            # short headings ("Số hồ sơ", "Lĩnh vực", "Đơn vị") begin report headings too
            # ("Số hồ sơ nhận giải quyết"): only longer ones name a field by their start
            if len(a) >= 9 and k.startswith(a + " ") and len(a) > best_len:
                best, best_len = f, len(a)
    return best


def map_dossier_header(row: list[object]) -> dict[int, str]:
    """Column index -> field. Exact headings are claimed first, anywhere in the row; then the
    fallback headings of fields no column claimed; then a heading that only begins like a
    known one gets a field nobody claimed. A field claimed twice keeps its first column."""
    out: dict[int, str] = {}
    seen: set[str] = set()

    def claim(i: int, f: str | None) -> None:
        if f and f not in seen:
            out[i] = f
            seen.add(f)

    for i, h in enumerate(row):
        claim(i, map_dossier_heading(h, exact_only=True))
    for i, h in enumerate(row):
        if i not in out:
            k = clean_heading(h)
            claim(i, next((f for f, keys in _FALLBACK_KEYS.items() if k in keys), None))
    for i, h in enumerate(row):
        if i not in out:
            claim(i, map_dossier_heading(h))
    return dict(sorted(out.items()))


def heads_a_dossier_list(m: dict[int, str]) -> bool:
    """Whether a row's reading (map_dossier_header) is a dossier list's heading: a code, four
    fields or more, and a date of the dossier's life."""
    fields = set(m.values())
    return "dossier_code" in fields and len(m) >= 4 and bool({"received_at", "due_at", "finished_at"} & fields)


def dossier_left_out_reason(h: object) -> str:
    """Why a dossier-list column that maps to no field is left out: a key of the
    col_reason_* texts (personal, ordinal, submitted, …, or unknown)."""
    k = clean_heading(h)
    if not k:
        return "empty"
    if is_personal(k):
        return "personal"
    for reason, keys in _UNUSED_KEYS.items():
        if k in keys:
            return reason
    if map_dossier_heading(h) is not None or k in {a for keys in _FALLBACK_KEYS.values() for a in keys}:
        return "duplicate"
    return "unknown"


def nearest_headings(field_aliases: list[str], headings: list[object], n: int = 2) -> list[str]:
    """The file's headings closest to a field's known headings, for a refusal that says what
    the file has ("no received date; closest heading: 'Ngày nhận'"): shared words first,
    then spelling."""
    from ..i18n.textnorm import similarity

    keys = _keyset(field_aliases)
    scored = []
    for h in headings:
        k = clean_heading(h)
        if not k:
            continue
        words = set(k.split())
        best = 0.0
        for a in keys:
            aw = set(a.split())
            overlap = len(words & aw) / len(words | aw)
            best = max(best, 0.6 * overlap + 0.4 * similarity(k, a))
        scored.append((best, str(h).strip()))
    scored.sort(key=lambda x: -x[0])
    return [h for s, h in scored[:n] if s >= 0.3]


_COUNTER_KEYS = {c: _keyset(a) for c, a in COUNTER_HEADINGS.items()}
_ENTITY = _keyset(ENTITY_HEADINGS)
_MONTH = _keyset(MONTH_HEADINGS)
_YEAR = _keyset(YEAR_HEADINGS)
_SCORE = _keyset(SCORE_HEADINGS)
_RANK = _keyset(RANK_HEADINGS)
_ORDINAL = _keyset(ORDINAL_HEADINGS)
_ACCOUNTS = _keyset(ACCOUNTS_HEADINGS)
_EVENT_DATE = _keyset(EVENT_DATE_HEADINGS)
_EVENT_TEXT = _keyset(EVENT_TEXT_HEADINGS)


@dataclass
class TableHeader:
    columns: dict[int, str]      # index -> counter name or one of the special roles below
    entity_col: int | None
    month_col: int | None
    header_rows: int             # 1 to 3
    labels: dict[int, str]       # index -> heading as written (for error messages)
    # index -> (reason, note) for columns with a heading that are not read (columns.REASONS)
    left_out: dict[int, tuple[str, str]] = field(default_factory=dict)
    # columns whose heading reads like a count in a counter group but names no counter: the
    # file cannot be read until they are mapped (a figure must not go unread in silence)
    unread_counts: list[int] = field(default_factory=list)

    @property
    def counters(self) -> dict[int, str]:
        return {i: c for i, c in self.columns.items() if not c.startswith("@")}


def _plain(h: object) -> str:
    return "" if h is None else " ".join(str(h).split())


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def header_paths(rows: list[list[object]]) -> list[list[str]]:
    """Each column's headings from the top header row down, merged headings carried over the
    columns they cover. A merged cell's text is in its first cell only (Excel, calamine and
    our HTML reader alike): an empty cell takes the heading on its left while the rows below
    it have sub-headings, that is while it sits under a merged group heading."""
    n = max((len(r) for r in rows), default=0)
    grid = [list(r) + [None] * (n - len(r)) for r in rows]
    depth = len(grid)
    carried: list[list[object]] = [[None] * n for _ in range(depth)]
    for r in range(depth):
        for i in range(n):
            v = grid[r][i]
            if not _blank(v):
                carried[r][i] = v
            elif i > 0 and not _blank(carried[r][i - 1]) and r + 1 < depth and \
                    any(not _blank(grid[b][i]) for b in range(r + 1, depth)) and \
                    (r == 0 or carried[r - 1][i] == carried[r - 1][i - 1]):
                carried[r][i] = carried[r][i - 1]
    paths = []
    for i in range(n):
        path: list[str] = []
        for r in range(depth):
            text = _plain(carried[r][i])
            if text and (not path or path[-1] != text):
                path.append(text)
        paths.append(path)
    return paths


_TOTAL_WORDS = {"tong so", "tong", "cong", "so ho so", "tong cong", "so luong", "tong so ho so", "total", "all"}
_NEW_SUBGROUP = ("trong ky", "tiep nhan trong ky", "moi tiep nhan", "nhan moi", "so moi tiep nhan",
                 "tiep nhan moi", "phat sinh trong ky")
_CARRIED = {"tu ky truoc", "ky truoc", "ky truoc chuyen sang", "ky truoc chuyen qua", "ton ky truoc",
            "ky truoc chuyen sang ky nay", "so ho so ky truoc chuyen sang", "ton truoc", "carried over",
            "from the previous period", "previous period", "brought forward"}
_ONLINE = {"truc tuyen", "qua mang", "nop truc tuyen", "tiep nhan truc tuyen", "dvc truc tuyen",
           "qua dich vu cong truc tuyen", "truc tuyen toan trinh va mot phan", "online"}
_DIRECT = {"truc tiep", "tiep nhan truc tiep", "nop truc tiep", "tai bo phan mot cua", "in person", "direct"}
_POST = {"bcci", "qua bcci", "buu chinh", "qua buu chinh", "buu chinh cong ich", "qua buu chinh cong ich",
         "dich vu buu chinh cong ich", "post", "by post", "postal"}
_IN_TIME_RESOLVED = {"truoc va trong han", "truoc han va dung han", "dung han va truoc han",
                     "truoc han dung han", "som va dung han", "truoc va dung han", "dung va truoc han",
                     "dung han truoc han", "trong han va truoc han", "early or on time", "on time or early",
                     "early and on time"}
_COUNT_WORDS = ("han", "ho so", "truc", "buu", "giai quyet", "tiep nhan", "ky", "so", "cong", "tong")


def _is_percent(path: list[str]) -> bool:
    return any("%" in p or clean_heading(p).startswith("ty le") or " ty le " in f" {clean_heading(p)} "
               for p in path)


def _in_group(path_keys: list[str]) -> str | None:
    for k in path_keys:
        g = group_of(k)
        if g:
            return g
    return None


def _group_counter(leaf: str, group: str, is_new: bool) -> str | None:
    """A sub-heading's counter inside a group (received, resolved or pending)."""
    if group == "received":
        if leaf in _TOTAL_WORDS or leaf.startswith("tong so"):
            return "@new_total" if is_new else "received_total"
        if leaf in _CARRIED or leaf.startswith("ky truoc") or leaf.startswith("tu ky truoc"):
            return "carried_over"
        if leaf in _POST or "bcci" in leaf:
            return "received_post"
        if ("truc tiep" in leaf and ("buu chinh" in leaf or "buu dien" in leaf)) or \
                ("in person" in leaf and "post" in leaf):
            return "received_direct_post"
        if leaf in _ONLINE or leaf.startswith("truc tuyen"):
            return "received_online"
        if leaf in _DIRECT:
            return "received_direct"
        return None
    if group == "resolved":
        if leaf in _TOTAL_WORDS or leaf.startswith("tong so"):
            return "resolved"
        if leaf in _IN_TIME_RESOLVED:
            return "resolved_in_time"
        if leaf in ("truoc han", "som han", "som hon hen", "giai quyet truoc han", "early", "ahead of time"):
            return "resolved_early"
        # the 766 tracking tables call on time "Trong hạn" under the resolved group
        if leaf in ("dung han", "trong han", "dung hen", "giai quyet dung han", "on time"):
            return "resolved_on_time"
        if leaf in ("qua han", "tre han", "tre hen", "giai quyet qua han", "late", "overdue"):
            return "resolved_late"
        return None
    if group == "pending":
        if leaf in _TOTAL_WORDS or leaf.startswith("tong so"):
            return "pending"
        if leaf in ("trong han", "dung han", "chua den han", "chua toi han", "con han", "in time", "not yet due",
                    "within the deadline"):
            return "pending_in_time"
        if leaf in ("qua han", "tre han", "da qua han", "overdue", "late"):
            return "pending_overdue"
    return None


def map_header_rows(rows: list[list[object]]) -> TableHeader:
    """Name the columns of a counter table whose header takes one to three rows.

    The group heading above a column decides what "Tổng số", "Đúng hạn", "Trong hạn" or
    "Quá hạn" mean (received, resolved or pending; "Trong kỳ" marks the new intake); a
    one-row header falls back on the form's order, received -> resolved -> pending (domain
    3.4). Percentages are derived (left out, checked by the parser); a heading that reads
    like a count inside a group but names no counter is listed as unread.
    """
    paths = header_paths(rows)
    depth = len(rows)
    columns: dict[int, str] = {}
    labels: dict[int, str] = {}
    left_out: dict[int, tuple[str, str]] = {}
    unread: list[int] = []
    entity_col = month_col = None
    current: str | None = None
    assigned: dict[str, int] = {}
    for i, path in enumerate(paths):
        if not path:
            continue
        label = " / ".join(path)
        keys = [clean_heading(p) for p in path]
        leaf = keys[-1]
        if not leaf:
            continue
        labels[i] = label
        role = _role(leaf) if len(path) == 1 or not _in_group(keys[:-1]) else None
        if role:
            if role == "@entity" and entity_col is None:
                entity_col = i
            elif role == "@month" and month_col is None:
                month_col = i
            columns[i] = role
            continue
        if _is_percent(path):
            left_out[i] = ("percent", "")
            continue
        group = _in_group(keys[:-1]) if depth > 1 and len(keys) > 1 else None
        name = None
        if group:
            # "Trong kỳ", "Tiếp nhận trong kỳ", "Trong đó" below the group heading: the new intake
            first = next(j for j, k in enumerate(keys) if group_of(k))
            is_new = any(k in _NEW_SUBGROUP or "trong ky" in k or k == "trong do" for k in keys[first + 1:-1])
            name = _group_counter(leaf, group, is_new)
            if name is None:
                name = _other_counter(leaf)
            if name is None:
                if any(w in leaf for w in _COUNT_WORDS):
                    unread.append(i)
                left_out[i] = ("unknown", "")
                continue
        else:
            if group_of(leaf) and len(keys) == 1:
                # a one-row header whose heading is a group name: "Số hồ sơ đã giải quyết"
                g = group_of(leaf)
                if leaf in _COUNTER_KEYS[GROUP_TOTAL[g]] or "tong" in leaf or leaf.startswith("so ho so"):
                    name = GROUP_TOTAL[g]
            if name is None:
                name = _counter_for(leaf, None, current, set(assigned))
            if name is None:
                left_out[i] = ("unknown", "")
                continue
        if name == "@new_total":
            left_out[i] = ("new_total", "")
            continue
        if name in assigned:
            left_out[i] = ("duplicate", _letter(assigned[name]))
            continue
        columns[i] = name
        assigned[name] = i
        current = _GROUP_OF_COUNTER.get(name, current)
    # a new intake split into online and "in person" only: in person then covers the post too
    # (the form's column 5, "Trực tiếp, dịch vụ bưu chính")
    if "received_direct" in assigned and "received_online" in assigned and \
            "received_post" not in assigned and "received_direct_post" not in assigned:
        i = assigned.pop("received_direct")
        columns[i] = "received_direct_post"
        assigned["received_direct_post"] = i
    # resolved split two ways only, "Đúng hạn"/"Trong hạn" beside "Quá hạn" with no "Trước
    # hạn": the first is every dossier resolved by its due date (early ones included), which
    # is resolved_in_time; read as on time alone, the on-time rate would be unknown
    if "resolved_on_time" in assigned and "resolved_late" in assigned and \
            "resolved_early" not in assigned and "resolved_in_time" not in assigned:
        i = assigned.pop("resolved_on_time")
        columns[i] = "resolved_in_time"
        assigned["resolved_in_time"] = i
    return TableHeader(columns, entity_col, month_col, depth, labels, left_out, unread)


def _letter(i: int) -> str:
    from .columns import column_letter

    return column_letter(i)


def _other_counter(leaf: str) -> str | None:
    """Counters named the same in any group (fees, ratings, digitisation…)."""
    for name, keys in _COUNTER_KEYS.items():
        if name in _GROUP_OF_COUNTER:
            continue
        if leaf in keys:
            return name
    return None


def map_table_header(upper: list[object], lower: list[object] | None) -> TableHeader:
    """A one- or two-row header (see map_header_rows)."""
    return map_header_rows([upper] if lower is None else [upper, lower])


_GROUP_OF_COUNTER = {
    "received_total": "received", "received_online": "received", "received_direct_post": "received",
    "received_direct": "received", "received_post": "received", "carried_over": "received",
    "resolved": "resolved", "resolved_early": "resolved", "resolved_on_time": "resolved",
    "resolved_late": "resolved", "pending": "pending", "pending_in_time": "pending",
    "pending_overdue": "pending",
}


def _role(k: str) -> str | None:
    if k in _ORDINAL:
        return "@ordinal"
    if k in _ENTITY:
        return "@entity"
    if k in _MONTH:
        return "@month"
    if k in _YEAR:
        return "@year"
    if k in _SCORE:
        return "@score"
    if k in _RANK:
        return "@rank"
    if k in _ACCOUNTS:
        return "@accounts"
    if k in _EVENT_DATE:
        return "@date"
    if k in _EVENT_TEXT:
        return "@event"
    return None


def _counter_for(k: str, group: str | None, current: str | None, assigned: set[str]) -> str | None:
    amb = AMBIGUOUS.get(k)
    if amb == "total":
        if group:
            return GROUP_TOTAL[group]
        # one-row header: the next group whose total is not yet taken
        order = list(GROUPS)
        start = order.index(current) if current else 0
        for gname in order[start:]:
            if GROUP_TOTAL[gname] not in assigned:
                return GROUP_TOTAL[gname]
        return None
    if amb == "late":
        if group == "pending":
            return "pending_overdue"
        if group == "resolved":
            return "resolved_late"
        if current == "pending" or "resolved_late" in assigned:
            return "pending_overdue"
        return "resolved_late"
    if group == "pending" and k in ("trong han", "chua den han"):
        return "pending_in_time"
    for name, keys in _COUNTER_KEYS.items():
        if k in keys:
            return name
    return None


def score_dossier_row(row: list[object]) -> int:
    return len(map_dossier_header(row))


def score_table_row(row: list[object]) -> int:
    h = map_table_header(row, None)
    return len(h.counters) + (2 if h.entity_col is not None else 0)
