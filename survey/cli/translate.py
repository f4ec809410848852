"""``flask translate``: extract, update and compile the vi/en message catalogues."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "survey" / "translations"
POT = ROOT / "messages.pot"


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


@click.group()
def translate() -> None:
    """Maintain translations."""


@translate.command()
def update() -> None:
    """Extract strings and merge them into every catalogue."""
    pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-o", str(POT), ".")
    pybabel("update", "-i", str(POT), "-d", str(CATALOGUES))
    POT.unlink()


@translate.command()
def compile() -> None:
    """Compile catalogues to .mo files."""
    pybabel("compile", "-d", str(CATALOGUES))
