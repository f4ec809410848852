"""The auditor's forms: a period filter and a decision with its reason."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ranking.periods import parse_period

REASON_MAX = 1000


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    period = StringField(_l("Period (2026-10 or 2026-Q3)"), validators=[Optional(), Length(max=7)])
    submit = SubmitField(_l("Show"))

    def validate_period(self, field) -> None:
        if field.data:
            try:
                parse_period(field.data)
            except ValueError:
                raise ValidationError(_l("Enter a month like 2026-10 or a quarter like 2026-Q3.")) from None


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("release", _l("Release: the answers count")),
            SelectChoice("void", _l("Void: the answers never count")),
        ],
        validators=[InputRequired(_l("Choose release or void."))],
    )
    reason = TextAreaField(
        _l("Reason (kept in the audit log)"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(_l("Give a reason.")),
            Length(max=REASON_MAX, message=_l("At most %(max)d characters.", max=REASON_MAX)),
        ],
        render_kw={"maxlength": REASON_MAX, "rows": 4},
    )
    submit = SubmitField(_l("Record the decision"))
