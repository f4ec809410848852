"""Survey link views: show the form, accept one submission, thank the citizen."""

from __future__ import annotations

from babel.dates import format_date
from flask import current_app, redirect, render_template, request, url_for
from markupsafe import Markup

from ranking.periods import CITY_TZ
from survey.citizen import bp
from survey.citizen.forms import HELPED, SurveyForm, survey_form_class
from survey.citizen.page import PLACEHOLDER, kept_page, plain_query
from survey.citizen.replies import published_reply
from survey.extensions import csrf, limiter
from survey.i18n import current_locale
from survey.integrity.device import device_hash
from survey.models.base import as_utc
from survey.questions import survey_question_set
from survey.responses import LinkState, own_response
from survey.submissions import LinkView, read_link, store_submission
from survey.tokens import sha256_hex

STATUS_FOR_STATE = {LinkState.UNKNOWN: 404, LinkState.EXPIRED: 410, LinkState.USED: 409}


def survey_limit() -> str:
    return current_app.config["RATELIMIT_SURVEY"]


def token_limit() -> str:
    return current_app.config["RATELIMIT_SURVEY_TOKEN"]


def token_bucket(token: str) -> str:
    # The hash, not the token, so limiter storage (e.g. Redis) never holds a working link.
    return "token:" + sha256_hex(token)[:24]


def token_key() -> str:
    return token_bucket(request.view_args.get("token", ""))


# The questions of an unanswered form are the same for every citizen of a question set
# and language (no token, answers or errors in them), and drawing them is most of the
# time a survey page takes; each app keeps them once per (question set, language).
# Question sets are never edited in place (a change is a new version with a new id).
def kept_blank_questions(qset, locale: str) -> Markup | None:
    return current_app.extensions.get("blank_survey_questions", {}).get((qset.id, locale))


def blank_questions(form, qset, locale: str) -> Markup:
    kept: dict[tuple[int, str], Markup] = current_app.extensions.setdefault("blank_survey_questions", {})
    key = (qset.id, locale)
    html = kept.get(key)
    if html is None:
        # render_template escapes everything it inserts, so its output is safe markup.
        html = Markup(render_template("citizen/_questions.html", form=form, qset=qset))  # noqa: S704
        if len(kept) > 64:  # question sets are few; never grow without bound
            kept.clear()
        kept[key] = html
    return html


def blank_form(qset, locale: str) -> SurveyForm:
    """The form of a first view. Once its questions are kept as HTML, the page needs only the
    CSRF token, the "helped" question and the button: a form without the question fields
    (a third of the fields to build per view)."""
    if kept_blank_questions(qset, locale) is not None:
        return SurveyForm()
    return survey_form_class(qset, locale)()


def closed_link(state: LinkState, token: str | None = None):
    reply = None
    if state is LinkState.USED and token is not None:
        # The link's holder may see the agency's published reply to their own comment.
        reply = published_reply(own_response(token), current_locale())
    return render_template("citizen/closed.html", state=state.value, reply=reply), STATUS_FOR_STATE[state]


# Links the city minted itself (admin upload, CLI import) or sent itself by SMS never reached
# the agency's systems, so the agency cannot even tell whether the citizen answered; only
# then does the form say so.
CITY_MINTED_SOURCES = frozenset({"upload", "csv_import"})


def agency_cannot_link(source: str, delivery_channel: str) -> bool:
    return source in CITY_MINTED_SOURCES or delivery_channel == "sms"


def ownership() -> dict:
    """Who runs the survey and where to get help with the case (SURVEY_ORG_NAME, _HELP_PHONE, _HELP_URL)."""
    config = current_app.config
    return {
        "org_name": config.get("ORG_NAME"),
        "help_phone": config.get("HELP_PHONE"),
        "help_url": config.get("HELP_URL"),
    }


def switching_language() -> bool:
    # Switching language re-shows the form and stores nothing: it is not a submission, so it
    # does not spend the link's few tries (a citizen may switch back and forth).
    return request.method == "POST" and "switch_language" in request.form


