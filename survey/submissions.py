"""The citizen's path in as few round trips as it can: a survey link read in one query, a
submission stored in one statement.

The ORM path (survey.responses.find_link / record_response) built an Invitation, its Case,
Agency and Service per request and flushed a Response with its Answers: under py-spy that
was most of a submission's samples (issue 16). Here both are plain Core statements:

* ``read_link``: one SELECT of the few values the form shows, and whether the link is used;
* ``store_submission``: on PostgreSQL one ``INSERT … SELECT`` of the response from its
  invitation, with the answers inserted by a data-modifying CTE of the same statement;
  elsewhere (SQLite) the same two INSERTs in one transaction.

When the session has not begun a transaction yet, the statement runs on an autocommit
connection: a single statement is its own transaction in PostgreSQL, so there is no BEGIN or
COMMIT round trip, and the durability is the same (the commit is the statement's). The
unique constraint on ``response.link_hash`` still decides which of two racing submissions
wins, and the tally triggers on ``response`` run in that statement (survey.tallies).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    Boolean,
    Connection,
    DateTime,
    Integer,
    SmallInteger,
    String,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    insert,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.integrity.straight_line import all_positive, option_positivity
from survey.models import Agency, Answer, Case, Invitation, QuestionSet, Response, Service
from survey.models.base import utcnow
from survey.privacy.notice import NOTICE_VERSION
from survey.questions import QuestionSetView
from survey.responses import QUICK_SECONDS, LinkState
from survey.scrub import scrub_pii
from survey.tokens import looks_like_token, response_link_hash, sha256_hex, token_for_salt

INVITATION = Invitation.__table__
CASE = Case.__table__
RESPONSE = Response.__table__
ANSWER = Answer.__table__


@dataclass(frozen=True)
class LinkView:
    """What the survey page shows about its link: plain values, no ORM objects."""

    state: LinkState
    case_ref: str = ""
    completed_at: datetime | None = None
    agency_vi: str = ""
    agency_en: str = ""
    service_vi: str = ""
    service_en: str = ""
    source: str = ""
    delivery_channel: str = ""

    def agency(self, locale: str) -> str:
        return self.agency_en if locale == "en" and self.agency_en else self.agency_vi

    def service(self, locale: str) -> str:
        return self.service_en if locale == "en" and self.service_en else self.service_vi


def connection(single_statement: bool = True) -> tuple[Connection, bool]:
    """The session's connection, and whether the caller must commit.

    Before the session's first statement, a PostgreSQL connection is taken in autocommit
    for work that is one statement: BEGIN and COMMIT would be two more round trips for the
    same atomicity. Once a transaction is open (an earlier query of the request), it is used.
    """
    session = db.session()
    if single_statement and not session.in_transaction() and session.get_bind().dialect.name == "postgresql":
        return session.connection(execution_options={"isolation_level": "AUTOCOMMIT"}), False
    return session.connection(), True


@functools.cache
def link_query():
    """The link's page values and whether it is answered; built once (compiled once)."""
    answered = exists().where(RESPONSE.c.link_hash == bindparam("link_hash", type_=String))
    return (
        select(
            answered.label("answered"),
            INVITATION.c.expires_at,
            INVITATION.c.delivery_channel,
            CASE.c.case_ref,
            CASE.c.completed_at,
            CASE.c.source,
            Agency.name_vi.label("agency_vi"),
            Agency.name_en.label("agency_en"),
            Service.name_vi.label("service_vi"),
            Service.name_en.label("service_en"),
        )
        .select_from(INVITATION)
        .join(CASE, CASE.c.id == INVITATION.c.case_id)
        .join(Agency, Agency.id == CASE.c.agency_id)
        .join(Service, Service.id == CASE.c.service_id)
        .where(INVITATION.c.token_hash == bindparam("token_hash", type_=String))
    )


def link_params(token: str) -> dict[str, str]:
    return {"link_hash": response_link_hash(token), "token_hash": sha256_hex(token)}


def link_view(row) -> LinkView:
    """The page's view of a ``link_query`` row (a mapping by column name), or UNKNOWN without one."""
    if row is None:
        return LinkView(LinkState.UNKNOWN)
    if row["answered"]:
        state = LinkState.USED
    elif row["expires_at"] <= utcnow():
        state = LinkState.EXPIRED
    else:
        state = LinkState.OPEN
    return LinkView(
        state,
        case_ref=row["case_ref"],
        completed_at=row["completed_at"],
        agency_vi=row["agency_vi"],
        agency_en=row["agency_en"],
        service_vi=row["service_vi"],
        service_en=row["service_en"],
        source=row["source"],
        delivery_channel=row["delivery_channel"],
    )


def read_link(token: str, conn: Connection | None = None) -> LinkView:
    """Classify a token and read what its form shows, in one query (on ``conn`` if given)."""
    if not looks_like_token(token):
        return LinkView(LinkState.UNKNOWN)
    conn = conn or connection()[0]
    row = conn.execute(link_query(), link_params(token)).first()
    return link_view(None if row is None else row._mapping)


def _param(name: str, column: str | None = None):
    return bindparam(name, type_=RESPONSE.c[column or name].type)


