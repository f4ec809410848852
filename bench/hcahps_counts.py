"""Turn the CMS HCAHPS FY2017 file into `ranking import-counts` CSV.

Hospital = agency (code H<provider_id>), state = parent (US-<state>), peer group
"hospital"; positive = recmnd_dy_n_est ("definitely yes" would recommend) of
n_completed. Rows whose N is censored (<50, unknown) are left out.

    python -m bench.hcahps_counts ../shared/data/hcahps-fy2017/hcahps_fy2017_clean.csv > counts.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "shared/data/hcahps-fy2017/hcahps_fy2017_clean.csv"
if not DEFAULT_SOURCE.exists():  # CI clones the repo with shared/ beside it
    DEFAULT_SOURCE = Path(__file__).resolve().parents[1] / "../shared/data/hcahps-fy2017/hcahps_fy2017_clean.csv"
FIELDS = ("agency_code", "agency_name", "peer_group", "parent_code", "responses", "positive")


def convert(source: Path, out) -> int:
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    written = 0
    with open(source, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not row["n_completed"] or not row["recmnd_dy_n_est"]:
                continue
            writer.writerow(
                {
                    "agency_code": f"H{row['provider_id']}",
                    "agency_name": row["hospital_name"].title(),
                    "peer_group": "hospital",
                    "parent_code": f"US-{row['state']}",
                    "responses": int(row["n_completed"]),
                    "positive": min(int(row["recmnd_dy_n_est"]), int(row["n_completed"])),
                }
            )
            written += 1
    return written


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    count = convert(source, sys.stdout)
    print(f"{count} hospitals", file=sys.stderr)
