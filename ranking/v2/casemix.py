"""Leave-one-out expected rates and the case-mix adjustment (method 2.0.0, §M2.2).

Indirect standardisation (as method 1 §4) with three changes:
- every rate an agency is compared with is computed without its own answers
  (leave-one-out), so an agency alone in a category is not compared with itself;
- each leave-one-out category rate is shrunk toward the leave-one-out overall
  rate by `k` pseudo-answers, so a category the others barely use cannot carry
  an agency's own level into its expectation (a credibility weight, Bühlmann 1967);
- the adjustment is one odds ratio per agency, c_i = logit(e_i) - logit(g_i), applied
  on the logit scale, so adjusted rates stay in [0, 1] (Hosmer & Lemeshow's
  indirectly standardised odds, see also Iezzoni 2013 ch. 12).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special


def loo_group_rate(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Overall rate of the other agencies, (X - x_i + 1/2) / (N - n_i + 1).

    The half answer (Jeffreys) keeps it strictly inside (0, 1), so logits are finite
    even when every other answer is satisfied (or none is).
    """
    return (x.sum() - x + 0.5) / (n.sum() - n + 1.0)


def loo_expected(
    x: np.ndarray,
    n: np.ndarray,
    n_by_cat: ArrayLike | None = None,
    x_by_cat: ArrayLike | None = None,
    shrink: float = 50.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Leave-one-out expected rate e_i and the leave-one-out group rate g_i.

    Without categories e_i = g_i. With categories (agencies x categories counts),
    r_{s,-i} = (X_s - x_is + k g_i) / (N_s - n_is + k) and e_i = sum_s n_is r_{s,-i} / n_i.
    NaN for agencies without answers.
    """
    group = loo_group_rate(x, n)
    has_data = n > 0
    if n_by_cat is None:
        return np.where(has_data, group, np.nan), group
    n_mat = np.asarray(n_by_cat, dtype=float)
    x_mat = np.asarray(x_by_cat, dtype=float)
    others_n = n_mat.sum(axis=0)[None, :] - n_mat
    others_x = x_mat.sum(axis=0)[None, :] - x_mat
    rate = (others_x + shrink * group[:, None]) / (others_n + shrink)
    safe_n = np.where(has_data, n, 1.0)
    expected = np.sum(n_mat * rate, axis=1) / safe_n
    # Rounding can push a sum of shares a hair outside the range of its parts.
    expected = np.clip(expected, rate.min(axis=1), rate.max(axis=1))
    return np.where(has_data, expected, np.nan), group


def odds_offset(expected: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Case-mix log odds ratio c_i = logit(e_i) - logit(g_i); 0 where there is no data."""
    with np.errstate(invalid="ignore"):
        offset = special.logit(expected) - special.logit(group)
    return np.where(np.isfinite(offset), offset, 0.0)


def remove_offset(p: ArrayLike, offset: ArrayLike) -> np.ndarray:
    """expit(logit(p) - c): the rate with the agency's case-mix odds taken out, in [0, 1].

    Written as p r / (p r + 1 - p) with r = exp(-c), exact at p = 0 and p = 1.
    """
    p_arr = np.asarray(p, dtype=float)
    ratio = np.exp(-np.asarray(offset, dtype=float))
    with np.errstate(invalid="ignore"):
        return p_arr * ratio / (p_arr * ratio + (1.0 - p_arr))


def remove_offset_slope(p: ArrayLike, offset: ArrayLike) -> np.ndarray:
    """Derivative of `remove_offset` in p: r / (p r + 1 - p)^2 (delta method for SDs)."""
    p_arr = np.asarray(p, dtype=float)
    ratio = np.exp(-np.asarray(offset, dtype=float))
    return ratio / (p_arr * ratio + (1.0 - p_arr)) ** 2
