"""``flask retention …``: erase what the retention schedule says is due, and write the processing register."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app

from survey.privacy.retention import purge


@click.group()
def retention() -> None:
    """Retention schedule and register of processing activities (docs/privacy.md)."""


@retention.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what is due; erase nothing and leave no receipt.")
def purge_command(dry_run: bool) -> None:
    """Erase every data class past its retention time; a receipt goes to the audit log."""
    counts = purge(datetime.now(UTC), dry_run=dry_run)
    verb = "due (dry run, nothing erased)" if dry_run else "erased"
    for key, count in counts.items():
        click.echo(f"{key}: {count} {verb}")


@retention.command("register")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
def register_command(output: Path | None) -> None:
    """The register of processing activities, in Markdown, from the current settings."""
    from survey.privacy.register import register_markdown

    text = register_markdown(current_app)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
