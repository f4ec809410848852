"""The demo city: a Ho Chi Minh City-shaped set of agencies, services, cases and responses.

``load_demo`` builds about 20 departments, 22 districts and 300 wards, 35 procedures, and
months of completed cases with their invitations and citizens' responses. Everything
that matters for the ranking is drawn from one seeded generator, so the same seed and
the same ``now`` give the same city, the same counts and the same answers. Only the
invitation token salts are fresh random values (they protect survey links and must not
be predictable).

Each agency has a latent share of satisfied citizens, mostly 0.85-0.9 so the city sits
near its 90% target; a few wards and districts are genuinely worse or better, and one
ward (``WORST_WARD_CODE``) is clearly worse with enough volume to be flagged. Some
agencies finish many cases late, and late cases satisfy less.

Cases, invitations, responses and answers go in with Core bulk inserts, with primary
keys assigned here, so the default city loads in seconds on SQLite.
"""

from __future__ import annotations

import calendar
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import func, insert, select

from survey.extensions import db
from survey.models import Agency, Answer, Case, Invitation, QuestionSet, Response, Service, User
from survey.models.base import to_naive_utc
from survey.questions import create_question_set
from survey.scrub import scrub_pii
from survey.tokens import new_salt, sha256_hex, token_for_salt

CITY_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
INVITATION_DAYS = 30
CHUNK_ROWS = 5_000

DEMO_PASSWORD = "demo-password"  # noqa: S105 - the published password of the demo logins
WORST_WARD_CODE = "BTAN-BINHHUNGHOAA"
DEMO_LOGINS: list[tuple[str, str, str | None]] = [
    ("admin@demo.gov.vn", "admin", None),
    ("quanly.binhhunghoaa@demo.gov.vn", "manager", WORST_WARD_CODE),
    # a read-only viewer of the worst ward's district (Bình Tân) and all its wards
    ("viewer.binhtan@demo.gov.vn", "viewer", "BTAN"),
]

# --- Services: (code, Vietnamese, English, category, committed days) ----------------------
SERVICES: tuple[tuple[str, str, str, str, int], ...] = (
    # Ward level
    ("HT-KHAISINH", "Đăng ký khai sinh", "Birth registration", "civil-status", 1),
    ("HT-KETHON", "Đăng ký kết hôn", "Marriage registration", "civil-status", 1),
    ("HT-KHAITU", "Đăng ký khai tử", "Death registration", "civil-status", 1),
    ("HT-XNHONNHAN", "Cấp Giấy xác nhận tình trạng hôn nhân", "Certificate of marital status", "civil-status", 3),
    ("CT-BANSAO", "Chứng thực bản sao từ bản chính", "Certified copy from the original", "certification", 1),
    ("CT-CHUKY", "Chứng thực chữ ký", "Signature certification", "certification", 1),
    ("CT-HOPDONG", "Chứng thực hợp đồng, giao dịch", "Certification of contracts and transactions", "certification", 2),
    ("XH-TROCAP", "Trợ cấp xã hội hằng tháng", "Monthly social allowance", "social", 15),
    # District level
    ("DD-GCNLANDAU", "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu", "First land-use right certificate", "land", 30),
    ("DD-BIENDONG", "Đăng ký biến động quyền sử dụng đất", "Registration of a land-use right change", "land", 10),
    ("DD-CHUYENMD", "Chuyển mục đích sử dụng đất", "Change of land-use purpose", "land", 15),
    (
        "XD-GPXDNHA",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "Construction permit for a private house",
        "construction",
        15,
    ),
    ("KD-HKD", "Đăng ký hộ kinh doanh", "Household business registration", "business", 3),
    (
        "KD-ATTP",
        "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "Food safety certificate for a food business",
        "business",
        15,
    ),
    (
        "HT-KSNN",
        "Đăng ký khai sinh có yếu tố nước ngoài",
        "Birth registration with a foreign element",
        "civil-status",
        3,
    ),
    # Department level
    ("TP-LLTP", "Cấp Phiếu lý lịch tư pháp", "Criminal record certificate", "justice", 10),
    ("KD-DNTL", "Đăng ký thành lập doanh nghiệp", "Enterprise registration", "business", 3),
    ("KD-DAUTU", "Cấp Giấy chứng nhận đăng ký đầu tư", "Investment registration certificate", "business", 15),
    (
        "DD-GCNTOCHUC",
        "Cấp Giấy chứng nhận quyền sử dụng đất cho tổ chức",
        "Land-use right certificate for an organisation",
        "land",
        30,
    ),
    (
        "MT-DTM",
        "Thẩm định báo cáo đánh giá tác động môi trường",
        "Environmental impact assessment appraisal",
        "environment",
        30,
    ),
    (
        "XD-GPXDCT",
        "Cấp giấy phép xây dựng công trình",
        "Construction permit for a building project",
        "construction",
        20,
    ),
    ("GT-GPLX", "Đổi giấy phép lái xe", "Driving licence exchange", "transport", 5),
    (
        "LD-GPLD",
        "Cấp giấy phép lao động cho người lao động nước ngoài",
        "Work permit for a foreign worker",
        "social",
        5,
    ),
    ("LD-THATNGHIEP", "Giải quyết hưởng trợ cấp thất nghiệp", "Unemployment benefit", "social", 20),
    ("YT-CCHN", "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh", "Medical practising certificate", "health", 20),
    (
        "GD-VANBANG",
        "Công nhận văn bằng do cơ sở giáo dục nước ngoài cấp",
        "Recognition of a foreign diploma",
        "education",
        20,
    ),
    ("CTH-RUOU", "Cấp giấy phép bán lẻ rượu", "Liquor retail licence", "business", 10),
    ("DL-HDV", "Cấp thẻ hướng dẫn viên du lịch", "Tour guide card", "culture", 10),
    ("VH-BIEUDIEN", "Cấp phép tổ chức biểu diễn nghệ thuật", "Performing arts licence", "culture", 5),
    ("NN-KIEMDICH", "Kiểm dịch động vật vận chuyển ra khỏi địa bàn", "Quarantine of animals in transit", "business", 1),
    ("QH-THONGTIN", "Cung cấp thông tin quy hoạch", "Planning information", "construction", 7),
    ("TT-XUATBAN", "Cấp giấy phép xuất bản bản tin", "Newsletter publishing licence", "culture", 10),
    (
        "NG-ABTC",
        "Cho phép sử dụng thẻ đi lại của doanh nhân APEC",
        "APEC Business Travel Card approval",
        "business",
        15,
    ),
    ("KH-CGCN", "Đăng ký chuyển giao công nghệ", "Technology transfer registration", "business", 15),
    ("NV-HOI", "Phê duyệt điều lệ hội", "Approval of an association charter", "justice", 30),
)

