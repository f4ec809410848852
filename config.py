"""Application settings, read from ``SURVEY_*`` environment variables.

Every setting has a safe development default except the secret key in
production: ``ProductionConfig.validate`` refuses to start without it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def read(name: str, default: str | None = None) -> str | None:
    """The value of ``SURVEY_<name>`` now, or ``default`` when unset or empty."""
    value = os.environ.get(f"SURVEY_{name}")
    return default if value in (None, "") else value


def _whole_number(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise RuntimeError(f"SURVEY_{name} must be a whole number, not {raw!r}") from None


def _dates(name: str, raw: str) -> frozenset:
    from datetime import date

    days = set()
    for part in filter(None, (piece.strip() for piece in raw.split(","))):
        try:
            days.add(date.fromisoformat(part))
        except ValueError:
            raise RuntimeError(f"SURVEY_{name}: {part!r} is not a date like 2027-02-05") from None
    return frozenset(days)


def _yes_no(name: str, raw: str) -> bool:
    return raw.strip().lower() in {"1", "true", "yes", "on"}


class Setting:
    """A ``SURVEY_*`` variable, read each time an app is built from the class (not at import).

    So a restart, or a test that sets the variable and builds an app, sees the new value.
    """

    def __init__(self, name: str, default: Any, parse: Callable[[str, str], Any] | None = None) -> None:
        self.name, self.default, self.parse = name, default, parse

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        raw = read(self.name)
        if raw is None:
            return self.default
        return raw if self.parse is None else self.parse(self.name, raw)


def env(name: str, default: str | None = None) -> Setting:
    return Setting(name, default)


def env_int(name: str, default: int) -> Setting:
    return Setting(name, default, _whole_number)


def env_bool(name: str, default: bool) -> Setting:
    return Setting(name, default, _yes_no)


def env_dates(name: str) -> Setting:
    """ISO dates, comma-separated, as a frozenset (empty when unset); a malformed one stops the app."""
    return Setting(name, frozenset(), _dates)


class Config:
    """Development defaults: SQLite under ``instance/``, log-only mail."""

    ENV_NAME = "development"  # production-only start-up checks key on it (survey/deploy_checks.py)
    SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-secret-key")
    SQLALCHEMY_DATABASE_URI = env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'survey.sqlite3'}")
    # No pool_pre_ping: survey.db_liveness finds a dead PostgreSQL connection at checkout
    # without the extra round trip per request.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Public base URL used to build survey links, QR codes and SMS text.
    BASE_URL = env("BASE_URL", "http://127.0.0.1:5000")
    INVITATION_DAYS = env_int("INVITATION_DAYS", 30)
    # Intake limits: a batch of at most this many cases, bodies up to this size.
    INTAKE_MAX_BATCH = env_int("INTAKE_MAX_BATCH", 1000)
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    COMMENT_MAX_CHARS = env_int("COMMENT_MAX_CHARS", 2000)
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    WTF_CSRF_TIME_LIMIT = None  # a survey may stay open on a phone for hours
    RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URL", "memory://")
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_INTAKE = env("RATELIMIT_INTAKE", "600 per minute")
    RATELIMIT_SURVEY = env("RATELIMIT_SURVEY", "30 per minute")
    RATELIMIT_AUTH = env("RATELIMIT_AUTH", "10 per minute; 50 per hour")  # sign-in and reset, per client
    # Per link: a real citizen submits once; replays beyond this are refused before any work.
    RATELIMIT_SURVEY_TOKEN = env("RATELIMIT_SURVEY_TOKEN", "10 per hour")
    # Logging (survey/logs.py): "json" lines or plain "text", to standard error.
    LOG_FORMAT = env("LOG_FORMAT", "text")
    LOG_LEVEL = Setting("LOG_LEVEL", "INFO", lambda _name, raw: raw.upper())
    # Client addresses in the access log are personal data: off unless needed.
    ACCESS_LOG_ADDRESSES = env_bool("ACCESS_LOG_ADDRESSES", False)
    # A staff session ends this many hours after sign-in (or at sign-out; see survey/sessions.py).
    STAFF_SESSION_HOURS = env_int("STAFF_SESSION_HOURS", 12)
    # Reverse proxies in front of the app (X-Forwarded-For hops to trust); 0 = none.
    PROXY_HOPS = env_int("PROXY_HOPS", 0)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    FORCE_HTTPS = env_bool("FORCE_HTTPS", False)
    SCHEDULER_ENABLED = env_bool("SCHEDULER_ENABLED", False)
    # Outgoing mail: smtp://user:pass@host:587?from=noreply@example.gov.vn (or smtps://); unset = log only.
    SMTP_URL = env("SMTP_URL")
    PUBLISH_MONTHLY_CRON = env("PUBLISH_MONTHLY_CRON", "0 6 1 * *")
    PUBLISH_QUARTERLY_CRON = env("PUBLISH_QUARTERLY_CRON", "30 6 1 1,4,7,10 *")
    RANK_MIN_RESPONSES = env_int("RANK_MIN_RESPONSES", 30)
    # Integrity (docs/integrity.md): each agency may mint at most max(CAP_MIN, CAP_FACTOR x its
    # usual daily volume over the last 28 days) invitations per city day; the device hash is
    # kept this many days for the checks, then erased.
    INVITATION_CAP_MIN = env_int("INVITATION_CAP_MIN", 200)
    INVITATION_CAP_FACTOR = env_int("INVITATION_CAP_FACTOR", 3)
    DEVICE_HASH_DAYS = env_int("DEVICE_HASH_DAYS", 35)
    # How often the integrity checks run on the scheduler (minutes); they also run before every publication.
    INTEGRITY_CHECK_MINUTES = env_int("INTEGRITY_CHECK_MINUTES", 60)
    # How long a worker keeps the active question set; a new version reaches citizens within it.
    QUESTION_SET_CACHE_SECONDS = env_int("QUESTION_SET_CACHE_SECONDS", 60)
    # Anonymous reads of public pages are kept in each worker this long (0 = off); see
    # survey/microcache.py. Off in development, where a change should show at once.
    PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 0)
    # The survey's first view and plain submissions answered without the Flask request stack
    # (survey/citizen/fastlane.py); off, every survey request goes through the view.
    CITIZEN_FAST_LANE = env_bool("CITIZEN_FAST_LANE", True)
    # Delivering invitations by SMS (docs/delivery.md): unset = the case system delivers, as before.
    SMS_GATEWAY_URL = env("SMS_GATEWAY_URL")
    SMS_GATEWAY_TOKEN = env("SMS_GATEWAY_TOKEN")  # sent as "Authorization: Bearer …" when set
    SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10)  # seconds; a timeout is retried later
    SMS_BRAND = env("SMS_BRAND", "KHAOSAT-HCMC")  # the registered brand name (Decree 91/2020)
    SMS_INBOUND_SECRET = env("SMS_INBOUND_SECRET")  # the gateway's bearer token for opt-out replies
    REMINDER_DAYS = env_int("REMINDER_DAYS", 3)
    # Key(s) for phone numbers, kept outside the database: Fernet keys, comma-separated, the first
    # encrypts and all decrypt (rotation). Or a file holding them; development makes instance/phone.key.
    PHONE_KEY = env("PHONE_KEY")
    PHONE_KEY_FILE = env("PHONE_KEY_FILE")
    # Retention schedule in days (docs/privacy.md); each class is erased by `retention purge`.
    RETENTION_PHONE_DAYS = env_int("RETENTION_PHONE_DAYS", 0)  # after the survey window closes
    RETENTION_COMMENT_DAYS = env_int("RETENTION_COMMENT_DAYS", 730)  # after the answer
    RETENTION_INVITATION_DAYS = env_int("RETENTION_INVITATION_DAYS", 90)  # after the window closes
    RETENTION_CASE_REF_DAYS = env_int("RETENTION_CASE_REF_DAYS", 365)  # after the case was completed
    RETENTION_AUDIT_DAYS = env_int("RETENTION_AUDIT_DAYS", 1825)
    # Days off announced each year besides the fixed ones (Tết, Hùng Kings, bridging days):
    # ISO dates, comma-separated; the data-subject request timer skips them (docs/privacy.md).
    PUBLIC_HOLIDAYS = env_dates("PUBLIC_HOLIDAYS")
    PRIVACY_CONTACT = env("PRIVACY_CONTACT", "privacy@example.gov.vn")  # where data-subject questions go
    # Who runs the survey and where citizens get help with their case: shown on the survey,
    # the verification page, SMS text and counter slips. Development and the demo use
    # plausible values; production has none until they are set.
    ORG_NAME = env("ORG_NAME", "UBND Thành phố Hồ Chí Minh")
    HELP_PHONE = env("HELP_PHONE", "1022")
    HELP_URL = env("HELP_URL", "https://dichvucong.example.gov.vn/ho-tro")
    # SMS text with Vietnamese diacritics (UCS-2, up to 3 parts) when the gateway takes Unicode;
    # otherwise plain ASCII in one 160-character message.
    SMS_UNICODE = env_bool("SMS_UNICODE", False)
    # The public "is this message real?" page, per client address.
    RATELIMIT_VERIFY = env("RATELIMIT_VERIFY", "20 per hour")

    @classmethod
    def validate(cls) -> None:
        """Raise if this configuration is unsafe to run."""


class TestConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 (tests only)
    SQLALCHEMY_DATABASE_URI = env("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = False
    SCHEDULER_ENABLED = False
    PUBLIC_CACHE_SECONDS = 0  # tests read pages right after changing data; tests/public/test_microcache.py turns it on
    QUESTION_SET_CACHE_SECONDS = 0  # likewise; tests/citizen/test_survey.py turns it on
    BASE_URL = "http://localhost"
    INVITATION_CAP_MIN = 1_000_000  # factories mint thousands at once; tests/integrity/test_minting.py sets a cap
    PHONE_KEY = "t1jK3m0v6mEo0cGg0mCkzP9xLrUe2bqXv4sM7n9QwZc="  # tests only; never a real key


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    FORCE_HTTPS = env_bool("FORCE_HTTPS", True)
    SCHEDULER_ENABLED = env_bool("SCHEDULER_ENABLED", True)
    PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 30)
    LOG_FORMAT = env("LOG_FORMAT", "json")
    ORG_NAME = env("ORG_NAME")
    HELP_PHONE = env("HELP_PHONE")
    HELP_URL = env("HELP_URL")

    @classmethod
    def validate(cls) -> None:
        secret = read("SECRET_KEY")
        if not secret or len(secret) < 32:
            raise RuntimeError(
                "SURVEY_SECRET_KEY must be set to at least 32 random characters "
                "in production (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        if read("SMS_GATEWAY_URL") and not (read("PHONE_KEY") or read("PHONE_KEY_FILE")):
            raise RuntimeError(
                "SURVEY_SMS_GATEWAY_URL is set but neither SURVEY_PHONE_KEY nor SURVEY_PHONE_KEY_FILE: "
                "phone numbers need a key kept outside the database (docs/delivery.md)."
            )


CONFIGS = {"development": Config, "testing": TestConfig, "production": ProductionConfig}


def config_for(name: str | None = None) -> type[Config]:
    """The configuration class named by ``name`` or ``SURVEY_ENV``."""
    key = name or read("ENV", "development") or "development"
    if key not in CONFIGS:
        raise RuntimeError(f"SURVEY_ENV must be one of {sorted(CONFIGS)}, not {key!r}")
    return CONFIGS[key]
