"""``flask apikey``: create, list and revoke integrators' API keys."""

from __future__ import annotations

import click
from sqlalchemy import select

from survey.apikeys import create_api_key, revoke_api_key
from survey.extensions import db
from survey.models import Agency, ApiKey

CLI_ACTOR = "cli"


@click.group()
def apikey() -> None:
    """Manage API keys for case systems."""


@apikey.command("create")
@click.option("--name", required=True, help="Which system uses this key.")
@click.option(
    "--agency", "agencies", multiple=True, metavar="CODE", help="Limit the key to these agencies (repeatable)."
)
def create(name: str, agencies: tuple[str, ...]) -> None:
    """Create a key. The plain key is printed once, as the last line."""
    scope = []
    for code in agencies:
        agency = db.session.scalar(select(Agency).where(Agency.code == code))
        if agency is None:
            raise click.BadParameter(f"unknown agency code {code!r}", param_hint="--agency")
        scope.append(agency)
    key, plain = create_api_key(name, [a.id for a in scope], actor=CLI_ACTOR)
    prefix = key.prefix
    scope_text = ", ".join(agencies) if agencies else "all agencies"
    click.echo(f"Created API key {prefix}… ({name}) for {scope_text}. It is shown only now:")
    click.echo(plain)


@apikey.command("list")
def list_keys() -> None:
    """List keys (prefix, name, scope, status); never the key itself."""
    for key in db.session.scalars(select(ApiKey).order_by(ApiKey.id)):
        scope = ",".join(a.code for a in key.agencies) or "*"
        status = "active" if key.active else f"revoked {key.revoked_at:%Y-%m-%d}"
        click.echo(f"{key.id}\t{key.prefix}…\t{key.name}\t{scope}\t{status}")


@apikey.command("revoke")
@click.argument("prefix")
@click.option("--hold", is_flag=True, help="Also hold the key's answered responses for an auditor.")
def revoke(prefix: str, hold: bool) -> None:
    """Revoke the key whose prefix is PREFIX; its unanswered links close."""
    keys = db.session.scalars(select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))).all()
    if len(keys) != 1:
        raise click.ClickException(f"no single active key with prefix {prefix!r}")
    revoke_api_key(keys[0], actor=CLI_ACTOR, hold_answered=hold)
    click.echo(f"Revoked {prefix}…")