# Relative case mix of the procedures wards and districts handle.
WARD_SERVICE_MIX = {
    "HT-KHAISINH": 18,
    "HT-KETHON": 6,
    "HT-KHAITU": 5,
    "HT-XNHONNHAN": 10,
    "CT-BANSAO": 35,
    "CT-CHUKY": 12,
    "CT-HOPDONG": 8,
    "XH-TROCAP": 4,
}
DISTRICT_SERVICE_MIX = {
    "DD-GCNLANDAU": 8,
    "DD-BIENDONG": 20,
    "DD-CHUYENMD": 5,
    "XD-GPXDNHA": 14,
    "KD-HKD": 18,
    "KD-ATTP": 5,
    "HT-KSNN": 4,
    "CT-BANSAO": 20,
}

# --- Departments: (code, Vietnamese, English, cases per month, {service: weight}) ----------
DEPARTMENTS: tuple[tuple[str, str, str, float, dict[str, int]], ...] = (
    ("SO-TP", "Sở Tư pháp", "Department of Justice", 1300, {"TP-LLTP": 1}),
    ("SO-KHDT", "Sở Kế hoạch và Đầu tư", "Department of Planning and Investment", 1000, {"KD-DNTL": 9, "KD-DAUTU": 1}),
    (
        "SO-TNMT",
        "Sở Tài nguyên và Môi trường",
        "Department of Natural Resources and Environment",
        350,
        {"DD-GCNTOCHUC": 4, "MT-DTM": 1},
    ),
    ("SO-XD", "Sở Xây dựng", "Department of Construction", 150, {"XD-GPXDCT": 1}),
    ("SO-GTVT", "Sở Giao thông vận tải", "Department of Transport", 1300, {"GT-GPLX": 1}),
    (
        "SO-LDTBXH",
        "Sở Lao động - Thương binh và Xã hội",
        "Department of Labour, Invalids and Social Affairs",
        900,
        {"LD-THATNGHIEP": 3, "LD-GPLD": 1},
    ),
    ("SO-YT", "Sở Y tế", "Department of Health", 120, {"YT-CCHN": 1}),
    ("SO-GDDT", "Sở Giáo dục và Đào tạo", "Department of Education and Training", 60, {"GD-VANBANG": 1}),
    ("SO-CT", "Sở Công Thương", "Department of Industry and Trade", 80, {"CTH-RUOU": 1}),
    ("SO-DL", "Sở Du lịch", "Department of Tourism", 40, {"DL-HDV": 1}),
    ("SO-VHTT", "Sở Văn hóa và Thể thao", "Department of Culture and Sports", 50, {"VH-BIEUDIEN": 1}),
    (
        "SO-NNPTNT",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Department of Agriculture and Rural Development",
        30,
        {"NN-KIEMDICH": 1},
    ),
    ("SO-QHKT", "Sở Quy hoạch - Kiến trúc", "Department of Planning and Architecture", 90, {"QH-THONGTIN": 1}),
    ("SO-TTTT", "Sở Thông tin và Truyền thông", "Department of Information and Communications", 15, {"TT-XUATBAN": 1}),
    ("SO-NGV", "Sở Ngoại vụ", "Department of Foreign Affairs", 25, {"NG-ABTC": 1}),
    ("SO-KHCN", "Sở Khoa học và Công nghệ", "Department of Science and Technology", 8, {"KH-CGCN": 1}),
    ("SO-NV", "Sở Nội vụ", "Department of Home Affairs", 5, {"NV-HOI": 1}),
    ("BQL-ATTP", "Ban Quản lý An toàn thực phẩm", "Food Safety Management Board", 70, {"KD-ATTP": 1}),
    (
        "BQL-HEPZA",
        "Ban Quản lý các Khu chế xuất và công nghiệp",
        "Export Processing and Industrial Zones Authority",
        45,
        {"KD-DAUTU": 1},
    ),
    ("BQL-SHTP", "Ban Quản lý Khu Công nghệ cao", "Saigon Hi-Tech Park Authority", 10, {"KD-DAUTU": 1}),
)


def _xa(*names: str) -> tuple[str, ...]:
    return tuple(f"Xã {name}" for name in names)


