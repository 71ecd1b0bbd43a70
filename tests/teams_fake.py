"""A local stand-in for the Bot Connector: records the activities a Teams bot posts.

Point an activity's serviceUrl at `FakeConnector.url` and every reply the SDK sends to
/v3/conversations/{id}/activities[/{replyToId}] lands in `posted`, with its headers.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit


@dataclass
class Posted:
    conversation_id: str
    path: str
    activity: dict
    headers: dict[str, str]


class FakeConnector:
    """http.server on 127.0.0.1, port 0; use as a context manager."""

    def __init__(self) -> None:
        self.posted: list[Posted] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                parts = unquote(urlsplit(self.path).path).split("/")
                # ['', 'v3', 'conversations', '{id}', 'activities', ...]
                if len(parts) < 5 or parts[1:3] != ["v3", "conversations"] or parts[4] != "activities":
                    self.send_error(404)
                    return
                length = int(self.headers.get("content-length") or 0)
                activity = json.loads(self.rfile.read(length) or b"{}")
                with fake._lock:
                    fake.posted.append(Posted(parts[3], self.path, activity, dict(self.headers.items())))
                    reply = json.dumps({"id": f"fake-{next(fake._ids)}"}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: object) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # A short poll interval keeps shutdown, and so every test's teardown, fast.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        # Teams' own serviceUrls end in a slash; the SDK must cope with that.
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def messages(self) -> list[Posted]:
        with self._lock:
            return [p for p in self.posted if p.activity.get("type") == "message"]

    def __enter__(self) -> FakeConnector:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
