"""The standard question set (METHODOLOGY §1) and access to the active version."""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app
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


@dataclass(frozen=True)
class QuestionView:
    """A question as plain values: safe to keep between requests (no session attached)."""

    id: int
    key: str
    kind: str
    text_vi: str
    text_en: str

    def text(self, locale: str) -> str:
        return self.text_en if locale == "en" else self.text_vi


@dataclass(frozen=True)
class QuestionSetView:
    id: int
    version: int
    questions: tuple[QuestionView, ...]


def survey_question_set() -> QuestionSetView:
    """The active set for the citizen form, kept per worker for QUESTION_SET_CACHE_SECONDS.

    Every survey page and submission needs it, and it changes only when an administrator
    saves a new version. Until a worker notices (at most the cache time), citizens answer
    the previous version, which stays valid: each response records the version it answered.
    """
    ttl = current_app.config["QUESTION_SET_CACHE_SECONDS"]
    kept = current_app.extensions.get("survey_question_set")
    if kept is not None and kept[1] > time.monotonic():
        return kept[0]
    qset = active_question_set()
    view = QuestionSetView(
        id=qset.id,
        version=qset.version,
        questions=tuple(QuestionView(q.id, q.key, q.kind, q.text_vi, q.text_en) for q in qset.questions),
    )
    if ttl > 0:
        current_app.extensions["survey_question_set"] = (view, time.monotonic() + ttl)
    return view


def forget_survey_question_set() -> None:
    """Drop this worker's copy (after an administrator activates a new version here)."""
    current_app.extensions.pop("survey_question_set", None)
