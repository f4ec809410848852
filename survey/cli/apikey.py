"""``flask apikey``: create, list and revoke integrators' API keys."""

from __future__ import annotations

import click
from sqlalchemy import select

from survey.audit import record
from survey.extensions import db
from survey.models import Agency, ApiKey
from survey.models.base import utcnow
from survey.tokens import new_api_key


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
    plain, prefix, digest = new_api_key()
    key = ApiKey(name=name, prefix=prefix, key_hash=digest, agencies=scope)
    db.session.add(key)
    db.session.flush()
    record(
        "cli", "apikey.create", f"api_key:{key.id}", after={"name": name, "prefix": prefix, "agencies": list(agencies)}
    )
    db.session.commit()
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
def revoke(prefix: str) -> None:
    """Revoke the key whose prefix is PREFIX."""
    keys = db.session.scalars(select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))).all()
    if len(keys) != 1:
        raise click.ClickException(f"no single active key with prefix {prefix!r}")
    keys[0].revoked_at = utcnow()
    record("cli", "apikey.revoke", f"api_key:{keys[0].id}", before={"active": True}, after={"active": False})
    db.session.commit()
    click.echo(f"Revoked {prefix}…")
