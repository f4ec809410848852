"""The standard question set (METHODOLOGY §1) and access to the active version."""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from survey.extensions import db
from survey.models import Question, QuestionOption, QuestionSet
from survey.models.response import CURRENT_SCHEME


@dataclass(frozen=True)
class OptionSpec:
    """An answer option: stored ``value``, labels, and whether drivers count it positive (None: left out)."""

    value: int
    text_vi: str
    text_en: str
    positive: bool | None


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    kind: str  # "likert5" (the overall question), "choice" or "text"
    factor: str | None  # one of SIPAS_FACTORS for a driver question
    text_vi: str
    text_en: str
    options: tuple[OptionSpec, ...] = ()


def _opt(value: int, text_vi: str, text_en: str, positive: bool | None) -> OptionSpec:
    return OptionSpec(value, text_vi, text_en, positive)


# The overall question is the ranking's 5-point satisfaction scale (5 = very satisfied);
# "satisfied" (METHODOLOGY §1) is 4 or 5. Keep its values: the ranking reads them.
SATISFACTION = (
    _opt(5, "Rất hài lòng", "Very satisfied", True),
    _opt(4, "Hài lòng", "Satisfied", True),
    _opt(3, "Bình thường", "Neither satisfied nor dissatisfied", False),
    _opt(2, "Không hài lòng", "Dissatisfied", False),
    _opt(1, "Rất không hài lòng", "Very dissatisfied", False),
)

# The standard instrument: the overall question first, then one or two concrete questions
# per SIPAS factor, each with answers that fit it, then optional free text.
DEFAULT_QUESTIONS = (
    QuestionSpec(
        "overall",
        "likert5",
        None,
        "Nhìn chung, Ông/Bà hài lòng thế nào với cách hồ sơ của mình được giải quyết?",
        "Overall, how satisfied are you with how your case was handled?",
        SATISFACTION,
    ),
    QuestionSpec(
        "timeliness",
        "choice",
        "result",
        "Ông/Bà nhận kết quả so với ngày hẹn trả thế nào?",
        "When did you get the result, compared with the date you were promised?",
        (
            _opt(1, "Sớm hơn ngày hẹn", "Earlier than promised", True),
            _opt(2, "Đúng ngày hẹn", "On the promised day", True),
            _opt(3, "Muộn hơn ngày hẹn", "Later than promised", False),
            _opt(4, "Không nhớ hoặc không được hẹn ngày", "I don't remember, or no date was given", None),
        ),
    ),
    QuestionSpec(
        "visits",
        "choice",
        "access",
        "Ông/Bà đã phải đến hoặc liên hệ cơ quan bao nhiêu lần cho hồ sơ này?",
        "How many times did you have to go to or contact the office for this case?",
        (
            _opt(1, "1 lần", "Once", True),
            _opt(2, "2 lần", "Twice", False),
            _opt(3, "3 lần trở lên", "Three times or more", False),
        ),
    ),
    QuestionSpec(
        "ease",
        "choice",
        "procedure",
        "Ông/Bà thấy thủ tục (giấy tờ phải nộp, các bước) dễ hay khó thực hiện?",
        "How easy or difficult was the procedure (the documents and the steps)?",
        (
            _opt(5, "Rất dễ", "Very easy", True),
            _opt(4, "Dễ", "Easy", True),
            _opt(3, "Không dễ cũng không khó", "Neither easy nor difficult", False),
            _opt(2, "Khó", "Difficult", False),
            _opt(1, "Rất khó", "Very difficult", False),
        ),
    ),
    QuestionSpec(
        "fairness",
        "choice",
        "procedure",
        "Ông/Bà có bị yêu cầu nộp thêm giấy tờ hoặc khoản tiền nào ngoài quy định đã công khai không?",
        "Were you asked for any document or payment not listed in the published procedure?",
        (
            _opt(1, "Không", "No", True),
            _opt(2, "Có", "Yes", False),
            _opt(3, "Không rõ", "Not sure", None),
        ),
    ),
    QuestionSpec(
        "courtesy",
        "choice",
        "civil_servant",
        "Ông/Bà có đồng ý: “Cán bộ hướng dẫn rõ ràng và đối xử lịch sự với tôi”?",
        "Do you agree: “The staff explained clearly what I had to do and treated me politely”?",
        (
            _opt(5, "Hoàn toàn đồng ý", "Strongly agree", True),
            _opt(4, "Đồng ý", "Agree", True),
            _opt(3, "Phân vân", "Neither agree nor disagree", False),
            _opt(2, "Không đồng ý", "Disagree", False),
            _opt(1, "Hoàn toàn không đồng ý", "Strongly disagree", False),
        ),
    ),
    QuestionSpec(
        "outcome",
        "choice",
        "result",
        "Kết quả Ông/Bà nhận được có đúng và đầy đủ không?",
        "Was the result you received correct and complete?",
        (
            _opt(1, "Có, đúng và đầy đủ", "Yes, correct and complete", True),
            _opt(2, "Có sai sót, phải sửa lại", "It had mistakes that had to be corrected", False),
            _opt(3, "Chưa nhận được kết quả", "I have not received it", False),
        ),
    ),
    QuestionSpec(
        "complaint",
        "choice",
        "feedback",
        "Nếu Ông/Bà đã góp ý hoặc phản ánh với cơ quan, ý kiến đó có được trả lời không?",
        "If you made a suggestion or complaint to the office, was it answered?",
        (
            _opt(1, "Có, đã được trả lời", "Yes, it was answered", True),
            _opt(2, "Không được trả lời", "No, it was not answered", False),
            _opt(3, "Tôi không góp ý", "I did not make one", None),
        ),
    ),
    QuestionSpec(
        "comment",
        "text",
        None,
        "Ông/Bà có góp ý gì thêm không? (không ghi họ tên, số điện thoại)",
        "Anything else you would like to tell us? (please do not include your name or phone number)",
    ),
)


