"""The privacy notice's version. Change it whenever the notice's text changes; each response records it."""

NOTICE_VERSION = "2026-01"
NOTICE_DATE = "2026-01-01"
