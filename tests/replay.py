"""A local HTTP server that replays recorded upstream responses over a real socket.

Routes map a path to a response (status, headers, body) or to a function of the request.
A fault can be switched on for every route at once (500, 429, timeout, malformed body …),
which is how the fault tests break an upstream without touching the adapters.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def encoded(self, base_url: str) -> bytes:
        if isinstance(self.body, dict | list):
            text = json.dumps(self.body)
        elif isinstance(self.body, bytes):
            return self.body
        else:
            text = self.body
        return text.replace("{base}", base_url).encode()


@dataclass
class Request:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    method: str = "GET"
    body: bytes = b""

    def json(self) -> object:
        return json.loads(self.body or b"null")

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, [default])[0]


Route = Reply | Callable[[Request], Reply]

FAULTS: dict[str, Reply] = {
    "500": Reply(500, {"error": True, "reason": "Internal Server Error (replayed)"}),
    "503": Reply(503, "Service Unavailable", {"Content-Type": "text/plain"}),
    "429": Reply(
        429,
        {"error": True, "reason": "Too many requests (replayed)"},
        {"Retry-After": "1"},
    ),
    "malformed_json": Reply(200, '{"results": [', {"Content-Type": "application/json"}),
    "html_page": Reply(
        200,
        "<html><body><h1>Maintenance</h1></body></html>",
        {"Content-Type": "text/html; charset=utf-8"},
    ),
    "timeout": Reply(200, {}, delay=3.0),
    "huge": Reply(
        200,
        b'{"pad": "' + b"x" * (51 * 1024 * 1024) + b'"}',
        {"Content-Type": "application/json"},
    ),
}


class ReplayServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.fault: str | None = None
        self.fault_times: int | None = None  # None: every request; n: the next n only
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                self.answer(b"")

            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                length = int(self.headers.get("Content-Length") or 0)
                self.answer(self.rfile.read(length))

            def answer(self, body: bytes) -> None:
                parts = urlsplit(self.path)
                request = Request(
                    parts.path,
                    parse_qs(parts.query),
                    dict(self.headers),
                    self.command,
                    body,
                )
                replay.requests.append(request)
                reply = replay.reply_for(request)
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.encoded(replay.url)
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json", **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                # The client may have given up already (the timeout test).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def reply_for(self, request: Request) -> Reply:
        if self.fault is not None and self.fault_times != 0:
            if self.fault_times is not None:
                self.fault_times -= 1
            return FAULTS[self.fault]
        route = self.routes.get(request.path)
        if route is None:
            return Reply(
                404, {"error": True, "message": f"no route for {request.path}"}
            )
        return route(request) if callable(route) else route

    def start(self) -> ReplayServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def paged(results: list, *, style: str) -> Callable[[Request], Reply]:
    """Serve a list page by page, as Opendatasoft (`limit`/`offset`, {"results": …}) or
    Socrata (`$limit`/`$offset`, a bare array) would."""

    def handler(request: Request) -> Reply:
        prefix = "$" if style == "socrata" else ""
        limit = int(request.arg(f"{prefix}limit", "10"))
        offset = int(request.arg(f"{prefix}offset", "0"))
        page = results[offset : offset + limit]
        return Reply(200, page if style == "socrata" else {"results": page})

    return handler
