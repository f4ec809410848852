"""The demo city's places and procedures: services, the city and its departments, demo logins.

Ho Chi Minh City as it is since 1 July 2025: two levels of local government, the city's
departments after the 2025 mergers, and 168 commune-level units directly under the city
(``survey.demo.places``). Volumes are cases per full month before the generator's noise.
The generator (``survey.demo.generator``) reads these tables in order, so reordering them
changes the generated city.
"""

from __future__ import annotations

from survey.demo.places import AREAS, CITY, Area

DEMO_PASSWORD = "demo-password"  # noqa: S105 - the published password of the demo logins
WORST_WARD_CODE = "P-BINHHUNGHOA"
WORST_DEPARTMENT_CODE = "SO-XD"
DEMO_LOGINS: list[tuple[str, str, str | None]] = [
    ("admin@demo.gov.vn", "admin", None),
    ("quanly.binhhunghoa@demo.gov.vn", "manager", WORST_WARD_CODE),
    ("quanly.soxaydung@demo.gov.vn", "manager", WORST_DEPARTMENT_CODE),
    # The city's own officials: the manager reviews the plans of every ward and department,
    # the viewer reads everything (which agencies are flagged, and for how long).
    ("quanly.thanhpho@demo.gov.vn", "manager", CITY[0]),
    ("viewer.thanhpho@demo.gov.vn", "viewer", CITY[0]),
]
# What each login is for, as the banner of `make run` says it.
DEMO_LOGIN_NOTES = {
    "quanly.binhhunghoa@demo.gov.vn": "Phường Bình Hưng Hòa, the clearly worst ward",
    "quanly.soxaydung@demo.gov.vn": "Sở Xây dựng, the clearly worst department",
    "quanly.thanhpho@demo.gov.vn": "the city; reviews wards' and departments' action plans",
    "viewer.thanhpho@demo.gov.vn": "the city, read only: which agencies are flagged, for how long",
}

# --- Services: (code, Vietnamese, English, category, committed days) ----------------------
SERVICES: tuple[tuple[str, str, str, str, int], ...] = (
    # Commune level (wards, communes, the special zone)
    ("HT-KHAISINH", "Đăng ký khai sinh", "Birth registration", "civil-status", 1),
    ("HT-KETHON", "Đăng ký kết hôn", "Marriage registration", "civil-status", 1),
    ("HT-KHAITU", "Đăng ký khai tử", "Death registration", "civil-status", 1),
    ("HT-XNHONNHAN", "Cấp Giấy xác nhận tình trạng hôn nhân", "Certificate of marital status", "civil-status", 3),
    ("CT-BANSAO", "Chứng thực bản sao từ bản chính", "Certified copy from the original", "certification", 1),
    ("CT-CHUKY", "Chứng thực chữ ký", "Signature certification", "certification", 1),
    ("CT-HOPDONG", "Chứng thực hợp đồng, giao dịch", "Certification of contracts and transactions", "certification", 2),
    ("XH-TROCAP", "Trợ cấp xã hội hằng tháng", "Monthly social allowance", "social", 15),
    # District level before July 2025; now at commune level or, for land changes and food safety, a department
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
    ("GT-PHUHIEU", "Cấp phù hiệu xe kinh doanh vận tải", "Badge for a commercial transport vehicle", "transport", 2),
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
    (
        "TG-SINHHOAT",
        "Đăng ký sinh hoạt tôn giáo tập trung",
        "Registration of a place of collective religious activity",
        "justice",
        20,
    ),
)

# Relative case mix at commune level: since July 2025 wards and communes also handle most of
# what districts did (first land certificates, house permits, household businesses).
WARD_SERVICE_MIX = {
    "HT-KHAISINH": 14,
    "HT-KETHON": 5,
    "HT-KHAITU": 4,
    "HT-XNHONNHAN": 8,
    "CT-BANSAO": 30,
    "CT-CHUKY": 9,
    "CT-HOPDONG": 6,
    "XH-TROCAP": 3,
    "DD-GCNLANDAU": 3,
    "DD-CHUYENMD": 2,
    "XD-GPXDNHA": 5,
    "KD-HKD": 7,
    "HT-KSNN": 1,
}

