"""Scheduled publication inside the app (APScheduler), safe with many workers and hosts.

Every process may run the scheduler: the publication lock plus the unique
(period, peer group, revision) constraint make the first one publish and the others
skip. A catch-up run at start publishes any period missed while the service was down.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from ranking.periods import CITY_TZ
from survey.publication.charts import load_chart_library
from survey.publication.jobs import run_publication

log = logging.getLogger(__name__)
# SMS sent per one-minute run: about 20 a second reach a local gateway from SQLite (two commits each),
# so a run ends within its minute; a larger queue drains over the next runs.
SMS_PER_RUN = 1000


def run_outbox(app: Flask) -> None:
    """Deliver queued e-mails and SMS (never inline in a request); errors stay on the message for retry."""
    from survey.delivery.queue import deliver_sms
    from survey.extensions import db
    from survey.outbox import deliver_pending

    with app.app_context():
        try:
            deliver_pending()
            deliver_sms(limit=SMS_PER_RUN)
        except Exception:
            db.session.rollback()
            log.exception("outbox delivery failed; it will be retried")
        finally:
            db.session.remove()


def run_weekly_digest(app: Flask) -> None:
    from survey.extensions import db
    from survey.notify.messages import weekly_digest

    with app.app_context():
        try:
            weekly_digest(datetime.now(UTC))  # deduplicated per user and ISO week
        except Exception:
            db.session.rollback()
            log.exception("weekly digest failed")
        finally:
            db.session.remove()


def run_integrity(app: Flask) -> None:
    """The integrity checks for the current month (docs/integrity.md); a lost race with another worker is harmless."""
    from ranking.periods import period_containing
    from survey.extensions import db
    from survey.integrity.review import run_checks

    with app.app_context():
        try:
            run_checks(db.session, period_containing(datetime.now(UTC), "month"))
        except Exception:
            db.session.rollback()
            log.exception("integrity checks failed; they run again at the next interval")
        finally:
            db.session.remove()


def run_retention(app: Flask) -> None:
    """Erase what the retention schedule says is due (survey.privacy.retention); a receipt goes to the audit log."""
    from survey.extensions import db
    from survey.privacy.retention import purge

    with app.app_context():
        try:
            purge(datetime.now(UTC))
        except Exception:
            db.session.rollback()
            log.exception("retention purge failed; it runs again tomorrow")
        finally:
            db.session.remove()


# Job kinds, so a deployment can run them in separate processes (deploy/systemd: the
# scheduler unit runs publication, digest, integrity and retention; the delivery unit runs outbox).
JOB_KINDS = ("publication", "digest", "integrity", "outbox", "retention")


def build_scheduler(
    app: Flask, kinds: tuple[str, ...] = JOB_KINDS, scheduler_class: type[BaseScheduler] = BackgroundScheduler
) -> BaseScheduler:
    scheduler = scheduler_class(
        timezone=CITY_TZ, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600}
    )
    if "publication" in kinds:
        for name in ("PUBLISH_MONTHLY_CRON", "PUBLISH_QUARTERLY_CRON"):
            trigger = CronTrigger.from_crontab(app.config[name], timezone=CITY_TZ)
            scheduler.add_job(run_publication, trigger, args=[app], id=name.lower(), replace_existing=True)
        # A missed run (server down on the 1st) is caught up shortly after start.
        scheduler.add_job(run_publication, "date", args=[app], id="catch_up_at_start")
    if "digest" in kinds:
        scheduler.add_job(
            run_weekly_digest,
            CronTrigger.from_crontab("0 7 * * mon", timezone=CITY_TZ),
            args=[app],
            id="weekly_digest",
            replace_existing=True,
        )
    if "outbox" in kinds:
        scheduler.add_job(run_outbox, "interval", minutes=1, args=[app], id="outbox", replace_existing=True)
    if "retention" in kinds:
        scheduler.add_job(
            run_retention,
            CronTrigger.from_crontab("20 2 * * *", timezone=CITY_TZ),  # nightly, when nobody is answering
            args=[app],
            id="retention_purge",
            replace_existing=True,
        )
    if "integrity" in kinds:
        minutes = int(app.config["INTEGRITY_CHECK_MINUTES"])
        scheduler.add_job(run_integrity, "interval", minutes=minutes, args=[app], id="integrity", replace_existing=True)
    return scheduler


def run_in_foreground(app: Flask, kinds: tuple[str, ...]) -> None:
    """Run the given jobs in this process until it is stopped (``flask jobs run``, a systemd unit)."""
    scheduler = build_scheduler(app, kinds, BlockingScheduler)
    if "publication" in kinds:  # a process of its own: the chart library's memory is no web worker's
        load_chart_library()
    log.info("jobs running in the foreground: %s", ", ".join(j.id for j in scheduler.get_jobs()))
    scheduler.start()  # returns on SIGTERM/SIGINT (APScheduler's blocking scheduler shuts down)


def start(app: Flask) -> None:
    """Start the scheduler in a serving process (gunicorn's post_worker_init), never in CLI runs."""
    if not app.config["SCHEDULER_ENABLED"] or "scheduler" in app.extensions:
        return
    scheduler = build_scheduler(app)
    scheduler.start()
    app.extensions["scheduler"] = scheduler
    log.info("publication scheduler started: %s", ", ".join(j.id for j in scheduler.get_jobs()))
