"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py wsgi:app``."""

import gc
import multiprocessing
import os

bind = os.environ.get("SURVEY_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SURVEY_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("SURVEY_THREADS", "1"))
timeout = 60
graceful_timeout = 30
max_requests = 10_000  # recycle workers to bound memory growth
max_requests_jitter = 1_000
# gunicorn's access log would record survey tokens (they are in the path); the app
# writes its own access log with tokens redacted (survey.request_log).
accesslog = None
# gunicorn's own messages as JSON lines too (survey/logs.py), all on standard error.
if os.environ.get("SURVEY_LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "survey.logs.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {"gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False}},
        "root": {"handlers": ["stderr"], "level": os.environ.get("SURVEY_LOG_LEVEL", "INFO").upper()},
    }
forwarded_allow_ips = os.environ.get("SURVEY_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Import the app (SciPy, matplotlib, templates) once in the master and fork the workers:
# they share those pages, so each weighs ~40 MB less and a recycled worker starts at once.
# The price: new code needs a restart, not a HUP. SURVEY_PRELOAD=0 turns it off.
preload_app = os.environ.get("SURVEY_PRELOAD", "1") != "0"


def on_starting(server):
    # Refuse settings that cannot be right with this many workers (survey/deploy_checks.py).
    from config import config_for
    from survey.deploy_checks import check_server

    settings = config_for()
    check_server({name: getattr(settings, name) for name in dir(settings) if name.isupper()}, server.cfg.workers)


def pre_fork(server, worker):
    # Objects made by the import are never freed; keeping them out of the collector's
    # generations stops it from touching (and so un-sharing) their pages in every worker.
    gc.freeze()


def post_fork(server, worker):
    # Nothing connects at import time, but never share a database socket across a fork.
    from survey.extensions import db

    app = server.app.wsgi() if preload_app else None
    if app is not None and "sqlalchemy" in getattr(app, "extensions", {}):
        with app.app_context():
            db.engine.dispose(close=False)


def post_worker_init(worker):
    # Each worker may run the scheduler; the publication lock makes exactly one publish.
    from survey.scheduler import start

    start(worker.wsgi)