# --- Districts: (code, Vietnamese, English, size factor, wards) ---------------------------
# A ward is a number ("Phường 4, Quận 8"), a name ("Phường Bến Nghé"), or a name that already
# carries its prefix ("Xã …", "Thị trấn …").
DISTRICTS: tuple[tuple[str, str, str, float, tuple[str | int, ...]], ...] = (
    (
        "Q1",
        "Quận 1",
        "District 1",
        1.4,
        (
            "Bến Nghé",
            "Bến Thành",
            "Cầu Kho",
            "Cầu Ông Lãnh",
            "Cô Giang",
            "Đa Kao",
            "Nguyễn Cư Trinh",
            "Nguyễn Thái Bình",
            "Phạm Ngũ Lão",
            "Tân Định",
        ),
    ),
    ("Q3", "Quận 3", "District 3", 1.0, ("Võ Thị Sáu", 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14)),
    ("Q4", "Quận 4", "District 4", 0.7, (1, 2, 3, 4, 6, 8, 9, 10, 13, 14, 15, 16, 18)),
    ("Q5", "Quận 5", "District 5", 0.8, tuple(range(1, 15))),
    ("Q6", "Quận 6", "District 6", 0.9, tuple(range(1, 15))),
    (
        "Q7",
        "Quận 7",
        "District 7",
        1.3,
        (
            "Bình Thuận",
            "Phú Mỹ",
            "Phú Thuận",
            "Tân Hưng",
            "Tân Kiểng",
            "Tân Phong",
            "Tân Phú",
            "Tân Quy",
            "Tân Thuận Đông",
            "Tân Thuận Tây",
        ),
    ),
    ("Q8", "Quận 8", "District 8", 1.0, tuple(range(1, 17))),
    ("Q10", "Quận 10", "District 10", 0.9, tuple(range(1, 15))),
    ("Q11", "Quận 11", "District 11", 0.8, tuple(range(1, 17))),
    (
        "Q12",
        "Quận 12",
        "District 12",
        1.5,
        (
            "An Phú Đông",
            "Đông Hưng Thuận",
            "Hiệp Thành",
            "Tân Chánh Hiệp",
            "Tân Hưng Thuận",
            "Tân Thới Hiệp",
            "Tân Thới Nhất",
            "Thạnh Lộc",
            "Thạnh Xuân",
            "Thới An",
            "Trung Mỹ Tây",
        ),
    ),
    (
        "BTHANH",
        "Quận Bình Thạnh",
        "Binh Thanh District",
        1.4,
        (1, 2, 3, 5, 6, 7, 11, 12, 13, 14, 15, 17, 19, 21, 22, 24, 25, 26, 27, 28),
    ),
    ("GVAP", "Quận Gò Vấp", "Go Vap District", 1.5, (1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)),
    ("PNHUAN", "Quận Phú Nhuận", "Phu Nhuan District", 0.7, (1, 2, 4, 5, 7, 8, 9, 10, 11, 13, 15, 17)),
    ("TBINH", "Quận Tân Bình", "Tan Binh District", 1.3, tuple(range(1, 16))),
    (
        "TPHU",
        "Quận Tân Phú",
        "Tan Phu District",
        1.2,
        (
            "Hiệp Tân",
            "Hòa Thạnh",
            "Phú Thạnh",
            "Phú Thọ Hòa",
            "Phú Trung",
            "Sơn Kỳ",
            "Tân Quý",
            "Tân Sơn Nhì",
            "Tân Thành",
            "Tân Thới Hòa",
            "Tây Thạnh",
        ),
    ),
    (
        "BTAN",
        "Quận Bình Tân",
        "Binh Tan District",
        1.8,
        (
            "An Lạc",
            "An Lạc A",
            "Bình Hưng Hòa",
            "Bình Hưng Hòa A",
            "Bình Hưng Hòa B",
            "Bình Trị Đông",
            "Bình Trị Đông A",
            "Bình Trị Đông B",
            "Tân Tạo",
            "Tân Tạo A",
        ),
    ),
    (
        "TDUC",
        "Thành phố Thủ Đức",
        "Thu Duc City",
        2.6,
        (
            "An Khánh",
            "An Lợi Đông",
            "An Phú",
            "Bình Chiểu",
            "Bình Thọ",
            "Bình Trưng Đông",
            "Bình Trưng Tây",
            "Cát Lái",
            "Hiệp Bình Chánh",
            "Hiệp Bình Phước",
            "Hiệp Phú",
            "Linh Chiểu",
            "Linh Đông",
            "Linh Trung",
            "Long Bình",
            "Long Thạnh Mỹ",
            "Phước Long A",
            "Tam Bình",
            "Thảo Điền",
            "Thủ Thiêm",
        ),
    ),
    (
        "CCHI",
        "Huyện Củ Chi",
        "Cu Chi District",
        1.0,
        (
            "Thị trấn Củ Chi",
            *_xa(
                "An Nhơn Tây",
                "An Phú",
                "Bình Mỹ",
                "Hòa Phú",
                "Nhuận Đức",
                "Phạm Văn Cội",
                "Phú Hòa Đông",
                "Phú Mỹ Hưng",
                "Phước Hiệp",
                "Phước Thạnh",
                "Phước Vĩnh An",
                "Tân An Hội",
                "Tân Phú Trung",
                "Tân Thạnh Đông",
                "Tân Thạnh Tây",
                "Tân Thông Hội",
                "Thái Mỹ",
                "Trung An",
                "Trung Lập Hạ",
            ),
        ),
    ),
    (
        "HMON",
        "Huyện Hóc Môn",
        "Hoc Mon District",
        1.1,
        (
            "Thị trấn Hóc Môn",
            *_xa(
                "Bà Điểm",
                "Đông Thạnh",
                "Nhị Bình",
                "Tân Hiệp",
                "Tân Thới Nhì",
                "Tân Xuân",
                "Thới Tam Thôn",
                "Trung Chánh",
                "Xuân Thới Đông",
                "Xuân Thới Sơn",
                "Xuân Thới Thượng",
            ),
        ),
    ),
    (
        "BCHANH",
        "Huyện Bình Chánh",
        "Binh Chanh District",
        1.3,
        (
            "Thị trấn Tân Túc",
            *_xa(
                "An Phú Tây",
                "Bình Chánh",
                "Bình Hưng",
                "Bình Lợi",
                "Đa Phước",
                "Hưng Long",
                "Lê Minh Xuân",
                "Phạm Văn Hai",
                "Phong Phú",
                "Quy Đức",
                "Tân Kiên",
                "Tân Nhựt",
                "Tân Quý Tây",
                "Vĩnh Lộc A",
                "Vĩnh Lộc B",
            ),
        ),
    ),
    (
        "NBE",
        "Huyện Nhà Bè",
        "Nha Be District",
        0.6,
        ("Thị trấn Nhà Bè", *_xa("Hiệp Phước", "Long Thới", "Nhơn Đức", "Phú Xuân", "Phước Kiển", "Phước Lộc")),
    ),
    (
        "CGIO",
        "Huyện Cần Giờ",
        "Can Gio District",
        0.3,
        ("Thị trấn Cần Thạnh", *_xa("An Thới Đông", "Bình Khánh", "Long Hòa", "Lý Nhơn", "Tam Thôn Hiệp", "Thạnh An")),
    ),
)

