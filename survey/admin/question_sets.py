"""Question-set versions: a new version copies the active set's keys, kinds, factors and option
values with edited question texts and option labels.

Responses point at the set they answered (``question_set_id``), so activating a new
version never changes how earlier answers read.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from survey.admin.trail import actor
from survey.audit import record
from survey.extensions import db
from survey.models import QuestionSet, Response
from survey.questions import (
    OptionSpec,
    QuestionSpec,
    active_question_set,
    create_question_set,
    forget_survey_question_set,
)


class NewVersionRefused(Exception):
    """No version was made; ``str(error)`` says why, translated."""


def versions() -> list[tuple[QuestionSet, int]]:
    """Every version, newest first, with how many responses answered it."""
    active_question_set()  # make sure version 1 exists before listing
    counts = dict(
        db.session.execute(select(Response.question_set_id, func.count()).group_by(Response.question_set_id)).all()
    )
    sets = db.session.scalars(select(QuestionSet).order_by(QuestionSet.version.desc()))
    return [(qset, counts.get(qset.id, 0)) for qset in sets]


def texts_of(qset: QuestionSet) -> dict[str, dict]:
    return {
        q.key: {"vi": q.text_vi, "en": q.text_en, "options": [[o.label_vi, o.label_en] for o in q.options]}
        for q in qset.questions
    }


def new_version(texts: list[tuple[str, str]], labels: list[list[tuple[str, str]]] | None = None) -> QuestionSet:
    """Create and activate the next version.

    ``texts`` are (vi, en) in the active set's question order; ``labels`` the (vi, en) of each
    question's options in their order (None keeps them). Values and positive flags are copied,
    so answers to either version read the same way.
    """
    current = active_question_set()
    if labels is None:
        labels = [[(o.label_vi, o.label_en) for o in q.options] for q in current.questions]
    if len(texts) != len(current.questions) or len(labels) != len(current.questions):
        raise ValueError("one (vi, en) pair per question of the active set")
    if any(len(pairs) != len(q.options) for pairs, q in zip(labels, current.questions, strict=True)):
        raise ValueError("one (vi, en) pair per option of each question")
    unchanged_texts = [(q.text_vi, q.text_en) for q in current.questions] == list(texts)
    unchanged_labels = [[(o.label_vi, o.label_en) for o in q.options] for q in current.questions] == [
        list(pairs) for pairs in labels
    ]
    if unchanged_texts and unchanged_labels:
        raise NewVersionRefused(_("No text was changed, so no new version was made."))
    questions = [
        QuestionSpec(
            q.key,
            q.kind,
            q.factor,
            text_vi,
            text_en,
            tuple(
                OptionSpec(o.value, label_vi, label_en, o.positive)
                for o, (label_vi, label_en) in zip(q.options, pairs, strict=True)
            ),
        )
        for q, (text_vi, text_en), pairs in zip(current.questions, texts, labels, strict=True)
    ]
    version = (db.session.scalar(select(func.max(QuestionSet.version))) or 0) + 1
    before = {"active_version": current.version, "texts": texts_of(current)}
    try:
        qset = create_question_set(version, questions, active=True)
        db.session.flush()
        after = {"active_version": version, "texts": texts_of(qset)}
        record(actor(), "question_set.create", f"question_set:{qset.id}", before, after)
        db.session.commit()
        forget_survey_question_set()  # other workers follow within QUESTION_SET_CACHE_SECONDS
    except IntegrityError:  # another admin saved the same version number first
        db.session.rollback()
        raise NewVersionRefused(_("Someone else saved a new version meanwhile; check it and edit again.")) from None
    return qset
