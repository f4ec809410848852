"""Every documented ``SURVEY_*`` setting is read, and changing it changes what the service does.

The README's configuration table is the contract: a setting the code reads but the README
does not name (or the reverse) fails here, and each setting below is set through the
environment, as an operator would, with its effect observed on the running app.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from survey import create_app
from survey.extensions import db as _db
from tests import factories
from tests.factories import case_json

ROOT = Path(__file__).resolve().parents[1]
# Read outside config.py: by gunicorn.conf.py, by the test fixtures, by config_for().
READ_ELSEWHERE = {"SURVEY_ENV", "SURVEY_TEST_DATABASE_URL"}


def documented() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in table.splitlines():
        first_cell = line.split("|")[1] if line.startswith("|") else ""
        full = re.findall(r"`(SURVEY_[A-Z0-9_]+)`", first_cell)
        names.update(full)
        # "`SURVEY_PUBLISH_MONTHLY_CRON` / `_QUARTERLY_CRON`" shares the first name's prefix.
        for short in re.findall(r"`(_[A-Z0-9_]+)`", first_cell):
            names.add(full[0].rsplit("_", short.count("_"))[0] + short)
    return names


def read_by_code() -> set[str]:
    config = (ROOT / "config.py").read_text(encoding="utf-8")
    names = {f"SURVEY_{n}" for n in re.findall(r'\b(?:env|env_int|env_bool|env_dates|read)\("([A-Z0-9_]+)"', config)}
    gunicorn = (ROOT / "gunicorn.conf.py").read_text(encoding="utf-8")
    return names | set(re.findall(r'"(SURVEY_[A-Z0-9_]+)"', gunicorn)) | READ_ELSEWHERE


def test_the_readme_documents_exactly_the_settings_the_code_reads():
    assert documented() == read_by_code()


@pytest.fixture
def configure(monkeypatch, database_url):
    """Set ``SURVEY_*`` variables, then build a development app on the test database."""
    apps: list[Flask] = []

    def build(**variables: str) -> Flask:
        for name, value in variables.items():
            monkeypatch.setenv(f"SURVEY_{name}", value)
        overrides = {"SQLALCHEMY_DATABASE_URI": database_url}
        if "RATELIMIT_ENABLED" not in variables:  # other tests here post more than the default limits allow
            overrides["RATELIMIT_ENABLED"] = False
        app = create_app("development", overrides)
        with app.app_context():
            _db.drop_all()
            _db.create_all()
            factories.small_city()
            _db.session.commit()
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            _db.session.remove()
            _db.drop_all()


def intake(app: Flask, body, **kwargs):
    with app.app_context():
        key = factories.api_key()
    return app.test_client().post("/api/v1/cases", json=body, headers={"Authorization": f"Bearer {key}"}, **kwargs)


def test_invitation_days_sets_the_link_expiry(configure):
    answer = intake(configure(INVITATION_DAYS="3"), case_json()).get_json()
    expires = datetime.fromisoformat(answer["expires_at"])
    assert timedelta(days=2, hours=23) < expires - datetime.now(UTC) <= timedelta(days=3)


def test_base_url_is_the_origin_of_survey_links(configure):
    answer = intake(configure(BASE_URL="https://khaosat.example.gov.vn"), case_json()).get_json()
    assert answer["survey_url"].startswith("https://khaosat.example.gov.vn/s/")


def test_intake_max_batch_refuses_a_larger_batch(configure):
    batch = {"cases": [case_json(f"HS-{i}") for i in range(3)]}
    assert intake(configure(INTAKE_MAX_BATCH="2"), batch).status_code in (413, 422)


def test_max_content_length_refuses_a_larger_body(configure):
    assert intake(configure(MAX_CONTENT_LENGTH="200"), case_json()).status_code == 413


def test_comment_max_chars_is_the_form_limit(configure):
    app = configure(COMMENT_MAX_CHARS="20")
    with app.app_context():
        token = factories.issue_link()
    page = app.test_client().get(f"/s/{token}").get_data(as_text=True)
    assert 'maxlength="20"' in page


def test_rank_min_responses_reaches_the_method(configure):
    app = configure(RANK_MIN_RESPONSES="80")
    with app.app_context():
        from survey.publication.service import method_params

        assert method_params().min_rank_n == 80


def test_publish_crons_set_the_scheduler(configure):
    app = configure(PUBLISH_MONTHLY_CRON="15 7 2 * *", PUBLISH_QUARTERLY_CRON="45 8 3 1,4,7,10 *")
    from survey.scheduler import build_scheduler

    scheduler = build_scheduler(app)
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        monthly, quarterly = jobs["publish_monthly_cron"].next_run_time, jobs["publish_quarterly_cron"].next_run_time
        assert (monthly.day, monthly.hour, monthly.minute) == (2, 7, 15)
        assert (quarterly.day, quarterly.hour, quarterly.minute) == (3, 8, 45)
    finally:
        scheduler.shutdown(wait=False)


def test_public_cache_seconds_installs_the_microcache(configure):
    assert "public_microcache" not in configure(PUBLIC_CACHE_SECONDS="0").extensions
    assert configure(PUBLIC_CACHE_SECONDS="30").extensions["public_microcache"].ttl == 30


def test_proxy_hops_trusts_the_forwarded_client(configure):
    app = configure(PROXY_HOPS="1")
    seen = {}

    @app.get("/_whoami")
    def whoami():
        from flask import request

        seen["addr"], seen["scheme"] = request.remote_addr, request.scheme
        return "ok"

    app.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    assert seen == {"addr": "203.0.113.9", "scheme": "https"}


def test_secure_cookies_and_force_https(configure):
    app = configure(SECURE_COOKIES="1", FORCE_HTTPS="1")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    plain = app.test_client().get("/thanks", base_url="http://survey.example")
    assert plain.status_code in (301, 302) and plain.headers["Location"].startswith("https://")


def test_smtp_url_chooses_the_smtp_sender(configure):
    from survey.outbox import LogSender, SMTPSender, sender_for

    assert isinstance(sender_for(configure()), LogSender)
    assert isinstance(sender_for(configure(SMTP_URL="smtp://127.0.0.1:2525?from=a@example.gov.vn")), SMTPSender)


def test_question_set_cache_seconds_is_read(configure):
    assert configure(QUESTION_SET_CACHE_SECONDS="5").config["QUESTION_SET_CACHE_SECONDS"] == 5


def test_rate_limit_settings_limit_survey_posts(configure):
    assert configure(RATELIMIT_ENABLED="0").config["RATELIMIT_ENABLED"] is False
    app = configure(RATELIMIT_ENABLED="1", RATELIMIT_SURVEY="2 per minute", RATELIMIT_SURVEY_TOKEN="100 per hour")
    client = app.test_client()
    statuses = [client.post("/s/not-a-real-token-at-all", data={}).status_code for _ in range(3)]
    assert statuses[-1] == 429 and 429 not in statuses[:2]


def test_database_url_and_secret_key_are_used(monkeypatch, tmp_path):
    monkeypatch.setenv("SURVEY_DATABASE_URL", f"sqlite:///{tmp_path / 'chosen.sqlite3'}")
    monkeypatch.setenv("SURVEY_SECRET_KEY", "k" * 40)
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("chosen.sqlite3")
    assert app.config["SECRET_KEY"] == "k" * 40


def test_a_malformed_number_setting_stops_start_up_with_its_name(monkeypatch):
    monkeypatch.setenv("SURVEY_INVITATION_DAYS", "thirty")
    with pytest.raises(RuntimeError, match="SURVEY_INVITATION_DAYS"):
        create_app("development")
