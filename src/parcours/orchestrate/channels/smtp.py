"""SMTP email (stdlib smtplib), one connection kept open, outcome classified by SMTP reply.

Where a failure happened decides the class: refused before DATA or a 4xx reply → transient (the
server did not take the message); 5xx → permanent; the connection lost or a timeout while the
message was being sent → unknown: the server may have queued it, so the engine reconciles
before anything else. SMTP cannot answer “did you get Message-ID X?”, so reconciliation asks a
lookup URL when one is configured (most providers have a message search by Message-ID; the
tests' sink serves one); without it the send is parked for a person to decide, never resent.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr

from parcours.errors import OrchestrateError
from parcours.orchestrate.channels._base import (
    Message,
    Outcome,
    Reconciled,
    Result,
    address_domain,
    message_id,
)

__all__ = ["SmtpChannel"]


class SmtpChannel:
    name = "email"

    def __init__(
        self,
        host: str = "localhost",
        port: int = 25,
        *,
        sender: str = "parcours@localhost",
        domain: str | None = None,
        timeout: float = 10.0,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        reconcile_url: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        name, address = parseaddr(sender)
        if "@" not in address:
            raise OrchestrateError(
                f"smtp sender: expected an address such as 'Mutuelle <contact@mutuelle.example>' "
                f"or 'contact@mutuelle.example', found {sender!r}"
            )
        self.sender = sender
        self.address = address  # the envelope sender (MAIL FROM): the bare address
        self.from_header = formataddr((name, address), charset="utf-8")  # RFC 2047 if needed
        self.domain = address_domain(domain or address)
        self.timeout = timeout
        self.starttls = starttls
        self.username = username
        self.password = password
        self.reconcile_url = reconcile_url
        self._smtp: smtplib.SMTP | None = None

    def build(self, message: Message) -> bytes:
        """The RFC 5322 bytes: multipart/alternative (text, HTML), UTF-8, base64 bodies.

        Written directly rather than through ``email.message`` (ten times slower per message);
        ``List-Unsubscribe`` stays one unfolded header line as RFC 8058 mail clients expect.
        """
        boundary = "=_" + hashlib.sha256(message.key.encode()).hexdigest()[:32]
        headers = [
            ("From", self.from_header),
            ("To", message.to),
            ("Subject", _header(message.subject)),
            ("Date", formatdate(localtime=False)),
            ("Message-ID", message_id(message.key, self.domain)),
            ("X-Parcours-Key", message.key),
            ("MIME-Version", "1.0"),
            *((name, _header(value)) for name, value in message.headers.items()),
        ]
        text = message.text or message.subject
        lines = [f"{name}: {value}" for name, value in headers]
        if message.html:
            lines += [
                f'Content-Type: multipart/alternative; boundary="{boundary}"',
                "",
                f"--{boundary}",
                *_part("text/plain", text),
                f"--{boundary}",
                *_part("text/html", message.html),
                f"--{boundary}--",
                "",
            ]
        else:
            lines += _part("text/plain", text)
        return "\r\n".join(lines).encode("ascii")

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is None:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            self._smtp = smtp
        return self._smtp

    def send(self, message: Message) -> Result:
        mail = self.build(message)
        mid = message_id(message.key, self.domain)
        try:
            smtp = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            return Result("transient", error=f"connect: {exc}")  # nothing was sent
        try:
            smtp.sendmail(self.address, [message.to], mail)
        except smtplib.SMTPRecipientsRefused as exc:
            code = next(iter(exc.recipients.values()))[0]
            return Result("transient" if 400 <= code < 500 else "permanent", error=str(exc))
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            kind: Outcome = "transient" if 400 <= exc.smtp_code < 500 else "permanent"
            return Result(kind, error=f"{exc.smtp_code} {exc.smtp_error!r}")
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            return Result("unknown", error=f"connection lost while sending: {exc}")
        return Result("sent", provider_id=mid)

    def reconcile(self, message: Message) -> Reconciled:
        if not self.reconcile_url:
            return "unknown"
        mid = message_id(message.key, self.domain)
        url = self.reconcile_url.replace("{message_id}", urllib.parse.quote(mid, safe=""))
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310  # configured http(s) URL
                body = response.read()
                if response.status == 200:
                    found = json.loads(body or b"{}").get("found", True)
                    return "delivered" if found else "absent"
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return "absent"
        except (OSError, ValueError):
            pass
        return "unknown"

    def _drop(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError):
                self._smtp.close()
        self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
        self._smtp = None


def _header(value: str) -> str:
    """ASCII as is; anything else as an RFC 2047 encoded word."""
    if value.isascii():
        return value
    return Header(value, "utf-8").encode()


def _part(content_type: str, body: str) -> list[str]:
    data = base64.encodebytes(body.encode("utf-8")).decode("ascii").rstrip("\n")
    return [
        f'Content-Type: {content_type}; charset="utf-8"',
        "Content-Transfer-Encoding: base64",
        "",
        *data.split("\n"),
    ]
