"""SMS senders: a small adapter per provider, so a real provider's API or Zalo ZNS is one more class.

``HttpGatewaySender`` speaks the generic shape documented in docs/delivery.md: a JSON POST
``{"id", "to", "text", "brand", "kind"}`` with an ``Idempotency-Key`` header equal to ``id``.
A retried message carries the same ``id``, so a gateway that deduplicates on it never
delivers a message twice even when our first attempt timed out after it was accepted.

Every sender raises ``TransientError`` (try again later: 5xx, 408, 429, timeouts, refused
connections) or ``PermanentError`` (this message can never be sent: other 4xx).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Protocol

from flask import Flask

log = logging.getLogger(__name__)


class TransientError(Exception):
    """The gateway could not take the message now; it stays queued for a later attempt."""


class PermanentError(Exception):
    """The gateway refused this message for good (e.g. 400 invalid number)."""


@dataclass(frozen=True)
class Sms:
    """One message as a sender sees it: built at send time, never stored (it holds the survey link)."""

    id: str
    to: str = field(repr=False)
    text: str = field(repr=False)
    brand: str
    kind: str


class SmsSender(Protocol):
    def send(self, sms: Sms) -> str | None:
        """Hand the message over; return the provider's reference if any, or raise one of the errors above."""


class LogSmsSender:
    """Without a gateway nothing is delivered; used only where tests or tools need a sender object."""

    def send(self, sms: Sms) -> str | None:
        log.info("SMS %s (%s) not sent: no gateway configured", sms.id, sms.kind)
        raise TransientError("no SMS gateway configured")


@dataclass
class HttpGatewaySender:
    url: str
    token: str | None = field(default=None, repr=False)
    timeout: float = 10.0

    def send(self, sms: Sms) -> str | None:
        body = json.dumps({"id": sms.id, "to": sms.to, "text": sms.text, "brand": sms.brand, "kind": sms.kind})
        headers = {"Content-Type": "application/json", "Idempotency-Key": sms.id}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        # The URL is the operator's setting, checked to be http(s) in sms_sender_for.
        request = urllib.request.Request(self.url, data=body.encode(), headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                return _reference(answer.read(4096))
        except urllib.error.HTTPError as error:
            if error.code >= 500 or error.code in (408, 429):
                raise TransientError(f"gateway answered {error.code}") from None
            raise PermanentError(f"gateway refused the message ({error.code})") from None
        except TimeoutError:
            raise TransientError("gateway timed out") from None
        except (urllib.error.URLError, ConnectionError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise TransientError(f"gateway unreachable: {type(reason).__name__}") from None


def _reference(raw: bytes) -> str | None:
    """The provider's message id from ``{"id": …}`` or ``{"message_id": …}``, if it sent one."""
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return None
    if isinstance(answer, dict):
        found = answer.get("message_id") or answer.get("id")
        return str(found)[:120] if found is not None else None
    return None


def delivery_configured(app: Flask) -> bool:
    """Whether this service delivers invitations itself (and so withholds links from case systems)."""
    return bool(app.config.get("SMS_GATEWAY_URL"))


def sms_sender_for(app: Flask) -> SmsSender:
    url = app.config.get("SMS_GATEWAY_URL")
    if not url:
        return LogSmsSender()
    if not url.startswith(("http://", "https://")):
        raise RuntimeError("SURVEY_SMS_GATEWAY_URL must be an http:// or https:// URL")
    return HttpGatewaySender(url, app.config.get("SMS_GATEWAY_TOKEN"), float(app.config["SMS_GATEWAY_TIMEOUT"]))
