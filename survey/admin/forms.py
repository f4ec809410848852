"""Admin forms (Flask-WTF, CSRF on every POST). Value rules come from ``rules.py``, as for CSV imports."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    FileField,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from ranking.periods import parse_period
from survey.admin import rules
from survey.admin.accounts import email_taken
from survey.admin.agencies import code_taken
from survey.admin.peer_groups import peer_group_taken
from survey.bounds import DateInRange
from survey.choice_fields import CheckboxListField
from survey.models import Service
from survey.models.agency import AGENCY_KINDS, PARENT_KINDS
from survey.models.credentials import ROLES
from survey.vocabulary import KIND_LABELS, ROLE_LABELS

BAD_CHOICE = _l("Choose one of the listed options.")
BAD_DATE = _l("Enter a date like 2026-10-31.")
SHEET_DATE = [Optional(), DateInRange()]
NO_AGENCY = 0  # the "none" option of agency selects (ids start at 1)


class Rule:
    """Wrap a ``rules.*_problem`` function as a WTForms validator."""

    def __init__(self, check: Callable[..., str | None], *args: object) -> None:
        self.check = check
        self.args = args

    def __call__(self, form: Form, field) -> None:
        problem = self.check(field.data or "", *self.args)
        if problem:
            raise ValidationError(problem)


def text_field(label, max_length: int, required: bool = True, **kwargs) -> StringField:
    return StringField(
        label,
        filters=[rules.normalise],
        validators=[Rule(rules.text_problem, max_length, required)],
        render_kw={"maxlength": max_length},
        **kwargs,
    )


def code_field(label, **kwargs) -> StringField:
    return StringField(
        label,
        filters=[rules.normalise],
        validators=[Rule(rules.code_problem)],
        render_kw={"maxlength": 64, "spellcheck": "false", "autocomplete": "off"},
        **kwargs,
    )


def choice_field(label, choices, **kwargs) -> SelectField:
    return SelectField(
        label, choices=choices, invalid_choice_message=BAD_CHOICE, invalid_value_message=BAD_CHOICE, **kwargs
    )


def options(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def with_none(none_label: str, pairs: list[tuple[int, str]]) -> list[SelectChoice]:
    return options([(NO_AGENCY, none_label), *pairs])


class AgencyForm(FlaskForm):
    code = code_field(_l("Code"), description=_l("Used by case systems and in published data; it cannot change later."))
    name_vi = text_field(_l("Name in Vietnamese"), rules.NAME_MAX)
    name_en = text_field(_l("Name in English"), rules.NAME_MAX, required=False)
    kind = choice_field(_l("Kind"), options((kind, KIND_LABELS[kind]) for kind in AGENCY_KINDS))
    parent_id = choice_field(
        _l("Parent agency"),
        [],
        coerce=int,
        description=_l("Only agencies that may hold this kind are listed; wards and communes report to the city."),
    )
    peer_group = choice_field(
        _l("Peer group"),
        [],
        description=_l("Agencies are ranked only against their peer group. Add groups under “Peer groups”."),
    )
    active = BooleanField(_l("Active (accepts new cases)"), default=True)
    submit = SubmitField(_l("Save"))

    # The parent's kind by id, set by the view from the same query as the choices.
    parent_kinds: dict[int, str] = {}

    def validate_code(self, field) -> None:
        if code_taken(field.data):
            raise ValidationError(_("An agency with this code already exists."))

    def validate_parent_id(self, field) -> None:
        if field.data == NO_AGENCY:
            return
        if self.parent_kinds.get(field.data) not in PARENT_KINDS.get(self.kind.data, ()):
            raise ValidationError(_("An agency of this kind cannot sit under the chosen parent."))


class PeerGroupForm(FlaskForm):
    code = code_field(_l("Code"), description=_l("Letters, digits and dashes, e.g. ward; it cannot change later."))
    name_vi = text_field(_l("Name in Vietnamese"), rules.NAME_MAX)
    name_en = text_field(_l("Name in English"), rules.NAME_MAX, required=False)
    submit = SubmitField(_l("Add peer group"))

    def validate_code(self, field) -> None:
        if peer_group_taken(field.data):
            raise ValidationError(_("This peer group already exists."))


class ServiceForm(FlaskForm):
    code = code_field(_l("Code"), description=_l("Used by case systems; it cannot change later."))
    name_vi = text_field(_l("Name in Vietnamese"), rules.SERVICE_NAME_MAX)
    name_en = text_field(_l("Name in English"), rules.SERVICE_NAME_MAX, required=False)
    category = code_field(_l("Category"), description=_l("Services of one category are compared with each other."))
    committed_days = StringField(
        _l("Committed processing days"),
        filters=[rules.normalise],
        validators=[Rule(rules.days_problem)],
        render_kw={"inputmode": "numeric", "maxlength": 4},
    )
    active = BooleanField(_l("Active (accepts new cases)"), default=True)
    submit = SubmitField(_l("Save"))

    def validate_code(self, field) -> None:
        if code_taken(field.data, Service):
            raise ValidationError(_("A service with this code already exists."))


class UserForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        filters=[rules.normalise],
        validators=[Rule(rules.email_problem)],
        render_kw={"maxlength": rules.EMAIL_MAX, "autocomplete": "off", "spellcheck": "false"},
    )
    name = text_field(_l("Name"), rules.PERSON_NAME_MAX, required=False)
    # Least privilege first: a form filled in without touching the role creates a viewer.
    role = choice_field(_l("Role"), options((role, ROLE_LABELS[role]) for role in reversed(ROLES)), default="viewer")
    confirm_admin = BooleanField(
        _l("I confirm that this person may change every agency, account and publication of the city.")
    )
    agency_id = choice_field(
        _l("Agency"), [], coerce=int, description=_l("Managers and viewers see this agency and its sub-agencies.")
    )
    active = BooleanField(_l("Active (may sign in)"), default=True)
    submit = SubmitField(_l("Save"))

    # Set by the view when editing an existing administrator: keeping the role needs no new confirmation.
    already_admin = False

    def validate_confirm_admin(self, field) -> None:
        if self.role.data == "admin" and not self.already_admin and not field.data:
            raise ValidationError(_("Granting the administrator role needs this confirmation."))

    def validate_email(self, field) -> None:
        if email_taken(field.data):
            raise ValidationError(_("An account with this e-mail already exists."))

    def validate_agency_id(self, field) -> None:
        if self.role.data in ("manager", "viewer") and field.data == NO_AGENCY:
            raise ValidationError(_("Managers and viewers need an agency."))


class ApiKeyForm(FlaskForm):
    name = text_field(_l("Name of the system using the key"), 120)
    all_agencies = BooleanField(_l("All agencies (no restriction)"))
    agencies = CheckboxListField(
        _l("Agencies this key may post cases for"),
        coerce=int,
        choices=[],
        invalid_choice_message=BAD_CHOICE,
        invalid_value_message=BAD_CHOICE,
        description=_l("Tick each agency; to find one, type part of its code or name and press Find."),
    )
    include_subagencies = BooleanField(_l("Include their sub-agencies"), default=True)
    submit = SubmitField(_l("Create key"))

    def validate_agencies(self, field) -> None:
        if self.all_agencies.data and field.data:
            raise ValidationError(_("Either tick “All agencies” or choose agencies, not both."))
        if not self.all_agencies.data and not field.data:
            raise ValidationError(_("Choose at least one agency, or tick “All agencies”."))


class OptionTextForm(Form):
    """One answer option's two labels; its value and whether it counts as positive stay fixed."""

    label_vi = text_field(_l("Vietnamese"), 200)
    label_en = text_field(_l("English"), 200)


