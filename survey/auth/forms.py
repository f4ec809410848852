"""Sign-in and password-reset forms (CSRF-protected by Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

# Deliberately loose: the address only has to look like one; the database decides the rest.
EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+\Z"
MIN_PASSWORD = 12
MAX_PASSWORD = 256


def email_field() -> EmailField:
    return EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Length(max=254),
            Regexp(EMAIL_SHAPE, message=_l("Enter an e-mail address like name@example.gov.vn.")),
        ],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )


class SignInForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=MAX_PASSWORD)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Sign in"))


class ResetRequestForm(FlaskForm):
    email = email_field()
    submit = SubmitField(_l("Send me a reset link"))


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Enter a new password.")),
            Length(
                min=MIN_PASSWORD,
                max=MAX_PASSWORD,
                message=_l("Use between %(min)d and %(max)d characters.", min=MIN_PASSWORD, max=MAX_PASSWORD),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(_l("Repeat the new password.")), EqualTo("password", _l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Set new password"))