# --- Departments: (code, Vietnamese, English, cases per month, {service: weight}) ----------
# After the 2025 mergers: Finance took Planning and Investment; Agriculture and Environment,
# Construction and Transport, Science and Information, Home Affairs and Labour became one each;
# food safety became a department of its own.
DEPARTMENTS: tuple[tuple[str, str, str, float, dict[str, int]], ...] = (
    ("SO-TP", "Sở Tư pháp", "Department of Justice", 1500, {"TP-LLTP": 1}),
    ("SO-TC", "Sở Tài chính", "Department of Finance", 1400, {"KD-DNTL": 9, "KD-DAUTU": 1}),
    (
        "SO-NNMT",
        "Sở Nông nghiệp và Môi trường",
        "Department of Agriculture and Environment",
        2600,
        {"DD-BIENDONG": 14, "DD-GCNTOCHUC": 2, "MT-DTM": 1, "NN-KIEMDICH": 1},
    ),
    ("SO-XD", "Sở Xây dựng", "Department of Construction", 700, {"GT-PHUHIEU": 5, "XD-GPXDCT": 1}),
    (
        "SO-NV",
        "Sở Nội vụ",
        "Department of Home Affairs",
        1100,
        {"LD-THATNGHIEP": 6, "LD-GPLD": 2, "NV-HOI": 1},
    ),
    ("SO-YT", "Sở Y tế", "Department of Health", 150, {"YT-CCHN": 1}),
    ("SO-GDDT", "Sở Giáo dục và Đào tạo", "Department of Education and Training", 80, {"GD-VANBANG": 1}),
    ("SO-CT", "Sở Công Thương", "Department of Industry and Trade", 110, {"CTH-RUOU": 1}),
    ("SO-DL", "Sở Du lịch", "Department of Tourism", 50, {"DL-HDV": 1}),
    (
        "SO-VHTT",
        "Sở Văn hóa và Thể thao",
        "Department of Culture and Sports",
        70,
        {"VH-BIEUDIEN": 3, "TT-XUATBAN": 1},
    ),
    ("SO-QHKT", "Sở Quy hoạch - Kiến trúc", "Department of Planning and Architecture", 110, {"QH-THONGTIN": 1}),
    ("SO-KHCN", "Sở Khoa học và Công nghệ", "Department of Science and Technology", 15, {"KH-CGCN": 1}),
    ("SO-NG", "Sở Ngoại vụ", "Department of Foreign Affairs", 30, {"NG-ABTC": 1}),
    ("SO-ATTP", "Sở An toàn thực phẩm", "Department of Food Safety", 160, {"KD-ATTP": 1}),
    ("SO-DTTG", "Sở Dân tộc và Tôn giáo", "Department of Ethnic and Religious Affairs", 10, {"TG-SINHHOAT": 1}),
    (
        "BQL-HEPZA",
        "Ban Quản lý các Khu chế xuất và công nghiệp",
        "Export Processing and Industrial Zones Authority",
        90,
        {"KD-DAUTU": 1},
    ),
    ("BQL-SHTP", "Ban Quản lý Khu Công nghệ cao", "Saigon Hi-Tech Park Authority", 15, {"KD-DAUTU": 1}),
)

__all__ = [
    "AREAS",
    "CITY",
    "DEMO_LOGINS",
    "DEMO_LOGIN_NOTES",
    "DEMO_PASSWORD",
    "DEPARTMENTS",
    "SERVICES",
    "WARD_SERVICE_MIX",
    "WORST_DEPARTMENT_CODE",
    "WORST_WARD_CODE",
    "Area",
]
