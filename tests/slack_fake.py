"""A local fake of the Slack Web API: records every call, answers like Slack, fails on request.

Point a `WebClient(base_url=fake.api_url)` at it; response_url posts go to `fake.response_url(name)`.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

BOT_USER = "UBOT"


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []  # (method or "response:<name>", body)
        self._failures: dict[str, list[tuple[int, dict, dict]]] = {}
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    # ---- lifecycle

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.base}/response/{name}"

    # ---- scripting and inspection

    def fail_next(self, method: str, status: int, body: dict, headers: dict | None = None) -> None:
        with self._lock:
            self._failures.setdefault(method, []).append((status, body, headers or {}))

    def calls_to(self, method: str) -> list[dict]:
        with self._lock:
            return [body for m, body in self.calls if m == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            time.sleep(0.01)
        raise AssertionError(f"expected {count} call(s) to {method}, got {self.calls_to(method)}")

    # ---- the server

    def _answer(self, method: str, body: dict) -> tuple[int, dict, dict]:
        with self._lock:
            self.calls.append((method, body))
            failures = self._failures.get(method)
            if failures:
                return failures.pop(0)
        if method == "auth.test":
            return 200, {"ok": True, "user_id": BOT_USER, "bot_id": "BBOT", "team_id": "T1", "user": "referent"}, {}
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            message = {"text": body.get("text"), "ts": ts, "bot_id": "BBOT", "user": BOT_USER}
            return 200, {"ok": True, "channel": body.get("channel"), "ts": ts, "message": message}, {}
        if method == "chat.postEphemeral":
            return 200, {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}, {}
        return 200, {"ok": True}, {}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or "{}")
                else:
                    body = dict(parse_qsl(raw))
                if self.path.startswith("/api/"):
                    method = self.path[len("/api/") :].split("?")[0]
                elif self.path.startswith("/response/"):
                    method = "response:" + self.path[len("/response/") :]
                else:
                    self.send_error(404)
                    return
                status, payload, headers = fake._answer(method, body)
                data = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
