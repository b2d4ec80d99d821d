"""A loopback Lambda Runtime API that serves one invocation, for cold-start measurements.

It answers the routes a runtime client uses (`invocation/next`, `invocation/{id}/response`,
`invocation/{id}/error` and `init/error`) over HTTP/1.1 with keep-alive on 127.0.0.1, hands
out its one event to the first `next` request and records when that request arrived and
when the function answered. Later `next` requests are held open until the emulator stops,
as Lambda holds them between invocations.

Each measured process gets an emulator of its own, on its own port: a request that a killed
process had already sent can then never be mistaken for one from the next process.

Times are the kernel's receive timestamps of each request's first bytes (SO_TIMESTAMPNS, in
`time.time_ns()`'s clock), not the moment a Python thread got around to parsing them: on a
busy machine that thread can wait milliseconds for a CPU, which the measured process is not
to be charged for. Where the kernel gives no timestamp, the time of reading it is used.

The emulator stands in for Lambda's own Runtime API, which hands out a queued event within
microseconds, so it does as little as it can between a `next` request's arrival and the
event's departure, all of which counts in the measured process's time to its response: one
thread serves every connection from a selector (no thread to start per connection), reads
each request with one `recvmsg` that brings its bytes and their timestamp together, and
answers with one `sendall`. `next_answer_ms` records how long that took.
"""

from __future__ import annotations

import select
import selectors
import socket
import struct
import threading
import time
from http import HTTPStatus

PREFIX = "/2018-06-01/runtime"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:marketplace-catalog-notifier"
# How often the serving thread checks whether it should stop.
POLL_SECONDS = 0.05
# Linux's SO_TIMESTAMPNS (the socket module does not name it); its control message carries
# a struct timespec of two native longs.
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
TIMESPEC = struct.Struct("@ll")
READ_SIZE = 65536
# A request head longer than this is not one a runtime client sends.
MAX_HEAD = 65536


