"""``flask integrity …``: run the checks for a period, and report its flags (DESIGN.md contract)."""

from __future__ import annotations

import json

import click

from survey.cli.ranking import period_option
from survey.extensions import db
from survey.integrity.report import report_rows
from survey.integrity.review import run_checks


@click.group()
def integrity() -> None:
    """Integrity checks and flags."""


@integrity.command("check")
@click.option("--period", required=True, help="Month (2026-10) or quarter (2026-Q3).")
def check(period: str) -> None:
    """Run every check for the period now and hold what they find."""
    flags = run_checks(db.session, period_option(period))
    click.echo(f"{len(flags)} flag(s) for {period}.")


@integrity.command("report")
@click.option("--period", required=True, help="Month (2026-10) or quarter (2026-Q3).")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
def report(period: str, fmt: str) -> None:
    """Print one JSON object per flag: agency_code, kind, responses, status, detected_at, evidence."""
    rows = report_rows(db.session, period_option(period))
    click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
