"""A loopback Lambda Runtime API that serves one invocation, for cold-start measurements.

It answers the routes a runtime client uses (`invocation/next`, `invocation/{id}/response`,
`invocation/{id}/error` and `init/error`) over HTTP/1.1 with keep-alive on 127.0.0.1, hands
out its one event to the first `next` request and records when that request arrived and
when the function answered. Later `next` requests are held
open until the emulator stops, as Lambda holds them between invocations.

Each measured process gets an emulator of its own, on its own port: a request that a killed
process had already sent can then never be mistaken for one from the next process.

Times are the kernel's receive timestamps of each request's first bytes (SO_TIMESTAMPNS, in
`time.time_ns()`'s clock), not the moment a Python thread got around to parsing them: on a
busy machine that thread can wait milliseconds for a CPU, which the measured process is not
to be charged for. Where the kernel gives no timestamp, the time of reading it is used.
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:marketplace-catalog-notifier"
# How long a held `next` request may wait before the emulator lets it go.
HOLD_SECONDS = 120.0
# How often the server thread checks whether it should stop.
POLL_SECONDS = 0.05
# Linux's SO_TIMESTAMPNS (the socket module does not name it); its control message carries
# a struct timespec of two native longs.
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
TIMESPEC = struct.Struct("@ll")


class _QuietServer(ThreadingHTTPServer):
    """A threaded server that does not print a traceback when a killed client hangs up."""

    daemon_threads = True

    def server_bind(self) -> None:
        """Bind, and ask for receive timestamps, which accepted sockets inherit."""
        super().server_bind()
        try:
            self.socket.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        except OSError:
            pass

    def handle_error(self, request: object, client_address: object) -> None:
        """Ignore dropped connections: every measured process is killed mid-connection."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class RuntimeApiEmulator:
    """One invocation served on a free 127.0.0.1 port; use it as a context manager."""

    def __init__(self, request_id: str, event: bytes) -> None:
        """Bind a free loopback port for the invocation `request_id` carrying `event`."""
        self.request_id = request_id
        self.event = event
        # Nanoseconds in time.time_ns()'s clock.
        self.first_next_ns: int | None = None
        self.answered_ns: int | None = None
        self.response: bytes | None = None
        self.error: str | None = None
        self.answered = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._handed_out = False
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True
        )

    @property
    def address(self) -> str:
        """The `host:port` to put in AWS_LAMBDA_RUNTIME_API."""
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def __enter__(self) -> RuntimeApiEmulator:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Release held requests, stop serving and close the socket."""
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        """Build the request handler class bound to this emulator."""
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            """Routes one request to the emulator."""

            protocol_version = "HTTP/1.1"
            # Unbuffered, so that the next request's bytes are still in the socket to peek at.
            rbufsize = 0
            arrived_ns = 0

            def handle_one_request(self) -> None:
                """Note when the request's first bytes arrived, then serve it."""
                self.arrived_ns = arrival_ns(self.connection)
                super().handle_one_request()

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                """Serve `invocation/next`."""
                now = self.arrived_ns
                if self.path == f"{PREFIX}/invocation/next":
                    emulator._next(self, now)
                else:
                    reply(self, HTTPStatus.NOT_FOUND, b'{"errorType":"NotFound"}')

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                """Serve responses, invocation errors and init errors."""
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                emulator._post(self, body, self.arrived_ns)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                """Stay quiet: a request log would cost time inside the measured window."""

        return Handler

    def _next(self, handler: BaseHTTPRequestHandler, now: int) -> None:
        """Hand out the event once; hold any later `next` request until the emulator stops."""
        with self._lock:
            fresh = not self._handed_out
            self._handed_out = True
            if fresh:
                self.first_next_ns = now
        if not fresh:
            self._stopping.wait(HOLD_SECONDS)
            handler.close_connection = True
            return
        trace = self.request_id.replace("-", "")[:24]
        reply(
            handler,
            HTTPStatus.OK,
            self.event,
            {
                "Lambda-Runtime-Aws-Request-Id": self.request_id,
                "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 30_000),
                "Lambda-Runtime-Invoked-Function-Arn": FUNCTION_ARN,
                "Lambda-Runtime-Trace-Id": f"Root=1-00000000-{trace};Sampled=0",
            },
        )

    def _post(self, handler: BaseHTTPRequestHandler, body: bytes, now: int) -> None:
        """Record the function's response, or the error it reported."""
        text = body.decode(errors="replace")
        base = f"{PREFIX}/invocation/{self.request_id}"
        if handler.path == f"{base}/response":
            self.response = body
        elif handler.path == f"{base}/error":
            self.error = f"invocation error: {text}"
        elif handler.path == f"{PREFIX}/init/error":
            self.error = f"init error: {text}"
        else:
            reply(handler, HTTPStatus.NOT_FOUND, b'{"errorType":"UnknownRequestId"}')
            return
        with self._lock:
            if self.answered_ns is None:
                self.answered_ns = now
        reply(handler, HTTPStatus.ACCEPTED, b'{"status":"OK"}')
        self.answered.set()


def arrival_ns(connection: socket.socket) -> int:
    """Wait for a request's first byte; return when the kernel received it (or now)."""
    try:
        data, ancillary, _flags, _address = connection.recvmsg(
            1, socket.CMSG_SPACE(TIMESPEC.size), socket.MSG_PEEK
        )
    except OSError:
        return time.time_ns()
    for level, kind, payload in ancillary:
        if data and level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            seconds, nanoseconds = TIMESPEC.unpack(payload[: TIMESPEC.size])
            return seconds * 1_000_000_000 + nanoseconds
    return time.time_ns()


def reply(
    handler: BaseHTTPRequestHandler,
    status: HTTPStatus,
    body: bytes,
    headers: dict[str, str] | None = None,
) -> None:
    """Send a complete JSON response, keeping the connection open."""
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()
