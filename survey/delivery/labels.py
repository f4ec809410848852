"""Delivery words shown to people: message kinds and statuses, translated."""

from flask_babel import lazy_gettext as _l

SMS_KIND_LABELS = {"invitation": _l("invitation"), "reminder": _l("reminder"), "code": _l("confirmation code")}
SMS_STATUS_LABELS = {
    "queued": _l("waiting"),
    "sending": _l("being sent"),
    "sent": _l("sent"),
    "failed": _l("failed"),
    "cancelled": _l("stopped"),
}
REQUEST_KIND_LABELS = {"access": _l("see the data"), "erasure": _l("erase the data")}
REQUEST_STATUS_LABELS = {
    "unverified": _l("awaiting SMS code"),
    "new": _l("received"),
    "acknowledged": _l("acknowledged"),
    "completed": _l("completed"),
    "refused": _l("refused"),
}
