"""What `make run` prints before serving: where to go and who to sign in as."""

from __future__ import annotations

from survey.demo import DEMO_LOGINS
from survey.demo.schemes import AUDITOR_LOGIN


def test_banner_lists_the_urls_and_every_demo_login(runner, db):
    output = runner.invoke(args=["demo", "banner"]).output
    assert "/methodology" in output and "/data" in output and "/auth/sign-in" in output
    for email, _role, _code in DEMO_LOGINS:
        assert email in output
    assert f"auditor  {AUDITOR_LOGIN}" in output
    assert "(load the demo first)" in output  # an empty database gets no survey link
