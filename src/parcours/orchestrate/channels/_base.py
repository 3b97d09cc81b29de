"""What every channel adapter shares: the message, the outcome classes, the reconcile contract."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any, Literal, Protocol

__all__ = ["Channel", "Message", "Reconciled", "Result", "address_domain", "message_id"]

Outcome = Literal["sent", "transient", "permanent", "unknown"]
Reconciled = Literal["delivered", "absent", "unknown"]


@dataclass
class Message:
    """One message to hand to a provider; ``key`` is the send-ledger key (the idempotency key)."""

    key: str
    channel: str
    customer_id: str
    to: str
    lang: str = "fr"
    subject: str = ""
    text: str = ""
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    """What the provider said: ``sent`` (accepted), ``transient`` (not accepted, retry later),
    ``permanent`` (never will be), ``unknown`` (may or may not have been accepted: reconcile)."""

    outcome: Outcome
    provider_id: str | None = None
    error: str | None = None


class Channel(Protocol):
    name: str

    def send(self, message: Message) -> Result: ...

    def reconcile(self, message: Message) -> Reconciled:
        """Did the provider accept this key before? ``unknown`` if it cannot say (never resend)."""
        ...

    def close(self) -> None: ...


def address_domain(address: str, default: str = "parcours.invalid") -> str:
    """The domain of an address, parsed as RFC 5322 does: ``Name <user@domain>`` gives
    ``domain``; a bare domain is kept as it is; nothing usable gives ``default``."""
    text = address.strip()
    if "@" in text or "<" in text:
        _name, text = parseaddr(text)
        text = text.rpartition("@")[2]
    text = text.strip().strip("<>[]").strip().lower()
    if not text or any(c.isspace() or c in '<>@"(),;:\\' for c in text):
        return default
    return text


def message_id(key: str, domain: str = "parcours.invalid") -> str:
    """The RFC 5322 Message-ID derived from a ledger key: the same message always has the same id.

    ``domain`` may also be the sender's whole address (``Mutuelle <contact@mutuelle.example>``):
    its domain is used."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{address_domain(domain)}>"
