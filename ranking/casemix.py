"""Expected rates by indirect standardisation (METHODOLOGY §4)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def expected_rates(n_by_cat: ArrayLike, x_by_cat: ArrayLike) -> np.ndarray:
    """Indirectly standardised expected rate e_i = sum_s n_is r_s / n_i.

    r_s is the peer group's satisfied share in service category s (columns);
    rows are agencies. NaN where an agency has no answers.
    """
    n_mat = np.asarray(n_by_cat, dtype=float)
    x_mat = np.asarray(x_by_cat, dtype=float)
    if n_mat.ndim != 2 or n_mat.shape != x_mat.shape:
        raise ValueError(
            "n_by_cat and x_by_cat must be 2-D (agencies x categories) "
            f"of the same shape, got {n_mat.shape} and {x_mat.shape}"
        )
    if not (np.all(np.isfinite(n_mat)) and np.all(np.isfinite(x_mat))):
        raise ValueError("category counts must be finite")
    if np.any(x_mat < 0) or np.any(x_mat > n_mat):
        raise ValueError("category counts must satisfy 0 <= x <= n")
    n_cat = n_mat.sum(axis=0)
    # A category nobody answered has no rate, and weight 0 in every row anyway.
    r = np.divide(x_mat.sum(axis=0), n_cat, out=np.zeros_like(n_cat), where=n_cat > 0)
    n_i = n_mat.sum(axis=1)
    weighted = n_mat @ r
    return np.divide(weighted, n_i, out=np.full_like(n_i, np.nan), where=n_i > 0)
