"""The built-in demo data: a deterministic year of realistic input files.

`generate(out_dir)` writes, for January-December 2022:

- twelve monthly dossier exports (domain.md 3.1) in the shapes real exports take: .xlsx with
  real date cells or Excel serial numbers, .csv in UTF-8 with BOM (comma or semicolon) or
  without, UTF-16 tab-separated ("Unicode text"); title rows above the header; headings
  drawn from the importer's aliases; unit names spelled the many ways of domain.md 2.2;
  personal-data columns the importer must drop. A later month's file repeats the dossiers
  that were still open when an earlier file was exported, now with their finished dates;
- three II.06a monthly reports (domain.md 3.2) with the form's merged two-row header, that
  differ from the dossiers for a couple of units (something for a reconciliation view);
- a peer file (domain.md 3.3): the other peers' monthly counters;
- a yearly file of the official CCHC index for the three previous years.

The story (domain.md 1): over the year the jurisdiction improves (on time ~88 % -> ~98 %,
online submission ~10 % -> ~45 %, online payment ~15 % -> ~60 %, BCCI, digitisation and
satisfaction rising) while two or three units lag (late dossiers in consecutive months,
missing apology letters, priority dossiers not resolved earlier); its service score climbs
from about 8th to about 4th among the peers.

Everything comes from the profile and `random.Random` streams seeded from `seed`: the same
seed gives byte-identical files (.xlsx too: fixed document dates and zip entry times). The
only place-specific text here is in the tables of real procedure names.
"""
from __future__ import annotations

import bisect
import csv
import io
import math
import random
import unicodedata
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime, timedelta
from pathlib import Path

from metrics.importers.headers import COUNTER_HEADINGS
from metrics.model.kpis import derive_sums
from metrics.model.period import last_day
from metrics.model.workdays import load_calendar
from metrics.model.profile import Profile, Unit, _national_holidays, load_profile
from metrics.rules.score import rank_among
from metrics.i18n.textnorm import key

YEAR = 2022
MONTHS = range(1, 13)
FIXED_STAMP = datetime(YEAR + 1, 1, 9, 8, 0, 0)       # document properties of every workbook
ZIP_STAMP = (YEAR + 1, 1, 9, 8, 0, 0)                  # zip entry times of every workbook

# --- the calendar ------------------------------------------------------------------------
# Working days as every figure of the product counts them (metrics/model/workdays.py): Vietnam's
# public holidays and compensating days of 2022 and 2023 (due dates run into 2023)
CALENDAR = load_calendar(None, _national_holidays())


def _working_days() -> list[date]:
    d, out = date(YEAR, 1, 1), []
    while d <= date(YEAR + 1, 6, 30):
        if CALENDAR.is_working(d):
            out.append(d)
        d += timedelta(days=1)
    return out


WD = _working_days()
WD_IDX = {d: i for i, d in enumerate(WD)}
LAST_WD = max(d for d in WD if d.year == YEAR)          # the data stop here (no future)


def add_wd(d: date, k: int) -> date:
    i = WD_IDX.get(d)
    if i is None:
        i = bisect.bisect_left(WD, d)
    return WD[i + k]


def wd_between(a: date, b: date) -> int:
    return WD_IDX[b] - WD_IDX[a]


MONTH_END = {m: last_day(date(YEAR, m, 1)) for m in range(1, 13)}


def month_end(m: int) -> date:
    return MONTH_END[m]


def _t(m: int) -> float:
    return (m - 1) / 11


def curve(a: float, b: float, m: int) -> float:
    """From a in January to b in December; slow start, faster after mid-year."""
    t = _t(m)
    s = 0.45 * t + 0.55 * (3 * t * t - 2 * t * t * t)
    return a + (b - a) * s


def _story(name: str, m: int) -> float:
    return _STORY_BY_MONTH[m][name]


# Monthly volume (January before Tết is busy, February holds the holiday, December closes the year)
SEASON = {1: 1.12, 2: 0.68, 3: 1.04, 4: 0.95, 5: 0.98, 6: 1.04, 7: 1.0, 8: 1.02, 9: 0.95,
          10: 0.94, 11: 1.06, 12: 1.18}

# --- the district's story, month by month (targets for the whole jurisdiction) -------------
STORY = {
    "online": (0.10, 0.52),          # received online / new dossiers
    "post": (0.008, 0.05),           # received through BCCI / new dossiers
    "pay": (0.245, 0.73),            # paid online / fee-bearing dossiers
    "return_post": (0.025, 0.13),    # results returned through BCCI / resolved
    "digitised": (0.18, 0.82),
    "e_result": (0.22, 0.84),
    "rating_cov": (0.30, 0.56),
    "satisfied": (0.915, 0.98),
    "very_share": (0.40, 0.62),      # very satisfied among satisfied
    "e_certified": (0.03, 0.36),
    "early": (0.50, 0.72),           # early among on-time dossiers whose due date allows it
    "apology": (0.78, 0.99),
    "minor_late": (1.1, 0.72),       # late dossiers a month at a unit that does not lag: 1.1 x 0.72^(m-1)
}
_STORY_BY_MONTH = {m: {k: curve(a, b, m) for k, (a, b) in STORY.items() if k != "minor_late"} for m in MONTHS}

# --- real procedures ------------------------------------------------------------------------
# (code, name, field, weight, processing days (min, max), P(fee), online affinity)


@dataclass(frozen=True)
class Proc:
    code: str
    name: str
    field: str
    weight: float
    days: tuple[int, int]
    fee: float
    online: float

    @cached_property
    def is_cert(self) -> bool:
        return key(self.field) == "chung thuc"

    @cached_property
    def is_land_violation_at_commune(self) -> bool:
        """A land procedure other than dispute mediation (rule 1 of the order)."""
        return key(self.field) == "dat dai" and "hoa giai tranh chap dat dai" not in key(self.name)


def _procs(rows) -> list[Proc]:
    return [Proc(*r) for r in rows]


HT, CT, DD = "Hộ tịch", "Chứng thực", "Đất đai"
COMMUNE_PROCS = _procs([
    ("1.001193", "Đăng ký khai sinh", HT, 13, (0, 1), 0.0, 1.5),
    ("1.000894", "Đăng ký kết hôn", HT, 3.5, (0, 3), 0.0, 1.2),
    ("1.000656", "Đăng ký khai tử", HT, 4.5, (0, 1), 0.0, 1.1),
    ("2.000635", "Cấp bản sao Trích lục hộ tịch", HT, 9, (0, 1), 1.0, 1.7),
    ("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", HT, 7, (1, 3), 0.3, 1.6),
    ("1.004859", "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", HT, 1.8, (1, 3), 1.0, 1.0),
    ("1.001022", "Đăng ký lại khai sinh", HT, 0.9, (3, 5), 0.0, 0.9),
    ("1.000689", "Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con", HT, 0.4, (1, 3), 0.0, 0.9),
    ("2.000528", "Đăng ký giám hộ", HT, 0.15, (1, 3), 0.0, 0.8),
    ("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền "
                 "của Việt Nam cấp hoặc chứng nhận", CT, 30, (0, 0), 1.0, 0.12),
    ("2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản (áp dụng cho cả trường hợp chứng thực "
                 "điểm chỉ và trường hợp người yêu cầu chứng thực không thể ký, không thể điểm chỉ được)",
     CT, 5.5, (0, 0), 1.0, 0.1),
    ("2.001035", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất "
                 "và nhà ở", CT, 4, (0, 2), 1.0, 0.1),
    ("2.000913", "Chứng thực văn bản thỏa thuận phân chia di sản mà di sản là động sản, quyền sử dụng "
                 "đất, nhà ở", CT, 0.9, (0, 3), 1.0, 0.1),
    ("2.001019", "Chứng thực di chúc", CT, 0.3, (0, 2), 1.0, 0.1),
    ("2.002263", "Hòa giải tranh chấp đất đai", DD, 0.35, (20, 30), 0.0, 0.2),
    ("1.001776", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm "
                 "sóc, nuôi dưỡng hằng tháng", "Bảo trợ xã hội", 1.8, (3, 7), 0.0, 0.8),
    ("1.001653", "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
     "Bảo trợ xã hội", 0.8, (10, 20), 0.0, 0.6),
    ("1.001758", "Trợ giúp xã hội khẩn cấp về hỗ trợ chi phí mai táng", "Bảo trợ xã hội", 0.6, (1, 2),
     0.0, 0.6),
    ("1.010832", "Giải quyết chế độ mai táng phí đối với cựu chiến binh", "Người có công", 0.5, (3, 5),
     0.0, 0.6),
    ("1.010803", "Thủ tục cấp giấy xác nhận thân nhân của người có công", "Người có công", 0.4, (2, 5),
     0.0, 0.7),
    ("1.000954", "Xét tặng danh hiệu Gia đình văn hóa hằng năm", "Văn hóa", 0.25, (5, 10), 0.0, 0.5),
    ("2.000346", "Thủ tục tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thành tích thực hiện "
                 "nhiệm vụ chính trị", "Thi đua - khen thưởng", 0.15, (5, 15), 0.0, 0.3),
    ("1.008004", "Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai", "Trồng trọt", 0.3,
     (5, 10), 0.0, 0.4),
])

LAND_PROCS = _procs([
    ("1.004227", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất trong các "
                 "trường hợp chuyển đổi, chuyển nhượng, cho thuê, cho thuê lại, thừa kế, tặng cho, góp vốn",
     DD, 30, (7, 10), 1.0, 0.8),
    ("1.003010", "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", "Đăng ký biện pháp bảo đảm",
     20, (0, 1), 1.0, 1.3),
    ("1.003003", "Xóa đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất",
     "Đăng ký biện pháp bảo đảm", 13, (0, 1), 0.0, 1.3),
    ("1.004203", "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn "
                 "liền với đất lần đầu", DD, 6, (20, 30), 1.0, 0.4),
    ("1.002273", "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền "
                 "với đất", DD, 8, (7, 10), 1.0, 0.8),
    ("1.002993", "Cấp lại Giấy chứng nhận hoặc cấp lại Trang bổ sung của Giấy chứng nhận do bị mất", DD,
     1.5, (10, 10), 1.0, 0.6),
    ("1.004238", "Tách thửa hoặc hợp thửa đất", DD, 8, (15, 20), 1.0, 0.5),
    ("1.004217", "Đăng ký biến động đối với trường hợp thay đổi thông tin về người được cấp Giấy chứng "
                 "nhận (đổi tên hoặc giấy tờ pháp nhân, giấy tờ nhân thân, địa chỉ)", DD, 5, (7, 10), 1.0,
     0.9),
    ("1.004269", "Đính chính Giấy chứng nhận đã cấp", DD, 1, (7, 10), 0.0, 0.5),
    ("1.001991", "Cung cấp dữ liệu đất đai", DD, 5, (0, 2), 1.0, 1.6),
])

