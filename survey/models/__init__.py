"""Database models, one module per aggregate."""

from survey.models.agency import Agency, PeerGroup, Service
from survey.models.audit import AuditLog
from survey.models.case import Case, Invitation
from survey.models.credentials import ApiKey, User, api_key_agencies
from survey.models.delivery import Contact, SmsMessage, SmsOptOut
from survey.models.feedback import Feedback
from survey.models.integrity import IntegrityFlag, flag_responses
from survey.models.outbox import OutboxMessage, StaffNotice
from survey.models.password_reset import PasswordReset
from survey.models.plan import ActionPlan, ActionPlanUpdate
from survey.models.privacy import DataRequest
from survey.models.response import Answer, Question, QuestionOption, QuestionSet, Response
from survey.models.snapshot import ImportedCount, Snapshot, SnapshotEntry
from survey.models.staff_session import SignInThrottle, StaffSession
from survey.models.tally import AnswerTally, CaseTally

__all__ = [
    "ActionPlan",
    "ActionPlanUpdate",
    "Agency",
    "Answer",
    "AnswerTally",
    "ApiKey",
    "AuditLog",
    "Case",
    "CaseTally",
    "Contact",
    "DataRequest",
    "Feedback",
    "ImportedCount",
    "IntegrityFlag",
    "Invitation",
    "OutboxMessage",
    "PasswordReset",
    "PeerGroup",
    "Question",
    "QuestionOption",
    "QuestionSet",
    "Response",
    "Service",
    "SignInThrottle",
    "SmsMessage",
    "SmsOptOut",
    "Snapshot",
    "SnapshotEntry",
    "StaffNotice",
    "StaffSession",
    "User",
    "api_key_agencies",
    "flag_responses",
]
