"""CMS HCAHPS FY2017 through the ranking library directly: method 1 vs method 2 against CMS stars.

Same data as `bench.hcahps_validation` (hospital = agency, positive = "definitely yes"
would recommend), but no app or CLI: both methods' `league_table` run on the counts.
Scores are binned into five bins holding as many hospitals as each CMS star (1-5,
lowest scores to 1 star), then compared with the stars.

    python -m bench.hcahps_v2 [--source shared/data/hcahps-fy2017/hcahps_fy2017_clean.csv]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import time
from pathlib import Path

import numpy as np
from scipy import stats

from bench.hcahps_counts import DEFAULT_SOURCE, convert
from ranking.table import league_table as table_v1
from ranking.v2 import league_table as table_v2


def load(source: Path) -> tuple[list[str], np.ndarray, np.ndarray, dict[str, dict[str, str]]]:
    """Codes, positive and answered counts of every imported hospital, and the CMS rows."""
    buffer = io.StringIO()
    convert(source, buffer)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    with open(source, encoding="utf-8", newline="") as handle:
        cms = {f"H{r['provider_id']}": r for r in csv.DictReader(handle) if r["recmnd_star"]}
    codes = [r["agency_code"] for r in rows]
    x = np.array([int(r["positive"]) for r in rows])
    n = np.array([int(r["responses"]) for r in rows])
    return codes, x, n, cms


def binned_stars(score: np.ndarray, star: np.ndarray) -> np.ndarray:
    """Bin scores into 1-5 with the same number of hospitals per bin as CMS's stars."""
    order = np.argsort(score, kind="stable")
    bins = np.empty(score.size, dtype=int)
    edges = np.cumsum([np.sum(star == s) for s in range(1, 6)])
    bins[order] = np.searchsorted(edges, np.arange(score.size), side="right") + 1
    return bins


def compare(result: dict, codes: list[str], cms: dict[str, dict[str, str]]) -> dict:
    """Agreement of one method's scores and bands with the CMS recommend stars."""
    index = {c: i for i, c in enumerate(codes)}
    common = [c for c in cms if c in index]
    pos = np.array([index[c] for c in common])
    star = np.array([int(cms[c]["recmnd_star"]) for c in common])
    linear = np.array([float(cms[c]["recmnd_linear_score"]) for c in common])
    score = np.asarray(result["score"])[pos]
    band = np.asarray(result["band"])[pos]
    bins = binned_stars(score, star)
    low = np.isin(band, ("below", "well_below"))
    high = np.isin(band, ("above", "well_above"))
    return {
        "hospitals": len(common),
        "binned_exact_agreement": round(float(np.mean(bins == star)), 4),
        "binned_within_one_star": round(float(np.mean(np.abs(bins - star) <= 1)), 4),
        "spearman_score_vs_cms_linear": round(float(stats.spearmanr(score, linear).statistic), 4),
        "flagged_low": int(low.sum()),
        "flagged_low_with_4_or_5_stars": int(np.sum(low & (star >= 4))),
        "flagged_high": int(high.sum()),
        "flagged_high_with_1_or_2_stars": int(np.sum(high & (star <= 2))),
        "band_by_star": {
            b: {str(s): int(np.sum((band == b) & (star == s))) for s in range(1, 6)}
            for b in ("well_below", "below", "expected", "above", "well_above")
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="hcahps_fy2017_clean.csv")
    codes, x, n, cms = load(parser.parse_args().source)
    report = {"hospitals_imported": len(codes)}
    for name, fn in (("method 1", table_v1), ("method 2", table_v2)):
        started = time.perf_counter()
        result = fn(x, n)
        report[name] = {"seconds": round(time.perf_counter() - started, 1), **compare(result, codes, cms)}
        if name == "method 2":
            report[name]["rankability"] = round(float(result["rankability"]), 4)
            report[name]["band_strength"] = round(float(result["band_strength"]), 1)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