# --- Volumes and quality -----------------------------------------------------------------
DISTRICT_MEDIAN_CASES = 230.0  # per month, before the district's size factor
WARD_MEDIAN_CASES = 16.0  # per month, before the district's size factor
WORST_WARD_CASES = 220.0  # the clearly worse ward is busy enough to be flagged
SEASON = {1: 0.9, 2: 0.75, 12: 1.1}  # Tết slows January and February; December rushes
CITY_SATISFACTION = 0.92
# Shift of the log-odds of "satisfied" by service category (land disappoints, civil status pleases).
CATEGORY_SHIFT = {
    "civil-status": 0.35,
    "certification": 0.3,
    "social": 0.0,
    "land": -0.4,
    "construction": -0.3,
    "business": 0.05,
    "justice": 0.0,
    "environment": -0.2,
    "transport": -0.1,
    "health": 0.0,
    "education": 0.1,
    "culture": 0.1,
}
CATEGORY_LATENESS = {"land": 1.6, "construction": 1.4, "environment": 1.3}
LATE_PENALTY = 1.4  # log-odds lost when a case is finished after its due date
NO_ANSWER_SHARE = 0.03
COMMENT_SHARE = 0.10
PII_COMMENT_SHARE = 0.06  # of comments
ENGLISH_SHARE = 0.06
DRIVER_KEYS = ("ease", "timeliness", "courtesy", "fairness", "outcome")
SKIPPED_DRIVER_SHARE = 0.02

# Canned comments. Those with contact details exist to show that scrub_pii runs before storage.
POSITIVE_COMMENTS = (
    "Cán bộ hướng dẫn tận tình, thủ tục nhanh gọn.",
    "Nhận kết quả đúng hẹn, rất hài lòng.",
    "Nộp hồ sơ trực tuyến tiện lợi, không phải đi lại nhiều.",
    "Nhân viên bộ phận một cửa lịch sự, giải thích rõ ràng.",
    "Thời gian chờ ngắn, có máy lấy số thứ tự.",
    "Được nhắn tin báo kết quả, rất tiện.",
    "Thủ tục đơn giản hơn trước nhiều.",
    "Cảm ơn cán bộ đã hỗ trợ người lớn tuổi như tôi.",
    "Phòng tiếp dân sạch sẽ, thoáng mát.",
    "Trả kết quả sớm hơn ngày hẹn.",
    "Hướng dẫn trên Cổng dịch vụ công dễ hiểu.",
    "Rất hài lòng, mong tiếp tục phát huy.",
    "Thanh toán lệ phí qua mạng nhanh chóng.",
)
NEGATIVE_COMMENTS = (
    "Phải đi lại nhiều lần vì hướng dẫn không rõ.",
    "Trễ hẹn hơn một tuần mà không được báo trước.",
    "Chờ đợi quá lâu, ít quầy tiếp nhận.",
    "Cán bộ thiếu nhiệt tình, trả lời qua loa.",
    "Yêu cầu bổ sung giấy tờ nhiều lần, mỗi lần một ý.",
    "Cổng dịch vụ công hay bị lỗi, không nộp được hồ sơ.",
    "Không biết hồ sơ đang ở bước nào, gọi điện không ai nghe.",
    "Phí và lệ phí không được niêm yết rõ ràng.",
    "Bãi giữ xe chật, phải chờ ngoài nắng.",
    "Hẹn trả kết quả nhưng đến nơi lại bảo chưa có.",
    "Thủ tục đất đai quá rườm rà, mất nhiều thời gian.",
    "Nên có thêm hướng dẫn cho người không rành máy tính.",
)
POSITIVE_PII_COMMENTS = (
    "Cán bộ nhiệt tình; nếu cần bổ sung xin gọi tôi số 0901 234 567.",
    "Rất hài lòng. Góp ý thêm xin gửi về nguyen.van.a@gmail.com.",
)
NEGATIVE_PII_COMMENTS = (
    "Đã gọi nhiều lần không ai bắt máy, mong liên hệ lại số 0912.345.678.",
    "Xin phản hồi giúp tôi qua email tran.thi.b@yahoo.com.vn.",
    "CCCD 079123456789 bị ghi sai ngày sinh trên kết quả, đề nghị sửa.",
)


@dataclass(frozen=True)
class AgencySpec:
    """One agency to create, before it has a database id."""

    code: str
    name_vi: str
    name_en: str
    kind: str
    parent_code: str | None
    volume: float  # expected cases per full month
    services: dict[str, float]  # service code -> relative weight


@dataclass(frozen=True)
class Profile:
    """Latent behaviour of every agency, as arrays aligned with the agency list."""

    logit: np.ndarray  # log-odds of satisfied, before case mix and lateness
    trend: np.ndarray  # change of that log-odds per month (0 in the current month)
    late_rate: np.ndarray  # share of cases finished after the due date
    response_rate: np.ndarray  # share of invitations answered
    online_share: np.ndarray  # share of cases submitted online
    volume: np.ndarray  # expected cases per full month


@dataclass(frozen=True)
class Month:
    label: str  # "2026-05"
    index: int  # 0 = oldest; the current month has the highest index
    day_starts: np.ndarray  # naive-UTC midnight (city time) of every working day, datetime64[s]
    day_weights: np.ndarray  # relative traffic of those days (Saturdays are quieter)
    elapsed: float  # share of the month covered (1 except the current month)
    season: float


@dataclass
class Totals:
    cases: int = 0
    responses: int = 0
    answers: int = 0
    satisfied: int = 0
    answered: int = 0


# --- Small helpers -----------------------------------------------------------------------


def _fold(name: str) -> str:
    """Vietnamese without diacritics ("Bình Hưng Hòa A" -> "Binh Hung Hoa A")."""
    name = name.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def _slug(name: str) -> str:
    return "".join(ch for ch in _fold(name).upper() if ch.isalnum())


def _logit(p: float | np.ndarray) -> Any:
    return np.log(p) - np.log1p(-p)


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def database_is_empty() -> bool:
    """True when no agency exists yet (the demo only loads into an empty city)."""
    return db.session.scalar(select(func.count()).select_from(Agency)) == 0


# --- Agencies and services ---------------------------------------------------------------


