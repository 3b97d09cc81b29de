"""uvicorn's h11 protocol, answering the requests it cannot parse (``Content-Length: -1``, bad
chunking, oversized headers) with a problem document instead of plain text. A module-level class,
so that ``--workers`` processes can import it."""

from __future__ import annotations

import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["ProblemH11Protocol"]


class ProblemH11Protocol(H11Protocol):
    def send_400_response(self, msg: str) -> None:
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Bad request",
                "status": 400,
                "detail": f"expected a well-formed HTTP/1.1 request, found: {msg}",
            }
        ).encode()
        event = h11.Response(
            status_code=400,
            reason=b"Bad Request",
            headers=[
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        )
        self.transport.write(self.conn.send(event))
        self.transport.write(self.conn.send(h11.Data(data=body)))
        self.transport.write(self.conn.send(h11.EndOfMessage()))
        self.transport.close()