def create_question_set(
    version: int, questions: tuple[QuestionSpec, ...] | list[QuestionSpec] = DEFAULT_QUESTIONS, active: bool = True
) -> QuestionSet:
    """Add a question set with its options; making it active deactivates the others (old responses keep theirs)."""
    if active:
        for other in db.session.scalars(select(QuestionSet).where(QuestionSet.active)):
            other.active = False
    qset = QuestionSet(version=version, active=active, scheme=CURRENT_SCHEME)
    for position, spec in enumerate(questions):
        question = Question(
            key=spec.key,
            kind=spec.kind,
            factor=spec.factor,
            position=position,
            text_vi=spec.text_vi,
            text_en=spec.text_en,
        )
        for index, option in enumerate(spec.options):
            question.options.append(
                QuestionOption(
                    value=option.value,
                    position=index,
                    label_vi=option.text_vi,
                    label_en=option.text_en,
                    positive=option.positive,
                )
            )
        qset.questions.append(question)
    db.session.add(qset)
    return qset


def specs_of(qset: QuestionSet) -> list[QuestionSpec]:
    """A stored set as specs, to copy into a new version."""
    return [
        QuestionSpec(
            q.key,
            q.kind,
            q.factor,
            q.text_vi,
            q.text_en,
            tuple(OptionSpec(o.value, o.label_vi, o.label_en, o.positive) for o in q.options),
        )
        for q in qset.questions
    ]


def _load_active() -> QuestionSet | None:
    return db.session.scalar(
        select(QuestionSet)
        .where(QuestionSet.active)
        .order_by(QuestionSet.version.desc())
        .options(selectinload(QuestionSet.questions).selectinload(Question.options))  # the form needs them all
    )


def active_question_set() -> QuestionSet:
    """The active set. On first use it creates the standard set: as version 1 in a new database,
    or as the next version where the active set predates per-question options (scheme 1),
    whose answers keep their version. Safe if two requests race (the version is unique).
    """
    qset = _load_active()
    if qset is not None and qset.scheme >= CURRENT_SCHEME:
        return qset
    version = 1 if qset is None else qset.version + 1
    try:
        create_question_set(version)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    return _load_active()


@dataclass(frozen=True)
class OptionView:
    value: int
    label_vi: str
    label_en: str
    positive: bool | None = None  # as QuestionOption.positive (submission decides Response.all_positive)

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_vi


@dataclass(frozen=True)
class QuestionView:
    """A question as plain values: safe to keep between requests (no session attached)."""

    id: int
    key: str
    kind: str
    text_vi: str
    text_en: str
    options: tuple[OptionView, ...] = ()

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
        questions=tuple(
            QuestionView(
                q.id,
                q.key,
                q.kind,
                q.text_vi,
                q.text_en,
                tuple(OptionView(o.value, o.label_vi, o.label_en, o.positive) for o in q.options),
            )
            for q in qset.questions
        ),
    )
    if ttl > 0:
        current_app.extensions["survey_question_set"] = (view, time.monotonic() + ttl)
    return view


def forget_survey_question_set() -> None:
    """Drop this worker's copy (after an administrator activates a new version here)."""
    current_app.extensions.pop("survey_question_set", None)
