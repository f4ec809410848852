"""The demo city: a Ho Chi Minh City-shaped set of agencies, services, cases and responses.

``load_demo`` builds about 20 departments, 22 districts and 300 wards, 35 procedures, and
months of completed cases with their invitations and citizens' responses. Everything
that matters for the ranking is drawn from one seeded generator, so the same seed and
the same ``now`` give the same city, the same counts and the same answers. Only the
invitation token salts are fresh random values (they protect survey links and must not
be predictable).

Each agency has a latent share of satisfied citizens, mostly 0.85-0.9 so the city sits
near its 90% target; a few wards and districts are genuinely worse or better, and one
ward (``WORST_WARD_CODE``) is clearly worse with enough volume to be flagged. Some
agencies finish many cases late, and late cases satisfy less.

- ``data``: the tables (services, departments, districts and wards, demo logins);
- ``behaviour``: volumes, planted qualities, answer and comment shares;
- ``generator``: the seeded draws, as arrays;
- ``rows``: those arrays as insertable rows;
- ``loader``: ``load_demo``, writing it all.

``bench.demo_fingerprint`` shows whether a change alters any generated row.
"""

from survey.demo.data import DEMO_LOGINS, DEMO_PASSWORD, WORST_WARD_CODE
from survey.demo.loader import database_is_empty, ensure_question_set, load_demo

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "WORST_WARD_CODE", "database_is_empty", "ensure_question_set", "load_demo"]
