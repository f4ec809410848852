"""The survey form, built from the question set the citizen is answering."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from survey.citizen.link_csrf import LinkCSRF
from survey.models import QuestionSet
from survey.questions import QuestionSetView

# Only the overall question must be answered; leaving any other question blank is how a
# citizen skips it (there is no "No answer" option to choose).
REQUIRED_KEY = "overall"
HELPED = "yes"


def helped_choices() -> list[SelectChoice]:
    return [
        SelectChoice("no", _l("No, I filled it in myself")),
        SelectChoice(HELPED, _l("Yes, someone helped me or filled it in for me")),
    ]


class SurveyForm(FlaskForm):
    """Fields are added per question set by ``survey_form_class``.

    ``helped`` is optional and plain: answers someone helped with are kept but never ranked.
    Its CSRF token is bound to the link, not to a session (survey.citizen.link_csrf).
    """

    class Meta:
        csrf_class = LinkCSRF

    helped = RadioField(_l("Did someone help you fill this in?"), choices=helped_choices(), validators=[Optional()])
    submit = SubmitField(_l("Send my answers"))


# A form class per question set and language, kept per worker: building one (a class with
# a field per question) was ~1/4 of a form's instantiation time under py-spy. Question sets
# are never edited in place (a change is a new version with a new id); each app keeps its own.
def survey_form_class(qset: QuestionSet | QuestionSetView, locale: str) -> type[SurveyForm]:
    classes: dict[tuple[int, str], type[SurveyForm]] = current_app.extensions.setdefault("survey_form_classes", {})
    key = (qset.id, locale)
    kept = classes.get(key)
    if kept is None:
        if len(classes) > 64:  # question sets are few; never grow without bound
            classes.clear()
        kept = classes[key] = _build_form_class(qset, locale)
    return kept


def _build_form_class(qset: QuestionSet | QuestionSetView, locale: str) -> type[SurveyForm]:
    attrs = {}
    for question in qset.questions:
        label = question.text(locale)
        if question.kind == "text":
            limit = current_app.config["COMMENT_MAX_CHARS"]
            attrs[question.key] = TextAreaField(
                label,
                validators=[
                    Optional(),
                    Length(max=limit, message=_l("Shorten your comment to %(max)d characters or fewer", max=limit)),
                ],
                render_kw={"maxlength": limit, "rows": 3},
            )
            continue
        choices = [SelectChoice(str(option.value), option.label(locale)) for option in question.options]
        validators = (
            [InputRequired(_l("Choose how satisfied you are overall"))]
            if question.key == REQUIRED_KEY
            else [Optional()]
        )
        attrs[question.key] = RadioField(
            label,
            choices=choices,
            validators=validators,
            invalid_choice_message=_l("Choose one of the answers shown"),
            invalid_value_message=_l("Choose one of the answers shown"),
        )
    return type("BoundSurveyForm", (SurveyForm,), attrs)


class VerifyForm(FlaskForm):
    code = StringField(
        _l("Code from your SMS or slip"),
        validators=[
            InputRequired(_l("Enter the code from your SMS or slip")),
            Length(max=32, message=_l("Enter the code as printed: 8 letters and digits")),
        ],
        description=_l("8 letters and digits, for example KX7P-M4QT"),
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters", "maxlength": 32},
    )
    submit = SubmitField(_l("Check the code"))
