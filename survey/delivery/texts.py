"""What each SMS says. The invitation's wording is the intake's ``sms_text``; the reminder's and the code's are here.

Texts are ASCII (GSM 7-bit) so one message holds 160 characters; the registered brand
name (Decree 91/2020) leads every message.
"""

from __future__ import annotations

from flask import current_app

from ranking.periods import CITY_TZ
from survey.intake import ascii_fold, sms_text, survey_url
from survey.models import Case
from survey.models.base import as_utc

OPT_OUT_KEYWORD = "TC"  # "tu choi": a reply with it stops every further message to the number
REMINDER_TEMPLATE = "Nhac lai - {agency}: moi Ong/Ba danh gia ho so {ref}: {url} (han {date}). Tu choi: soan TC"
CODE_TEMPLATE = "Ma xac nhan yeu cau du lieu ca nhan: {code}. Co hieu luc 30 phut. Khong chia se ma nay."


def branded(text: str) -> str:
    brand = ascii_fold(current_app.config["SMS_BRAND"]).strip()
    return f"[{brand}] {text}" if brand else text


def _fit(template: str, agency: str, **values: str) -> str:
    budget = 160 - len(template.format(agency="", **values))
    if len(agency) > budget:
        agency = agency[: max(budget - 1, 0)].rstrip() + "."
    return template.format(agency=agency, **values)


def invitation_text(case: Case, token: str) -> str:
    return branded(sms_text(case, token))


def reminder_text(case: Case, token: str) -> str:
    expires = as_utc(case.invitation.expires_at).astimezone(CITY_TZ).strftime("%d/%m/%Y")
    text = _fit(
        REMINDER_TEMPLATE, ascii_fold(case.agency.name_vi), ref=case.case_ref, url=survey_url(token), date=expires
    )
    return branded(text)


def code_text(code: str) -> str:
    return branded(CODE_TEMPLATE.format(code=code))
