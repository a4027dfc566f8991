"""How the exchange is served: uvicorn over h11, with timeouts on connections that stall.

uvicorn (0.54) closes a kept-alive connection that stays idle for `timeout_keep_alive`, but
has no timeout for the request head: a client that connects and sends nothing, or half a
request line and then nothing, holds its connection for ever (a few thousand such clients
exhaust the server's file descriptors). `HeadTimeoutH11Protocol`, written by hand because
uvicorn offers no such setting, closes a connection that has not delivered a complete request
line and headers within `header_timeout_s`, counted from connecting or, on a kept-alive
connection, from the first byte of the next request; a partial head gets a 408 first. The
same deadline covers the rest of a body the server has already answered (a 413, say), which
uvicorn reads and drops. It is a subclass of uvicorn's own h11 protocol that only adds a timer.

`suanli serve` and the tests' live server both take their options from `server_options`.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from suanli.service.settings import ServiceSettings

_TOO_LATE = b"the request line and headers came too late\n"
REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    + b"content-length: %d\r\nconnection: close\r\n\r\n" % len(_TOO_LATE)
    + _TOO_LATE
)
"""Written straight to the socket: h11 has seen no request to answer."""


class HeadTimeoutH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline while the server waits on the client (uvicorn
    makes one per connection; `with_header_timeout` sets the deadline's length)."""

    header_timeout_s: float = 10.0
    head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._waiting_on_client():
            self._arm()  # the first byte of a new request on a kept-alive connection
        super().data_received(data)
        if not self._waiting_on_client():
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _waiting_on_client(self) -> bool:
        """For a request head, or for the rest of a body whose response is already sent."""
        their, ours = self.conn.their_state, self.conn.our_state
        return their is h11.IDLE or (ours is h11.DONE and their is h11.SEND_BODY)

    def _arm(self) -> None:
        if self.head_deadline is None:
            self.head_deadline = self.loop.call_later(self.header_timeout_s, self._timed_out)

    def _disarm(self) -> None:
        if self.head_deadline is not None:
            self.head_deadline.cancel()
            self.head_deadline = None

    def _timed_out(self) -> None:
        self.head_deadline = None
        if self.transport.is_closing() or not self._waiting_on_client():
            return
        partial_head = self.conn.their_state is h11.IDLE and bool(self.conn.trailing_data[0])
        if partial_head:
            self.transport.write(REQUEST_TIMEOUT)
        self.transport.close()


def with_header_timeout(seconds: float) -> type[HeadTimeoutH11Protocol]:
    """The protocol class for uvicorn's `http=` option, its head timeout set to `seconds`
    (uvicorn passes a protocol nothing of its own choosing)."""
    return type("HeadTimeoutH11Protocol", (HeadTimeoutH11Protocol,), {"header_timeout_s": seconds})


def server_options(settings: ServiceSettings) -> dict[str, Any]:
    """uvicorn's options (`uvicorn.run`, `uvicorn.Config`) for the exchange under `settings`."""
    return {
        "host": settings.host,
        "port": settings.port,
        "http": with_header_timeout(settings.header_timeout_s),
        "timeout_keep_alive": settings.keep_alive_timeout_s,
    }
