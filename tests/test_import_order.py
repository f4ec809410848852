"""Every module of the app and the library imports on its own, whatever is imported first.

A cycle between packages (publication → notify → public → publication) only shows when a
process happens to start from the wrong module, as the scheduler's worker does; here each
module is imported first in a fresh set of the project's modules.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] in ("survey", "ranking")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:  # report every failure, not only the first
        failed.append(f"{name}: {exc!r}")
print("\\n".join(failed))
"""


def project_modules() -> list[str]:
    names = set()
    for package in ("survey", "ranking"):
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(names)


def test_each_module_imports_first_without_a_cycle():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *project_modules()], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""
