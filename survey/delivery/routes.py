"""Opt-out, honoured at once: a keyword reply relayed by the gateway, or the stop link in the privacy notice.

``POST /sms/inbound`` is the gateway's webhook for replies (bearer ``SMS_INBOUND_SECRET``;
404 when unset). ``/stop/<token>`` lets the holder of a survey link stop its messages.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, current_app, jsonify, render_template, request

from survey.delivery.contacts import opt_out_invitation, opt_out_numbers
from survey.delivery.texts import OPT_OUT_KEYWORD
from survey.extensions import csrf
from survey.phones import normalise_phone
from survey.responses import LinkState, find_link

bp = Blueprint("delivery", __name__)


@bp.app_template_global()
def delivery_rows_for(agency_id: int) -> list:
    """Delivery figures for an agency and its subtree (the dashboard has already checked the user may see it)."""
    from survey.delivery.figures import delivery_figures
    from survey.models.agency import subtree_ids

    return delivery_figures(subtree_ids(agency_id))


STOP_WORDS = {OPT_OUT_KEYWORD, "TU CHOI", "TUCHOI", "STOP", "HUY"}


def _problem(status: int, detail: str):
    body = {"type": "about:blank", "title": detail, "status": status, "detail": detail}
    return jsonify(body), status, {"Content-Type": "application/problem+json"}


@bp.post("/sms/inbound")
@csrf.exempt  # a server-to-server webhook with its own bearer secret, no cookies
def inbound():
    secret = current_app.config.get("SMS_INBOUND_SECRET")
    if not secret:
        return _problem(404, "Not found.")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return _problem(401, "A valid bearer secret is required.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("from"), str) or not isinstance(body.get("text"), str):
        return _problem(422, 'Send {"from": "<mobile number>", "text": "<reply>"} as JSON.')
    phone = normalise_phone(body["from"])
    if phone is None:
        return _problem(422, "'from' is not a Vietnamese mobile number.")
    if " ".join(body["text"].upper().split()) not in STOP_WORDS:
        return jsonify({"opted_out": False})
    opt_out_numbers(phone, "keyword")
    return jsonify({"opted_out": True})


@bp.route("/stop/<token>", methods=["GET", "POST"])
def stop(token: str):
    link = find_link(token)
    if link.state == LinkState.UNKNOWN:
        return render_template("delivery/stop.html", state="unknown"), 404
    if request.method == "POST":  # CSRF checked by the app-wide protection
        opt_out_invitation(link.invitation, "link")
        return render_template("delivery/stop.html", state="done")
    return render_template("delivery/stop.html", state="ask")
