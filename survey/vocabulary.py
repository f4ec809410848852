"""The vocabulary of stored codes: bands, statuses, drivers, ratings, peer groups, and their translated names.

Each code is defined once here and every page, form, chart and e-mail takes its words
from this module, lazily translated so it can be imported before any request.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FEEDBACK_STATUS_LABELS = {
    "new": _l("New"),
    "acknowledged": _l("Acknowledged"),
    "responded": _l("Responded"),
    "dismissed": _l("Dismissed (spam)"),
}
# An inbox view, not a stored status: comments still waiting for an answer.
NEEDS_REPLY = "needs_reply"
NEEDS_REPLY_STATUSES = ("new", "acknowledged")
INBOX_VIEW_LABELS = {NEEDS_REPLY: _l("Needs a reply (new or acknowledged)"), **FEEDBACK_STATUS_LABELS}
PLAN_STATUS_LABELS = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
}
# Where an action plan stands on its way to the public site.
REVIEW_STATE_LABELS = {
    "under_review": _l("Filed, under review"),
    "returned": _l("Sent back for changes"),
    "published": _l("Published"),
}
# Worst to best: the order used when sorting by band ("asc" puts the worst first).
BANDS = ("well_below", "below", "expected", "above", "well_above")
# The bands that count as "flagged": an agency in one is asked for an action plan.
FLAG_BANDS = ("below", "well_below")
# Bands compare an agency with its peers, never with the target: the names say so, so that
# "as expected" cannot be read as "meets expectations".
BAND_LABELS = {
    "well_above": _l("Clearly better than peers"),
    "above": _l("Better than peers"),
    "expected": _l("Not clearly different from peers"),
    "below": _l("Worse than peers"),
    "well_below": _l("Clearly worse than peers"),
}
NO_BAND = _l("Not assessed")
# Shape, not colour alone, tells the bands apart.
BAND_SYMBOLS = {
    "well_above": "▲▲",
    "above": "▲",
    "expected": "●",
    "below": "▼",
    "well_below": "▼▼",
}
PEER_GROUPS = {
    "city": _l("City and province administrations"),
    "department": _l("Departments"),
    "district": _l("Districts"),
    "ward": _l("Wards, communes and special zones"),
    "other": _l("Other agencies"),
}
DRIVER_LABELS = {
    "ease": _l("Ease of the procedure"),
    "timeliness": _l("Time taken versus promised"),
    "courtesy": _l("Staff courtesy and help"),
    "fairness": _l("Fairness and transparency"),
    "outcome": _l("Outcome"),
    "visits": _l("Done in one visit"),
}
# The five factors of Vietnam's SIPAS satisfaction index; driver questions map to one each.
FACTOR_LABELS = {
    "access": _l("Access to the service"),
    "procedure": _l("The procedure"),
    "civil_servant": _l("The civil servants"),
    "result": _l("The result"),
    "feedback": _l("Handling of suggestions and complaints"),
}
RATING_LABELS = {
    "5": _l("Very satisfied"),
    "4": _l("Satisfied"),
    "3": _l("Neither satisfied nor dissatisfied"),
    "2": _l("Dissatisfied"),
    "1": _l("Very dissatisfied"),
    "none": _l("No answer"),
}

KIND_LABELS = {
    "city": _l("City or province"),
    "department": _l("Department"),
    "district": _l("District"),
    "ward": _l("Ward, commune or special zone"),
    "other": _l("Other"),
}
KIND_GROUP_LABELS = {
    "city": _l("The city and everything under it"),
    "department": _l("Departments"),
    "district": _l("Districts and their wards"),
    "ward": _l("Wards and communes without a parent"),
    "other": _l("Other agencies"),
}
ROLE_LABELS = {
    "admin": _l("Administrator"),
    "auditor": _l("Auditor (city-level integrity review)"),
    "manager": _l("Manager"),
    "viewer": _l("Viewer (read only)"),
}
# Audit actions in words; sign-ins and password events are "account events", kept apart from changes.
ACCOUNT_EVENTS = (
    "auth.sign_in",
    "auth.sign_in_failed",
    "auth.sign_out_everywhere",
    "auth.reset_requested",
    "auth.password_reset",
)
AUDIT_ACTION_LABELS = {
    "auth.sign_in": _l("Signed in"),
    "auth.sign_in_failed": _l("Failed sign-in"),
    "auth.sign_out_everywhere": _l("Signed out on every device"),
    "auth.reset_requested": _l("Asked for a password link"),
    "auth.password_reset": _l("Set a new password"),
    "agency.create": _l("Created an agency"),
    "agency.update": _l("Changed an agency"),
    "agency.deactivate": _l("Deactivated an agency"),
    "peer_group.create": _l("Added a peer group"),
    "service.create": _l("Created a service"),
    "service.update": _l("Changed a service"),
    "user.create": _l("Created an account"),
    "user.update": _l("Changed an account"),
    "user.password_reset_issued": _l("Sent a password link to an account"),
    "apikey.create": _l("Created an API key"),
    "apikey.revoke": _l("Revoked an API key"),
    "question_set.create": _l("Changed the survey questions"),
    "cases.upload": _l("Uploaded cases"),
    "import.agencies": _l("Imported agencies"),
    "import.services": _l("Imported services"),
    "import.users": _l("Imported accounts"),
    "snapshot.publish": _l("Published a ranking"),
    "tallies.rebuild": _l("Recounted the answer tallies"),
    "case_tallies.rebuild": _l("Recounted the case and invitation tallies"),
    "feedback.update": _l("Handled a comment"),
    "feedback.export": _l("Exported comments"),
    "plan.create": _l("Filed an action plan"),
    "plan.progress": _l("Updated an action plan"),
    "plan.update": _l("Changed an action plan before review"),
    "plan.review": _l("Reviewed an action plan"),
}
# Names of the fields that audit entries record before and after a change.
AUDIT_FIELD_LABELS = {
    "active": _l("Active"),
    "agency": _l("Agency"),
    "agency_code": _l("Agency"),
    "assignee_id": _l("Assigned to"),
    "category": _l("Category"),
    "code": _l("Code"),
    "committed_days": _l("Committed processing days"),
    "due_on": _l("Due date"),
    "drivers": _l("Aspects of the service it addresses"),
    "measure": _l("How it will be measured"),
    "review_state": _l("Review"),
    "services": _l("Services it addresses"),
    "target": _l("Target"),
    "email": _l("E-mail"),
    "kind": _l("Kind"),
    "name": _l("Name"),
    "name_en": _l("Name in English"),
    "name_vi": _l("Name in Vietnamese"),
    "note": _l("Note"),
    "owner": _l("Owner"),
    "parent_code": _l("Parent agency"),
    "peer_group": _l("Peer group"),
    "period": _l("Period"),
    "reply": _l("Reply"),
    "reply_public": _l("Reply published"),
    "role": _l("Role"),
    "status": _l("Status"),
    "tags": _l("Tags"),
    "what": _l("What will be done"),
}
IMPORT_LABELS = {
    "agencies": _l("Agencies"),
    "services": _l("Services"),
    "users": _l("Users"),
}


def band_name(band: str | None) -> str:
    """The translated name of a band; "Not assessed" for none."""
    return str(BAND_LABELS.get(band or "", NO_BAND))


def is_flagged(band: str | None) -> bool:
    return band in FLAG_BANDS


def peer_group_name(group: str) -> str:
    """The translated name of a peer group; unknown groups (from imports) keep their key."""
    return str(PEER_GROUPS.get(group, group))


# How an invitation was made (Response.minted_by, Case.source).
MINT_SOURCES = {
    "api_key": _l("Case system (API key)"),
    "upload": _l("Admin upload"),
    "csv_import": _l("CSV import"),
    "counter": _l("Counter device"),
}
# How the case came in (Case.channel): the dashboard compares satisfaction across them.
CASE_CHANNELS = {
    "online": _l("Online"),
    "counter": _l("At the counter"),
    "post": _l("By post"),
}
# How a response was answered (Response.channel). "assisted" answers never count in the ranking.
ANSWER_CHANNELS = {
    "sms": _l("SMS link"),
    "qr": _l("QR code at the counter"),
    "tablet": _l("Counter tablet"),
    "web": _l("Web link"),
    "assisted": _l("Staff-assisted"),
}
INTEGRITY_LABELS = {
    "counted": _l("Counted"),
    "held": _l("Held for review"),
    "released": _l("Released"),
    "voided": _l("Voided"),
}
# The patterns survey.integrity.checks detects (docs/integrity.md gives each threshold).
FLAG_KINDS = {
    "burst": _l("Burst of answers soon after the links were issued"),
    "device": _l("One device answering many links"),
    "straight_line": _l("Straight-lining (every question at the top)"),
    "jump": _l("Sudden jump against the agency's own history"),
    "no_cases": _l("Invitations without matching completed cases"),
    "coverage": _l("Coverage collapse (closed cases not invited)"),
    "revoked_key": _l("Answers to links of a revoked key"),
}