def _ward_names(district_vi: str, district_en: str, ward: str | int) -> tuple[str, str, str]:
    """(code suffix, Vietnamese name, English name) of a ward or commune."""
    if isinstance(ward, int):
        return f"P{ward:02d}", f"Phường {ward}, {district_vi}", f"Ward {ward}, {district_en}"
    if ward.startswith("Xã "):
        bare = ward.removeprefix("Xã ")
        return _slug(bare), ward, f"{_fold(bare)} Commune"
    if ward.startswith("Thị trấn "):
        bare = ward.removeprefix("Thị trấn ")
        return "TT" + _slug(bare), ward, f"{_fold(bare)} Township"
    return _slug(ward), f"Phường {ward}", f"{_fold(ward)} Ward"


def agency_specs(rng: np.random.Generator) -> list[AgencySpec]:
    """Departments, then each district followed by its wards, with skewed monthly volumes."""
    specs: list[AgencySpec] = []
    for code, name_vi, name_en, volume, services in DEPARTMENTS:
        jitter = float(rng.lognormal(0.0, 0.25))
        specs.append(
            AgencySpec(
                code, name_vi, name_en, "department", None, volume * jitter, {k: float(v) for k, v in services.items()}
            )
        )
    for code, name_vi, name_en, size, wards in DISTRICTS:
        volume = DISTRICT_MEDIAN_CASES * size * float(rng.lognormal(0.0, 0.35))
        specs.append(
            AgencySpec(
                code, name_vi, name_en, "district", None, volume, {k: float(v) for k, v in DISTRICT_SERVICE_MIX.items()}
            )
        )
        rural = name_vi.startswith("Huyện")
        for ward in wards:
            suffix, ward_vi, ward_en = _ward_names(name_vi, name_en, ward)
            ward_code = f"{code}-{suffix}"
            volume = WARD_MEDIAN_CASES * size * (0.7 if rural else 1.0) * float(rng.lognormal(0.0, 0.9))
            if ward_code == WORST_WARD_CODE:
                volume = WORST_WARD_CASES
            specs.append(
                AgencySpec(
                    ward_code,
                    ward_vi,
                    ward_en,
                    "ward",
                    code,
                    volume,
                    {k: float(v) for k, v in WARD_SERVICE_MIX.items()},
                )
            )
    codes = [spec.code for spec in specs]
    assert len(codes) == len(set(codes)), "agency codes must be unique"
    assert WORST_WARD_CODE in codes
    return specs


def create_agencies(specs: list[AgencySpec]) -> list[Agency]:
    """Insert the agency tree (a few hundred rows: plain ORM is fine here)."""
    by_code: dict[str, Agency] = {}
    for spec in specs:
        agency = Agency(
            code=spec.code,
            name_vi=spec.name_vi,
            name_en=spec.name_en,
            kind=spec.kind,
            peer_group=spec.kind,
            parent=by_code.get(spec.parent_code or ""),
            active=True,
        )
        db.session.add(agency)
        by_code[spec.code] = agency
    db.session.flush()
    return [by_code[spec.code] for spec in specs]


def ensure_services() -> dict[str, Service]:
    """The demo procedures, reusing any that already exist with the same code."""
    existing = {s.code: s for s in db.session.scalars(select(Service))}
    for code, name_vi, name_en, category, days in SERVICES:
        if code not in existing:
            existing[code] = Service(
                code=code, name_vi=name_vi, name_en=name_en, category=category, committed_days=days, active=True
            )
            db.session.add(existing[code])
    db.session.flush()
    return {code: existing[code] for code, *_ in SERVICES}


def ensure_question_set() -> tuple[QuestionSet, dict[str, int]]:
    """The active question set (version 1 by default) and its question ids by key."""
    qset = db.session.scalar(select(QuestionSet).where(QuestionSet.active).order_by(QuestionSet.version.desc()))
    if qset is None:
        latest = db.session.scalar(select(func.max(QuestionSet.version))) or 0
        qset = create_question_set(latest + 1)
        db.session.flush()
    return qset, {q.key: q.id for q in qset.questions}


# --- Latent quality and volumes ----------------------------------------------------------


def latent_profile(specs: list[AgencySpec], rng: np.random.Generator) -> Profile:
    """Each agency's true satisfaction, lateness, response rate and size.

    Most agencies sit around the city's level; a few wards and districts are genuinely worse
    (about 0.6-0.7) or better (about 0.96), and ``WORST_WARD_CODE`` is the worst of all.
    """
    n = len(specs)
    kinds = np.array([spec.kind for spec in specs])
    logit = rng.normal(_logit(CITY_SATISFACTION), 0.3, n)
    logit = np.clip(logit, _logit(0.82), _logit(0.96))

    def pick(kind: str, count: int, taken: set[int]) -> list[int]:
        pool = [i for i in np.flatnonzero(kinds == kind) if i not in taken and specs[i].code != WORST_WARD_CODE]
        chosen = [int(i) for i in rng.choice(pool, size=count, replace=False)]
        taken.update(chosen)
        return chosen

    taken: set[int] = set()
    worse = pick("ward", 6, taken) + pick("district", 2, taken) + pick("department", 1, taken)
    better = pick("ward", 6, taken) + pick("district", 1, taken) + pick("department", 1, taken)
    logit[worse] = _logit(rng.uniform(0.62, 0.72, len(worse)))
    logit[better] = _logit(rng.uniform(0.95, 0.975, len(better)))
    worst = next(i for i, spec in enumerate(specs) if spec.code == WORST_WARD_CODE)
    logit[worst] = _logit(0.5)

    late_rate = rng.uniform(0.01, 0.07, n)
    troubled = rng.random(n) < 0.15
    troubled[worst] = True
    late_rate[troubled] = rng.uniform(0.2, 0.4, int(troubled.sum()))

    online_base = {"department": 0.55, "district": 0.35, "ward": 0.25}
    online = np.array([online_base.get(str(k), 0.3) for k in kinds]) * rng.uniform(0.6, 1.4, n)
    response_rate = rng.uniform(0.15, 0.6, n)
    response_rate[worst] = 0.45
    return Profile(
        logit=logit,
        trend=rng.normal(0.0, 0.03, n),
        late_rate=late_rate,
        response_rate=response_rate,
        online_share=np.clip(online, 0.05, 0.9),
        volume=np.array([spec.volume for spec in specs]),
    )


