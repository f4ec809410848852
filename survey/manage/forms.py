"""Managers' forms. Agency and assignee ids are checked against the user's subtree in the views
(404 when outside), not as choice errors, so probing ids looks like asking for nothing."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ranking.periods import CITY_TZ
from survey.bounds import DateInRange
from survey.choice_fields import CheckboxListField
from survey.manage.triage import REPLY_MAX
from survey.vocabulary import (
    FACTOR_LABELS,
    FEEDBACK_STATUS_LABELS,
    INBOX_VIEW_LABELS,
    PLAN_STATUS_LABELS,
    RATING_LABELS,
)

TEXT_MAX = 2000
BULK_ACTIONS = ("acknowledged", "dismissed", "new")


def status_choices(labels: dict, blank: object | None = None) -> list[SelectChoice]:
    choices = [SelectChoice(key, label) for key, label in labels.items()]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


class AgencyPickerForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    agency = SelectField(_l("Agency"), validate_choice=False)


class InboxFilterForm(FlaskForm):
    class Meta:
        csrf = False

    period = SelectField(_l("Period"), validate_choice=False)
    agency = SelectField(_l("Agency"), validate_choice=False)
    service = SelectField(_l("Service"), validate_choice=False)
    rating = SelectField(
        _l("Overall rating"), choices=status_choices(RATING_LABELS, _l("Any rating")), validators=[Optional()]
    )
    status = SelectField(
        _l("Status"), choices=status_choices(INBOX_VIEW_LABELS, _l("Any status")), validators=[Optional()]
    )
    q = SearchField(_l("Text contains"), validators=[Optional(), Length(max=100)])


class TriageForm(FlaskForm):
    status = SelectField(_l("Status"), choices=status_choices(FEEDBACK_STATUS_LABELS))
    assignee = SelectField(_l("Assigned to"), validate_choice=False)
    tags = StringField(
        _l("Tags"),
        validators=[Optional(), Length(max=300)],
        description=_l("Separate tags with commas, for example: queue, fees."),
    )
    reply = TextAreaField(
        _l("Reply to the citizen"),
        validators=[Optional(), Length(max=REPLY_MAX)],
        render_kw={"rows": 5, "maxlength": REPLY_MAX},
    )
    reply_public = BooleanField(_l("Publish this reply on the agency's public page"))
    submit = SubmitField(_l("Save"))


class BulkForm(FlaskForm):
    action = SelectField(
        _l("Set the status of the selected comments to"),
        choices=[SelectChoice(key, FEEDBACK_STATUS_LABELS[key]) for key in BULK_ACTIONS],
    )
    submit = SubmitField(_l("Apply to selected"))


def today_in_city() -> date:
    return datetime.now(CITY_TZ).date()


class PlanForm(FlaskForm):
    agency = SelectField(_l("Agency"), validate_choice=False)
    what = TextAreaField(
        _l("What will change"),
        validators=[DataRequired(_l("Describe what will change.")), Length(max=TEXT_MAX)],
        render_kw={"rows": 5, "maxlength": TEXT_MAX},
    )
    target = StringField(
        _l("Target"),
        validators=[DataRequired(_l("State the figure you aim for.")), Length(max=300)],
        description=_l("The figure you aim for, for example: 85 in 100 citizens satisfied with birth registration."),
    )
    measure = TextAreaField(
        _l("How it will be measured"),
        validators=[DataRequired(_l("Say how progress will be measured.")), Length(max=TEXT_MAX)],
        description=_l("For example: the share of satisfied answers in the monthly publication."),
        render_kw={"rows": 3, "maxlength": TEXT_MAX},
    )
    services = CheckboxListField(_l("Services it addresses"), coerce=int)
    drivers = CheckboxListField(
        _l("Aspects of the service it addresses"),
        choices=[SelectChoice(key, label) for key, label in FACTOR_LABELS.items()],  # the SIPAS factors
    )
    owner = StringField(
        _l("Who is responsible"),
        validators=[DataRequired(_l("Name the person or unit responsible.")), Length(max=200)],
    )
    due_on = DateField(_l("Due date"), validators=[DataRequired(_l("Enter a due date.")), DateInRange()])
    submit = SubmitField(_l("File the plan"))

    def validate_due_on(self, field: DateField) -> None:
        if field.data and field.data < today_in_city():
            raise ValidationError(_l("The due date cannot be in the past."))


class ReviewForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("publish", _l("Approve and publish the plan")),
            SelectChoice("return", _l("Send it back for changes")),
        ],
        validators=[DataRequired(_l("Choose whether to publish the plan or send it back."))],
    )
    note = TextAreaField(
        _l("Note to the agency"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l("Needed when you send the plan back: say what should change."),
        render_kw={"rows": 3, "maxlength": TEXT_MAX},
    )
    submit = SubmitField(_l("Record the decision"))

    def validate_note(self, field: TextAreaField) -> None:
        if self.decision.data == "return" and not (field.data or "").strip():
            raise ValidationError(_l("Say what should change before sending the plan back."))


class ProgressForm(FlaskForm):
    status = SelectField(_l("Status"), choices=status_choices(PLAN_STATUS_LABELS))
    note = TextAreaField(
        _l("Progress note (published with the plan)"),
        validators=[DataRequired(_l("Write a short progress note.")), Length(max=TEXT_MAX)],
        render_kw={"rows": 4, "maxlength": TEXT_MAX},
    )
    submit = SubmitField(_l("Add progress note"))
