"""The scheduler's publication job: catch up every due period, safely from any number of processes."""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.publication.service import catch_up

log = logging.getLogger(__name__)
SCHEDULER_ACTOR = "scheduler"


def run_publication(app: Flask) -> int:
    """Publish every due period; returns the number of new snapshots. Never raises."""
    with app.app_context():
        try:
            results = catch_up(actor=SCHEDULER_ACTOR)
        except IntegrityError:  # another host won a race past the lock (e.g. SQLite timeout)
            db.session.rollback()
            log.info("scheduled publication: another process published first")
            return 0
        except Exception:
            db.session.rollback()
            log.exception("scheduled publication failed; it will be retried at the next run")
            return 0
        finally:
            db.session.remove()
    return sum(r.created for r in results)
