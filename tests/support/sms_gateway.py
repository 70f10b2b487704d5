"""A stub of the SMS gateway the `http` backend posts to: the phones' side of a real SMS.

An HTTP server on 127.0.0.1 (a free port) that takes `POST {"to", "text"}` with a bearer token,
as portal/services/sms.py sends it, and keeps what arrived. It can be told how to answer: each
POST meets the next entry of `answers` (the last one repeats): a status code, or `SLOW` (held
without an answer until the stub stops, far past any client's timeout). With a `token`, a
request without it is refused (401) and counted, never delivered. Nothing is printed: the texts
carry codes.

    with SmsGateway(token="t") as gateway:        # or gateway.start() ... gateway.stop()
        ... SMS_HTTP_URL=gateway.url ...
        code = gateway.code_after(phone, mark)     # mark = gateway.mark(phone), taken before
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.codes import code_in

SLOW = "slow"  # an answer that never comes in time
HOLD_SECONDS = 10  # how long a SLOW request is held at most


@dataclass(frozen=True)
class Received:
    """One POST as it arrived, and how the stub answered it."""

    headers: dict[str, str]
    body: dict | None  # None when the body was not JSON
    answer: int | str  # a status, or SLOW


@dataclass(frozen=True)
class Delivered:
    """An accepted message: what a phone shows."""

    to: str
    text: str
    authorization: str | None


class SmsGateway(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins every handler: no thread outlives the stub
    block_on_close = True

    def __init__(self, token: str | None = None):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.token = token
        self.answers: list[int | str] = [202]
        self.received: list[Received] = []
        self.delivered: list[Delivered] = []
        self.refused = 0  # wrong token or a body that is not {"to", "text"}
        self.arrived = threading.Condition()  # guards the lists; notified on each delivery
        self.release = threading.Event()  # ends the SLOW handlers' wait when the stub stops
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/sms"

    @property
    def calls(self) -> int:
        return len(self.received)

    def start(self) -> SmsGateway:
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> SmsGateway:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def handle_error(self, request, client_address):
        pass  # a client that timed out has hung up: writing the late answer fails, as expected

    # -- what the phones received (the journey driver's code source, for a real server)
    def to(self, phone: str) -> list[Delivered]:
        with self.arrived:
            return [message for message in self.delivered if message.to == phone]

    def mark(self, phone: str) -> int:
        """How many messages `phone` has received so far."""
        return len(self.to(phone))

    def code_after(self, phone: str, mark: int, timeout: float = 15) -> str:
        """The code of the first message to `phone` after the first `mark` ones (waits for it)."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.to(phone)) > mark, timeout):
                raise TimeoutError(f"no SMS reached {phone} within {timeout:.0f} s")
            return code_in(self.to(phone)[mark].text)

    # -- the handler's side
    def answer(self, headers: dict[str, str], body: dict | None) -> int | str:
        """Record one POST and decide its answer: a status, or SLOW."""
        well_formed = isinstance(body, dict) and set(body) == {"to", "text"}
        authorised = self.token is None or headers.get("Authorization") == f"Bearer {self.token}"
        with self.arrived:
            planned = self.answers[min(len(self.received), len(self.answers) - 1)]
            answer = planned if well_formed and authorised else (400 if authorised else 401)
            self.received.append(Received(headers, body, answer))
            if answer != planned:
                self.refused += 1
            elif isinstance(answer, int) and 200 <= answer < 300:
                self.delivered.append(Delivered(body["to"], body["text"], headers.get("Authorization")))
                self.arrived.notify_all()
        return answer


class _Handler(BaseHTTPRequestHandler):
    server: SmsGateway

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        answer = self.server.answer(dict(self.headers), body)
        if answer == SLOW:
            self.server.release.wait(HOLD_SECONDS)  # the client has given up on this attempt by now
            self.close_connection = True
            return
        reply = b'{"status": "queued"}' if 200 <= answer < 300 else b'{"status": "refused"}'
        self.send_response(answer)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format, *args):
        pass  # the texts carry codes: print nothing