# Set (in the WSGI environ, which no client can reach) by survey.citizen.fastlane when it has
# already counted this POST against both limits and then handed the request on.
LIMITS_SPENT = "survey.citizen.limits_spent"


def not_counted_here() -> bool:
    return switching_language() or bool(request.environ.get(LIMITS_SPENT))


def completion_date(link: LinkView, locale: str) -> str:
    """The case's completion date as the page shows it: the city's calendar day, long form."""
    return format_date(as_utc(link.completed_at).astimezone(CITY_TZ).date(), "long", locale=locale)


def page_values(token: str, link: LinkView, locale: str) -> dict[str, str]:
    """The values a first view fills into its kept page (survey.citizen.page), but the CSRF token."""
    return {
        "token": token,
        "agency": link.agency(locale),
        "service": link.service(locale),
        "case": link.case_ref,
        "date": completion_date(link, locale),
    }


@bp.route("/s/<token>", methods=["GET", "POST"])
@limiter.limit(survey_limit, methods=["POST"], exempt_when=not_counted_here)
@limiter.limit(token_limit, key_func=token_key, methods=["POST"], exempt_when=not_counted_here)
@csrf.exempt  # the form checks its own CSRF token and re-shows itself with a clear message
def survey(token: str):
    # One query for a GET (survey.submissions.read_link); a valid POST is one statement that
    # stores the response only if the link is open, and reads the link only when it was not.
    locale = current_locale()
    qset = survey_question_set()
    if request.method == "POST" and not switching_language():
        form = survey_form_class(qset, locale)()
        if form.validate_on_submit():
            stored = store_submission(
                token,
                qset,
                submitted_answers(form, qset),
                submitted_comment(form, qset),
                locale,
                assisted=form.helped.data == HELPED,
                device=device_hash(request.remote_addr),
            )
            if stored is False:  # the database says this link was answered already
                return closed_link(LinkState.USED, token)
            if stored:
                return redirect(url_for("citizen.thanks", lang=locale if locale != "vi" else None), code=303)
        link = read_link(token)
    else:
        link = read_link(token)
        if link.state is LinkState.OPEN:
            # The language buttons post the form to itself in the other language: the answers
            # come back filled in, nothing is checked or stored.
            form = survey_form_class(qset, locale)() if request.method == "POST" else blank_form(qset, locale)
    if link.state is not LinkState.OPEN:
        return closed_link(link.state, token)
    cannot_link = agency_cannot_link(link.source, link.delivery_channel)
    values = page_values(token, link, locale)

    def draw(fill: dict[str, str]) -> str:
        return render_template(
            "citizen/survey.html",
            form=form,
            qset=qset,
            blank_questions=None if form.is_submitted() else blank_questions(form, qset, locale),
            agency=fill["agency"],
            service=fill["service"],
            case_ref=fill["case"],
            completed=fill["date"],
            token=fill["token"],
            agency_cannot_link=cannot_link,
            **ownership(),
        )

    if form.is_submitted() or not plain_query(locale):
        return draw(values), 422 if form.errors else 200
    # A first view: the kept skeleton of this question set and language, with this link's values.
    values["csrf"] = form.csrf_token.current_token
    form.csrf_token.current_token = PLACEHOLDER["csrf"]
    return kept_page((qset.id, locale, cannot_link), draw, values), 200


def submitted_answers(form, qset) -> dict[str, int | None]:
    answers = {}
    for question in qset.questions:
        if question.kind == "text":
            continue
        raw = form[question.key].data
        answers[question.key] = None if raw in (None, "") else int(raw)
    return answers


def submitted_comment(form, qset) -> str | None:
    comment_field = next((q.key for q in qset.questions if q.kind == "text"), None)
    return form[comment_field].data if comment_field else None


@bp.get("/thanks")
def thanks():
    return render_template("citizen/thanks.html", **ownership())
