"""The snapshot hash's canonical JSON: the encoder's fast path writes exactly what the full walk writes.

Published hashes must never change, so the fast path (json.dumps straight on the content) is
compared with the original definition (clean every value, then dump) on random content of the
shapes snapshots hold: nested dicts and lists, NumPy scalars, tuples, NaN and infinities.
"""

import json
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.publication.ledger import canonical, canonical_json


def walked(content):
    return json.dumps(canonical(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


floats = st.floats(allow_nan=True, allow_infinity=True)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**62), 2**62),
    floats,
    floats.map(np.float64),
    st.integers(-(2**31), 2**31).map(np.int64),
    st.booleans().map(np.bool_),
    st.floats(width=32, allow_nan=False).map(np.float32),
    st.text(max_size=8),
)
content = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        # Keys are strings: content is read back from JSON for verification, where keys can be nothing else.
        st.dictionaries(st.text(max_size=6), inner, max_size=4),
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=6), content, max_size=5))
def test_fast_path_writes_what_the_walk_writes(value):
    assert canonical_json(value) == walked(value)


def test_nan_and_numpy_values_become_plain_json():
    value = {"b": np.float64(0.25), "a": [np.int64(3), np.bool_(False), math.nan, (1, np.float64("inf"))]}
    assert canonical_json(value) == '{"a":[3,false,null,[1,null]],"b":0.25}'
