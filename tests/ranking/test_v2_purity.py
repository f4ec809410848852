"""Method 2 imports only numpy, scipy and the standard library (and method 1's maths)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_v2_is_pure():
    code = (
        "import sys\nimport ranking.v2\n"
        "banned = ('flask', 'sqlalchemy', 'survey', 'werkzeug', 'matplotlib')\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in banned]\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
