"""Public views, kept thin: reads in ``queries``, page context in ``context``/``overview``, caching in ``caching``."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from ranking import parse_period
from survey.extensions import db
from survey.i18n import current_locale
from survey.public import bp, formatting, labels, overview, queries
from survey.public.caching import IMMUTABLE, LATEST, by_content, conditional, decorate, file_etag, snapshot_etag
from survey.public.changes import largest_changes
from survey.public.context import context_for_agency, table_context
from survey.public.feed import atom_feed
from survey.public.openapi import openapi_document
from survey.public.table import LOW_RESPONSE_RATE, PER_PAGE, TableQuery, display_name, low_response_rate
from survey.publication.charts import CHART_VERSION, render_chart
from survey.publication.opendata import OPEN_DATA_FIELDS, snapshot_document, snapshot_metadata, snapshots_csv
from survey.publication.service import method_params
from survey.publication.snapshots import current_series

FEED_ENTRIES = 50
KEPT_ON_REDIRECT = ("lang", "sort", "order", "band", "parent", "q", "page")


@bp.context_processor
def page_helpers() -> dict[str, Any]:
    return {
        "fmt": formatting,
        "labels": labels,
        "display_name": display_name,
        "low_response_rate": low_response_rate,
        "low_rate_threshold": LOW_RESPONSE_RATE,
    }


def _page_number() -> int:
    raw = request.args.get("page") or "1"
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        abort(400)
    return int(raw)


def _open(response: Response) -> Response:
    """Open data may be fetched from any site (it is public and carries no credentials)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/")
def home() -> Response:
    snapshots = queries.current_publications()
    entries = queries.entries_of(s.id for s in snapshots)
    view = overview.home_view(snapshots, entries, overview.satisfaction_target())
    # Plans filed by the agencies flagged well below their peers, shown under the table.
    plans = queries.action_plans_for(f.entry.agency_id for f in view.well_below if f.entry.agency_id)
    return by_content(render_template("public/home.html", view=view, action_plans=plans))


@bp.get("/changes")
def latest_changes() -> Response:
    """The newest quarter's largest changes (a month's with ``?kind=month``)."""
    kind = request.args.get("kind", "quarter")  # present but empty is as wrong as any other value
    if kind not in ("quarter", "month"):
        abort(400, "kind must be quarter or month")
    period = queries.latest_period_of_kind(kind)
    if period is None:
        return by_content(render_template("public/changes.html", view=None, kind=kind))
    keep = {"lang": request.args["lang"]} if request.args.get("lang") in current_app.config["LANGUAGES"] else {}
    return decorate(redirect(url_for("public.changes", period=period, **keep)), None, LATEST)


@bp.get("/changes/<period>")
def changes(period: str) -> Response:
    try:
        kind = parse_period(period).kind
    except ValueError:
        abort(404)
    snapshots = queries.period_publications(period)
    if not snapshots:
        abort(404)
    view = largest_changes(period, snapshots, queries.entries_of(s.id for s in snapshots))
    target = overview.satisfaction_target()
    return by_content(render_template("public/changes.html", view=view, kind=kind, target=target))


@bp.get("/rankings/<peer_group>")
def latest_table(peer_group: str) -> Response:
    period = queries.latest_period(peer_group)
    if period is None:
        abort(404)
    kept = {key: request.args[key] for key in KEPT_ON_REDIRECT if request.args.get(key)}
    return decorate(
        redirect(url_for("public.league_table", peer_group=peer_group, period=period, **kept)), None, LATEST
    )


def table_query(snapshot) -> TableQuery:
    """The reader's sorting and filters; a table published without ranks opens sorted by band."""
    return TableQuery.from_args(request.args, bands_only=bool((snapshot.summary or {}).get("unranked_reason")))


@bp.get("/rankings/<peer_group>/<period>")
def league_table(peer_group: str, period: str) -> Response:
    try:
        parse_period(period)
    except ValueError:
        abort(404)
    found = queries.current_snapshot(peer_group, period)
    if found is None:
        abort(404)
    query = table_query(found.snapshot)
    periods = queries.group_periods(peer_group)
    etag = snapshot_etag(found.snapshot.id, found.snapshot.content_hash, periods)

    def render() -> str:
        context = table_context(found, query, successor=None)
        return render_template("public/league.html", permanent=False, periods=periods, **context)

    return conditional(etag, LATEST, render, memo=True)


@bp.get("/snapshots/<int:snapshot_id>")
def snapshot(snapshot_id: int) -> Response:
    found = queries.snapshot_by_id(snapshot_id)
    if found is None:
        abort(404)
    query = table_query(found.snapshot)
    successor = queries.superseded_by([snapshot_id]).get(snapshot_id)
    # Once superseded the page can never change again; until then a correction may add a notice.
    policy = IMMUTABLE if successor else LATEST
    etag = snapshot_etag(found.snapshot.id, found.snapshot.content_hash, successor)

    def render() -> str:
        context = table_context(found, query, successor=successor)
        return render_template("public/league.html", permanent=True, periods=[], **context)

    return conditional(etag, policy, render, memo=True)


@bp.get("/snapshots/<int:snapshot_id>/<any(funnel, caterpillar):kind>.svg")
def chart(snapshot_id: int, kind: str) -> Response:
    content_hash, svg = queries.chart_svg(snapshot_id, kind)
    if svg is None:
        abort(404)
    etag = file_etag(content_hash, kind)
    return _open(conditional(etag, IMMUTABLE, lambda: Response(svg, mimetype="image/svg+xml"), localised=False))


