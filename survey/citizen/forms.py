"""The survey form, built from the question set the citizen is answering."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from survey.models import QuestionSet
from survey.questions import QuestionSetView

NO_ANSWER = "0"


def likert_choices() -> list[SelectChoice]:
    return [
        SelectChoice("5", _l("Very satisfied")),
        SelectChoice("4", _l("Satisfied")),
        SelectChoice("3", _l("Neither satisfied nor dissatisfied")),
        SelectChoice("2", _l("Dissatisfied")),
        SelectChoice("1", _l("Very dissatisfied")),
        SelectChoice(NO_ANSWER, _l("No answer")),
    ]


def visit_choices() -> list[SelectChoice]:
    return [
        SelectChoice("1", _l("One")),
        SelectChoice("2", _l("Two")),
        SelectChoice("3", _l("Three or more")),
        SelectChoice(NO_ANSWER, _l("No answer")),
    ]


HELPED = "yes"


def helped_choices() -> list[SelectChoice]:
    return [
        SelectChoice("no", _l("No, I filled it in myself")),
        SelectChoice(HELPED, _l("Yes, someone helped me or filled it in for me")),
    ]


class SurveyForm(FlaskForm):
    """Fields are added per question set by ``survey_form_class``.

    ``helped`` is optional and plain: answers someone helped with are kept but never ranked.
    """

    helped = RadioField(_l("Did someone help you fill this in?"), choices=helped_choices(), validators=[Optional()])
    submit = SubmitField(_l("Send my answers"))


def survey_form_class(qset: QuestionSet | QuestionSetView, locale: str) -> type[SurveyForm]:
    attrs = {}
    for question in qset.questions:
        label = question.text(locale)
        if question.kind == "likert5":
            # Only the headline question must be answered (it offers "No answer" itself).
            validators = (
                [InputRequired(_l("Please choose an answer (or 'No answer')."))]
                if question.key == "overall"
                else [Optional()]
            )
            attrs[question.key] = RadioField(label, choices=likert_choices(), validators=validators)
        elif question.kind == "visits":
            attrs[question.key] = RadioField(label, choices=visit_choices(), validators=[Optional()])
        elif question.kind == "text":
            limit = current_app.config["COMMENT_MAX_CHARS"]
            attrs[question.key] = TextAreaField(
                label,
                validators=[Optional(), Length(max=limit, message=_l("At most %(max)d characters.", max=limit))],
                render_kw={"maxlength": limit, "rows": 4},
            )
    return type("BoundSurveyForm", (SurveyForm,), attrs)
