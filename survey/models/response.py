"""Versioned question sets and the citizens' responses to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    case,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.base import utcnow

# "Satisfied" is the top two of the five levels (METHODOLOGY §1); drivers use the same cut,
# except the number of visits, where one visit is the positive answer.
SATISFIED_FROM = 4


class QuestionSet(db.Model):
    __tablename__ = "question_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    questions: Mapped[list[Question]] = relationship(back_populates="question_set", order_by="Question.position")


class Question(db.Model):
    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("question_set_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_set_id: Mapped[int] = mapped_column(ForeignKey("question_set.id"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    # "likert5" (5 = very satisfied), "visits" (1, 2, 3 = "three or more") or "text"
    kind: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    text_vi: Mapped[str] = mapped_column(String(300))
    text_en: Mapped[str] = mapped_column(String(300))

    question_set: Mapped[QuestionSet] = relationship(back_populates="questions")

    def text(self, locale: str) -> str:
        return self.text_en if locale == "en" else self.text_vi


class Response(db.Model):
    """One citizen's answers. ``invitation_id`` is unique: the database refuses a second response.

    Agency and service are copied from the case so aggregation needs no join; a case
    never changes agency or service after intake.
    """

    __tablename__ = "response"
    __table_args__ = (CheckConstraint("overall IS NULL OR (overall BETWEEN 1 AND 5)", name="overall_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id"), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    question_set_id: Mapped[int] = mapped_column(ForeignKey("question_set.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # How it was answered (survey.vocabulary.ANSWER_CHANNELS); "assisted" never counts in the ranking.
    channel: Mapped[str] = mapped_column(String(16), default="web")
    # How its invitation was made (survey.vocabulary.MINT_SOURCES), copied from the case.
    minted_by: Mapped[str] = mapped_column(String(16), default="api_key", server_default="api_key")
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

    @staticmethod
    def positive_expression(kind, value):
        """SQL for a positive driver answer: one visit, or the top two levels of a scale."""
        return case(
            (kind == "visits", case((value == 1, 1), else_=0)), else_=case((value >= SATISFIED_FROM, 1), else_=0)
        )
