"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py wsgi:app``."""

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
forwarded_allow_ips = os.environ.get("SURVEY_FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    # Each worker may run the scheduler; the publication lock makes exactly one publish.
    from survey.scheduler import start

    start(worker.wsgi)
