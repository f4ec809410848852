"""``ranking/`` is a pure statistics library: no Flask, no database, nothing of ``survey/``.

Every module under ``ranking/`` is checked, found on disk rather than listed by hand, so
a new module cannot slip past the rule.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "flask_babel", "flask_sqlalchemy", "sqlalchemy", "survey", "werkzeug")


def ranking_modules() -> list[str]:
    modules = []
    for path in sorted((ROOT / "ranking").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return modules


def test_every_ranking_module_is_found():
    found = ranking_modules()
    assert {"ranking", "ranking.table", "ranking.bayes", "ranking.charts"} <= set(found)


def test_no_ranking_module_imports_the_app_in_its_source():
    offenders = []
    for path in (ROOT / "ranking").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_importing_every_ranking_module_loads_nothing_of_the_app():
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in ranking_modules())
        + f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\n"
        + "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
