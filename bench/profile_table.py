"""cProfile of method 2's league table on a synthetic peer group (no database, no server).

    python -m bench.profile_table [--agencies 3860]

Sizes are Pareto-distributed (a few agencies with tens of thousands of answers), with eight
service categories and 250 parents, like the largest group of bench.publish_bench. Prints
the total and the functions with the most cumulative time (docs/performance.md, issue 16).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

import numpy as np

from ranking.v2.table import league_table


def synthetic_group(agencies: int, seed: int = 3) -> dict:
    rng = np.random.default_rng(seed)
    n = np.maximum(30, (rng.pareto(1.2, agencies) * 400).astype(int)).clip(max=40000)
    p = rng.beta(30, 8, agencies)
    weights = rng.dirichlet(np.ones(8), agencies)
    n_by = np.floor(weights * n[:, None]).astype(int)
    n_by[:, 0] += n - n_by.sum(axis=1)
    x_by = np.minimum(rng.binomial(n_by, p[:, None]), n_by)
    parents = rng.integers(0, 250, agencies)
    return {"x": x_by.sum(axis=1), "n": n, "n_by_cat": n_by, "x_by_cat": x_by, "parent_keys": parents}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=3860)
    group = synthetic_group(parser.parse_args().agencies)
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    league_table(group.pop("x"), group.pop("n"), **group)
    profile.disable()
    print(f"league_table: {time.perf_counter() - started:.1f} s")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(20)


if __name__ == "__main__":
    main()
