"""Both languages complete: every extracted string has a Vietnamese translation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]


def catalogue(locale: str):
    with open(ROOT / "survey" / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


def test_every_source_string_is_in_the_catalogues(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(pot, "rb") as handle:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    for locale in ("vi", "en"):
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(locale) if m.id}
        missing = sorted(extracted - known)
        assert not missing, (
            f"{locale} catalogue lacks {len(missing)} strings, e.g. {missing[:5]} (flask translate update)"
        )


def test_no_untranslated_or_fuzzy_vietnamese():
    untranslated = [
        m.id
        for m in catalogue("vi")
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy)
    ]
    assert not untranslated, f"{len(untranslated)} Vietnamese strings missing, e.g. {untranslated[:5]}"


def test_placeholders_survive_translation():
    import re

    for message in catalogue("vi"):
        if message.id and isinstance(message.id, str):
            wanted = sorted(re.findall(r"%\(\w+\)[sd]", message.id))
            assert sorted(re.findall(r"%\(\w+\)[sd]", message.string)) == wanted, message.id
