"""What `make run` prints before serving: where to go and who to sign in as."""

from __future__ import annotations

import re

from survey.demo import DEMO_LOGINS
from survey.demo.schemes import AUDITOR_LOGIN


def test_banner_lists_the_urls_and_every_demo_login(runner, db):
    output = runner.invoke(args=["demo", "banner"]).output
    assert "/methodology" in output and "/data" in output and "/auth/sign-in" in output
    for email, _role, _code in DEMO_LOGINS:
        assert email in output
    assert f"auditor  {AUDITOR_LOGIN}" in output
    assert "(load the demo first)" in output  # an empty database gets no survey link
    assert "/verify" in output and "/privacy" in output and "/changes" in output


def test_banner_gives_a_fresh_link_and_its_code_to_check(runner, city):
    output = runner.invoke(args=["demo", "banner"]).output
    link = next(line for line in output.splitlines() if "A survey link to try" in line)
    assert "/s/" in link
    check = next(line for line in output.splitlines() if "Is this message real?" in line)
    assert re.search(r"/verify\s+\(the link's code: [A-Z0-9]{4}-[A-Z0-9]{4}\)", check)
