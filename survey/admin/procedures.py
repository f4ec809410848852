"""Services (administrative procedures): audited create and edit; like agencies, never deleted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from survey.admin.trail import actor, record_change, state
from survey.audit import record
from survey.extensions import db
from survey.models import Service

FIELDS = ("code", "name_vi", "name_en", "category", "committed_days", "active")
EDITABLE = FIELDS[1:]  # the code is what integrators post; it never changes


def service_state(service: Service) -> dict[str, Any]:
    return state(service, FIELDS)


def all_services() -> list[Service]:
    return list(db.session.scalars(select(Service).order_by(Service.category, Service.code)))


def create_service(values: dict[str, Any]) -> Service:
    service = add_service(values)
    db.session.commit()
    return service


def add_service(values: dict[str, Any]) -> Service:
    """Stage a service and its audit entry in the current transaction."""
    service = Service(**{name: values[name] for name in FIELDS})
    db.session.add(service)
    db.session.flush()
    record(actor(), "service.create", f"service:{service.id}", None, service_state(service))
    return service


def update_service(service: Service, values: dict[str, Any]) -> bool:
    before = service_state(service)
    for name in EDITABLE:
        setattr(service, name, values[name])
    changed = record_change("service.update", f"service:{service.id}", before, service_state(service))
    db.session.commit()
    return changed
