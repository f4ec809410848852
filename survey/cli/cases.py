"""``flask cases import FILE.csv``: register completed cases from a CSV file."""

from __future__ import annotations

import click

from survey.case_import import import_case_rows, read_case_rows
from survey.intake import CASE_FIELDS


@click.group()
def cases() -> None:
    """Register completed cases."""


@cases.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_cases(path: str) -> None:
    """Import cases from a CSV file.

    Columns: agency_code, service_code, case_ref, received_at, due_at, completed_at, channel.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows, missing = read_case_rows(handle)
    except UnicodeDecodeError:
        raise click.ClickException("the file is not UTF-8 text") from None
    if missing:
        raise click.ClickException(f"missing columns: {', '.join(missing)} (expected {', '.join(CASE_FIELDS)})")
    with click.progressbar(length=len(rows), label="Importing cases") as bar:
        report = import_case_rows(rows, progress=bar.update, source="csv_import")
    click.echo(
        f"Accepted {report.accepted} new, {report.existing} already registered, rejected {len(report.rejected)}."
    )
    for line, reason in report.rejected[:50]:
        click.echo(f"  line {line}: {reason}")
    if len(report.rejected) > 50:
        click.echo(f"  … and {len(report.rejected) - 50} more")
    if report.rejected and not (report.accepted or report.existing):
        raise SystemExit(1)
