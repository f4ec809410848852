"""Fill a bench database with the demo city and publish its ended periods.

    SURVEY_DATABASE_URL=... python -m bench.seed [--scale 0.3] [--months 3]

Run as a child process with the server's environment, because ``config`` reads the
``SURVEY_*`` variables when it is imported.
"""

from __future__ import annotations

import argparse
import json

from survey import create_app
from survey.demo import load_demo
from survey.publication import catch_up


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.3)
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args()
    app = create_app()
    with app.app_context():
        load_demo(seed=options.seed, months=options.months, scale=options.scale, echo=lambda _: None)
        published = [r for r in catch_up(actor="bench") if r.created]
        print(json.dumps({"snapshots": [r.snapshot_id for r in published]}))


if __name__ == "__main__":
    main()
