"""Template context of the table and agency pages, assembled from stored snapshot figures."""

from __future__ import annotations

from typing import Any

from survey.i18n import current_locale
from survey.public import charts, overview, queries
from survey.public.table import TableQuery, display_name, paginate, scale


def table_context(found: queries.Found, query: TableQuery, *, successor: int | None) -> dict[str, Any]:
    """One page of a snapshot's league table, its interval bars and the charts' text summaries."""
    snapshot = found.snapshot
    entries = queries.entries_of([snapshot.id])
    locale = current_locale()
    page = paginate(entries, query, locale)
    target = overview.satisfaction_target()
    domain = scale(entries)
    return {
        "found": found,
        "snapshot": snapshot,
        "query": query,
        "page": page,
        "parents": queries.agency_names(page.parents),
        "successor": successor,
        "domain": domain,
        "target": target,
        "bars": {e.id: charts.interval_bar(e, domain, target) for e in page.rows},
        "funnel_text": charts.funnel_summary(entries, locale),
        "caterpillar_text": charts.caterpillar_summary(entries, locale),
    }


def context_for_agency(code: str) -> dict[str, Any] | None:
    """History, family and published plans of an agency; None if it is unknown and never published."""
    record = queries.agency_by_code(code)
    history = queries.agency_history(code, record.id if record else None)
    if record is None and not history:
        return None
    months, quarters = overview.split_history(history)
    latest = history[0] if history else None
    locale = current_locale()
    target = overview.satisfaction_target()
    parent, peers, children = queries.relatives(record) if record else (None, [], [])
    return {
        "agency": record,
        "code": code,
        "name": record.name(locale) if record else display_name(history[0][0], locale),
        "months": months,
        "quarters": quarters,
        "latest": latest,
        "target": target,
        "sparkline": charts.sparkline(overview.trend(months), target),
        "drivers": overview.drivers(latest[0].figures, latest[1].summary) if latest else [],
        "parent": parent,
        "peers": peers,
        "children": children,
        # What the agency's managers publish next to the figures (rendered only when present).
        "action_plans": queries.action_plans_for([record.id]).get(record.id, []) if record else [],
        "public_replies": queries.public_replies(record.id) if record else [],
    }