@functools.cache
def response_from_invitation():
    """``INSERT INTO response … SELECT … FROM invitation JOIN case_record``, for an open link only.

    Built once with bound parameters, so SQLAlchemy compiles it once per process (a
    statement with the values inlined missed the compiled cache every time: 16 % of the
    samples). The channel and the "quick" flag are read from the invitation in the same
    statement: staff-assisted if the citizen says so, else by how the link reached them
    (SMS, a printed QR slip, the web), and "quick" within QUICK_SECONDS of issue.
    """
    channel = case(
        (bindparam("assisted", type_=Boolean), "assisted"),
        (INVITATION.c.delivery_channel == "sms", "sms"),
        (INVITATION.c.printed_at.is_not(None), "qr"),
        else_="web",
    )
    quick = case((INVITATION.c.issued_at >= bindparam("quick_since", type_=DateTime), true()), else_=false())
    columns = {
        "link_hash": _param("link_hash"),
        "agency_id": CASE.c.agency_id,
        "service_id": CASE.c.service_id,
        "question_set_id": _param("question_set_id"),
        "submitted_at": _param("submitted_at"),
        "quick": quick,
        "locale": _param("locale"),
        "channel": channel,
        "case_channel": CASE.c.channel,
        "minted_by": CASE.c.source,
        "api_key_id": CASE.c.api_key_id,
        "device_hash": _param("device_hash"),
        "overall": _param("overall"),
        "all_positive": _param("all_positive"),
        "comment": _param("comment"),
        "notice_version": _param("notice_version"),
    }
    source = (
        select(*columns.values())
        .select_from(INVITATION)
        .join(CASE, CASE.c.id == INVITATION.c.case_id)
        .where(
            and_(
                INVITATION.c.token_hash == bindparam("token_hash", type_=String),
                INVITATION.c.expires_at > bindparam("now", type_=DateTime),
            )
        )
    )
    return insert(RESPONSE).from_select(list(columns), source).returning(RESPONSE.c.id)


@functools.cache
def response_with_answers():
    """PostgreSQL, one statement: the response inserted in a CTE, its answers from it (two
    arrays, unnested pairwise), its id returned (no row: no open link for the token).
    """
    new = response_from_invitation().cte("new_response")
    given = (
        func.unnest(bindparam("question_ids", type_=ARRAY(Integer)), bindparam("values", type_=ARRAY(SmallInteger)))
        .table_valued("question_id", "value")
        .render_derived(name="given")
    )
    answers = insert(ANSWER).from_select(
        ["response_id", "question_id", "value"],
        select(new.c.id, given.c.question_id, given.c.value).select_from(new).join(given, true()),
    )
    return select(new.c.id).add_cte(answers.cte("new_answers"))


def submission_params(
    token: str,
    qset: QuestionSet | QuestionSetView,
    answers: dict[str, int | None],
    comment: str | None,
    locale: str,
    assisted: bool,
    device: str | None,
) -> dict:
    """The bound values of ``response_with_answers`` for one submission (PII scrubbed), plus
    ``given``: the (question id, value) pairs of the answers other than overall."""
    text = scrub_pii(comment) if comment else None
    now = utcnow()
    params = {
        "token_hash": sha256_hex(token),
        "now": now,
        "quick_since": now - timedelta(seconds=QUICK_SECONDS),
        "assisted": assisted,
        "link_hash": response_link_hash(token),
        "question_set_id": qset.id,
        # To the hour: a link's activity (opened, answered) cannot be matched to one answer by time.
        "submitted_at": now.replace(minute=0, second=0, microsecond=0),
        "locale": locale,
        "device_hash": device,
        "overall": answers.get("overall"),
        "comment": text or None,
        "notice_version": NOTICE_VERSION,
    }
    question_ids = {q.key: q.id for q in qset.questions}
    given = [
        (question_ids[key], value)
        for key, value in answers.items()
        if key != "overall" and value is not None and key in question_ids
    ]
    # Decided now, like ``quick``: the straight-lining check counts the column, not the answers.
    params["all_positive"] = all_positive(answers.get("overall"), given, option_positivity(qset.questions))
    params.update(question_ids=[q for q, _ in given], values=[v for _, v in given], given=given)
    return params


def store_submission(
    token: str,
    qset: QuestionSet | QuestionSetView,
    answers: dict[str, int | None],
    comment: str | None,
    locale: str,
    assisted: bool,
    device: str | None,
    conn: Connection | None = None,
) -> bool | None:
    """Store one response with its answers. True: stored; False: the link was already used;
    None: no open link for this token (unknown or expired; the caller tells which).

    ``conn``, if given, is the caller's: autocommit on PostgreSQL, else in a transaction the
    caller commits (survey.citizen.fastlane); without it, the session's connection is used.
    """
    params = submission_params(token, qset, answers, comment, locale, assisted, device)
    given = params.pop("given")
    own_session = conn is None
    if conn is not None:
        postgresql, commit = conn.dialect.name == "postgresql", False
    else:
        postgresql = db.session().get_bind().dialect.name == "postgresql"
        conn, commit = connection(single_statement=postgresql)
    try:
        if postgresql:
            stored = conn.execute(response_with_answers(), params).first()
        else:  # no data-modifying CTE: two statements in the session's transaction
            params = {k: v for k, v in params.items() if k not in ("question_ids", "values")}
            stored = conn.execute(response_from_invitation(), params).first()
            if stored is not None and given:
                rows = [{"response_id": stored.id, "question_id": q, "value": v} for q, v in given]
                conn.execute(insert(ANSWER), rows)
        if commit:
            db.session.commit()
    except IntegrityError:
        if own_session:
            db.session.rollback()
        return False  # a caller's connection: its statement failed whole, nothing was written
    return None if stored is None else True


def record_response(
    invitation: Invitation,
    qset: QuestionSet | QuestionSetView,
    answers: dict[str, int | None],
    comment: str | None,
    locale: str,
    *,
    assisted: bool = False,
    device: str | None = None,
    token: str | None = None,
) -> bool:
    """Store a response to ``invitation`` exactly as the citizen form does; False unless stored.

    For callers that hold the invitation rather than the link (tests, tools): the token is
    derived again from the invitation's salt unless given.
    """
    token = token or token_for_salt(invitation.token_salt)
    return store_submission(token, qset, answers, comment, locale, assisted=assisted, device=device) is True