def month_windows(now_utc: datetime, months: int, rng: np.random.Generator) -> list[Month]:
    """The ``months`` calendar months before the current one, and the current one to date (city time)."""
    now_local = now_utc.replace(tzinfo=UTC).astimezone(CITY_TZ)
    year, month = now_local.year, now_local.month
    firsts: list[date] = []
    for _ in range(months + 1):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    firsts.reverse()
    windows = []
    for index, first in enumerate(firsts):
        days_in_month = calendar.monthrange(first.year, first.month)[1]
        last_day = days_in_month if index < months else now_local.day
        days = [first.replace(day=d) for d in range(1, last_day + 1) if first.replace(day=d).weekday() < 6]
        starts = [to_naive_utc(datetime(d.year, d.month, d.day, tzinfo=CITY_TZ)) for d in days]
        weights = np.array([0.3 if d.weekday() == 5 else 1.0 for d in days])
        if index < months:
            elapsed = 1.0
        else:
            month_start = datetime(first.year, first.month, 1, tzinfo=CITY_TZ)
            elapsed = (now_local - month_start).total_seconds() / (days_in_month * 86400)
        season = SEASON.get(first.month, 1.0) * float(rng.lognormal(0.0, 0.05))
        windows.append(
            Month(
                label=f"{first:%Y-%m}",
                index=index,
                day_starts=np.array(starts, dtype="datetime64[s]"),
                day_weights=weights / weights.sum() if len(weights) else weights,
                elapsed=elapsed,
                season=season,
            )
        )
    return windows


def monthly_counts(profile: Profile, month: Month, scale: float, rng: np.random.Generator) -> np.ndarray:
    """Cases completed per agency in one month: Poisson around a noisy, seasonal volume."""
    noise = rng.lognormal(0.0, 0.12, len(profile.volume))
    expected = profile.volume * noise * month.season * month.elapsed * scale
    return rng.poisson(expected)


# --- Case and response rows --------------------------------------------------------------


@dataclass(frozen=True)
class MonthCases:
    """One month's generated cases as aligned arrays (sorted by agency, then completion)."""

    agency: np.ndarray
    service: np.ndarray
    received: np.ndarray
    due: np.ndarray
    completed: np.ndarray
    created: np.ndarray
    late: np.ndarray
    channel: np.ndarray
    seq: np.ndarray


def draw_cases(
    counts: np.ndarray,
    month: Month,
    mix: np.ndarray,
    committed: np.ndarray,
    late_factor: np.ndarray,
    profile: Profile,
    now: np.datetime64,
    rng: np.random.Generator,
) -> MonthCases:
    """Completed cases of one month: service, dates (some late), channel."""
    agency = np.repeat(np.arange(len(counts)), counts)
    n = len(agency)
    if n == 0 or len(month.day_starts) == 0:
        empty = np.array([], dtype=np.int64)
        stamps = np.array([], dtype="datetime64[s]")
        return MonthCases(empty, empty, stamps, stamps, stamps, stamps, empty.astype(bool), empty, empty)
    cumulative = np.cumsum(mix, axis=1)
    service = (rng.random(n)[:, None] * cumulative[agency, -1:] > cumulative[agency]).sum(axis=1)
    day = rng.choice(len(month.day_starts), size=n, p=month.day_weights)
    office_seconds = rng.uniform(7.5 * 3600, 17 * 3600, n).astype(np.int64)  # 07:30-17:00 city time
    completed = month.day_starts[day] + office_seconds.astype("timedelta64[s]")

    days = committed[service].astype(float)
    late = rng.random(n) < np.minimum(profile.late_rate[agency] * late_factor[service], 0.6)
    duration_days = np.where(late, days + rng.uniform(0.5, 12.0, n), np.maximum(days, 0.5) * rng.uniform(0.3, 1.0, n))
    received = completed - (duration_days * 86400).astype(np.int64).astype("timedelta64[s]")
    due = received + (days * 86400).astype(np.int64).astype("timedelta64[s]")
    created = completed + rng.integers(60, 3 * 3600, n).astype("timedelta64[s]")

    u = rng.random(n)
    online = profile.online_share[agency]
    channel = np.where(u < online, 0, np.where(u < online + 0.04, 2, 1))  # online, counter, post

    keep = created <= now
    order = np.lexsort((completed[keep], agency[keep]))
    agency = agency[keep][order]
    starts = np.searchsorted(agency, agency, side="left")
    seq = np.arange(len(agency)) - starts + 1
    return MonthCases(
        agency=agency,
        service=service[keep][order],
        received=received[keep][order],
        due=due[keep][order],
        completed=completed[keep][order],
        created=created[keep][order],
        late=late[keep][order],
        channel=channel[keep][order],
        seq=seq,
    )


@dataclass(frozen=True)
class MonthResponses:
    """Which cases were answered, when, and how (arrays aligned with the answered cases)."""

    case_pos: np.ndarray  # positions in MonthCases
    submitted: np.ndarray
    overall: np.ndarray  # 1-5, 0 = no answer
    drivers: dict[str, np.ndarray]  # key -> 1-5 (visits 1-3), 0 = skipped
    comment: list[str | None]
    english: np.ndarray


def _spread(level: np.ndarray, rng: np.random.Generator, p_same: float) -> np.ndarray:
    """A driver answer close to ``level``: the same with ``p_same``, else one step either way."""
    step = rng.choice([-1, 0, 1], size=len(level), p=[(1 - p_same) / 2, p_same, (1 - p_same) / 2])
    return np.clip(level + step, 1, 5)


