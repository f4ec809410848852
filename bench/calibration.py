"""Calibration of the league-table methods on simulated peer groups with known truth.

For each scenario, simulates tables of 300 agencies with log-normal sizes
(median 150, clipped to 5-5,000) and compares method 1 (`ranking.table`),
method 2 (`ranking.v2`) and a plain binomial funnel (arcsine limits around the
group rate, no overdispersion; Wilson intervals as its "score" interval).
Every figure is a ratio over tables with its Monte-Carlo SE (tables as clusters).

    python -m bench.calibration [--quick] [--tables N] [--movement-tables N] [--seed S] [--jobs J]
"""

from __future__ import annotations

import argparse
import itertools
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from ranking.movement import score_movement as movement_v1
from ranking.stats import Z95, Z998, wilson_interval
from ranking.table import league_table as table_v1
from ranking.v2 import league_table as table_v2
from ranking.v2 import score_movement as movement_v2

AGENCIES = 300
N_BANDS = ((5, 29), (30, 99), (100, 499), (500, 5000))
SCENARIOS: dict[str, tuple] = {
    "null p=0.85": ("beta", 0.85, 0.0),
    "null p=0.97": ("beta", 0.97, 0.0),
    "Beta 0.85 SD 0.02": ("beta", 0.85, 0.02),
    "Beta 0.85 SD 0.05": ("beta", 0.85, 0.05),
    "Beta 0.85 SD 0.10": ("beta", 0.85, 0.10),
    "Beta 0.95 SD 0.03": ("beta", 0.95, 0.03),
    "mixture 90% 0.87/0.03 + 10% 0.70/0.05": ("mixture", 0.0, 0.0),
}
METHODS = ("method 1", "method 2", "binomial")


def draw_beta(rng: np.random.Generator, mean: float, sd: float, size: int) -> np.ndarray:
    """True rates from a Beta with this mean and SD (all equal to the mean when SD = 0)."""
    if sd == 0:
        return np.full(size, mean)
    strength = mean * (1 - mean) / sd**2 - 1
    return rng.beta(mean * strength, (1 - mean) * strength, size)


def draw_sizes(rng: np.random.Generator) -> np.ndarray:
    """Log-normal answers per agency: median 150, sigma 1.1, clipped to 5-5,000."""
    return np.clip(np.round(np.exp(rng.normal(np.log(150), 1.1, AGENCIES))), 5, 5000).astype(int)


def draw_truth(rng: np.random.Generator, scenario: str) -> tuple[np.ndarray, np.ndarray]:
    """True rates and the failing-component indicator."""
    kind, mean, sd = SCENARIOS[scenario]
    if kind == "mixture":
        failing = rng.random(AGENCIES) < 0.10
        main = draw_beta(rng, 0.87, 0.03, AGENCIES)
        bad = draw_beta(rng, 0.70, 0.05, AGENCIES)
        return np.where(failing, bad, main), failing
    return draw_beta(rng, mean, sd, AGENCIES), np.zeros(AGENCIES, dtype=bool)