class QuestionTextForm(Form):
    """One question's two texts and its options' labels; key, kind and factor are fixed by the active set."""

    text_vi = text_field(_l("Vietnamese"), 300)
    text_en = text_field(_l("English"), 300)
    options = FieldList(FormField(OptionTextForm))


class QuestionSetForm(FlaskForm):
    questions = FieldList(FormField(QuestionTextForm))
    submit = SubmitField(_l("Save as a new version and activate it"))


def period_problem(value: str) -> str | None:
    try:
        parse_period(value)
    except ValueError:
        return _("Enter a month like 2026-10 or a quarter like 2026-Q3.")
    return None


class PublishForm(FlaskForm):
    period = StringField(
        _l("Period"),
        filters=[rules.normalise],
        validators=[Rule(period_problem)],
        description=_l("A month like 2026-10 or a quarter like 2026-Q3."),
        render_kw={"maxlength": 7, "spellcheck": "false", "autocomplete": "off"},
    )
    provisional = BooleanField(_l("Provisional: the period has not ended yet"))
    # Set by the check-your-answers page: only a form that has been checked publishes.
    confirmed = HiddenField()
    submit = SubmitField(_l("Continue"))


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file (UTF-8, at most 1 MB)"), render_kw={"accept": ".csv,text/csv"})
    submit = SubmitField(_l("Upload and check"))


class CaseUploadForm(UploadForm):
    submit = SubmitField(_l("Upload cases"))


class ConfirmImportForm(FlaskForm):
    payload = HiddenField()
    submit = SubmitField(_l("Store the accepted rows"))


class InvitationFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    agency_id = choice_field(_l("Agency"), [], coerce=int)
    completed_from = DateField(
        _l("Completed from"), validators=[Optional(), DateInRange()], invalid_value_message=BAD_DATE
    )
    completed_to = DateField(
        _l("Completed until"), validators=[Optional(), DateInRange()], invalid_value_message=BAD_DATE
    )
    submit = SubmitField(_l("Show invitations"))

    def validate_agency_id(self, field) -> None:
        if field.data == NO_AGENCY:
            raise ValidationError(_("Choose an agency."))

    def validate_completed_to(self, field) -> None:
        if field.data and self.completed_from.data and field.data < self.completed_from.data:
            raise ValidationError(_("The end date is before the start date."))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    action = choice_field(_l("Action"), [], default="")
    events = choice_field(
        _l("Show"),
        options(
            [
                ("changes", _l("Changes only")),
                ("account", _l("Sign-ins and passwords only")),
                ("all", _l("Everything")),
            ]
        ),
        default="changes",
    )
    actor = StringField(
        _l("Who (e-mail contains)"),
        filters=[rules.normalise],
        validators=[Length(max=120)],
        render_kw={"maxlength": 120},
    )
    since = DateField(_l("From"), validators=SHEET_DATE, invalid_value_message=BAD_DATE)
    until = DateField(_l("Until"), validators=SHEET_DATE, invalid_value_message=BAD_DATE)
    submit = SubmitField(_l("Filter"))

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_("The end date is before the start date."))