def draw_responses(
    cases: MonthCases,
    month_offset: int,
    profile: Profile,
    shift: np.ndarray,
    now: np.datetime64,
    rng: np.random.Generator,
) -> MonthResponses:
    """Citizens' answers to this month's invitations, consistent with each agency's latent rate."""
    n = len(cases.agency)
    agency = cases.agency
    rate = profile.response_rate[agency] * np.where(cases.channel == 0, 1.2, 1.0)
    quick = rng.random(n) < 0.6
    delay_hours = np.where(quick, rng.exponential(4.0, n), rng.exponential(60.0, n))
    delay = (np.minimum(delay_hours, (INVITATION_DAYS - 0.5) * 24) * 3600).astype(np.int64)
    submitted = cases.created + delay.astype("timedelta64[s]")
    answered = (rng.random(n) < np.minimum(rate, 0.95)) & (submitted <= now)

    log_odds = (
        profile.logit[agency] + profile.trend[agency] * month_offset + shift[cases.service] - LATE_PENALTY * cases.late
    )
    satisfied = rng.random(n) < _expit(log_odds)
    level = np.where(satisfied, np.where(rng.random(n) < 0.55, 5, 4), rng.choice([3, 2, 1], size=n, p=[0.5, 0.3, 0.2]))
    overall = np.where(rng.random(n) < NO_ANSWER_SHARE, 0, level)

    drivers = {
        "ease": _spread(level, rng, 0.6),
        "timeliness": np.where(
            cases.late, rng.choice([1, 2, 3], size=n, p=[0.3, 0.4, 0.3]), _spread(np.maximum(level, 3), rng, 0.6)
        ),
        "courtesy": _spread(level, rng, 0.55),
        "fairness": _spread(level, rng, 0.6),
        "outcome": _spread(level, rng, 0.8),
    }
    smooth = satisfied & ~cases.late
    drivers["visits"] = np.where(
        smooth, rng.choice([1, 2, 3], size=n, p=[0.78, 0.17, 0.05]), rng.choice([1, 2, 3], size=n, p=[0.45, 0.35, 0.2])
    )
    for key in drivers:
        drivers[key] = np.where(rng.random(n) < SKIPPED_DRIVER_SHARE, 0, drivers[key])

    has_comment = rng.random(n) < COMMENT_SHARE
    with_pii = rng.random(n) < PII_COMMENT_SHARE
    pick = rng.random(n)
    english = rng.random(n) < ENGLISH_SHARE

    pos = np.flatnonzero(answered)
    comments: list[str | None] = []
    for i in pos:
        if not has_comment[i]:
            comments.append(None)
            continue
        pool = (
            (POSITIVE_PII_COMMENTS if with_pii[i] else POSITIVE_COMMENTS)
            if satisfied[i]
            else (NEGATIVE_PII_COMMENTS if with_pii[i] else NEGATIVE_COMMENTS)
        )
        comments.append(scrub_pii(pool[int(pick[i] * len(pool))]) or None)
    return MonthResponses(
        case_pos=pos,
        submitted=submitted[pos],
        overall=overall[pos],
        drivers={key: values[pos] for key, values in drivers.items()},
        comment=comments,
        english=english[pos],
    )


def _datetimes(stamps: np.ndarray) -> list[datetime]:
    return stamps.astype("datetime64[us]").astype(object).tolist()


def case_and_invitation_rows(
    cases: MonthCases,
    month: Month,
    first_id: int,
    agency_ids: list[int],
    service_ids: list[int],
) -> tuple[list[dict], list[dict]]:
    """Rows for ``case_record`` and ``invitation``; case k and its invitation share id ``first_id + k``."""
    channels = ("online", "counter", "post")
    delivery = ("link", "qr", "sms")
    prefix = "HS" + month.label.replace("-", "")
    received, due = _datetimes(cases.received), _datetimes(cases.due)
    completed, created = _datetimes(cases.completed), _datetimes(cases.created)
    case_rows: list[dict] = []
    invitation_rows: list[dict] = []
    expiry = timedelta(days=INVITATION_DAYS)
    for k in range(len(cases.agency)):
        row_id = first_id + k
        channel = int(cases.channel[k])
        case_rows.append(
            {
                "id": row_id,
                "agency_id": agency_ids[cases.agency[k]],
                "service_id": service_ids[cases.service[k]],
                "case_ref": f"{prefix}-{cases.seq[k]:05d}",
                "received_at": received[k],
                "due_at": due[k],
                "completed_at": completed[k],
                "channel": channels[channel],
                "api_key_id": None,
                "created_at": created[k],
            }
        )
        salt = new_salt()
        invitation_rows.append(
            {
                "id": row_id,
                "case_id": row_id,
                "token_salt": salt,
                "token_hash": sha256_hex(token_for_salt(salt)),
                "issued_at": created[k],
                "expires_at": created[k] + expiry,
                "delivery_channel": delivery[channel],
            }
        )
    return case_rows, invitation_rows


def response_and_answer_rows(
    cases: MonthCases,
    responses: MonthResponses,
    first_case_id: int,
    first_response_id: int,
    first_answer_id: int,
    agency_ids: list[int],
    service_ids: list[int],
    qset_id: int,
    question_ids: dict[str, int],
) -> tuple[list[dict], list[dict]]:
    """Rows for ``response`` and ``answer`` (one answer per driver the citizen did not skip)."""
    submitted = _datetimes(responses.submitted)
    keys = [key for key in (*DRIVER_KEYS, "visits") if key in question_ids]
    response_rows: list[dict] = []
    answer_rows: list[dict] = []
    answer_id = first_answer_id
    for j, pos in enumerate(responses.case_pos):
        response_id = first_response_id + j
        overall = int(responses.overall[j])
        response_rows.append(
            {
                "id": response_id,
                "invitation_id": first_case_id + int(pos),
                "agency_id": agency_ids[cases.agency[pos]],
                "service_id": service_ids[cases.service[pos]],
                "question_set_id": qset_id,
                "submitted_at": submitted[j],
                "channel": "web",
                "locale": "en" if responses.english[j] else "vi",
                "overall": overall or None,
                "comment": responses.comment[j],
            }
        )
        for key in keys:
            value = int(responses.drivers[key][j])
            if value:
                answer_rows.append(
                    {"id": answer_id, "response_id": response_id, "question_id": question_ids[key], "value": value}
                )
                answer_id += 1
    return response_rows, answer_rows


# --- Writing -----------------------------------------------------------------------------


