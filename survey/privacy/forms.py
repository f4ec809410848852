"""The citizen's data-subject request forms (CSRF on both)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Regexp

KIND_CHOICES = [
    SelectChoice("access", _l("See what is held about my case")),
    SelectChoice("erasure", _l("Erase my personal data")),
]


class RequestForm(FlaskForm):
    code = StringField(
        _l("Code from your message or slip"),
        description=_l(
            "The 8-character code on your SMS or counter slip (for example ABCD-EFGH), or the survey link itself."
        ),
        validators=[InputRequired(_l("Enter the code.")), Length(max=200)],
    )
    kind = RadioField(
        _l("What would you like?"), choices=KIND_CHOICES, validators=[InputRequired(_l("Choose one option."))]
    )
    submit = SubmitField(_l("Send the request"))


class ConfirmForm(FlaskForm):
    code = StringField(
        _l("Code we sent by SMS"),
        validators=[InputRequired(_l("Enter the code.")), Regexp(r"^\s*\d{6}\s*$", message=_l("Enter the 6 digits."))],
    )
    submit = SubmitField(_l("Confirm"))
