"""Ho Chi Minh City's commune-level units since 1 July 2025, grouped by the area they were formed from.

Resolution 1685/NQ-UBTVQH15 reorganised the city, merged with Bình Dương and Bà Rịa–Vũng Tàu,
into 168 commune-level units (113 wards, 54 communes and the Côn Đảo special zone) directly
under the city: the district level is gone. Each unit is listed with the name it was given,
prefix included ("Phường", "Xã", "Đặc khu"); the former district or town is kept only as a
label and a size factor for the demo's case volumes.

The structure is data, not code: an ``Area`` with a ``district`` becomes an agency that holds
its units, for a province that keeps a district level (``survey.demo.generator`` builds either).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    """Units listed together; ``district`` (code, Vietnamese, English) makes the area an agency of its own."""

    label: str  # where the units came from, for people reading this file
    size: float  # relative case volume of its units
    units: tuple[str, ...]
    district: tuple[str, str, str] | None = None


def _p(*names: str) -> tuple[str, ...]:
    return tuple(f"Phường {name}" for name in names)


def _x(*names: str) -> tuple[str, ...]:
    return tuple(f"Xã {name}" for name in names)


CITY = ("HCM", "Ủy ban nhân dân Thành phố Hồ Chí Minh", "Ho Chi Minh City People's Committee")

AREAS: tuple[Area, ...] = (
    # The former districts of Ho Chi Minh City, every unit each one became.
    Area("former District 1", 1.4, _p("Sài Gòn", "Tân Định", "Bến Thành", "Cầu Ông Lãnh")),
    Area("former District 3", 1.1, _p("Bàn Cờ", "Xuân Hòa", "Nhiêu Lộc")),
    Area("former District 4", 0.9, _p("Xóm Chiếu", "Khánh Hội", "Vĩnh Hội")),
    Area("former District 5", 1.0, _p("Chợ Quán", "An Đông", "Chợ Lớn")),
    Area("former District 6", 1.0, _p("Bình Tây", "Bình Tiên", "Bình Phú", "Phú Lâm")),
    Area("former District 7", 1.2, _p("Tân Thuận", "Phú Thuận", "Tân Mỹ", "Tân Hưng")),
    Area("former District 8", 1.0, _p("Chánh Hưng", "Phú Định", "Bình Đông")),
    Area("former District 10", 1.0, _p("Diên Hồng", "Vườn Lài", "Hòa Hưng")),
    Area("former District 11", 0.9, _p("Minh Phụng", "Bình Thới", "Hòa Bình", "Phú Thọ")),
    Area(
        "former District 12",
        1.3,
        _p("Đông Hưng Thuận", "Trung Mỹ Tây", "Tân Thới Hiệp", "Thới An", "An Phú Đông"),
    ),
    Area("former Bình Tân District", 1.5, _p("An Lạc", "Bình Tân", "Tân Tạo", "Bình Trị Đông", "Bình Hưng Hòa")),
    Area(
        "former Bình Thạnh District",
        1.3,
        _p("Gia Định", "Bình Thạnh", "Bình Lợi Trung", "Thạnh Mỹ Tây", "Bình Quới"),
    ),
    Area(
        "former Gò Vấp District",
        1.2,
        _p("Hạnh Thông", "An Nhơn", "Gò Vấp", "An Hội Đông", "Thông Tây Hội", "An Hội Tây"),
    ),
    Area("former Phú Nhuận District", 1.0, _p("Đức Nhuận", "Cầu Kiệu", "Phú Nhuận")),
    Area(
        "former Tân Bình District",
        1.1,
        _p("Tân Sơn Hòa", "Tân Sơn Nhất", "Tân Hòa", "Bảy Hiền", "Tân Bình", "Tân Sơn"),
    ),
    Area("former Tân Phú District", 1.1, _p("Tây Thạnh", "Tân Sơn Nhì", "Phú Thọ Hòa", "Tân Phú", "Phú Thạnh")),
    Area(
        "former Thủ Đức City",
        1.3,
        _p(
            "Hiệp Bình",
            "Thủ Đức",
            "Tam Bình",
            "Linh Xuân",
            "Tăng Nhơn Phú",
            "Long Bình",
            "Long Phước",
            "Long Trường",
            "Cát Lái",
            "Bình Trưng",
            "Phước Long",
            "An Khánh",
        ),
    ),
    Area(
        "former Củ Chi District",
        0.8,
        _x("Củ Chi", "Tân An Hội", "Thái Mỹ", "An Nhơn Tây", "Nhuận Đức", "Phú Hòa Đông", "Bình Mỹ"),
    ),
    Area("former Hóc Môn District", 1.0, _x("Hóc Môn", "Bà Điểm", "Xuân Thới Sơn", "Đông Thạnh")),
    Area(
        "former Bình Chánh District",
        1.0,
        _x("Bình Chánh", "Tân Nhựt", "Bình Lợi", "Hưng Long", "Vĩnh Lộc", "Tân Vĩnh Lộc", "Bình Hưng"),
    ),
    Area("former Nhà Bè District", 0.9, _x("Nhà Bè", "Hiệp Phước")),
    Area("former Cần Giờ District", 0.4, _x("Cần Giờ", "Bình Khánh", "An Thới Đông", "Thạnh An")),
    # The former Bình Dương province.
    Area(
        "former Bình Dương: Thủ Dầu Một, Thuận An, Dĩ An",
        1.2,
        _p(
            "Thủ Dầu Một",
            "Phú Lợi",
            "Bình Dương",
            "Chánh Hiệp",
            "Phú An",
            "Thuận An",
            "Thuận Giao",
            "Bình Hòa",
            "Lái Thiêu",
            "An Phú",
            "Dĩ An",
            "Tân Đông Hiệp",
            "Đông Hòa",
        ),
    ),
    Area(
        "former Bình Dương: Tân Uyên, Bến Cát",
        1.0,
        _p(
            "Tân Uyên",
            "Tân Hiệp",
            "Tân Khánh",
            "Vĩnh Tân",
            "Bình Cơ",
            "Bến Cát",
            "Thới Hòa",
            "Tây Nam",
            "Long Nguyên",
            "Chánh Phú Hòa",
            "Hòa Lợi",
        ),
    ),
    Area(
        "former Bình Dương: rural districts",
        0.6,
        _x(
            "Bắc Tân Uyên",
            "Thường Tân",
            "Bàu Bàng",
            "Trừ Văn Thố",
            "Dầu Tiếng",
            "Minh Thạnh",
            "Long Hòa",
            "Thanh An",
            "Phú Giáo",
            "Phước Thành",
            "Phước Hòa",
            "An Long",
        ),
    ),
    # The former Bà Rịa–Vũng Tàu province.
    Area(
        "former Bà Rịa–Vũng Tàu: Vũng Tàu, Bà Rịa, Phú Mỹ",
        0.9,
        _p(
            "Vũng Tàu",
            "Tam Thắng",
            "Rạch Dừa",
            "Phước Thắng",
            "Bà Rịa",
            "Long Hương",
            "Tam Long",
            "Phú Mỹ",
            "Tân Thành",
            "Tân Phước",
            "Tân Hải",
        ),
    ),
    Area(
        "former Bà Rịa–Vũng Tàu: rural districts",
        0.5,
        (
            *_x(
                "Long Sơn",
                "Châu Pha",
                "Long Hải",
                "Long Điền",
                "Phước Hải",
                "Đất Đỏ",
                "Nghĩa Thành",
                "Ngãi Giao",
                "Kim Long",
                "Châu Đức",
                "Bình Giã",
                "Xuân Sơn",
                "Hồ Tràm",
                "Xuyên Mộc",
                "Hòa Hội",
                "Bàu Lâm",
                "Hòa Hiệp",
                "Bình Châu",
            ),
            "Đặc khu Côn Đảo",
        ),
    ),
)
