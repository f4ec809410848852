"""Atom 1.0 feed (RFC 4287) of publications, built with ElementTree so text is escaped for us."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from flask_babel import gettext as _

from survey.models import Snapshot
from survey.public.formatting import num, period_label
from survey.public.labels import peer_group_name

ATOM = "http://www.w3.org/2005/Atom"


def _stamp(moment: datetime) -> str:
    """RFC 3339 in UTC, as Atom requires."""
    return moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def entry_title(snapshot: Snapshot) -> str:
    title = _("%(group)s, %(period)s", group=peer_group_name(snapshot.peer_group), period=period_label(snapshot.period))
    if snapshot.supersedes_id:
        title += " · " + _("correction (revision %(revision)d)", revision=snapshot.revision)
    if snapshot.provisional:
        title += " · " + _("provisional")
    return title


def atom_feed(snapshots: list[Snapshot], url_for: Callable[..., str], locale: str) -> bytes:
    """The feed document; ``url_for`` gives absolute URLs (ids are the permanent snapshot URLs)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": locale})
    _add(feed, "id", url_for("public.feed"))
    _add(feed, "title", _("Public service ratings: publications"))
    _add(feed, "subtitle", _("Every league table published, with links to its open data."))
    updated = max((s.created_at for s in snapshots), default=datetime(2000, 1, 1))
    _add(feed, "updated", _stamp(updated))
    _add(feed, "link", rel="self", type="application/atom+xml", href=url_for("public.feed"))
    _add(feed, "link", rel="alternate", type="text/html", href=url_for("public.archive"))
    author = _add(feed, "author")
    _add(author, "name", _("Public service ratings"))
    for snapshot in snapshots:
        entry = _add(feed, "entry")
        permanent = url_for("public.snapshot", snapshot_id=snapshot.id)
        _add(entry, "id", permanent)
        _add(entry, "title", entry_title(snapshot))
        _add(entry, "updated", _stamp(snapshot.created_at))
        _add(entry, "published", _stamp(snapshot.created_at))
        _add(entry, "link", rel="alternate", type="text/html", href=permanent)
        _add(
            entry,
            "link",
            rel="enclosure",
            type="text/csv",
            href=url_for("public.snapshot_csv", snapshot_id=snapshot.id),
        )
        _add(
            entry,
            "link",
            rel="enclosure",
            type="application/json",
            href=url_for("public.snapshot_json", snapshot_id=snapshot.id),
        )
        summary = snapshot.summary or {}
        _add(
            entry,
            "summary",
            _(
                "%(agencies)s agencies, %(responses)s answers. Method %(method)s. Hash %(hash)s.",
                agencies=num(summary.get("agencies", 0)),
                responses=num(summary.get("responses", 0)),
                method=snapshot.method_version,
                hash=snapshot.content_hash,
            ),
            type="text",
        )
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
