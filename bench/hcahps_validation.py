"""Real-data check: CLI round trip on CMS HCAHPS, and agreement with CMS star ratings.

Runs `ranking import-counts` → `publish` → `export` → `verify` through the real CLI on a
fresh SQLite database, times each step, then compares our bands and scores with the
official CMS "recommend" star ratings (hospitals with N ≥ 100).

    python -m bench.hcahps_validation
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import stats

from bench.hcahps_counts import DEFAULT_SOURCE, convert

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2017-Q3"  # the CMS reporting year ends 2017-09-30
BANDS = ("well_below", "below", "expected", "above", "well_above")


def flask(db_url: str, *args: str) -> tuple[str, float]:
    env = {"SURVEY_DATABASE_URL": db_url, "PATH": "/usr/bin:/bin"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout, elapsed


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="hcahps-"))
    db_url = f"sqlite:///{work / 'hcahps.sqlite3'}"
    counts = work / "counts.csv"
    with open(counts, "w", encoding="utf-8", newline="") as out:
        hospitals = convert(DEFAULT_SOURCE, out)
    timings = {}
    _, timings["db upgrade"] = flask(db_url, "db", "upgrade")
    _, timings["import-counts"] = flask(db_url, "ranking", "import-counts", str(counts), "--period", PERIOD)
    _, timings["publish"] = flask(db_url, "ranking", "publish", "--period", PERIOD)
    exported, timings["export csv"] = flask(db_url, "ranking", "export", "--period", PERIOD, "--format", "csv")
    _, timings["export json"] = flask(db_url, "ranking", "export", "--period", PERIOD, "--format", "json")
    verified, timings["verify"] = flask(db_url, "ranking", "verify")
    ours = {row["agency_code"]: row for row in csv.DictReader(io.StringIO(exported))}

    with open(DEFAULT_SOURCE, encoding="utf-8", newline="") as handle:
        cms = {f"H{r['provider_id']}": r for r in csv.DictReader(handle) if r["recmnd_star"]}
    common = [code for code in cms if code in ours and ours[code]["score"]]
    star = np.array([int(cms[c]["recmnd_star"]) for c in common])
    linear = np.array([float(cms[c]["recmnd_linear_score"]) for c in common])
    score = np.array([float(ours[c]["score"]) for c in common])
    band = [ours[c]["band"] for c in common]

    table = {b: Counter() for b in BANDS}
    for b, s in zip(band, star, strict=True):
        table[b][s] += 1
    flagged_low = [c for c, b in zip(common, band, strict=True) if b in ("below", "well_below")]
    flagged_high = [c for c, b in zip(common, band, strict=True) if b in ("above", "well_above")]
    low_disagree = [c for c in flagged_low if int(cms[c]["recmnd_star"]) >= 4]
    high_disagree = [c for c in flagged_high if int(cms[c]["recmnd_star"]) <= 2]
    tau_b = stats.kendalltau(score, star).statistic
    report = {
        "hospitals_imported": hospitals,
        "hospitals_with_cms_stars": len(common),
        "timings_seconds": {k: round(v, 2) for k, v in timings.items()},
        "verify": verified.strip().splitlines()[-1],
        "spearman_score_vs_cms_linear": round(float(stats.spearmanr(score, linear).statistic), 4),
        "spearman_score_vs_cms_star": round(float(stats.spearmanr(score, star).statistic), 4),
        "kendall_tau_b_score_vs_star": round(float(tau_b), 4),
        "band_by_star": {b: {str(s): table[b][s] for s in range(1, 6)} for b in BANDS},
        "flagged_low": len(flagged_low),
        "flagged_low_with_4_or_5_stars": len(low_disagree),
        "flagged_high": len(flagged_high),
        "flagged_high_with_1_or_2_stars": len(high_disagree),
        "examples_low_disagree": [
            {
                "code": c,
                "name": ours[c]["agency_name"],
                "n": ours[c]["responses"],
                "rate": ours[c]["rate"],
                "expected": ours[c]["expected"],
                "cms_star": cms[c]["recmnd_star"],
                "cms_linear": cms[c]["recmnd_linear_score"],
                "py_pct": cms[c]["recmnd_py_pct"],
            }
            for c in low_disagree[:5]
        ],
        "examples_high_disagree": [
            {
                "code": c,
                "name": ours[c]["agency_name"],
                "n": ours[c]["responses"],
                "rate": ours[c]["rate"],
                "cms_star": cms[c]["recmnd_star"],
                "cms_linear": cms[c]["recmnd_linear_score"],
            }
            for c in high_disagree[:5]
        ],
    }
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
