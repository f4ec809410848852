"""Publication: the second half of the pipeline, from a period's counts to immutable snapshots.

Modules, in pipeline order: ``counts`` (SQL aggregation), ``methods`` (which version of
the ranking maths), ``build`` (a snapshot's entries, summary and hash), ``charts``,
``store`` (lock and transaction), ``service`` (``publish`` and ``catch_up``: the one entry
point), ``snapshots`` (reading what is current), ``opendata``, ``verify``, ``importer``
(counts from other programmes) and ``jobs`` (the scheduler's work).
"""

from survey.publication.service import PublicationError, catch_up, publish
from survey.publication.store import PublishResult

__all__ = ["PublicationError", "PublishResult", "catch_up", "publish"]