def binomial_funnel(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Bands of a plain arcsine funnel around the group rate (Spiegelhalter 2005, no overdispersion)."""
    p_bar = x.sum() / n.sum()
    z = (np.arcsin(np.sqrt(x / n)) - np.arcsin(np.sqrt(p_bar))) * 2 * np.sqrt(n)
    return np.select(
        [z > Z998, z > Z95, z < -Z998, z < -Z95], ["well_above", "above", "well_below", "below"], "expected"
    )


@dataclass
class Tally:
    """Hits and counts per table for each named figure (ratio estimator, clustered SE)."""

    hits: dict[str, list[float]] = field(default_factory=dict)
    counts: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, hits: float, count: float) -> None:
        self.hits.setdefault(name, []).append(float(hits))
        self.counts.setdefault(name, []).append(float(count))

    def ratio(self, name: str) -> tuple[float, float, float]:
        """Pooled ratio, its clustered Monte-Carlo SE, and the total count."""
        h = np.array(self.hits.get(name, []))
        c = np.array(self.counts.get(name, []))
        total = c.sum()
        if total == 0:
            return np.nan, np.nan, 0.0
        r = h.sum() / total
        k = (c > 0).sum()
        se = np.sqrt(np.sum((h - r * c) ** 2) * k / max(k - 1, 1)) / total
        return float(r), float(se), float(total)


def true_rank_bounds(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best and worst rank each agency could truly have (ties share every rank they span)."""
    order = np.sort(p)
    better = p.size - np.searchsorted(order, p, side="right")
    not_worse = p.size - np.searchsorted(order, p, side="left")
    return better + 1.0, not_worse.astype(float)


def tally_table(tally: Tally, name: str, res: dict, p: np.ndarray, n: np.ndarray, failing: np.ndarray) -> None:
    """Flags, score coverage and rank coverage of one method on one table."""
    band = np.asarray(res["band"])
    own = ~failing
    flag95 = band != "expected"
    flag998 = np.char.startswith(band.astype(str), "well")
    tally.add(f"{name}|flag95", np.sum(flag95 & own), own.sum())
    tally.add(f"{name}|flag998", np.sum(flag998 & own), own.sum())
    for lo, hi in N_BANDS:
        sel = own & (n >= lo) & (n <= hi)
        tally.add(f"{name}|flag95|n{lo}", np.sum(flag95 & sel), sel.sum())
        tally.add(f"{name}|flag998|n{lo}", np.sum(flag998 & sel), sel.sum())
    tally.add(f"{name}|any_well_below", float(np.any((band == "well_below") & own)), 1)
    below = np.isin(band, ("below", "well_below"))
    if failing.any():
        big = failing & (n >= 100)
        tally.add(f"{name}|power", np.sum(below & big), big.sum())
        tally.add(f"{name}|precision", np.sum(below & failing), below.sum())
        wb = band == "well_below"
        tally.add(f"{name}|power998", np.sum(wb & big), big.sum())
        tally.add(f"{name}|precision998", np.sum(wb & failing), wb.sum())
    low, high = res["score_low"], res["score_high"]
    cover = (p >= low) & (p <= high)
    tally.add(f"{name}|cover", cover.sum(), cover.size)
    for lo, hi in N_BANDS:
        sel = (n >= lo) & (n <= hi)
        tally.add(f"{name}|cover|n{lo}", np.sum(cover & sel), sel.sum())
    order = np.argsort(p, kind="stable")
    tail = np.zeros(p.size, dtype=bool)
    tail[order[: p.size // 10]] = True
    tail[order[-(p.size // 10) :]] = True
    tally.add(f"{name}|cover_tails", np.sum(cover & tail), tail.sum())
    if "ranked" in res:
        ranked = np.asarray(res["ranked"], dtype=bool)
        tally.add(f"{name}|rankable", float(ranked.any()), 1)
        if ranked.any():
            best, worst = true_rank_bounds(p[ranked])
            lo_r, hi_r = res["rank_low"][ranked], res["rank_high"][ranked]
            inside = (lo_r <= worst) & (hi_r >= best)
            tally.add(f"{name}|rank_marginal", inside.sum(), inside.size)
            s_lo = res.get("rank_set_low", res["rank_low"])[ranked]
            s_hi = res.get("rank_set_high", res["rank_high"])[ranked]
            tally.add(f"{name}|rank_simultaneous", float(np.all((s_lo <= worst) & (s_hi >= best))), 1)
            tally.add(f"{name}|rank_width", np.sum(hi_r - lo_r + 1), ranked.sum())


def movement_replicate(tally: Tally, rng: np.random.Generator, scenario: str, months_count: int = 12) -> None:
    """12 months without change (false alarms), then one pair with a 10-point drop in 10% of agencies."""
    n = draw_sizes(rng)
    p, _ = draw_truth(rng, scenario)
    months = []
    for _ in range(months_count):
        x = rng.binomial(n, p)
        months.append((table_v1(x, n), table_v2(x, n)))
    alarms = {"method 1": np.zeros(AGENCIES, bool), "method 2": np.zeros(AGENCIES, bool)}
    for (prev1, prev2), (now1, now2) in itertools.pairwise(months):
        alarms["method 1"] |= movement_v1(
            now1["alpha_post"], now1["beta_post"], prev1["alpha_post"], prev1["beta_post"]
        )[3]
        move = movement_v2(now2["score"], now2["score_sd"], n, prev2["score"], prev2["score_sd"], n)
        alarms["method 2"] |= move["significant"]
    drop = rng.random(AGENCIES) < 0.10
    p_after = np.where(drop, np.clip(p - 0.10, 0.0, 1.0), p)
    before_x, after_x = rng.binomial(n, p), rng.binomial(n, p_after)
    b1, a1 = table_v1(before_x, n), table_v1(after_x, n)
    b2, a2 = table_v2(before_x, n), table_v2(after_x, n)
    seen = {
        "method 1": movement_v1(a1["alpha_post"], a1["beta_post"], b1["alpha_post"], b1["beta_post"])[3]
        & (a1["score"] < b1["score"]),
        "method 2": movement_v2(a2["score"], a2["score_sd"], n, b2["score"], b2["score_sd"], n)["significant"]
        & (a2["score"] < b2["score"]),
    }
    for name in ("method 1", "method 2"):
        tally.add(f"{name}|move_false", alarms[name].sum(), AGENCIES)
        tally.add(f"{name}|move_power", np.sum(seen[name] & drop), drop.sum())
        for lo, hi in N_BANDS:
            sel = (n >= lo) & (n <= hi)
            tally.add(f"{name}|move_false|n{lo}", np.sum(alarms[name] & sel), sel.sum())
            tally.add(f"{name}|move_power|n{lo}", np.sum(seen[name] & drop & sel), np.sum(drop & sel))


def run_scenario(args: tuple[str, int, int, int, int]) -> tuple[str, Tally, float]:
    """All tables and movement replicates of one scenario."""
    scenario, tables, movement_tables, months, seed = args
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    tally = Tally()
    for _ in range(tables):
        n = draw_sizes(rng)
        p, failing = draw_truth(rng, scenario)
        x = rng.binomial(n, p)
        tally_table(tally, "method 1", table_v1(x, n), p, n, failing)
        tally_table(tally, "method 2", table_v2(x, n), p, n, failing)
        low, high = wilson_interval(x, n)
        binom = {"band": binomial_funnel(x, n), "score_low": low, "score_high": high}
        tally_table(tally, "binomial", binom, p, n, failing)
    for _ in range(movement_tables):
        movement_replicate(tally, rng, scenario, months)
    return scenario, tally, time.perf_counter() - started


def fmt(value: tuple[float, float, float], pct: bool = True) -> str:
    r, se, total = value
    if total == 0 or not np.isfinite(r):
        return "n/a"
    if pct:
        return f"{100 * r:.2f} ± {100 * se:.2f}"
    return f"{r:.1f} ± {se:.1f}"


ROWS: list[tuple[str, str, bool]] = [
    ("flags at 95%, own distribution (%)", "flag95", True),
    ("flags at 99.8%, own distribution (%)", "flag998", True),
    *[(f"  95% flags, n {lo}-{hi}", f"flag95|n{lo}", True) for lo, hi in N_BANDS],
    *[(f"  99.8% flags, n {lo}-{hi}", f"flag998|n{lo}", True) for lo, hi in N_BANDS],
    ("tables naming any well_below (%)", "any_well_below", True),
    ("failing n>=100 flagged below/well_below (%)", "power", True),
    ("below/well_below flags truly failing (%)", "precision", True),
    ("failing n>=100 flagged well_below (%)", "power998", True),
    ("well_below flags truly failing (%)", "precision998", True),
    ("score interval coverage (%)", "cover", True),
    *[(f"  coverage, n {lo}-{hi}", f"cover|n{lo}", True) for lo, hi in N_BANDS],
    ("coverage, truly best/worst 10% (%)", "cover_tails", True),
    ("tables with ranks (%)", "rankable", True),
    ("rank range holds true rank, marginal (%)", "rank_marginal", True),
    ("all ranges hold at once, simultaneous (%)", "rank_simultaneous", True),
    ("mean rank-range width (places)", "rank_width", False),
    ("movement: agencies with >=1 call over the months, no change (%)", "move_false", True),
    *[(f"  false alarms, n {lo}-{hi}", f"move_false|n{lo}", True) for lo, hi in N_BANDS],
    ("movement: real 10-point drop detected (%)", "move_power", True),
    *[(f"  power, n {lo}-{hi}", f"move_power|n{lo}", True) for lo, hi in N_BANDS],
]


def report(scenario: str, tally: Tally) -> str:
    """One markdown table: figures down, methods across (value ± Monte-Carlo SE)."""
    lines = [f"### {scenario}", "", "| figure | " + " | ".join(METHODS) + " |", "|---|---|---|---|"]
    for label, key, pct in ROWS:
        cells = [fmt(tally.ratio(f"{m}|{key}"), pct) for m in METHODS]
        if all(c == "n/a" for c in cells):
            continue
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 5 tables and one 4-month movement replicate per scenario"
    )
    parser.add_argument("--tables", type=int, default=200)
    parser.add_argument("--movement-tables", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    tables, movement_tables = (5, 1) if args.quick else (args.tables, args.movement_tables)
    months = 4 if args.quick else 12
    seeds = np.random.SeedSequence(args.seed).generate_state(len(SCENARIOS))
    jobs = [(s, tables, movement_tables, months, int(seed)) for s, seed in zip(SCENARIOS, seeds, strict=True)]
    started = time.perf_counter()
    print(
        f"# Calibration: {tables} tables x {AGENCIES} agencies per scenario, "
        f"{movement_tables} x {months}-month movement replicates, seed {args.seed}\n"
    )
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for scenario, tally, seconds in pool.map(run_scenario, jobs):
            print(report(scenario, tally))
            print(f"\n({seconds:.0f} s)\n", flush=True)
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
