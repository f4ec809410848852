"""Interval for a single proportion (METHODOLOGY §3)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

Z95 = 1.959964
Z998 = 3.090232


def wilson_interval(x: ArrayLike, n: ArrayLike, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for x successes out of n (Wilson 1927).

    Broadcasts x and n; NaN where n == 0; bounds clipped to [0, 1].
    """
    x_arr, n_arr = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(n, dtype=float))
    if np.any(n_arr < 0) or np.any(x_arr < 0) or np.any(x_arr > n_arr):
        raise ValueError("counts must satisfy 0 <= x <= n")
    has_data = n_arr > 0
    safe_n = np.where(has_data, n_arr, 1.0)
    p = x_arr / safe_n
    z2 = z * z
    denom = 1.0 + z2 / safe_n
    centre = (p + z2 / (2.0 * safe_n)) / denom
    half = (z / denom) * np.sqrt(p * (1.0 - p) / safe_n + z2 / (4.0 * safe_n**2))
    low = np.clip(centre - half, 0.0, 1.0)
    high = np.clip(centre + half, 0.0, 1.0)
    # The algebra gives exactly 0 (or 1) at x = 0 (x = n); make rounding agree.
    low = np.where(x_arr == 0, 0.0, low)
    high = np.where(x_arr == n_arr, 1.0, high)
    return np.where(has_data, low, np.nan), np.where(has_data, high, np.nan)