# District departments, found by a keyword of the unit's name: (keyword, yearly volume, procedures)
DEPARTMENT_PROCS: list[tuple[str, int, list[Proc]]] = [
    ("tu phap", 4200, _procs([
        ("2.000908", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền "
                     "của nước ngoài cấp hoặc chứng nhận", CT, 25, (0, 0), 1.0, 0.1),
        ("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền "
                     "của Việt Nam cấp hoặc chứng nhận", CT, 25, (0, 0), 1.0, 0.1),
        ("2.000843", "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật của Phòng Tư "
                     "pháp", CT, 10, (0, 1), 1.0, 0.1),
        ("1.001695", "Đăng ký khai sinh có yếu tố nước ngoài", "Hộ tịch", 2, (1, 3), 0.0, 1.0),
        ("1.000893", "Đăng ký kết hôn có yếu tố nước ngoài", "Hộ tịch", 2, (10, 15), 1.0, 0.8),
        ("2.000748", "Thay đổi, cải chính, bổ sung hộ tịch, xác định lại dân tộc", "Hộ tịch", 7, (1, 3), 1.0,
         1.1),
        ("1.001766", "Ghi vào Sổ hộ tịch việc kết hôn của công dân Việt Nam đã được giải quyết tại cơ quan "
                     "có thẩm quyền của nước ngoài", "Hộ tịch", 2, (5, 5), 1.0, 0.9),
        ("1.001669", "Đăng ký khai tử có yếu tố nước ngoài", "Hộ tịch", 0.5, (1, 3), 0.0, 0.8),
    ])),
    ("ha tang", 1800, _procs([
        ("1.009994", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "Hoạt động xây dựng", 20, (10, 15),
         1.0, 0.7),
        ("1.009995", "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với nhà ở riêng lẻ", "Hoạt động xây dựng",
         4, (10, 15), 1.0, 0.7),
        ("1.009997", "Điều chỉnh, gia hạn, cấp lại giấy phép xây dựng", "Hoạt động xây dựng", 1.5, (5, 10),
         1.0, 0.7),
        ("1.003615", "Cung cấp thông tin về quy hoạch xây dựng thuộc thẩm quyền của UBND cấp huyện",
         "Quy hoạch xây dựng", 2, (3, 5), 0.0, 1.0),
        ("1.001046", "Cấp giấy phép thi công công trình đường bộ trên đường huyện", "Đường bộ", 1, (5, 7),
         0.0, 0.6),
    ])),
    ("tai chinh", 2500, _procs([
        ("2.000720", "Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", 20,
         (3, 3), 1.0, 2.2),
        ("2.000575", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
         "Thành lập và hoạt động của hộ kinh doanh", 8, (3, 3), 1.0, 2.2),
        ("1.001612", "Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh "
                     "doanh", "Thành lập và hoạt động của hộ kinh doanh", 3, (3, 3), 0.0, 2.0),
        ("2.000644", "Chấm dứt hoạt động hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", 4,
         (3, 3), 0.0, 2.0),
        ("1.001570", "Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh "
                     "doanh", 1, (3, 3), 1.0, 2.0),
        ("1.005280", "Đăng ký thành lập hợp tác xã", "Thành lập và hoạt động của hợp tác xã", 0.3, (5, 5),
         1.0, 1.0),
    ])),
    ("lao dong", 3000, _procs([
        ("1.010810", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Người có công", 3, (5, 10), 0.0, 0.6),
        ("1.010815", "Giải quyết chế độ ưu đãi đối với con đẻ của người hoạt động kháng chiến bị nhiễm "
                     "chất độc hóa học", "Người có công", 1, (10, 20), 0.0, 0.5),
        ("1.010818", "Cấp giấy giới thiệu đi thăm viếng mộ liệt sĩ và hỗ trợ thăm viếng mộ liệt sĩ",
         "Người có công", 2, (2, 5), 0.0, 0.7),
        ("1.001776", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm "
                     "sóc, nuôi dưỡng hằng tháng", "Bảo trợ xã hội", 8, (7, 10), 0.0, 0.8),
        ("1.001731", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", "Bảo trợ xã hội", 3, (2, 3),
         0.0, 0.7),
        ("1.004946", "Áp dụng các biện pháp can thiệp khẩn cấp hoặc tạm thời cách ly trẻ em khỏi môi trường "
                     "hoặc người gây tổn hại cho trẻ em", "Trẻ em", 0.1, (1, 3), 0.0, 0.3),
    ])),
    ("tai nguyen", 900, _procs([
        ("1.004221", "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền đối với "
                     "hộ gia đình, cá nhân", DD, 10, (10, 15), 1.0, 0.5),
        ("1.004211", "Giao đất, cho thuê đất cho hộ gia đình, cá nhân; giao đất cho cộng đồng dân cư đối "
                     "với trường hợp giao đất, cho thuê đất không thông qua hình thức đấu giá", DD, 2,
         (15, 20), 1.0, 0.3),
        ("1.004253", "Gia hạn sử dụng đất nông nghiệp của hộ gia đình, cá nhân", DD, 1, (5, 7), 0.0, 0.5),
        ("1.010734", "Xác nhận đăng ký kế hoạch bảo vệ môi trường", "Môi trường", 2, (7, 10), 0.0, 0.7),
        ("2.000381", "Giải quyết tranh chấp đất đai thuộc thẩm quyền của Chủ tịch Ủy ban nhân dân cấp huyện",
         DD, 0.8, (30, 40), 0.0, 0.1),
    ])),
    ("van hoa", 170, _procs([
        ("1.001029", "Thủ tục cấp Giấy phép kinh doanh dịch vụ karaoke", "Văn hóa", 3, (5, 5), 1.0, 0.8),
        ("1.000933", "Thủ tục xét tặng Giấy khen Khu dân cư văn hóa", "Văn hóa", 2, (10, 15), 0.0, 0.4),
        ("1.003794", "Cấp Giấy chứng nhận đủ điều kiện hoạt động điểm cung cấp dịch vụ trò chơi điện tử "
                     "công cộng", "Phát thanh, truyền hình và thông tin điện tử", 3, (4, 5), 1.0, 0.8),
        ("1.008901", "Thủ tục thông báo thành lập thư viện đối với thư viện cộng đồng", "Thư viện", 0.3,
         (5, 5), 0.0, 0.5),
    ])),
    ("giao duc", 650, _procs([
        ("1.005098", "Chuyển trường đối với học sinh trung học cơ sở", "Giáo dục trung học", 20, (1, 3),
         0.0, 1.2),
        ("1.005099", "Chuyển trường đối với học sinh tiểu học", "Giáo dục tiểu học", 12, (1, 3), 0.0, 1.2),
        ("1.005097", "Xét, cấp học bổng chính sách", "Giáo dục và Đào tạo thuộc hệ thống giáo dục quốc dân",
         2, (5, 10), 0.0, 0.6),
        ("1.004443", "Cho phép trường mầm non hoạt động giáo dục", "Giáo dục mầm non", 0.3, (15, 20), 0.0,
         0.4),
        ("1.008950", "Xét duyệt chế độ hỗ trợ đối với trẻ em mẫu giáo", "Giáo dục mầm non", 3, (5, 10), 0.0,
         0.6),
    ])),
    ("y te", 260, _procs([
        ("1.001833", "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, kinh "
                     "doanh thực phẩm", "An toàn thực phẩm và dinh dưỡng", 3, (10, 15), 1.0, 0.6),
        ("1.001855", "Xác nhận kiến thức về an toàn thực phẩm", "An toàn thực phẩm và dinh dưỡng", 1.5,
         (3, 5), 1.0, 0.6),
        ("1.002467", "Cấp lại Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
         "An toàn thực phẩm và dinh dưỡng", 0.5, (5, 10), 1.0, 0.6),
    ])),
    ("noi vu", 340, _procs([
        ("1.000775", "Thủ tục tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện về thành tích thực hiện "
                     "nhiệm vụ chính trị", "Thi đua - khen thưởng", 5, (15, 20), 0.0, 0.3),
        ("1.000748", "Thủ tục tặng danh hiệu Lao động tiên tiến", "Thi đua - khen thưởng", 2, (15, 20), 0.0,
         0.3),
        ("1.003918", "Thủ tục công nhận ban vận động thành lập hội", "Tổ chức phi chính phủ", 0.5, (20, 30),
         0.0, 0.3),
        ("1.001085", "Thủ tục đề nghị sinh hoạt tôn giáo tập trung", "Tôn giáo", 0.5, (15, 20), 0.0, 0.3),
        ("1.001055", "Thông báo tổ chức quyên góp ngoài địa bàn một xã nhưng trong địa bàn một huyện",
         "Tôn giáo", 0.4, (5, 10), 0.0, 0.3),
    ])),
    ("nong nghiep", 220, _procs([
        ("1.008004", "Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai", "Trồng trọt", 2, (10, 15),
         0.0, 0.3),
        ("1.003524", "Phê duyệt kế hoạch khuyến nông địa phương", "Khuyến nông", 0.5, (10, 15), 0.0, 0.3),
        ("1.003440", "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông lâm thủy sản",
         "Quản lý chất lượng nông lâm sản và thủy sản", 1, (10, 15), 1.0, 0.5),
        ("1.003459", "Thẩm định, phê duyệt phương án ứng phó thiên tai cho công trình, vùng hạ du đập trong "
                     "quá trình thi công", "Thủy lợi", 0.3, (15, 20), 0.0, 0.3),
    ])),
    ("van phong", 150, _procs([
        ("2.002492", "Thủ tục giải quyết khiếu nại lần đầu tại cấp huyện", "Giải quyết khiếu nại", 2,
         (30, 40), 0.0, 0.2),
        ("2.001909", "Thủ tục giải quyết tố cáo tại cấp huyện", "Giải quyết tố cáo", 1, (30, 40), 0.0, 0.1),
        ("2.001850", "Thủ tục xử lý đơn tại cấp huyện", "Xử lý đơn thư", 3, (5, 10), 0.0, 0.5),
        ("2.002510", "Thủ tục tiếp công dân tại cấp huyện", "Tiếp công dân", 3, (0, 5), 0.0, 0.3),
    ])),
]
GENERIC_DEPARTMENT = (200, _procs([
    ("2.002500", "Giải quyết kiến nghị của tổ chức, cá nhân", "Khác", 1, (5, 10), 0.0, 0.5),
]))

# --- people (fake, plausible) ---------------------------------------------------------------
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
            "Lý", "Phan", "Trương", "Đoàn", "Lương", "Tô", "Cao", "Mai"]
