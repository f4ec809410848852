"""The standard question set (METHODOLOGY §1) and access to the active version."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from survey.extensions import db
from survey.models import Question, QuestionSet

# (key, kind, Vietnamese, English). The overall question comes first; "visits" counts
# visits needed (one visit is the positive answer); "comment" is optional free text.
DEFAULT_QUESTIONS = (
    (
        "overall",
        "likert5",
        "Nhìn chung, Ông/Bà hài lòng thế nào với cách hồ sơ của mình được giải quyết?",
        "Overall, how satisfied are you with how your case was handled?",
    ),
    ("ease", "likert5", "Thủ tục có dễ thực hiện không?", "How easy was the procedure?"),
    (
        "timeliness",
        "likert5",
        "Thời gian giải quyết so với thời hạn đã hẹn?",
        "Time taken compared with what was promised?",
    ),
    ("courtesy", "likert5", "Cán bộ có lịch sự và nhiệt tình hỗ trợ không?", "Were staff courteous and helpful?"),
    (
        "fairness",
        "likert5",
        "Việc giải quyết có công bằng và minh bạch không?",
        "Was your case handled fairly and transparently?",
    ),
    ("outcome", "likert5", "Ông/Bà hài lòng với kết quả nhận được?", "How satisfied are you with the outcome?"),
    (
        "visits",
        "visits",
        "Ông/Bà đã phải đến (hoặc liên hệ) bao nhiêu lần?",
        "How many visits or contacts did it take?",
    ),
    (
        "comment",
        "text",
        "Ông/Bà có góp ý gì thêm không? (không ghi họ tên, số điện thoại)",
        "Anything else you would like to tell us? (please do not include your name or phone number)",
    ),
)


def create_question_set(version: int, questions=DEFAULT_QUESTIONS, active: bool = True) -> QuestionSet:
    """Add a question set; making it active deactivates the others (old responses keep theirs)."""
    if active:
        for other in db.session.scalars(select(QuestionSet).where(QuestionSet.active)):
            other.active = False
    qset = QuestionSet(version=version, active=active)
    for position, (key, kind, text_vi, text_en) in enumerate(questions):
        qset.questions.append(Question(key=key, kind=kind, position=position, text_vi=text_vi, text_en=text_en))
    db.session.add(qset)
    return qset


def active_question_set() -> QuestionSet:
    """The active set, creating version 1 on first use (safe if two requests race)."""
    qset = db.session.scalar(
        select(QuestionSet)
        .where(QuestionSet.active)
        .order_by(QuestionSet.version.desc())
        .options(selectinload(QuestionSet.questions))  # the form needs every question: load them at once
    )
    if qset is not None:
        return qset
    try:
        create_question_set(1)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    return db.session.scalar(select(QuestionSet).where(QuestionSet.version == 1))
