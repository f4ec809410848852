"""One of several processes publishing the same period at the same moment (see test_race)."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime

from survey import create_app
from survey.scheduler import run_publication


def main(database_url: str, start_at: float) -> None:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    time.sleep(max(0.0, start_at - time.time()))  # every process fires at the same instant
    created = run_publication(app)
    print(f"created={created} at={datetime.now(UTC).isoformat()}")


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
