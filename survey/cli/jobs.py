"""``flask --app wsgi jobs run …``: scheduled jobs in their own process (deploy/systemd units).

By default the scheduler runs inside every gunicorn worker (SURVEY_SCHEDULER_ENABLED);
a deployment may instead turn that off and run the jobs here, one process per host.
Several such processes, on one host or many, are safe: the publication lock and the
unique (period, peer group, revision) constraint make exactly one snapshot.
"""

from __future__ import annotations

import click
from flask import current_app

from survey.scheduler import JOB_KINDS, run_in_foreground


@click.group()
def jobs() -> None:
    """Scheduled jobs: publication, weekly digest, integrity checks, outbox delivery."""


@jobs.command("run")
@click.argument("kinds", nargs=-1, type=click.Choice(JOB_KINDS))
def run(kinds: tuple[str, ...]) -> None:
    """Run the named jobs (all of them when none is named) until stopped."""
    run_in_foreground(current_app._get_current_object(), kinds or JOB_KINDS)  # type: ignore[attr-defined]
