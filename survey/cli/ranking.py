"""``flask ranking …``: import counts, publish, export, verify, recount, catch up."""

from __future__ import annotations

import click

from ranking.periods import parse_period
from survey import case_tallies, publication, tallies
from survey.audit import record
from survey.extensions import db
from survey.publication import PublicationError
from survey.publication.importer import ImportFailed, parse_counts, store_counts
from survey.publication.opendata import snapshots_csv, snapshots_json
from survey.publication.snapshots import current_for_period
from survey.publication.verify import verify_all

CLI_ACTOR = "cli"


def period_option(value: str):
    try:
        return parse_period(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.group()
def ranking() -> None:
    """League tables: import, publish, export, verify."""


@ranking.command("import-counts")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--period", required=True, help="Month (2026-10) or quarter (2026-Q3) the counts belong to.")
def import_counts(path: str, period: str) -> None:
    """Import aggregate counts: agency_code,agency_name,peer_group,parent_code,responses,positive.

    An optional service_category column gives counts per agency and category (for case mix).
    """
    target = period_option(period)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = parse_counts(handle)
    except UnicodeDecodeError:
        raise click.ClickException("the file is not UTF-8 text; nothing was stored") from None
    except ImportFailed as failure:
        for line in failure.errors[:50]:
            click.echo(f"  {line}", err=True)
        raise click.ClickException(f"{len(failure.errors)} problem(s) in {path}; nothing was stored") from None
    with click.progressbar(length=len(rows), label="Storing counts") as bar:
        summary = store_counts(db.session, rows, target, source=path.rsplit("/", 1)[-1], progress=bar.update)
    click.echo(
        f"Imported {summary['agencies']} agencies ({summary['rows']} rows) for {target.key}: "
        f"{summary['responses']} responses, {summary['positive']} positive; "
        f"{summary['agencies_created']} agencies created."
    )


@ranking.command("publish")
@click.option("--period", required=True, help="Month (2026-10) or quarter (2026-Q3).")
@click.option("--provisional", is_flag=True, help="Publish a period that has not ended yet, marked provisional.")
@click.option("--correct", "correction", metavar="REASON", help="Publish a correction superseding the snapshot.")
@click.option("--no-charts", is_flag=True, help="Skip chart rendering (faster; for benchmarks).")
def publish(period: str, provisional: bool, correction: str | None, no_charts: bool) -> None:
    """Publish the period's league tables, one immutable snapshot per peer group."""
    target = period_option(period)
    try:
        results = publication.publish(
            target, actor=CLI_ACTOR, provisional=provisional, correction=correction, render_charts=not no_charts
        )
    except PublicationError as exc:
        raise click.ClickException(str(exc)) from None
    for result in results:
        status = f"snapshot {result.snapshot_id}" if result.created else f"skipped ({result.reason})"
        click.echo(f"{result.period} {result.peer_group}: {status}")


@ranking.command("export")
@click.option("--period", required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
def export(period: str, fmt: str) -> None:
    """Write the period's open data (latest revision of each peer group) to standard output."""
    target = period_option(period)
    snapshots = current_for_period(db.session, target.key)
    if not snapshots:
        raise click.ClickException(f"nothing published for {target.key}")
    click.echo(snapshots_csv(snapshots) if fmt == "csv" else snapshots_json(snapshots), nl=False)


@ranking.command("verify")
def verify() -> None:
    """Recompute the hash chain and every snapshot's figures; exit 1 on any difference."""
    checked = failed = 0
    for snapshot, problems in verify_all(db.session):
        checked += 1
        if problems:
            failed += 1
            click.echo(f"snapshot {snapshot.id} ({snapshot.period} {snapshot.peer_group}): FAILED")
            for problem in problems[:20]:
                click.echo(f"  {problem}")
    click.echo(f"Verified {checked} snapshot(s): {checked - failed} intact, {failed} with differences.")
    tallies_ok = _verify_tallies()
    case_tallies_ok = _verify_case_tallies()
    if failed or not tallies_ok or not case_tallies_ok:
        raise SystemExit(1)


def _verify_tallies() -> bool:
    """Answer tallies against a full recount of the answers (what publication reads)."""
    return _verify_counts(tallies, "Answer tallies", "triggers missing on response", "the answers")


def _verify_case_tallies() -> bool:
    """Case tallies against a full recount of cases and invitations (coverage, on-time and response rates)."""
    return _verify_counts(case_tallies, "Case tallies", "triggers missing", "the cases and invitations")


def _verify_counts(kept, label: str, missing_text: str, source: str) -> bool:
    """Report ``kept.reconcile`` (differences from a full recount, missing triggers); True when equal."""
    differences, missing = kept.reconcile(db.session)
    db.session.rollback()
    if missing:
        click.echo(f"{label.lower()}: {missing_text}: {', '.join(missing)} (flask ranking recount)")
    for difference in differences[:20]:
        click.echo(f"  {difference}")
    if differences or missing:
        click.echo(f"{label}: FAILED, {len(differences)} differ from a full recount.")
        return False
    click.echo(f"{label}: equal to a full recount of {source}.")
    return True


@ranking.command("recount")
def recount() -> None:
    """Recompute every answer and case tally and re-create their triggers (a repair)."""
    differences, missing = tallies.reconcile(db.session)
    tallies.install(db.session.connection())
    rows = tallies.rebuild(db.session)
    record(CLI_ACTOR, "tallies.rebuild", "answer_tally", None, {"rows": rows, "differences": len(differences)})
    case_differences, case_missing = case_tallies.reconcile(db.session)
    case_tallies.install(db.session.connection())
    case_rows = case_tallies.rebuild(db.session)
    details = {"rows": case_rows, "differences": len(case_differences)}
    record(CLI_ACTOR, "case_tallies.rebuild", "case_tally", None, details)
    db.session.commit()
    click.echo(f"Recounted: {rows} tally row(s); {len(differences)} differed; {len(missing)} trigger(s) were missing.")
    click.echo(
        f"Recounted: {case_rows} case tally row(s); {len(case_differences)} differed; "
        f"{len(case_missing)} trigger(s) were missing."
    )


@ranking.command("catch-up")
def catch_up_command() -> None:
    """Publish every ended month and quarter that has responses but no snapshot yet."""
    results = publication.catch_up(actor=CLI_ACTOR)
    created = [r for r in results if r.created]
    click.echo(f"Publication catch-up: {len(created)} new snapshot(s).")