def _next_id(model: type[db.Model]) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _bulk_insert(model: type[db.Model], rows: list[dict]) -> None:
    """Core executemany in chunks; ids are already in the rows."""
    for start in range(0, len(rows), CHUNK_ROWS):
        db.session.execute(insert(model.__table__), rows[start : start + CHUNK_ROWS])


def _reset_sequences(models: Iterable[type[db.Model]]) -> None:
    """After explicit ids, move PostgreSQL's sequences past them (SQLite needs nothing)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        sequence = func.pg_get_serial_sequence(model.__tablename__, "id")
        db.session.execute(select(func.setval(sequence, func.max(model.id))))


def create_demo_users(agency_by_code: dict[str, Agency]) -> list[str]:
    """Admin, manager of the worst ward, viewer; only if the user model has what they need."""
    needed = {"email", "password_hash", "role", "agency_id"}
    if not needed <= set(User.__table__.columns.keys()):
        return []
    from argon2 import PasswordHasher

    password_hash = PasswordHasher().hash(DEMO_PASSWORD)
    existing = set(db.session.scalars(select(User.email)))
    created = []
    for email, role, agency_code in DEMO_LOGINS:
        if email in existing:
            continue
        agency = agency_by_code.get(agency_code) if agency_code else None
        db.session.add(
            User(
                email=email,
                name=f"Demo {role}",
                password_hash=password_hash,
                role=role,
                agency_id=agency.id if agency else None,
            )
        )
        created.append(email)
    db.session.flush()
    return created


# --- Entry point -------------------------------------------------------------------------


def load_demo(
    seed: int = 2026,
    months: int = 7,
    echo: Callable[[str], Any] = print,
    now: datetime | None = None,
    scale: float = 1.0,
) -> str:
    """Build the demo city into an empty database and return a one-paragraph summary.

    ``months`` full calendar months before the current one are filled, plus the current
    month up to ``now`` (city time). ``scale`` multiplies case volumes (tests use less).
    Needs an application context (invitation tokens use the app's secret key).
    """
    if months < 0:
        raise ValueError("months must be >= 0")
    if not database_is_empty():
        raise RuntimeError("The demo loads into an empty database, but agencies already exist.")
    now_utc = to_naive_utc(now) if now is not None else to_naive_utc(datetime.now(UTC))
    now_np = np.datetime64(now_utc.replace(microsecond=0), "s")
    rng = np.random.default_rng(seed)

    echo("agencies…")
    specs = agency_specs(rng)
    agencies = create_agencies(specs)
    echo("services and questions…")
    services = ensure_services()
    qset, question_ids = ensure_question_set()

    service_codes = [code for code, *_ in SERVICES]
    service_ids = [services[code].id for code in service_codes]
    committed = np.array([services[code].committed_days for code in service_codes])
    categories = [services[code].category for code in service_codes]
    shift = np.array([CATEGORY_SHIFT.get(c, 0.0) for c in categories])
    late_factor = np.array([CATEGORY_LATENESS.get(c, 1.0) for c in categories])
    column = {code: j for j, code in enumerate(service_codes)}
    mix = np.zeros((len(specs), len(service_codes)))
    for i, spec in enumerate(specs):
        for code, weight in spec.services.items():
            mix[i, column[code]] = weight
    agency_ids = [agency.id for agency in agencies]

    profile = latent_profile(specs, rng)
    windows = month_windows(now_utc, months, rng)
    next_case = max(_next_id(Case), _next_id(Invitation))
    next_response, next_answer = _next_id(Response), _next_id(Answer)
    totals = Totals()
    for month in windows:
        counts = monthly_counts(profile, month, scale, rng)
        cases = draw_cases(counts, month, mix, committed, late_factor, profile, now_np, rng)
        answered = draw_responses(cases, month.index - months, profile, shift, now_np, rng)
        case_rows, invitation_rows = case_and_invitation_rows(cases, month, next_case, agency_ids, service_ids)
        response_rows, answer_rows = response_and_answer_rows(
            cases,
            answered,
            next_case,
            next_response,
            next_answer,
            agency_ids,
            service_ids,
            qset.id,
            question_ids,
        )
        echo(f"cases month {month.label}: {len(case_rows):,} cases, {len(response_rows):,} responses…")
        _bulk_insert(Case, case_rows)
        _bulk_insert(Invitation, invitation_rows)
        _bulk_insert(Response, response_rows)
        _bulk_insert(Answer, answer_rows)
        next_case += len(case_rows)
        next_response += len(response_rows)
        next_answer += len(answer_rows)
        totals.cases += len(case_rows)
        totals.responses += len(response_rows)
        totals.answers += len(answer_rows)
        given = answered.overall[answered.overall > 0]
        totals.answered += len(given)
        totals.satisfied += int((given >= 4).sum())

    _reset_sequences((Case, Invitation, Response, Answer))
    echo("users…")
    users = create_demo_users({agency.code: agency for agency in agencies})
    db.session.commit()
    return _summary(seed, specs, len(services), totals, windows, users)


def _summary(
    seed: int, specs: list[AgencySpec], service_count: int, totals: Totals, windows: list[Month], users: list[str]
) -> str:
    kinds = {kind: sum(spec.kind == kind for spec in specs) for kind in ("department", "district", "ward")}
    share = totals.satisfied / totals.answered if totals.answered else 0.0
    period = f"{windows[0].label} to {windows[-1].label}" if len(windows) > 1 else windows[0].label
    logins = {email: (role, code) for email, role, code in DEMO_LOGINS}
    people = "; ".join(
        f"{email} ({logins[email][0]}{', ' + logins[email][1] if logins[email][1] else ''})" for email in users
    )
    text_ = (
        f"Demo city loaded (seed {seed}): {kinds['department']} departments, {kinds['district']} districts "
        f"and {kinds['ward']} wards; {service_count} services; {totals.cases:,} cases with as many "
        f"invitations and {totals.responses:,} responses ({totals.answers:,} driver answers, "
        f"{share:.1%} satisfied) over {len(windows)} months, {period} (the last one to date)."
    )
    if people:
        text_ += f" Logins, password '{DEMO_PASSWORD}': {people}."
    return text_
