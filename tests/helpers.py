"""Helpers the test files share: free ports, the CI switch, waiting for a server."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import requests

UNDER_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# A server starting on a busy machine may take long to answer its first request
# (gunicorn accepts connections before its workers are ready): wait for readiness,
# generously, instead of racing a short read timeout.
READY_DEADLINE_SECONDS = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(
    url: str,
    process: subprocess.Popen | None = None,
    deadline: float = READY_DEADLINE_SECONDS,
) -> requests.Response:
    """The first answer of a server that is starting; fails with its stderr if the
    process dies, or after `deadline` seconds without an answer."""
    end = time.monotonic() + deadline
    while True:
        if process is not None and process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            raise AssertionError(f"server exited ({process.returncode}): {stderr}")
        try:
            # Connect fast (nothing listening yet → retry); then let it take its time.
            return requests.get(url, timeout=(2, deadline))
        except (requests.ConnectionError, requests.Timeout):
            assert time.monotonic() < end, f"no answer from {url} in {deadline} s"
            time.sleep(0.2)
