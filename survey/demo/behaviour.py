"""How the demo city behaves: volumes, planted qualities, lateness, answers and comments.

The numbers are chosen so the city sits near its 90% target, with a few agencies clearly
worse or better than their peers (see ``survey.demo.generator.latent_profile``).
"""

from __future__ import annotations

WARD_MEDIAN_CASES = 60.0  # per month, before the area's size factor (wards took over district work in 2025)
WORST_WARD_CASES = 220.0  # the clearly worse ward is busy enough to be flagged
WORST_DEPARTMENT_CASES = 700.0  # and so is the clearly worse department
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