@bp.get("/snapshots/<int:snapshot_id>/<any(funnel, caterpillar):kind>.<lang>.svg")
def chart_in_language(snapshot_id: int, kind: str, lang: str) -> Response:
    """A chart in the page's language, drawn from the published figures once per process and language."""
    content_hash, has_chart = queries.chart_exists(snapshot_id, kind)
    if not has_chart or lang not in current_app.config["LANGUAGES"]:
        abort(404)

    def render() -> str:
        return render_chart(queries.snapshot_with_entries(snapshot_id), kind, lang)

    etag = file_etag(content_hash, CHART_VERSION)  # the path names the chart and the language
    return _open(conditional(etag, IMMUTABLE, render, localised=False, memo=True, mimetype="image/svg+xml"))


@bp.get("/snapshots/<int:snapshot_id>.csv")
def snapshot_csv(snapshot_id: int) -> Response:
    found = queries.snapshot_by_id(snapshot_id)
    if found is None:
        abort(404)
    snap = found.snapshot
    name = f"snapshot-{snap.id}-{snap.peer_group}-{snap.period}.csv"

    def render() -> str:
        return snapshots_csv([queries.snapshot_with_entries(snapshot_id)])

    return _open(
        conditional(
            file_etag(snap.content_hash),
            IMMUTABLE,
            render,
            localised=False,
            memo=True,  # the body is a pure function of the content hash in the ETag
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    )


@bp.get("/snapshots/<int:snapshot_id>.json")
def snapshot_json(snapshot_id: int) -> Response:
    found = queries.snapshot_by_id(snapshot_id)
    if found is None:
        abort(404)

    def render() -> str:
        document = snapshot_document(queries.snapshot_with_entries(snapshot_id))
        return json.dumps(document, ensure_ascii=False, allow_nan=False)

    etag = file_etag(found.snapshot.content_hash)
    return _open(conditional(etag, IMMUTABLE, render, localised=False, memo=True, mimetype="application/json"))


@bp.get("/agencies/<code>")
def agency(code: str) -> Response:
    context = context_for_agency(code)
    if context is None:
        abort(404)
    return by_content(render_template("public/agency.html", **context))


def _snapshot_listing() -> dict[str, Any]:
    """One page of every snapshot (newest first) with what supersedes each; 404 past the end."""
    page = _page_number()
    items, total = queries.archive_page(page, PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    if page > pages:
        abort(404)
    successors = queries.superseded_by(s.id for s in items)
    return {"items": items, "total": total, "page": page, "pages": pages, "successors": successors}


@bp.get("/archive")
def archive() -> Response:
    return by_content(render_template("public/archive.html", **_snapshot_listing()))


@bp.get("/methodology")
def methodology() -> Response:
    return by_content(
        render_template(
            "public/methodology.html",
            params=(params := method_params()),
            version=params.version,
            target=overview.satisfaction_target(),
        )
    )


@bp.get("/data")
def data_index() -> Response:
    groups = sorted({s.peer_group for s in queries.current_publications()})
    return by_content(
        render_template("public/data.html", fields=OPEN_DATA_FIELDS, series_groups=groups, **_snapshot_listing())
    )


def _links(snapshot_id: int, has_charts: bool) -> dict[str, str]:
    links = {
        "html": url_for("public.snapshot", snapshot_id=snapshot_id, _external=True),
        "csv": url_for("public.snapshot_csv", snapshot_id=snapshot_id, _external=True),
        "json": url_for("public.snapshot_json", snapshot_id=snapshot_id, _external=True),
    }
    if has_charts:
        for kind in ("funnel", "caterpillar"):
            links[f"{kind}_svg"] = url_for("public.chart", snapshot_id=snapshot_id, kind=kind, _external=True)
    return links


@bp.get("/data/index.json")
def data_index_json() -> Response:
    snapshots = queries.all_snapshots()
    successors = queries.superseded_by(s.id for s in snapshots)
    charted = queries.charted_ids()
    document = {
        "snapshots": [
            {
                **snapshot_metadata(s),
                "superseded_by": successors.get(s.id),
                "links": _links(s.id, s.id in charted),
            }
            for s in snapshots
        ],
        "links": {
            "feed": url_for("public.feed", _external=True),
            "openapi": url_for("public.openapi", _external=True),
        },
    }
    body = json.dumps(document, ensure_ascii=False, allow_nan=False)
    return _open(by_content(Response(body, mimetype="application/json")))


@bp.get("/data/series/<peer_group>.csv")
def series_csv(peer_group: str) -> Response:
    """Every published period of a peer group (the current revision of each), oldest first."""
    snapshots = current_series(db.session, peer_group)
    if not snapshots:
        abort(404)
    body = snapshots_csv(snapshots)
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="series-{peer_group}.csv"'
    return _open(by_content(response))


@bp.get("/feed.atom")
def feed() -> Response:
    snapshots = queries.recent_snapshots(FEED_ENTRIES)
    body = atom_feed(
        snapshots, lambda endpoint, **values: url_for(endpoint, _external=True, **values), current_locale()
    )
    return _open(by_content(Response(body, mimetype="application/atom+xml")))


@bp.get("/api/v1/openapi.json")
def openapi() -> Response:
    body = json.dumps(openapi_document(), ensure_ascii=False, indent=1)
    return _open(by_content(Response(body, mimetype="application/json")))


@bp.get("/healthz")
def health():
    db.session.execute(select(1))
    return {"status": "ok"}
