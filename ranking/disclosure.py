"""Small-count suppression for published tables (METHODOLOGY §8).

Primary suppression hides counts 1-4; secondary suppression hides one more
sibling wherever a parent would otherwise have a single hidden child, so the
hidden count cannot be recovered by subtracting the others from the total
(as in NHS Friends and Family Test and ONS disclosure guidance).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def primary_suppression(counts: ArrayLike, low: int = 1, high: int = 4) -> np.ndarray:
    """Mask of counts in [low, high] (1-4 by default); zeros are not hidden."""
    values = np.asarray(counts)
    return (values >= low) & (values <= high)


def secondary_suppression(counts: ArrayLike, parent_keys: ArrayLike, hidden: ArrayLike) -> np.ndarray:
    """Extend `hidden` so no parent group has exactly one hidden child.

    Where a group of two or more children has a single hidden child, the
    smallest visible sibling (first in input order on ties) is hidden too.
    Returns the complete mask (the input `hidden` plus the new cells).
    """
    values = np.atleast_1d(np.asarray(counts, dtype=float))
    keys = np.atleast_1d(np.asarray(parent_keys))
    mask = np.atleast_1d(np.asarray(hidden, dtype=bool)).copy()
    if not (values.ndim == 1 and values.shape == keys.shape == mask.shape):
        raise ValueError("counts, parent_keys and hidden must be 1-D, same length")
    if values.size == 0:
        return mask

    _, group = np.unique(keys, return_inverse=True)
    group = group.ravel()
    size = np.bincount(group)
    n_hidden = np.bincount(group, weights=mask)
    needs_more = (n_hidden == 1) & (size >= 2)
    candidate = ~mask & needs_more[group]
    if not candidate.any():
        return mask
    # Sort candidates by group, then count, then position; take the first per group.
    idx = np.flatnonzero(candidate)
    order = idx[np.lexsort((idx, values[idx], group[idx]))]
    first = np.ones(order.size, dtype=bool)
    first[1:] = group[order[1:]] != group[order[:-1]]
    mask[order[first]] = True
    return mask


def disclosure_mask(counts: ArrayLike, parent_keys: ArrayLike, low: int = 1, high: int = 4) -> np.ndarray:
    """Primary then secondary suppression: True where a count must be shown as "*"."""
    return secondary_suppression(counts, parent_keys, primary_suppression(counts, low=low, high=high))
