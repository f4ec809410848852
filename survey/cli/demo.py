"""``flask demo load``: the demo city (see ``survey.demo``)."""

from __future__ import annotations

import re

import click


@click.group()
def demo() -> None:
    """Demo data."""


@demo.command("load")
@click.option("--seed", default=2026, show_default=True, help="Random seed; the same seed gives the same city.")
@click.option("--months", default=7, show_default=True, help="Months of responses before the current one.")
@click.option("--if-empty", is_flag=True, help="Do nothing when agencies already exist (used by make run).")
def load(seed: int, months: int, if_empty: bool) -> None:
    """Build a city shaped like Ho Chi Minh City with months of responses."""
    from survey.demo import database_is_empty, load_demo

    if if_empty and not database_is_empty():
        click.echo("Demo data already loaded; skipping.")
        return
    try:
        summary = load_demo(seed=seed, months=months, echo=click.echo)
    except (RuntimeError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(summary)


@demo.command("link")
@click.option("--agency", "agency_code", help="Agency code (default: the first ward).")
def link(agency_code: str | None) -> None:
    """Register a just-completed demo case and print its survey link and SMS text."""
    issued_url, text = new_demo_link(agency_code)
    click.echo(f"Survey link: {issued_url}")
    click.echo(f"SMS text:    {text}")


@demo.command("banner")
def banner() -> None:
    """What `make run` prints before serving: the URLs to try, the demo logins, a fresh survey link."""
    from flask import current_app

    from survey.demo import DEMO_LOGINS, DEMO_PASSWORD
    from survey.demo.data import DEMO_LOGIN_NOTES
    from survey.demo.schemes import AUDITOR_LOGIN

    base = current_app.config["BASE_URL"].rstrip("/")
    try:
        survey_link, sms = new_demo_link(None)
        code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", sms)
        check_code = f"(the link's code: {code.group(0)})" if code else ""
    except click.ClickException:
        survey_link, check_code = "(load the demo first)", ""
    lines = [
        "",
        f"Citizen survey service on {base}",
        f"  Public rankings        {base}/",
        f"  Methodology            {base}/methodology",
        f"  Open data              {base}/data",
        f"  API (OpenAPI 3.1)      {base}/api/v1/openapi.json",
        f"  A survey link to try   {survey_link}",
        f"  Is this message real?  {base}/verify   {check_code}".rstrip(),
        f"  Largest changes        {base}/changes",
        f"  Privacy notice         {base}/privacy   (data requests: {base}/privacy/request)",
        f"  Staff sign-in          {base}/auth/sign-in   (password for every demo login: {DEMO_PASSWORD})",
        *(
            f"    {role:<8} {email}  ({login_scope(email, code, DEMO_LOGIN_NOTES)})"
            for email, role, code in DEMO_LOGINS
        ),
        f"    {'auditor':<8} {AUDITOR_LOGIN}  (integrity flags of every agency)",
        "  More links: flask --app wsgi demo link",
        "",
    ]
    click.echo("\n".join(lines))


def login_scope(email: str, code: str | None, notes: dict[str, str]) -> str:
    """ "P-BINHHUNGHOA: Phường Bình Hưng Hòa, the clearly worst ward" for the banner."""
    scope = code or "all agencies"
    return f"{scope}: {notes[email]}" if email in notes else scope


def new_demo_link(agency_code: str | None) -> tuple[str, str]:
    import secrets
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from survey.extensions import db
    from survey.intake import register_cases, sms_text, survey_url, validate_batch
    from survey.models import Agency, Service

    query = select(Agency).where(Agency.active).order_by(Agency.code)
    agency = db.session.scalar(
        query.where(Agency.code == agency_code) if agency_code else query.where(Agency.kind == "ward")
    )
    service = db.session.scalar(select(Service).where(Service.active).order_by(Service.committed_days))
    if agency is None or service is None:
        raise click.ClickException("load the demo first (flask --app wsgi demo load), or name an existing agency")
    now = datetime.now(UTC).replace(microsecond=0)
    case = {
        "agency_code": agency.code,
        "service_code": service.code,
        "case_ref": f"DEMO-{secrets.token_hex(4)}",
        "received_at": (now - timedelta(days=2)).isoformat(),
        "due_at": (now + timedelta(days=1)).isoformat(),
        "completed_at": now.isoformat(),
        "channel": "counter",
    }
    [issued] = register_cases(validate_batch([case]))
    return survey_url(issued.token), sms_text(issued.case, issued.token)
