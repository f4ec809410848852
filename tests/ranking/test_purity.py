"""The ranking maths imports neither Flask nor the database (only numpy, scipy, stdlib)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MATHS = ("stats", "casemix", "funnel", "bayes", "ranks", "disclosure", "movement", "table", "periods", "ledger")


def test_maths_modules_are_pure():
    code = (
        "import sys\n"
        + "".join(f"import ranking.{name}\n" for name in MATHS)
        + "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'survey', 'werkzeug')]\n"
        + "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
