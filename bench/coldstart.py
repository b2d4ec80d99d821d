"""Cold starts of a Lambda function process against the loopback Runtime API.

A sample is one fresh process: spawned with `os.posix_spawn` (no Python-side work between
the clock read and the exec), given one event, and killed once it has answered. The times
are from just before the spawn to the moment the emulator received the function's first
`next` request and its response. The peak resident set size is the process's `VmHWM`,
read just before it is killed: `ru_maxrss` from `wait4` would not do, because the kernel
carries the spawning process's high-water mark across `execve` into the child's.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from dataclasses import dataclass

from runtime_api import RuntimeApiEmulator

# Bounds for a single sample: a healthy cold start takes milliseconds to about a second.
ANSWER_TIMEOUT_SECONDS = 30.0
REAP_TIMEOUT_SECONDS = 10.0
POLL_SECONDS = 0.02

# Every child still alive, so a failure or an interrupt never leaves one behind.
_LIVE: set[int] = set()


class SampleError(RuntimeError):
    """A cold start that did not end with a successful response."""


@dataclass
class Sample:
    """One cold start: milliseconds to the first `next` and to the response, peak RSS, and
    the emulator's own time answering that `next` (which the response time includes)."""

    first_next_ms: float
    response_ms: float
    peak_rss_kib: int
    next_answer_ms: float


@dataclass
class Program:
    """How to start one kind of function process."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: str
    # What the process's response must contain.
    expect: bytes = b'"published"'


def kill_all() -> None:
    """SIGKILL and reap every child this module started that is still running."""
    for pid in list(_LIVE):
        _kill(pid)


def _kill(pid: int) -> bool:
    """SIGKILL `pid` and wait (bounded) until it is reaped; False if it could not be."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + REAP_TIMEOUT_SECONDS
    while True:
        if _exited(pid):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS / 4)


def _exited(pid: int) -> bool:
    """Reap `pid` if it has exited on its own."""
    try:
        reaped, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        reaped = pid
    if reaped == pid:
        _LIVE.discard(pid)
        return True
    return False


def _peak_rss_kib(pid: int) -> int | None:
    """Read the process's resident-set high-water mark (VmHWM) in KiB, if it still runs."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _tail(path: str, limit: int = 2000) -> str:
    """Return the end of a child's log, for error messages."""
    try:
        with open(path, "rb") as log:
            log.seek(0, os.SEEK_END)
            log.seek(max(0, log.tell() - limit))
            return log.read().decode(errors="replace")
    except OSError as error:
        return f"(no log: {error})"


def measure(program: Program, event: bytes) -> Sample:
    """Start `program` once against a fresh Runtime API, serve it `event`, time its cold start.

    The response must contain the program's `expect`; anything else (an error, a crash, a timeout) raises
    `SampleError` with the end of the process's log.
    """
    with RuntimeApiEmulator(str(uuid.uuid4()), event) as api:
        env = dict(program.env, AWS_LAMBDA_RUNTIME_API=api.address)
        log_fd = os.open(program.log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        null_fd = os.open(os.devnull, os.O_RDONLY)
        actions = [
            (os.POSIX_SPAWN_DUP2, null_fd, 0),
            (os.POSIX_SPAWN_DUP2, log_fd, 1),
            (os.POSIX_SPAWN_DUP2, log_fd, 2),
        ]
        try:
            started = time.time_ns()  # the emulator's clock
            pid = os.posix_spawn(program.argv[0], program.argv, env, file_actions=actions)
            _LIVE.add(pid)
        finally:
            os.close(log_fd)
            os.close(null_fd)

        exited = False
        peak: int | None = None
        try:
            deadline = time.monotonic() + ANSWER_TIMEOUT_SECONDS
            while not api.answered.wait(POLL_SECONDS):
                if _exited(pid):
                    exited = True
                    break
                if time.monotonic() >= deadline:
                    break
            if not exited:
                peak = _peak_rss_kib(pid)
        finally:
            if not exited and not _kill(pid):
                raise SampleError(f"{program.name}: process {pid} survived SIGKILL")

    log = _tail(program.log_path)
    if api.error is not None:
        raise SampleError(f"{program.name}: {api.error}\n{log}")
    # The emulator records the `next` request's arrival and its own answer time together.
    if api.answered_ns is None or api.first_next_ns is None or api.next_answer_ms is None:
        why = "exited" if exited else f"did not answer within {ANSWER_TIMEOUT_SECONDS:.0f}s"
        asked = "after" if api.first_next_ns is not None else "without"
        raise SampleError(f"{program.name}: the process {why}, {asked} asking for work\n{log}")
    if program.expect not in (api.response or b""):
        raise SampleError(f"{program.name}: unexpected response {api.response!r}\n{log}")
    if peak is None:
        raise SampleError(f"{program.name}: no VmHWM in /proc/{pid}/status")
    return Sample(
        first_next_ms=(api.first_next_ns - started) / 1e6,
        response_ms=(api.answered_ns - started) / 1e6,
        peak_rss_kib=peak,
        next_answer_ms=api.next_answer_ms,
    )