MIDDLE_M = ["Văn", "Minh", "Hữu", "Đức", "Quốc", "Thanh", "Công", "Ngọc", "Xuân", "Tấn"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Kim", "Thanh", "Mỹ", "Bích", "Hồng"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hùng", "Long", "Nam", "Phúc", "Quân", "Sơn", "Tuấn", "Hiếu",
           "Khánh", "Thắng", "Tiến", "Vinh", "Hải", "Trung", "Đạt", "Phong", "Lộc", "Tài", "Toàn", "Nhân"]
GIVEN_F = ["Hạnh", "Hoa", "Lan", "Mai", "Tâm", "Thảo", "Trang", "Vy", "Yến", "Linh", "Nhung", "Phương",
           "Hằng", "Hương", "Ngân", "Loan", "Diễm", "Trinh", "Oanh", "Thủy", "Hiền", "Quyên"]
HAMLETS = ["Thôn Trung", "Thôn Đông", "Thôn Tây", "Thôn Nam", "Thôn Bắc", "Thôn Phú Mỹ", "Thôn An Hòa",
           "Thôn Mỹ Thạnh", "Thôn Vinh Quang", "Khu phố 1", "Khu phố 2", "Khu phố 3", "Thôn Xuân Phong",
           "Thôn Hòa Lạc", "Thôn Tân Hội"]
PHONE_PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "032", "033", "034", "035", "036", "037",
                  "038", "039", "070", "076", "077", "078", "079", "081", "083", "085", "088"]
ID_PREFIXES = ["052", "052", "052", "052", "054", "051", "049", "079", "001", "048"]