class RuntimeApiEmulator:
    """One invocation served on a free 127.0.0.1 port; use it as a context manager."""

    def __init__(self, request_id: str, event: bytes) -> None:
        """Bind a free loopback port for the invocation `request_id` carrying `event`."""
        self.request_id = request_id
        self.event = event
        # Nanoseconds in time.time_ns()'s clock.
        self.first_next_ns: int | None = None
        self.answered_ns: int | None = None
        # Milliseconds from the first `next` request's arrival to the event's departure.
        self.next_answer_ms: float | None = None
        self.response: bytes | None = None
        self.error: str | None = None
        self.answered = threading.Event()
        self._stopping = threading.Event()
        self._handed_out = False
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        try:
            # Accepted sockets inherit the option.
            self._listener.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        except OSError:
            pass
        self._listener.listen(16)
        self._listener.setblocking(False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ)
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def address(self) -> str:
        """The `host:port` to put in AWS_LAMBDA_RUNTIME_API."""
        host, port = self._listener.getsockname()[:2]
        return f"{host}:{port}"

    def __enter__(self) -> RuntimeApiEmulator:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop serving, which releases held requests, and close every socket."""
        self._stopping.set()
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        """Accept connections and serve their requests until told to stop."""
        buffers: dict[socket.socket, _Connection] = {}
        try:
            while not self._stopping.is_set():
                for key, _events in self._selector.select(POLL_SECONDS):
                    sock = key.fileobj
                    if sock is self._listener:
                        self._accept(buffers)
                    elif not self._read(buffers[sock]):
                        self._selector.unregister(sock)
                        buffers.pop(sock).sock.close()
        finally:
            for connection in buffers.values():
                connection.sock.close()
            self._selector.close()
            self._listener.close()

    def _accept(self, buffers: dict[socket.socket, _Connection]) -> None:
        """Take every waiting connection."""
        while True:
            try:
                sock, _address = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            buffers[sock] = _Connection(sock)
            self._selector.register(sock, selectors.EVENT_READ)

    def _read(self, connection: _Connection) -> bool:
        """Read what arrived and serve every complete request; False once the peer is gone."""
        try:
            data, ancillary, _flags, _address = connection.sock.recvmsg(
                READ_SIZE, socket.CMSG_SPACE(TIMESPEC.size)
            )
        except (BlockingIOError, InterruptedError):
            return True
        except OSError:
            return False
        if not data:
            return False
        if not connection.pending:
            connection.arrived_ns = _timestamp(ancillary)
        connection.pending += data
        while connection.pending:
            request = connection.take_request()
            if request is None:
                return len(connection.pending) <= MAX_HEAD or connection.expects_body
            method, path, body = request
            self._route(connection, method, path, body)
            # Bytes of a further request came in the same read, at the same time.
        return True

    def _route(self, connection: _Connection, method: str, path: str, body: bytes) -> None:
        """Answer one request, or hold it (a later `next`)."""
        arrived = connection.arrived_ns
        if method == "GET" and path == f"{PREFIX}/invocation/next":
            if self._handed_out:
                # Held: never answered, closed when the emulator stops.
                self._selector.unregister(connection.sock)
                connection.pending = b""
                return
            self._handed_out = True
            self.first_next_ns = arrived
            trace = self.request_id.replace("-", "")[:24]
            connection.reply(
                HTTPStatus.OK,
                self.event,
                {
                    "Lambda-Runtime-Aws-Request-Id": self.request_id,
                    "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 30_000),
                    "Lambda-Runtime-Invoked-Function-Arn": FUNCTION_ARN,
                    "Lambda-Runtime-Trace-Id": f"Root=1-00000000-{trace};Sampled=0",
                },
            )
            self.next_answer_ms = (time.time_ns() - arrived) / 1e6
            return
        if method != "POST":
            connection.reply(HTTPStatus.NOT_FOUND, b'{"errorType":"NotFound"}')
            return
        text = body.decode(errors="replace")
        base = f"{PREFIX}/invocation/{self.request_id}"
        if path == f"{base}/response":
            self.response = body
        elif path == f"{base}/error":
            self.error = f"invocation error: {text}"
        elif path == f"{PREFIX}/init/error":
            self.error = f"init error: {text}"
        else:
            connection.reply(HTTPStatus.NOT_FOUND, b'{"errorType":"UnknownRequestId"}')
            return
        if self.answered_ns is None:
            self.answered_ns = arrived
        connection.reply(HTTPStatus.ACCEPTED, b'{"status":"OK"}')
        self.answered.set()


class _Connection:
    """One client connection: the bytes read but not yet served, and when they arrived."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.pending = b""
        self.arrived_ns = 0
        self.expects_body = False
        self._continued = False

    def take_request(self) -> tuple[str, str, bytes] | None:
        """Remove one complete request (method, path, body) from the pending bytes."""
        head_end = self.pending.find(b"\r\n\r\n")
        if head_end < 0:
            return None
        lines = self.pending[:head_end].decode("latin-1").split("\r\n")
        method, path = (lines[0].split(" ") + ["", ""])[:2]
        length = 0
        expect_continue = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                try:
                    length = int(value.strip() or 0)
                except ValueError:
                    length = 0
            elif name == "expect" and value.strip().lower() == "100-continue":
                expect_continue = True
        body_start = head_end + 4
        if len(self.pending) < body_start + length:
            self.expects_body = True
            if expect_continue and not self._continued:
                self._continued = True
                self._send(b"HTTP/1.1 100 Continue\r\n\r\n")
            return None
        body = self.pending[body_start : body_start + length]
        self.pending = self.pending[body_start + length :]
        self.expects_body = False
        self._continued = False
        return method, path, body

    def reply(self, status: HTTPStatus, body: bytes, headers: dict[str, str] | None = None) -> None:
        """Send a complete JSON response in one write, keeping the connection open."""
        head = [
            f"HTTP/1.1 {status.value} {status.phrase}",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
        ]
        head += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self._send("\r\n".join(head).encode("latin-1") + b"\r\n\r\n" + body)

    def _send(self, data: bytes) -> None:
        """Write `data` whole; the socket is non-blocking, so wait for room if need be."""
        view = memoryview(data)
        while view:
            try:
                sent = self.sock.send(view)
            except (BlockingIOError, InterruptedError):
                select.select([], [self.sock], [], POLL_SECONDS)
                continue
            except OSError:
                return
            view = view[sent:]


def _timestamp(ancillary: list[tuple[int, int, bytes]]) -> int:
    """The kernel's receive timestamp in `ancillary`, or now when there is none."""
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            seconds, nanoseconds = TIMESPEC.unpack(payload[: TIMESPEC.size])
            return seconds * 1_000_000_000 + nanoseconds
    return time.time_ns()
