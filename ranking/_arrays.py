"""Input checks shared by the ranking maths modules (private)."""

from __future__ import annotations

import numpy as np


def as_counts(x: object, n: object) -> tuple[np.ndarray, np.ndarray]:
    """Return x and n as 1-D float arrays, checking 0 <= x <= n and equal lengths."""
    x_arr = np.atleast_1d(np.asarray(x, dtype=float))
    n_arr = np.atleast_1d(np.asarray(n, dtype=float))
    if x_arr.ndim != 1 or n_arr.ndim != 1:
        raise ValueError("x and n must be one-dimensional (one value per agency)")
    if x_arr.shape != n_arr.shape:
        raise ValueError(f"x and n must have the same length, got {x_arr.size} and {n_arr.size}")
    if not (np.all(np.isfinite(x_arr)) and np.all(np.isfinite(n_arr))):
        raise ValueError("x and n must be finite")
    if np.any(n_arr < 0) or np.any(x_arr < 0) or np.any(x_arr > n_arr):
        raise ValueError("counts must satisfy 0 <= x <= n")
    return x_arr, n_arr
