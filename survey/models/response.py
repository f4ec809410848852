"""Versioned question sets and the citizens' responses to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    case,
    false,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.base import utcnow

# "Satisfied" is the top two of the five levels (METHODOLOGY §1). Driver questions say
# for each of their options whether it is the positive answer (``QuestionOption.positive``).
SATISFIED_FROM = 4
# The five factors of Vietnam's SIPAS index that a driver question can measure.
SIPAS_FACTORS = ("access", "procedure", "civil_servant", "result", "feedback")
# Question sets made before options were versioned (every driver on the satisfaction scale)
# are scheme 1; the standard set that replaces them on first use is scheme 2.
CURRENT_SCHEME = 2


class QuestionSet(db.Model):
    __tablename__ = "question_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    scheme: Mapped[int] = mapped_column(SmallInteger, default=CURRENT_SCHEME, server_default="1")

    questions: Mapped[list[Question]] = relationship(back_populates="question_set", order_by="Question.position")


class Question(db.Model):
    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("question_set_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_set_id: Mapped[int] = mapped_column(ForeignKey("question_set.id"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    # "choice" (answered with one of its options) or "text"; scheme-1 sets also have
    # "likert5" (5 = very satisfied) and "visits" (1, 2, 3 = "three or more"), with options too.
    kind: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    text_vi: Mapped[str] = mapped_column(String(300))
    text_en: Mapped[str] = mapped_column(String(300))
    # One of SIPAS_FACTORS for a driver question; None for the overall and free-text questions.
    factor: Mapped[str | None] = mapped_column(String(16))

    question_set: Mapped[QuestionSet] = relationship(back_populates="questions")
    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question", order_by="QuestionOption.position", cascade="all, delete-orphan"
    )

    def text(self, locale: str) -> str:
        return self.text_en if locale == "en" else self.text_vi


class QuestionOption(db.Model):
    """One answer a question offers, versioned with its question set (a new set copies them).

    ``value`` is what an answer stores; ``positive`` says what the drivers count: True for
    the positive answer(s), False for the others, None for answers left out ("not sure").
    """

    __tablename__ = "question_option"
    __table_args__ = (UniqueConstraint("question_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    value: Mapped[int] = mapped_column(SmallInteger)
    position: Mapped[int] = mapped_column(Integer)
    label_vi: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    positive: Mapped[bool | None] = mapped_column(Boolean)

    question: Mapped[Question] = relationship(back_populates="options")

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_vi


class Response(db.Model):
    """One citizen's answers, not joinable to the case or invitation they answer.

    ``link_hash`` (HMAC of the link token under a key derived from the server's secret,
    survey.tokens.response_link_hash) is unique: the database refuses a second response
    per link, and whoever holds the link can find this response again, but nothing stored
    points at an invitation. Agency, service and provenance are copied from the case; the
    submission time is kept to the hour so it cannot be matched against a link's activity.
    """

    __tablename__ = "response"
    __table_args__ = (
        CheckConstraint("overall IS NULL OR (overall BETWEEN 1 AND 5)", name="overall_range"),
        # The integrity checks read one agency's answers of one month (only for flagged agencies).
        Index("ix_response_agency_id_submitted_at", "agency_id", "submitted_at"),
        # Device hashes live a few weeks: the device check (grouped by agency and device) and their
        # erasure read only the rows that still have one.
        Index(
            "ix_response_device_hash",
            "agency_id",
            "device_hash",
            "submitted_at",
            postgresql_where=text("device_hash IS NOT NULL"),
            sqlite_where=text("device_hash IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    link_hash: Mapped[str] = mapped_column(String(64), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))  # indexed with submitted_at
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    question_set_id: Mapped[int] = mapped_column(ForeignKey("question_set.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # How it was answered (survey.vocabulary.ANSWER_CHANNELS); "assisted" never counts in the ranking.
    channel: Mapped[str] = mapped_column(String(16), default="web")
    # How the case came in (survey.models.case.CHANNELS: online, counter, post), copied from the
    # case like agency and service, so channels can be compared without joining the answer to it.
    case_channel: Mapped[str | None] = mapped_column(String(16))
    # How its invitation was made (survey.vocabulary.MINT_SOURCES), copied from the case.
    minted_by: Mapped[str] = mapped_column(String(16), default="api_key", server_default="api_key")
    # The integrating system that minted the link (so revoking a key can hold its answers).
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"), index=True)
    # Answered within minutes of the link being issued (the burst check), decided at submission.
    quick: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Overall and every answer at their most positive (the straight-lining check), decided at
    # submission (survey.integrity.straight_line); answers are never changed afterwards.
    all_positive: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # "counted", "held" or "voided" (survey.models.integrity); only counted answers are published.
    integrity: Mapped[str] = mapped_column(String(8), default="counted", server_default="counted", index=True)
    # Keyed, daily-rotating hash of the answering address: erased after the check window.
    device_hash: Mapped[str | None] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(8), default="vi")
    overall: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    # The privacy notice version the citizen was shown (survey.privacy.notice); null before notices were versioned.
    notice_version: Mapped[str | None] = mapped_column(String(16))

    answers: Mapped[list[Answer]] = relationship(back_populates="response")

    @hybrid_property
    def satisfied(self) -> int | None:
        """1 satisfied, 0 not, None for "no answer" (left out of numerator and denominator)."""
        return None if self.overall is None else int(self.overall >= SATISFIED_FROM)

    @satisfied.inplace.expression
    @classmethod
    def _satisfied_expression(cls):
        return case((cls.overall >= SATISFIED_FROM, 1), (cls.overall.is_not(None), 0), else_=None)


class Answer(db.Model):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    value: Mapped[int] = mapped_column(SmallInteger)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
