"""HTTP adapters: SMS through a provider's JSON API, the generic webhook (also used for tasks).

The ledger key travels as the ``Idempotency-Key`` header so a provider that honours it drops a
repeat. Replies: 2xx sent; 408/425/429/502/503/504 and a refused connection transient (not
taken); other 4xx permanent; 500, a timeout or a cut connection unknown (reconcile with
``GET {status_url}`` when configured: 200 delivered, 404 absent).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from parcours.orchestrate.channels._base import Message, Reconciled, Result

__all__ = ["SmsChannel", "WebhookChannel"]

_TRANSIENT = {408, 425, 429, 502, 503, 504}


class WebhookChannel:
    name = "webhook"

    def __init__(
        self,
        url: str | None = None,
        *,
        status_url: str | None = None,
        timeout: float = 10.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.url = url
        self.status_url = status_url
        self.timeout = timeout
        self.headers = headers or {}

    def payload(self, message: Message) -> dict[str, Any]:
        return {"key": message.key, "customer_id": message.customer_id, **message.data}

    def target(self, message: Message) -> str:
        url = message.data.get("url") or self.url
        if not url:
            raise ValueError("a webhook URL (step url or [orchestrate.webhook] url)")
        return str(url)

    def send(self, message: Message) -> Result:
        body = json.dumps(self.payload(message), default=str).encode()
        request = urllib.request.Request(  # noqa: S310  # configured http(s) URL
            self.target(message),
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": message.key,
                **self.headers,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # the URL is the operator's configured provider
                return Result("sent", provider_id=response.headers.get("X-Message-Id"))
        except urllib.error.HTTPError as exc:
            if exc.code in _TRANSIENT:
                return Result("transient", error=f"HTTP {exc.code}")
            if 400 <= exc.code < 500:
                return Result("permanent", error=f"HTTP {exc.code}")
            return Result("unknown", error=f"HTTP {exc.code}")
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, ConnectionRefusedError):
                return Result("transient", error=str(exc.reason))
            return Result("unknown", error=str(exc.reason))
        except (TimeoutError, OSError) as exc:
            return Result("unknown", error=str(exc))

    def reconcile(self, message: Message) -> Reconciled:
        if not self.status_url:
            return "unknown"
        url = self.status_url.replace("{key}", urllib.parse.quote(message.key, safe=""))
        try:
            with urllib.request.urlopen(url, timeout=self.timeout):  # noqa: S310  # the operator's configured status URL
                return "delivered"
        except urllib.error.HTTPError as exc:
            return "absent" if exc.code == 404 else "unknown"
        except OSError:
            return "unknown"

    def close(self) -> None:
        return None


class SmsChannel(WebhookChannel):
    """SMS through an HTTP provider: POST {to, text, sender} with the idempotency key."""

    name = "sms"

    def __init__(self, url: str, *, sender: str = "parcours", **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.sender = sender

    def payload(self, message: Message) -> dict[str, Any]:
        return {"to": message.to, "text": message.text, "from": self.sender, "key": message.key}

    def target(self, message: Message) -> str:
        return str(self.url)