def _person(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"


# --- the units ----------------------------------------------------------------------------------
@dataclass
class UnitPlan:
    unit: Unit
    idx: int
    procs: list[Proc]
    cum: list[float]
    yearly: int
    officials: list[str]
    agency: str
    variants: dict[str, list[str]]     # style -> spellings that the profile matches to this unit
    f_online: float = 1.0
    f_pay: float = 1.0
    f_digit: float = 1.0
    f_late: float = 1.0
    f_early: float = 1.0
    f_sat: float = 0.0
    long_work: float = 1.0             # mean weight of long procedures (late dossiers are mostly long)
    laggard: str | None = None          # "land", "commune", "department"
    priority_ignored: bool = False


def _long_work(proc: Proc) -> float:
    return 0.25 if proc.days[1] == 0 else 1.0 if proc.days[1] <= 5 else 2.2


def _procs_for(u: Unit) -> tuple[int | None, list[Proc]]:
    if u.level == "land_branch":
        return None, LAND_PROCS
    if u.is_commune:
        return None, COMMUNE_PROCS
    names = [key(u.name), *(key(a) for a in u.aliases)]
    for kw, yearly, procs in DEPARTMENT_PROCS:
        if any(kw in n for n in names):
            return yearly, procs
    return GENERIC_DEPARTMENT


_LEVEL_PREFIX = {"commune": ("xã", "Xã"), "township": ("thị trấn", "Thị trấn")}


def _bare(u: Unit) -> str:
    low, cap = _LEVEL_PREFIX.get(u.level, ("", ""))
    for p in (cap + " ", low + " "):
        if p.strip() and u.name.startswith(p):
            return u.name[len(p):]
    return u.name


def _spellings(u: Unit, profile: Profile) -> dict[str, list[str]]:
    """How officers write this unit, by style; only spellings the profile resolves to it."""
    bare = _bare(u)
    if u.is_commune:
        low, cap = _LEVEL_PREFIX[u.level]
        abbrev = "TT" if u.level == "township" else "X"
        styles = {
            "official": [u.name],
            "ubnd": [f"UBND {low} {bare}", f"UBND {cap} {bare}", f"Ủy ban nhân dân {low} {bare}"],
            "short": [bare, f"{abbrev} {bare}" if u.level == "township" else bare],
            "code": [u.code],
            "odd": [u.name.upper(), u.name.lower(), f"{cap}  {bare}", f"{abbrev}. {bare}",
                    f"BP một cửa {low} {bare}", *u.aliases],
        }
    else:
        dashed = u.name.replace("–", "-")
        styles = {
            "official": [u.name],
            "ubnd": [u.name, dashed],
            "short": [a for a in u.aliases[:3]] or [u.name],
            "code": [u.name],
            "odd": [u.name.upper(), dashed, *u.aliases],
        }
    out: dict[str, list[str]] = {}
    for style, names in styles.items():
        ok = []
        for n in names:
            m = profile.match_unit(n)
            if m is not None and m.code == u.code and n not in ok:
                ok.append(n)
        out[style] = ok or [u.name]
    return out


# --- dossiers -------------------------------------------------------------------------------
@dataclass(slots=True)
class Dossier:
    code: str
    plan: UnitPlan
    proc: Proc
    received: datetime
    due: datetime
    finished: datetime | None
    channel: int
    has_fee: bool
    paid: bool
    post_return: bool
    digitised: bool
    e_result: bool
    e_cert: bool | None
    apology: object           # None, True (a mark) or a date
    rating: str | None        # None, "very", "sat", "dis"
    handler: str
    applicant: str
    id_no: str
    phone: str
    address: str


def _at(d: date, minutes: int) -> datetime:
    return datetime(d.year, d.month, d.day) + timedelta(minutes=minutes)


class _Builder:
    def __init__(self, profile: Profile, seed: int):
        self.profile = profile
        self.rng = random.Random(f"{seed}:dossiers")
        self.plans = self._plan_units(random.Random(f"{seed}:units"))
        self.dossiers: list[Dossier] = []

    # units: volumes, officials, behaviour, laggards
    def _plan_units(self, rng: random.Random) -> list[UnitPlan]:
        plans = []
        n_district = 0
        for i, u in enumerate(self.profile.units):
            if u.rolls_into or (u.valid_to and u.valid_to < date(YEAR, 1, 1)) \
                    or (u.valid_from and u.valid_from > date(YEAR, 12, 31)):
                continue
            yearly, procs = _procs_for(u)
            if u.level == "land_branch":
                yearly = 34000
            elif u.is_commune:
                yearly = rng.randint(2500, 5100)
            yearly = int(yearly * rng.uniform(0.9, 1.1))
            cum, s = [], 0.0
            for p in procs:
                s += p.weight
                cum.append(s)
            n_off = 12 if u.level == "land_branch" else 5 if u.is_commune else 3
            officials: list[str] = []
            while len(officials) < n_off:
                name = _person(rng)
                if name not in officials:
                    officials.append(name)
            if u.is_commune:
                agency = f"000.{i + 1:02d}.00.H{self.profile.code}"
            else:
                n_district += 1
                agency = f"000.00.{n_district:02d}.H{self.profile.code}"
            lw = sum(p.weight * _long_work(p) for p in procs) / cum[-1]
            plans.append(UnitPlan(
                unit=u, idx=i, procs=procs, cum=cum, yearly=yearly, officials=officials, agency=agency,
                variants=_spellings(u, self.profile), f_online=rng.uniform(0.65, 1.45),
                f_pay=rng.uniform(0.7, 1.3), f_digit=rng.uniform(0.8, 1.2), f_late=rng.uniform(0.3, 1.8),
                f_early=rng.uniform(0.85, 1.15), f_sat=rng.uniform(-0.03, 0.03), long_work=lw))
        # the laggards: the land branch, one commune, the department with the longest work
        land = [p for p in plans if p.unit.level == "land_branch"]
        communes = [p for p in plans if p.unit.is_commune]
        depts = [p for p in plans if p.unit.level == "department"]
        if land:
            land[0].laggard = "land"
        if communes:
            c = rng.choice(sorted(communes, key=lambda p: -p.yearly)[: max(1, len(communes) // 2)])
            c.laggard = "commune"
        if depts:
            def work(p):
                return p.yearly * sum(pr.weight * sum(pr.days) / 2 for pr in p.procs) / p.cum[-1]
            max(depts, key=work).laggard = "department"
        for p in plans:
            if p.laggard:
                p.f_online *= 0.75
                p.f_pay *= 0.8
                p.f_sat -= 0.04
        # units where online and BCCI dossiers are not resolved earlier than the rest (rule 3)
        ignored = [p for p in plans if p.laggard in ("land", "commune")]
        others = [p for p in communes if not p.laggard]
        ignored += rng.sample(others, min(2, len(others)))
        for p in ignored:
            p.priority_ignored = True
        return plans

    # ------------------------------------------------------------------------------------------
    def build(self) -> list[Dossier]:
        rng = self.rng
        skeleton: list[tuple[UnitPlan, Proc, datetime]] = []
        total_w = sum(SEASON.values())
        month_wd = {m: [d for d in WD if d.year == YEAR and d.month == m] for m in MONTHS}
        for plan in self.plans:
            for m in MONTHS:
                n = round(plan.yearly * SEASON[m] / total_w * rng.uniform(0.93, 1.07))
                days = month_wd[m]
                for _ in range(n):
                    proc = plan.procs[bisect.bisect_left(plan.cum, rng.random() * plan.cum[-1])]
                    d = rng.choice(days)
                    skeleton.append((plan, proc, _at(d, rng.randint(450, 1005))))
        skeleton += self._land_violations()
        skeleton.sort(key=lambda s: (s[2], s[0].idx))
        self._normalisers(skeleton)
        seq: dict[tuple[str, date], int] = {}
        out = []
        for plan, proc, rec in skeleton:
            k = (plan.unit.code, rec.date())
            seq[k] = seq.get(k, 0) + 1
            code = f"{plan.agency}-{rec:%y%m%d}-{seq[k]:04d}"
            out.append(self._dossier(code, plan, proc, rec))
        self._stuck(out)
        self.dossiers = out
        return out

    def _land_violations(self) -> list[tuple[UnitPlan, Proc, datetime]]:
        """A few land dossiers received at communes (rule 1 of the order)."""
        rng = self.rng
        communes = [p for p in self.plans if p.unit.is_commune and not p.laggard]
        if not communes:
            return []
        out = []
        land_procs = [p for p in LAND_PROCS if key(p.field) == "dat dai"]
        for plan in rng.sample(communes, min(2, len(communes))):
            for m in rng.sample(range(2, 12), 2):
                days = [d for d in WD if d.year == YEAR and d.month == m]
                for _ in range(rng.randint(1, 3)):
                    out.append((plan, rng.choice(land_procs), _at(rng.choice(days), rng.randint(450, 1000))))
        return out

    def _normalisers(self, skeleton) -> None:
        """Per month, the mean propensity, so that the district hits the story's rates."""
        sums: dict[int, list[float]] = {m: [0.0, 0.0, 0] for m in MONTHS}
        for plan, proc, rec in skeleton:
            s = sums[rec.month]
            s[0] += plan.f_online * proc.online
            s[1] += plan.f_digit
            s[2] += 1
        self.norm_online = {m: s[0] / s[2] for m, s in sums.items() if s[2]}
        self.norm_digit = {m: s[1] / s[2] for m, s in sums.items() if s[2]}
        # expected size of each unit-month, for the few late dossiers of units that do not lag
        self.size: dict[tuple[str, int], int] = {}
        for plan, _proc, rec in skeleton:
            k = (plan.unit.code, rec.month)
            self.size[k] = self.size.get(k, 0) + 1

    def _late_share(self, plan: UnitPlan, proc: Proc, m: int) -> float:
        long_work = _long_work(proc)
        if plan.laggard == "land":
            # long procedures (transfers, first certificates, parcel splits) are late most; in
            # January, after the year-end rush, even same-day mortgage registrations were
            if proc.days[1] <= 2:
                return [0.62, 0.12, 0.07, 0.06, 0.05, 0.04, 0.035, 0.03, 0.025, 0.02, 0.015, 0.01][m - 1]
            share = [0.22, 0.18, 0.25, 0.23, 0.20, 0.165, 0.14, 0.12, 0.10, 0.08, 0.06, 0.05][m - 1]
            return min(0.9, share * (1.3 if proc.days[1] > 5 else 0.7))
        if plan.laggard == "commune":
            # late every month in spring, a quiet summer, a relapse in autumn
            share = [0.15, 0.12, 0.11, 0.09, 0.006, 0.0, 0.0, 0.05, 0.06, 0.05, 0.01, 0.0][m - 1]
            return min(0.9, share * long_work * 2.0)
        if plan.laggard == "department":
            share = [0.40, 0.20, 0.22, 0.19, 0.16, 0.14, 0.12, 0.10, 0.09, 0.07, 0.06, 0.05][m - 1]
            return min(0.9, share * long_work / 1.8)
        # elsewhere a late dossier now and then, mostly in the first months of the year
        n = max(1, self.size.get((plan.unit.code, m), 1))
        lam = STORY["minor_late"][0] * STORY["minor_late"][1] ** (m - 1) * plan.f_late
        return min(0.025, lam / n * long_work / plan.long_work)

    def _dossier(self, code: str, plan: UnitPlan, proc: Proc, rec: datetime) -> Dossier:
        rng = self.rng
        m = rec.month
        rd = rec.date()
        # due date: working days after receipt; same-day work is due by the end of the day
        days = rng.randint(*proc.days)
        if days == 0 and rec.hour >= 16:
            days = 1
        due_d = add_wd(rd, days)
        due = _at(due_d, 17 * 60) if days == 0 else _at(due_d, rec.hour * 60 + rec.minute)
        # channel
        p_on = min(0.95, _story("online", m) * plan.f_online * proc.online / self.norm_online[m])
        p_post = _story("post", m) * (1.6 if proc.online < 0.5 else 0.8)
        u = rng.random()
        channel = 2 if u < p_on else 3 if u < p_on + p_post else 1
        priority = channel in (2, 3)
        # fee and online payment (online applicants pay online far more often)
        has_fee = rng.random() < proc.fee
        paid = False
        if has_fee:
            base = _story("pay", m) * plan.f_pay
            p_pay = min(0.97, base * 1.65 + 0.08) if channel == 2 else min(0.9, base * 0.55)
            paid = rng.random() < p_pay
        # outcome
        handler = rng.choice(plan.officials)
        late = rng.random() < self._late_share(plan, proc, m)
        if late:
            if plan.laggard and rng.random() < 0.6:
                # the officials whose dossiers are late again and again (two at a large unit)
                handler = plan.officials[0] if len(plan.officials) < 8 else rng.choice(plan.officials[:2])
            tail = 0.22 if plan.laggard else 0.4
            extra = 1
            while rng.random() > tail and extra < 25:
                extra += 1
            fin_d = add_wd(due_d, extra)
        else:
            p_early = _story("early", m) * plan.f_early
            if priority:
                p_early = p_early * 0.3 if plan.priority_ignored else min(0.97, p_early + 0.15)
            span = wd_between(rd, due_d)
            if span >= 1 and rng.random() < p_early:
                back = 1 if rng.random() < 0.55 else rng.randint(1, span)
                fin_d = add_wd(due_d, -back)
            else:
                fin_d = due_d
        if fin_d == rd:
            start = rec.hour * 60 + rec.minute
            fin = _at(fin_d, min(1050, start + rng.randint(15, 180)))
        else:
            fin = _at(fin_d, rng.randint(450, 1020))
        finished = fin if fin_d <= LAST_WD else None
        # results, digitisation, certification
        p_ret = _story("return_post", m) * (5.0 if channel == 3 else 0.9)
        post_return = rng.random() < min(0.9, p_ret)
        lvl_from = self.profile.digitisation_from.get(plan.unit.level)
        if lvl_from and lvl_from <= date(YEAR, m, 1):
            p_dig = 0.975
        else:
            p_dig = min(0.97, _story("digitised", m) * plan.f_digit / self.norm_digit[m])
        digitised = rng.random() < p_dig
        e_result = rng.random() < min(0.97, _story("e_result", m) * (1.15 if channel == 2 else 0.95))
        e_cert = (rng.random() < _story("e_certified", m)) if proc.is_cert else None
        # apology letters for late dossiers (Decree 61/2018), mostly sent the day before the due date
        apology = None
        if late:
            p_apo = _story("apology", m)
            if plan.laggard:
                p_apo = 0.2 + 0.45 * _t(m)
            if rng.random() < p_apo:
                if rng.random() < 0.45:
                    apology = True
                else:
                    on_time = rng.random() < 0.7 and wd_between(rd, due_d) >= 1
                    a = add_wd(due_d, -1) if on_time else add_wd(due_d, rng.randint(0, 3))
                    apology = min(a, LAST_WD)
        # rating, by a share of the applicants whose dossier is resolved
        rating = None
        if finished is not None and rng.random() < _story("rating_cov", m):
            p_sat = _story("satisfied", m) + plan.f_sat - (0.32 if late else 0.0)
            if rng.random() < p_sat:
                rating = "very" if rng.random() < _story("very_share", m) else "sat"
            else:
                rating = "dis"
        if finished is None:
            post_return = e_result = False
        hamlet = rng.choice(HAMLETS)
        where = plan.unit.name if plan.unit.is_commune else rng.choice(
            [p.unit.name for p in self.plans if p.unit.is_commune] or [self.profile.jurisdiction_name])
        return Dossier(
            code=code, plan=plan, proc=proc, received=rec, due=due, finished=finished, channel=channel,
            has_fee=has_fee, paid=paid, post_return=post_return, digitised=digitised, e_result=e_result,
            e_cert=e_cert, apology=apology, rating=rating, handler=handler, applicant=_person(rng),
            id_no=rng.choice(ID_PREFIXES) + f"{rng.randint(0, 999999999):09d}",
            phone=rng.choice(PHONE_PREFIXES) + f"{rng.randint(0, 9999999):07d}",
            address=f"{hamlet}, {where}, {self.profile.jurisdiction_name}")

    def _stuck(self, dossiers: list[Dossier]) -> None:
        """A few dossiers at the laggards that nobody finishes: overdue at the end of the year."""
        rng = self.rng
        cands = [d for d in dossiers if d.plan.laggard and d.received.month >= 9
                 and d.due.date() <= date(YEAR, 12, 15) and d.finished is not None]
        for d in rng.sample(cands, min(14, len(cands))):
            d.finished = None
            d.rating = None
            d.post_return = d.e_result = False
            if isinstance(d.apology, date) and d.apology > d.due.date():
                d.apology = None


# --- counters (domain.md section 4), in Python, to calibrate and to write the reports -------------
FORM_COUNTERS = ["received_total", "received_online", "received_direct_post", "carried_over", "resolved",
                 "resolved_early", "resolved_on_time", "resolved_late", "pending", "pending_in_time",
                 "pending_overdue"]
EXTRA_COUNTERS = ["received_direct", "received_post", "fee_dossiers", "paid_online", "result_by_post",
                  "rated", "satisfied", "digitised", "e_result", "apologised", "certified", "e_certified",
                  "land_violation"]


def counters_of(dossiers: list[Dossier]) -> dict[tuple[str, int], dict[str, int]]:
    out: dict[tuple[str, int], dict[str, int]] = {}
    names = FORM_COUNTERS + EXTRA_COUNTERS
    for d in dossiers:
        rd = d.received.date()
        due = d.due.date()
        fd = d.finished.date() if d.finished else None
        last = fd.month if fd else 12
        for m in range(rd.month, last + 1):
            c = out.get((d.plan.unit.code, m))
            if c is None:
                c = out[(d.plan.unit.code, m)] = dict.fromkeys(names, 0)
            end = MONTH_END[m]
            c["received_total"] += 1
            if m == rd.month:
                if d.channel == 2:
                    c["received_online"] += 1
                else:
                    c["received_direct_post"] += 1
                    c["received_direct" if d.channel == 1 else "received_post"] += 1
                c["fee_dossiers"] += d.has_fee
                c["paid_online"] += d.has_fee and d.paid
                if d.proc.is_cert:
                    c["certified"] += 1
                    c["e_certified"] += bool(d.e_cert)
                if d.plan.unit.is_commune and d.proc.is_land_violation_at_commune:
                    c["land_violation"] += 1
            else:
                c["carried_over"] += 1
            if fd is not None and fd <= end:
                c["resolved"] += 1
                if fd < due:
                    c["resolved_early"] += 1
                elif fd == due:
                    c["resolved_on_time"] += 1
                else:
                    c["resolved_late"] += 1
                    c["apologised"] += d.apology is not None
                c["result_by_post"] += d.post_return
                c["rated"] += d.rating is not None
                c["satisfied"] += d.rating in ("very", "sat")
                c["digitised"] += d.digitised
                c["e_result"] += d.e_result
            else:
                c["pending"] += 1
                if due <= end:
                    c["pending_overdue"] += 1
                else:
                    c["pending_in_time"] += 1
    return out


def _add(rows: list[dict[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rows:
        for k, v in r.items():
            out[k] = out.get(k, 0) + v
    return out


def score_of(c: dict[str, int], profile: Profile) -> float | None:
    """The service score of one member with every counter known: the engine's own rule
    (score.member_score), not a copy of it, so the story's ranks are the dashboard's."""
    from metrics.rules.score import member_score

    c = dict(c)
    derive_sums(c)            # resolved_in_time and the other sums the KPIs are built on
    s = member_score(c, profile.indicators, profile.indicators).score
    return None if math.isnan(s) else s


# --- peers ------------------------------------------------------------------------------------
# Score offsets of the peers from the jurisdiction, January -> December: seven ahead in
# January, three still ahead in December.
PEER_OFFSETS = [(12.0, 5.5), (9.0, 3.5), (6.5, 1.8), (4.5, -1.2), (3.2, -2.5), (2.2, -4.0), (1.2, -6.0),
                (-2.0, -8.0), (-4.0, -10.0), (-6.5, -13.0)]

# KPI(q) = base + span * (q + bias), q ~ 0 early-2022 weak, ~1 good
PEER_KPIS = {
    "progress": (0.84, 0.155, 0.992),
    "online": (0.04, 0.46, 0.85),
    "pay": (0.08, 0.62, 0.95),
    "satisfied": (0.80, 0.17, 0.995),
    "e_result": (0.15, 0.78, 0.98),
    "digitised": (0.10, 0.80, 0.98),
}


def _peer_counters(rng: random.Random, n_new: int, carried: int, kp: dict[str, float],
                   style: dict[str, float]) -> dict[str, int]:
    r_total = n_new + carried
    pending = round(r_total * style["pending"])
    bad = round(r_total * (1 - kp["progress"]))
    overdue = min(pending, round(bad * style["overdue"]))
    late = bad - overdue
    resolved = r_total - pending
    good = resolved - late
    early = round(good * style["early"])
    online = round(n_new * kp["online"])
    fee = round(n_new * style["fee"])
    rated = round(resolved * style["coverage"])
    return {
        "received_total": r_total, "received_online": online, "received_direct_post": n_new - online,
        "carried_over": carried, "resolved": resolved, "resolved_early": early,
        "resolved_on_time": good - early, "resolved_late": late, "pending": pending,
        "pending_in_time": pending - overdue, "pending_overdue": overdue, "fee_dossiers": fee,
        "paid_online": round(fee * kp["pay"]), "rated": rated, "satisfied": round(rated * kp["satisfied"]),
        "digitised": round(resolved * kp["digitised"]), "e_result": round(resolved * kp["e_result"]),
    }


def _kpis_at(q: float, bias: dict[str, float]) -> dict[str, float]:
    out = {}
    for name, (base, span, cap) in PEER_KPIS.items():
        out[name] = max(0.01, min(cap, base + span * (q + bias[name])))
    return out


def _score_of_kpis(kp: dict[str, float], profile: Profile) -> float:
    # the same score on a large synthetic member (no rounding), to solve for q
    c = _peer_counters(random.Random(0), 10 ** 6, 0, kp, {"pending": 0.1, "overdue": 0.2, "early": 0.7,
                                                          "fee": 0.4, "coverage": 0.5})
    return score_of(c, profile)


def build_peers(profile: Profile, own_scores: dict[int, float], seed: int) -> tuple[list, dict]:
    """Monthly counters of the other peers, placed around the jurisdiction's own scores."""
    rng = random.Random(f"{seed}:peers")
    others = [p for p in profile.peers if p.code != profile.code]
    offsets = PEER_OFFSETS[: len(others)]
    while len(offsets) < len(others):
        offsets.append((rng.uniform(-8, 8), rng.uniform(-8, 8)))
    rng.shuffle(offsets)
    rows, strength = [], {}
    for peer, (d0, d1) in zip(others, offsets):
        strength[peer.code] = d0
        size = rng.randint(2600, 15000)
        bias = {k: rng.uniform(-0.12, 0.12) for k in PEER_KPIS}
        bias["progress"] *= 0.3
        style = {"pending": rng.uniform(0.07, 0.12), "overdue": rng.uniform(0.15, 0.3),
                 "early": rng.uniform(0.55, 0.8), "fee": rng.uniform(0.33, 0.48),
                 "coverage": rng.uniform(0.3, 0.6)}
        carried = round(size * rng.uniform(0.08, 0.12))
        for m in MONTHS:
            target = own_scores[m] + d0 + (d1 - d0) * _t(m) + rng.gauss(0, 0.3)
            lo, hi = -1.5, 2.5
            for _ in range(40):
                mid = (lo + hi) / 2
                if _score_of_kpis(_kpis_at(mid, bias), profile) < target:
                    lo = mid
                else:
                    hi = mid
            kp = _kpis_at((lo + hi) / 2, bias)
            n_new = round(size * SEASON[m] * rng.uniform(0.95, 1.05))
            st = dict(style, early=min(0.9, style["early"] + 0.1 * _t(m)))
            c = _peer_counters(rng, n_new, carried, kp, st)
            carried = c["pending"]
            rows.append((peer, m, c))
    return rows, strength


# --- writing files ------------------------------------------------------------------------------
def _save_xlsx(wb, path: Path) -> None:
    """Save a workbook with fixed document dates and zip entry times (byte-identical reruns)."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.creator = "Hệ thống thông tin giải quyết TTHC"
    wb.properties.lastModifiedBy = None
    wb.properties.created = FIXED_STAMP
    wb.properties.modified = FIXED_STAMP
    buf = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_STAMP)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, zin.read(info.filename))


def _write_csv(path: Path, rows: list[list[str]], encoding: str, delim: str) -> None:
    width = max(len(r) for r in rows)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator="\r\n")
    for r in rows:
        w.writerow(list(r) + [""] * (width - len(r)))
    text = buf.getvalue()
    if encoding == "utf-16":
        path.write_bytes("\ufeff".encode("utf-16-le") + text.encode("utf-16-le"))
    else:
        path.write_bytes(text.encode(encoding))


def _dots(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# yes/no spellings, one pair per file (a few rows use the other case)
YES_NO_STYLES = {"x": ("x", ""), "co": ("Có", "Không"), "10": ("1", "0"), "da": ("Đã", "Chưa"),
                 "x_no": ("X", "không")}
CHANNEL_STYLES = {
    "code": {1: "1", 2: "2", 3: "3"},
    "words": {1: "Trực tiếp", 2: "Trực tuyến", 3: "BCCI"},
    "words2": {1: "Nộp trực tiếp", 2: "Trực tuyến toàn trình", 3: "Qua bưu điện"},
    "words3": {1: "Trực tiếp tại Bộ phận Một cửa", 2: "Dịch vụ công trực tuyến", 3: "Bưu chính công ích"},
}
RATING_WORDS = {"very": "Rất hài lòng", "sat": "Hài lòng", "dis": "Không hài lòng"}
PY_DATE = {"dmy_hm": "%d/%m/%Y %H:%M", "dmy_hms": "%d/%m/%Y %H:%M:%S", "dmy": "%d/%m/%Y",
           "iso_hms": "%Y-%m-%d %H:%M:%S", "iso": "%Y-%m-%d", "iso_hm": "%Y-%m-%d %H:%M"}
EXCEL_EPOCH = datetime(1899, 12, 30)


@dataclass
class FileSpec:
    month: int
    fmt: str                     # xlsx | csv
    encoding: str = "utf-8-sig"  # csv: utf-8-sig | utf-8 | utf-16
    delim: str = ","
    dates: dict[str, str] = field(default_factory=dict)   # field -> style
    yes_no: str = "x"
    channel: str = "words"
    unit_style: str = "official"
    title_rows: int = 3
    api: bool = False            # headings of a system's API (MaHoSo, NgayTiepNhan…)
    paid_codes: bool = False     # online payment written 0 / 1 / 2
    footer: bool = True
    rating_blank: str = ""
    heading_notes: bool = False  # "Ngày tiếp nhận (dd/mm/yyyy)"


FILE_PLAN = [
    FileSpec(1, "xlsx", dates={"received_at": "xl_date", "due_at": "xl_serial", "finished_at": "xl_date",
                               "apology_sent": "xl_day"}, yes_no="x", channel="words", unit_style="ubnd",
             title_rows=3),
    FileSpec(2, "csv", "utf-8-sig", ",", dates={"received_at": "dmy_hm", "due_at": "dmy_hm",
                                                "finished_at": "dmy_hm", "apology_sent": "dmy"},
             yes_no="co", channel="code", unit_style="official", title_rows=2),
    FileSpec(3, "csv", "utf-8-sig", ";", dates={"received_at": "dmy_hms", "due_at": "dmy",
                                                "finished_at": "dmy_hms", "apology_sent": "dmy"},
             yes_no="10", channel="words2", unit_style="short", title_rows=4, heading_notes=True),
    FileSpec(4, "csv", "utf-16", "\t", dates={"received_at": "dmy_hm", "due_at": "dmy_hm",
                                              "finished_at": "dmy_hm", "apology_sent": "dmy"},
             yes_no="x", channel="words", unit_style="ubnd", title_rows=3),
    FileSpec(5, "csv", "utf-8-sig", ",", dates={"received_at": "iso_hms", "due_at": "iso",
                                                "finished_at": "iso_hms", "apology_sent": "iso"},
             yes_no="da", channel="words3", unit_style="official", title_rows=2, rating_blank="Chưa đánh giá"),
    FileSpec(6, "xlsx", dates={"received_at": "xl_serial", "due_at": "xl_date", "finished_at": "xl_serial",
                               "apology_sent": "xl_day"}, yes_no="co", channel="code", unit_style="code",
             title_rows=4),
    FileSpec(7, "csv", "utf-8-sig", ";", dates={"received_at": "dmy_hm", "due_at": "dmy_hm",
                                                "finished_at": "dmy_hm", "apology_sent": "dmy"},
             yes_no="x_no", channel="words2", unit_style="ubnd", title_rows=3),
    FileSpec(8, "csv", "utf-8", ",", dates={"received_at": "iso_hm", "due_at": "iso_hm",
                                            "finished_at": "iso_hm", "apology_sent": "iso"},
             yes_no="10", channel="code", unit_style="official", title_rows=2, api=True, paid_codes=True,
             footer=False),
    FileSpec(9, "csv", "utf-16", "\t", dates={"received_at": "dmy_hms", "due_at": "dmy",
                                              "finished_at": "dmy_hms", "apology_sent": "dmy"},
             yes_no="co", channel="words", unit_style="short", title_rows=4),
    FileSpec(10, "csv", "utf-8-sig", ";", dates={"received_at": "dmy", "due_at": "dmy", "finished_at": "dmy",
                                                 "apology_sent": "dmy"},
             yes_no="x", channel="words3", unit_style="code", title_rows=3, heading_notes=True),
    FileSpec(11, "xlsx", dates={"received_at": "dmy_hm", "due_at": "dmy_hm", "finished_at": "dmy_hm",
                                "apology_sent": "dmy"}, yes_no="da", channel="words", unit_style="official",
             title_rows=3),
    FileSpec(12, "csv", "utf-8-sig", ",", dates={"received_at": "dmy_hm", "due_at": "dmy",
                                                 "finished_at": "dmy_hm", "apology_sent": "dmy"},
             yes_no="co", channel="words2", unit_style="ubnd", title_rows=2),
]

API_HEADINGS = {"dossier_code": "MaHoSo", "unit": "DonVi", "procedure_code": "MaTTHC",
                "procedure_name": "TenTTHC", "field": "LinhVuc", "channel": "KenhThucHien",
                "received_at": "NgayTiepNhan", "due_at": "NgayHenTra", "finished_at": "NgayKetThucXuLy",
                "has_fee": "CoPhi", "paid_online": "DuocThanhToanTrucTuyen", "digitised": "SoHoa",
                "e_result": "KetQuaDienTu", "rating": "DanhGia", "handler": "CanBoXuLy"}
PERSONAL = {"name": ["Họ tên", "Họ và tên", "Người nộp", "Chủ hồ sơ", "Tên người nộp"],
            "id_no": ["CCCD", "CMND", "Số định danh", "CMND/CCCD"],
            "phone": ["Số điện thoại", "Điện thoại", "SĐT"],
            "address": ["Địa chỉ", "Địa chỉ thường trú", "Địa chỉ liên hệ"]}


def export_date(m: int) -> date:
    """A month's file was exported at the end of the next month (none after the data end)."""
    return min(LAST_WD, max(d for d in WD if d <= month_end(min(12, m + 1))))


# The headings the demo's files are written with, frozen: the story is drawn from a seeded
# random stream, and picking from the importer's growing alias lists shifted every figure of
# the demo whenever a heading was added.
DEMO_HEADINGS: dict[str, list[str]] = {
    "dossier_code": ["Mã hồ sơ", "Số hồ sơ", "MaHoSo", "Mã số hồ sơ", "Ma HS", "Mã HS"],
    "unit": ["Đơn vị", "Đơn vị tiếp nhận", "Cơ quan giải quyết", "DonVi", "Đơn vị xử lý",
             "Cơ quan thực hiện", "Tên đơn vị", "Đơn vị giải quyết"],
    "procedure_code": ["Mã TTHC", "Mã thủ tục", "MaTTHC", "Mã thủ tục hành chính"],
    "procedure_name": ["Tên TTHC", "Tên thủ tục", "Thủ tục", "Tên thủ tục hành chính", "TenTTHC",
                       "Thủ tục hành chính"],
    "field": ["Lĩnh vực", "LinhVuc", "Tên lĩnh vực"],
    "channel": ["Kênh nộp", "Hình thức nộp", "KenhThucHien", "Kênh thực hiện", "Hình thức tiếp nhận"],
    "received_at": ["Ngày tiếp nhận", "NgayTiepNhan", "Thời gian tiếp nhận", "Ngày nhận hồ sơ"],
    "due_at": ["Ngày hẹn trả", "Hạn xử lý", "NgayHenTra", "Ngày hẹn trả kết quả", "Hạn giải quyết"],
    "finished_at": ["Ngày kết thúc xử lý", "Ngày hoàn thành", "Ngày có kết quả", "NgayKetThucXuLy",
                    "Ngày trả kết quả", "Ngày kết thúc"],
    "has_fee": ["Có nghĩa vụ tài chính", "Có phí/lệ phí", "Có phí lệ phí", "Nghĩa vụ tài chính",
                "CoPhi"],
    "paid_online": ["Thanh toán trực tuyến", "DuocThanhToanTrucTuyen", "Đã thanh toán trực tuyến"],
    "result_by_post": ["Nhận kết quả qua BCCI", "Trả kết quả qua bưu chính", "Trả kết quả qua BCCI",
                       "Nhận kết quả qua bưu chính"],
    "digitised": ["Số hóa hồ sơ", "Đã số hóa", "Số hoá hồ sơ", "Đã số hoá", "SoHoa"],
    "e_result": ["Kết quả điện tử", "Có kết quả điện tử", "KetQuaDienTu"],
    "e_certified_copy": ["Chứng thực điện tử", "Bản sao điện tử", "Chứng thực bản sao điện tử"],
    "apology_sent": ["Phiếu xin lỗi", "Đã xin lỗi", "Ngày xin lỗi", "Văn bản xin lỗi", "Thư xin lỗi"],
    "rating": ["Đánh giá", "Mức độ hài lòng", "Kết quả đánh giá", "DanhGia"],
    "handler": ["Cán bộ xử lý", "Người xử lý", "CanBoXuLy", "Cán bộ giải quyết"],
}



class _DossierWriter:
    def __init__(self, profile: Profile, seed: int):
        self.profile = profile
        self.rng = random.Random(f"{seed}:files")

    def columns(self, spec: FileSpec) -> list[tuple[str, str]]:
        rng = self.rng
        heads = {}
        for f, aliases in DEMO_HEADINGS.items():
            if spec.api and f in API_HEADINGS:
                heads[f] = API_HEADINGS[f]
                continue
            heads[f] = rng.choice([a for a in aliases if a not in API_HEADINGS.values()])
        if spec.heading_notes:
            for f in ("received_at", "due_at", "finished_at"):
                heads[f] += " (dd/mm/yyyy)" if spec.dates[f] == "dmy" else " (dd/mm/yyyy hh:mm)"
            heads["dossier_code"] += " (*)"
        order = ["dossier_code", "@name", "@id_no", "unit", "procedure_code", "procedure_name", "field",
                 "channel", "received_at", "due_at", "finished_at", "@status", "@phone", "@address",
                 "has_fee", "paid_online", "result_by_post", "digitised", "e_result", "e_certified_copy",
                 "apology_sent", "rating", "handler"]
        # exports differ in column order: swap a few neighbours
        for _ in range(3):
            i = rng.randrange(1, len(order) - 1)
            order[i], order[i + 1] = order[i + 1], order[i]
        cols = [("@stt", "STT")]
        for f in order:
            if f.startswith("@"):
                label = {"@status": "Trạng thái"}.get(f) or rng.choice(PERSONAL[f[1:]])
                cols.append((f, label))
            else:
                cols.append((f, heads[f]))
        return cols

    def titles(self, spec: FileSpec) -> list[str]:
        m = spec.month
        lines = [self.profile.issuing_body.upper(),
                 "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
                 f"DANH SÁCH HỒ SƠ TIẾP NHẬN THÁNG {m}/{YEAR}",
                 f"(Từ ngày 01/{m:02d}/{YEAR} đến ngày {month_end(m):%d/%m/%Y})",
                 f"Ngày kết xuất: {export_date(m):%d/%m/%Y}"]
        picks = {2: [0, 2], 3: [0, 2, 3], 4: [0, 1, 2, 4]}[spec.title_rows]
        return [lines[i] for i in picks] + [""]

    # one dossier as it appears in one file: finished only if done by the export date
    def row(self, spec: FileSpec, d: Dossier, n: int, exported: date, cols) -> list[object]:
        rng = self.rng
        done = d.finished is not None and d.finished.date() <= exported
        yes, no = YES_NO_STYLES[spec.yes_no]

        def yn(v: bool) -> str:
            if v and spec.yes_no == "x" and rng.random() < 0.1:
                return "X"
            return yes if v else no

        out = []
        for f, _ in cols:
            if f == "@stt":
                v = n
            elif f == "@name":
                v = d.applicant
            elif f == "@id_no":
                v = d.id_no
            elif f == "@phone":
                v = d.phone
            elif f == "@address":
                v = d.address
            elif f == "@status":
                v = "Đã trả kết quả" if done else (
                    "Đang xử lý - quá hạn" if d.due.date() < exported else "Đang xử lý")
            elif f == "dossier_code":
                v = d.code
            elif f == "unit":
                v = self.unit_name(spec, d.plan)
            elif f == "procedure_code":
                v = d.proc.code
            elif f == "procedure_name":
                v = d.proc.name
            elif f == "field":
                v = d.proc.field
            elif f == "channel":
                v = CHANNEL_STYLES[spec.channel][d.channel]
            elif f == "received_at":
                v = self.when(spec, f, d.received)
            elif f == "due_at":
                v = self.when(spec, f, d.due)
            elif f == "finished_at":
                v = self.when(spec, f, d.finished) if done else None
            elif f == "has_fee":
                v = yn(d.has_fee)
            elif f == "paid_online":
                if spec.paid_codes:
                    v = ("2" if d.channel == 2 else "1") if d.has_fee and d.paid else "0"
                else:
                    v = yn(d.has_fee and d.paid)
            elif f == "result_by_post":
                v = yn(d.post_return)
            elif f == "digitised":
                v = yn(d.digitised)
            elif f == "e_result":
                v = yn(d.e_result)
            elif f == "e_certified_copy":
                v = None if d.e_cert is None else yn(d.e_cert)
            elif f == "apology_sent":
                a = d.apology
                if a is None or (isinstance(a, date) and a > exported) or (a is True and not done):
                    v = None
                elif a is True:
                    v = yes
                else:
                    v = self.when(spec, f, datetime(a.year, a.month, a.day))
            elif f == "rating":
                v = RATING_WORDS[d.rating] if (done and d.rating) else (spec.rating_blank if done else None)
            elif f == "handler":
                v = d.handler
            else:
                v = None
            out.append(v)
        return out

    def unit_name(self, spec: FileSpec, plan: UnitPlan) -> str:
        rng = self.rng
        r = rng.random()
        style = spec.unit_style if r < 0.82 else rng.choice(["official", "ubnd", "short", "code", "odd"])
        name = rng.choice(plan.variants[style])
        if rng.random() < 0.04:
            name = unicodedata.normalize("NFD", name)
        return name

    def when(self, spec: FileSpec, f: str, dt: datetime):
        style = spec.dates[f]
        if spec.fmt == "xlsx":
            if style == "xl_date":
                return ("dt", dt)
            if style == "xl_day":
                return ("day", dt)
            if style == "xl_serial":
                serial = (dt - EXCEL_EPOCH).total_seconds() / 86400
                return round(serial, 6) if dt.hour or dt.minute else int(serial)
        return dt.strftime(PY_DATE[style])

    def write(self, spec: FileSpec, rows: list[Dossier], path: Path) -> int:
        exported = export_date(spec.month)
        cols = self.columns(spec)
        body = [self.row(spec, d, n, exported, cols) for n, d in enumerate(rows, start=1)]
        footer = []
        if spec.footer:
            footer = [[], [f"Tổng cộng: {_dots(len(rows))} hồ sơ"],
                      [f"{self.profile.place}, ngày {exported.day:02d} tháng {exported.month:02d} năm "
                       f"{exported.year}"], ["Người lập biểu"]]
        titles = [[t] for t in self.titles(spec)]
        header = [label for _, label in cols]
        if spec.fmt == "xlsx":
            self._xlsx(path, titles, header, body, footer)
        else:
            def text(v):
                if v is None:
                    return ""
                return str(v)
            out = titles + [header] + [[text(v) for v in r] for r in body] + footer
            _write_csv(path, out, spec.encoding, spec.delim)
        return len(body)

    def _xlsx(self, path: Path, titles, header, body, footer) -> None:
        import openpyxl
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("DanhSachHoSo")
        bold = Font(bold=True)
        for t in titles:
            c = WriteOnlyCell(ws, value=t[0] or None)
            c.font = bold
            ws.append([c])
        hdr = []
        for h in header:
            c = WriteOnlyCell(ws, value=h)
            c.font = bold
            hdr.append(c)
        ws.append(hdr)
        for r in body:
            cells = []
            for v in r:
                if isinstance(v, tuple):
                    kind, dt = v
                    c = WriteOnlyCell(ws, value=dt if kind == "dt" else dt.date())
                    c.number_format = "dd/mm/yyyy hh:mm" if kind == "dt" else "dd/mm/yyyy"
                    cells.append(c)
                else:
                    cells.append(v)
            ws.append(cells)
        for r in footer:
            ws.append(r)
        _save_xlsx(wb, path)


# --- the II.06a report -------------------------------------------------------------------------
REPORT_MONTHS = (3, 6, 9)


def _report_rows(profile: Profile, plans: list[UnitPlan], counters, m: int, rng: random.Random,
                 tweaks: list[tuple[str, str]]) -> dict[str, dict[str, int]]:
    rows = {}
    for p in plans:
        c = dict(counters.get((p.unit.code, m)) or dict.fromkeys(FORM_COUNTERS + EXTRA_COUNTERS, 0))
        rows[p.unit.code] = c
    for code, kind in tweaks:
        c = rows[code]
        if kind == "online":
            # the unit counted some dossiers twice (received online and again at the desk)
            k = rng.randint(3, 9)
            for n in ("received_total", "received_online", "resolved", "resolved_early"):
                c[n] += k
        elif kind == "late":
            # the unit reported part of its late dossiers as on time, and its overdue backlog as in time
            k = max(1, round(c["resolved_late"] * rng.uniform(0.3, 0.5)))
            k = min(k, c["resolved_late"])
            c["resolved_late"] -= k
            c["resolved_on_time"] += k
            j = min(c["pending_overdue"], max(1, c["pending_overdue"] // 2))
            c["pending_overdue"] -= j
            c["pending_in_time"] += j
        elif kind == "carried":
            k = min(c["carried_over"], c["pending_in_time"], rng.randint(2, 6))
            for n in ("received_total", "carried_over", "pending", "pending_in_time"):
                c[n] -= k
    return rows


def _write_report(path: Path, profile: Profile, plans: list[UnitPlan], rows, m: int, extra: bool,
                  subtotals: bool, as_text: bool) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"II.06a T{m}"
    extras = [("fee_dossiers", "Hồ sơ có nghĩa vụ tài chính"), ("paid_online", "Thanh toán trực tuyến"),
              ("result_by_post", "Trả kết quả qua BCCI")] if extra else []
    ncol = 13 + len(extras)
    last = get_column_letter(ncol)
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    ws["A1"] = f"Đơn vị báo cáo: {profile.issuing_body}"
    ws["A2"] = f"Đơn vị nhận báo cáo: UBND {profile.province}".rstrip()
    ws.merge_cells("A1:F1")
    ws.merge_cells("A2:F2")
    ws.cell(1, ncol - 3, "Biểu số II.06a/VPCP/KSTT").font = bold
    ws.merge_cells(start_row=1, start_column=ncol - 3, end_row=1, end_column=ncol)
    ws.cell(2, ncol - 3, "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020")
    ws.merge_cells(start_row=2, start_column=ncol - 3, end_row=2, end_column=ncol)
    ws["A4"] = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    ws["A4"].font = Font(bold=True, size=13)
    ws["A4"].alignment = center
    ws.merge_cells(f"A4:{last}4")
    ws["A5"] = (f"Kỳ báo cáo: Tháng {m} năm {YEAR} (Từ ngày 01/{m:02d}/{YEAR} đến ngày "
                f"{month_end(m):%d/%m/%Y})")
    ws["A5"].alignment = center
    ws.merge_cells(f"A5:{last}5")
    ws.cell(6, ncol - 2, "Đơn vị tính: Số hồ sơ TTHC").font = Font(italic=True)
    ws.merge_cells(start_row=6, start_column=ncol - 2, end_row=6, end_column=ncol)

    h1, h2 = 7, 8
    ws.cell(h1, 1, "STT")
    ws.merge_cells(start_row=h1, start_column=1, end_row=h2, end_column=1)
    ws.cell(h1, 2, "Lĩnh vực, công việc giải quyết theo cấp")
    ws.merge_cells(start_row=h1, start_column=2, end_row=h2, end_column=2)
    groups = [(3, 6, "Số hồ sơ nhận giải quyết"), (7, 10, "Số hồ sơ đã giải quyết"),
              (11, 13, "Số hồ sơ đang giải quyết")]
    for a, b, text in groups:
        ws.cell(h1, a, text)
        ws.merge_cells(start_row=h1, start_column=a, end_row=h1, end_column=b)
    subs = ["Tổng số", "Trong đó: Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước",
            "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"]
    for i, s in enumerate(subs, start=3):
        ws.cell(h2, i, s)
    for j, (_, text) in enumerate(extras, start=14):
        ws.cell(h1, j, text)
        ws.merge_cells(start_row=h1, start_column=j, end_row=h2, end_column=j)
    for r in (h1, h2):
        for cidx in range(1, ncol + 1):
            cell = ws.cell(r, cidx)
            cell.font = bold
            cell.alignment = center
            cell.border = box
    for cidx in range(1, ncol + 1):
        cell = ws.cell(h2 + 1, cidx, f"({cidx})")
        cell.alignment = center
        cell.font = Font(italic=True)
        cell.border = box

    names = FORM_COUNTERS + [n for n, _ in extras]

    def num(v: int):
        if v >= 1000:
            return _dots(v)
        return str(v) if as_text else v

    def put(r: int, stt, label: str, c: dict[str, int] | None, strong: bool = False):
        ws.cell(r, 1, stt).alignment = center
        ws.cell(r, 2, label)
        if c is not None:
            for j, n in enumerate(names, start=3):
                ws.cell(r, j, num(c[n])).alignment = Alignment(horizontal="right")
        for cidx in range(1, ncol + 1):
            ws.cell(r, cidx).border = box
            if strong:
                ws.cell(r, cidx).font = bold

    def label(p: UnitPlan) -> str:
        if p.unit.is_commune:
            low, _cap = _LEVEL_PREFIX[p.unit.level]
            return f"UBND {low} {_bare(p.unit)}"
        return p.unit.name

    r = h2 + 2
    sections = [("I", "Cấp huyện", [p for p in plans if not p.unit.is_commune]),
                ("II", "Cấp xã", [p for p in plans if p.unit.is_commune])]
    for roman, title, members in sections:
        if not members:
            continue
        sub = _add([{n: rows[p.unit.code][n] for n in names} for p in members]) if subtotals else None
        put(r, roman, title, sub, strong=True)
        r += 1
        for i, p in enumerate(members, start=1):
            put(r, i, label(p), rows[p.unit.code])
            r += 1
    total = _add([{n: rows[p.unit.code][n] for n in names} for p in plans])
    put(r, None, "Tổng cộng", total, strong=True)
    # the signature block, merged across the columns as on the printed form: left "người lập
    # biểu", right place, date and "thủ trưởng"
    r += 2
    sent = export_date(m)
    right = max(8, ncol - 4)
    ws.cell(r, right, f"{profile.place}, ngày {sent.day:02d} tháng {sent.month:02d} năm {YEAR}").font = \
        Font(italic=True)
    ws.merge_cells(start_row=r, start_column=right, end_row=r, end_column=ncol)
    ws.cell(r + 1, 1, "NGƯỜI LẬP BIỂU").font = bold
    ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=5)
    ws.cell(r + 1, right, "THỦ TRƯỞNG ĐƠN VỊ").font = bold
    ws.merge_cells(start_row=r + 1, start_column=right, end_row=r + 1, end_column=ncol)
    for rr in (r, r + 1):
        for cidx in range(1, ncol + 1):
            ws.cell(rr, cidx).alignment = center
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 44
    for cidx in range(3, ncol + 1):
        ws.column_dimensions[get_column_letter(cidx)].width = 11
    ws.row_dimensions[h1].height = 32
    ws.row_dimensions[h2].height = 45
    _save_xlsx(wb, path)


# --- peers and index files ------------------------------------------------------------------------
PEER_COLUMNS = [
    ("received_total", "Tổng số hồ sơ tiếp nhận"), ("received_online", "Tiếp nhận trực tuyến"),
    ("received_direct_post", "Trực tiếp và bưu chính"), ("carried_over", "Kỳ trước chuyển qua"),
    ("resolved", "Đã giải quyết"), ("resolved_early", "Giải quyết trước hạn"),
    ("resolved_on_time", "Giải quyết đúng hạn"), ("resolved_late", "Giải quyết quá hạn"),
    ("pending", "Đang giải quyết"), ("pending_in_time", "Đang giải quyết trong hạn"),
    ("pending_overdue", "Đang giải quyết quá hạn"), ("fee_dossiers", "Hồ sơ có nghĩa vụ tài chính"),
    ("paid_online", "Đã thanh toán trực tuyến"), ("rated", "Số lượt đánh giá"), ("satisfied", "Hài lòng"),
    ("digitised", "Hồ sơ được số hóa"), ("e_result", "Có kết quả điện tử"),
]


def _write_peers(path: Path, profile: Profile, rows, rng: random.Random) -> int:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    for name, heading in PEER_COLUMNS:        # every heading is one the importer knows
        assert heading in COUNTER_HEADINGS[name], heading
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "SoLieuCacHuyen"
    ws.append([f"SỐ LIỆU GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH CÁC {profile.peer_kind_vi.upper()} NĂM {YEAR}"])
    ws.append([f"(Nguồn: Hệ thống thông tin giải quyết TTHC {profile.province}; không gồm "
               f"{profile.jurisdiction_name})"])
    ws.append([])
    ws.append(["STT", "Đơn vị", "Tháng"] + [h for _, h in PEER_COLUMNS])
    for c in ws[4]:
        c.font = Font(bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws["A1"].font = Font(bold=True)
    ordered = sorted(rows, key=lambda r: (r[1], profile.peers.index(r[0])))
    for n, (peer, m, c) in enumerate(ordered, start=1):
        name = peer.name if not peer.aliases or rng.random() < 0.7 else rng.choice(peer.aliases)
        ws.append([n, name, f"{m:02d}/{YEAR}"] + [c[k] for k, _ in PEER_COLUMNS])
    ws.column_dimensions["B"].width = 24
    _save_xlsx(wb, path)
    return len(ordered)


def _index_rows(profile: Profile, strength: dict[str, float], rng: random.Random) -> list[tuple]:
    """Official CCHC index of the three years before: the jurisdiction in the bottom half."""
    out = []
    n = len(profile.peers)
    for year, own_rank in ((YEAR - 3, n - 2), (YEAR - 2, n - 2), (YEAR - 1, n - 3)):
        scores = {}
        for p in profile.peers:
            if p.code == profile.code:
                continue
            scores[p.code] = 80.0 + 1.5 * (year - YEAR + 3) + 0.45 * strength.get(p.code, 0) + rng.uniform(-2, 2)
        ranked = sorted(scores.values(), reverse=True)
        k = max(1, min(len(ranked), own_rank - 1))      # peers ahead of the jurisdiction
        above, below = ranked[k - 1], ranked[k] if k < len(ranked) else ranked[-1] - 2
        scores[profile.code] = round((above + below) / 2, 2) if above - below > 0.05 else below - 0.05
        for code, s in scores.items():
            s = round(s, 2)
            rank = 1 + sum(1 for x in scores.values() if round(x, 2) > s)
            out.append((code, year, s, rank))
    return out


def _write_index(path: Path, profile: Profile, rows) -> int:
    lines = [[f"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CỦA CÁC {profile.peer_kind_vi.upper()}"],
             [f"Năm {YEAR - 3} - {YEAR - 1}"], [],
             ["STT", "Đơn vị", "Năm", "Chỉ số CCHC", "Xếp hạng"]]
    order = {p.code: i for i, p in enumerate(profile.peers)}
    n = 0
    for code, year, score, rank in sorted(rows, key=lambda r: (r[1], r[3], order[r[0]])):
        n += 1
        lines.append([str(n), profile.peer_name(code), str(year), f"{score:.2f}".replace(".", ","), str(rank)])
    _write_csv(path, lines, "utf-8-sig", ";")
    return n


# --- the entry point -------------------------------------------------------------------------------
@dataclass
class DemoSummary:
    files: list[Path]
    rows: dict[str, int]
    monthly: dict[int, dict[str, float]]
    repeats: int


def build(profile: Profile | None = None, seed: int = 2022):
    """The demo's dossiers, their counters and the peers' rows, without writing anything."""
    profile = profile or load_profile()
    b = _Builder(profile, seed)
    dossiers = b.build()
    counters = counters_of(dossiers)
    units = [p.unit.code for p in b.plans]
    own = {m: _add([counters[(u, m)] for u in units if (u, m) in counters]) for m in MONTHS}
    own_scores = {m: score_of(own[m], profile) for m in MONTHS}
    peers, strength = build_peers(profile, own_scores, seed)
    return b, dossiers, counters, own, own_scores, peers, strength


def generate(out_dir: Path, profile: Profile | None = None, seed: int = 2022) -> list[Path]:
    """Write the demo input files into out_dir and return their paths in the order they must be imported."""
    return generate_with_summary(out_dir, profile, seed).files


def generate_with_summary(out_dir: Path, profile: Profile | None = None, seed: int = 2022) -> DemoSummary:
    profile = profile or load_profile()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    b, dossiers, counters, own, own_scores, peers, strength = build(profile, seed)
    files: list[Path] = []
    rows: dict[str, int] = {}

    # 1. monthly dossier exports; still-open dossiers come back, finished, in a later file
    by_month: dict[int, list[Dossier]] = {m: [] for m in MONTHS}
    for d in dossiers:
        by_month[d.received.month].append(d)
    later: dict[int, list[Dossier]] = {m: [] for m in MONTHS}
    repeats = 0
    for m in MONTHS:
        exported = export_date(m)
        for d in by_month[m]:
            if d.finished is not None and d.finished.date() > exported:
                m2 = next(k for k in range(m + 1, 13) if export_date(k) >= d.finished.date())
                later[m2].append(d)
                repeats += 1
    writer = _DossierWriter(profile, seed)
    stem = key(profile.short_name).replace(" ", "_")
    for spec in FILE_PLAN:
        m = spec.month
        content = sorted(later[m], key=lambda d: (d.received, d.code)) + by_month[m]
        ext = "xlsx" if spec.fmt == "xlsx" else "txt" if spec.encoding == "utf-16" else "csv"
        path = out_dir / f"ho_so_{stem}_{YEAR}_{m:02d}.{ext}"
        rows[path.name] = writer.write(spec, content, path)
        files.append(path)

    # 2. II.06a reports, with a few differences from the dossiers
    rrng = random.Random(f"{seed}:reports")
    plans = b.plans
    normal = [p.unit.code for p in plans if p.unit.is_commune and not p.laggard]
    lag = [p.unit.code for p in plans if p.laggard]
    for i, m in enumerate(REPORT_MONTHS):
        tweaks = [(rrng.choice(normal), "online")] if normal else []
        if lag:
            tweaks.append((lag[i % len(lag)], "late"))
        if i == 2 and normal:
            tweaks.append((rrng.choice(normal), "carried"))
        rep = _report_rows(profile, plans, counters, m, rrng, tweaks)
        path = out_dir / f"bao_cao_II06a_{stem}_{YEAR}_{m:02d}.xlsx"
        _write_report(path, profile, plans, rep, m, extra=(i == 2), subtotals=(i == 1), as_text=(i != 0))
        rows[path.name] = len(plans)
        files.append(path)

    # 3. the peers' monthly counters, 4. the yearly index
    if peers:
        path = out_dir / f"so_lieu_cac_huyen_{YEAR}.xlsx"
        rows[path.name] = _write_peers(path, profile, peers, random.Random(f"{seed}:peerfile"))
        files.append(path)
        irows = _index_rows(profile, strength, random.Random(f"{seed}:index"))
        path = out_dir / f"chi_so_cchc_{YEAR - 3}_{YEAR - 1}.csv"
        rows[path.name] = _write_index(path, profile, irows)
        files.append(path)

    # 5. what officers record beside the figures: events for the charts and the public-service
    # accounts created with citizens' help (the Youth Union's campaign, rule 4 of the order)
    path = out_dir / f"su_kien_{stem}_{YEAR}.csv"
    rows[path.name] = _write_events(path, profile)
    files.append(path)
    path = out_dir / f"tai_khoan_dvc_{stem}_{YEAR}.csv"
    rows[path.name] = _write_accounts(path, profile, random.Random(f"{seed}:accounts"))
    files.append(path)

    monthly = {}
    for m in MONTHS:
        c = own[m]
        others = [score_of(pc, profile) for _, pm, pc in peers if pm == m]
        monthly[m] = {
            "on_time": (c["resolved_early"] + c["resolved_on_time"]) / c["resolved"] if c["resolved"] else None,
            "online": c["received_online"] / (c["received_online"] + c["received_direct_post"]),
            "payment": c["paid_online"] / c["fee_dossiers"] if c["fee_dossiers"] else None,
            "satisfaction": c["satisfied"] / c["rated"] if c["rated"] else None,
            "score": own_scores[m],
            "rank": rank_among(own_scores[m], others) if others else None,
        }
    return DemoSummary(files, rows, monthly, repeats)


EVENTS = [
    (3, 15, None, "Xe tuyên truyền lưu động về dịch vụ công trực tuyến"),
    (4, 4, None, "Đoàn Thanh niên ra quân hỗ trợ người dân tạo tài khoản dịch vụ công"),
    (5, 9, None, "Bưu điện bố trí nhân viên tại Bộ phận Một cửa"),
    (7, 1, None, "Chủ tịch UBND huyện chỉ đạo xử lý nghiêm đơn vị trễ hạn 2 tháng liên tiếp"),
    (9, 12, "land_branch", "Chi nhánh VP Đăng ký đất đai bổ sung nhân sự một cửa"),
]


def _write_events(path: Path, profile) -> int:
    """Dated events (Ngày, Đơn vị, Nội dung); blank unit = the whole jurisdiction."""
    import csv

    land = next((u.name for u in profile.units if u.level == "land_branch"), None)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["SỰ KIỆN, HOẠT ĐỘNG CẢI CÁCH HÀNH CHÍNH NĂM " + str(YEAR)])
        w.writerow(["Ngày", "Đơn vị", "Nội dung"])
        n = 0
        for month, day, who, text in EVENTS:
            unit = land if who == "land_branch" else ""
            if who == "land_branch" and not land:
                continue
            w.writerow([f"{day:02d}/{month:02d}/{YEAR}", unit or "", text])
            n += 1
    return n


def _write_accounts(path: Path, profile, rng: random.Random) -> int:
    """Accounts created with help per commune and month, rising with the campaign."""
    import csv

    n = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Đơn vị", "Tháng", "Số tài khoản"])
        for u in profile.units:
            if not u.is_commune or u.rolls_into:
                continue
            for m in MONTHS:
                base = 6 + 3 * m if m >= 4 else 4 + m
                w.writerow([u.name, f"{m:02d}/{YEAR}", max(0, int(base + rng.randint(-4, 6)))])
                n += 1
    return n


if __name__ == "__main__":  # python -m demo.story [out_dir]
    import sys
    import time as _time

    t0 = _time.perf_counter()
    s = generate_with_summary(Path(sys.argv[1] if len(sys.argv) > 1 else "data/demo"))
    for p in s.files:
        print(p, s.rows.get(p.name))
    for m, v in s.monthly.items():
        print(m, {k: (round(x, 4) if isinstance(x, float) else x) for k, x in v.items()})
    print("repeats", s.repeats, "seconds", round(_time.perf_counter() - t0, 1))
