"""A fake First Agenda Publication portal on loopback (port 0), serving recorded Greve responses by id.

It behaves like the real one where the connector depends on it: the first request without a session cookie
is sent to /Home/AnonymousAuthentication?callback=…, which sets `.AspNet.Cookies` and sends the client back;
`/api/agenda/udvalgsliste` lists the committees and meetings (built from derived/greve-meeting-index.tsv for
the meetings it serves); `/api/agenda/dagsorden/{id}` serves a meeting's recorded bytes. Tests script faults
(`faults[path] = [(status, headers, body), …]`, served before the real answer), change a meeting's listing
entry (`listing_override`) or its body (`bodies`), and read the request log (`log`).
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from tests.firstagenda_fixtures import FIRSTAGENDA

COOKIE = ".AspNet.Cookies"
GROUP = "Aktuelle politiske udvalg"


def index_rows() -> dict[str, dict[str, str]]:
    """derived/greve-meeting-index.tsv by meeting id."""
    path = FIRSTAGENDA / "derived" / "greve-meeting-index.tsv"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:]]
    return {r["meeting_id"]: r for r in rows}


class FakePortal:
    def __init__(self, files: list[Path], *, compact: bool = True):
        self.bodies: dict[str, bytes] = {}
        for f in files:
            data = json.loads(f.read_bytes())
            # the server sends compact JSON; the recordings are pretty-printed
            self.bodies[data["Id"]] = (
                json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() if compact else f.read_bytes()
            )
        rows = index_rows()
        self.rows = {mid: rows[mid] for mid in self.bodies}
        self.listing_override: dict[str, dict] = defaultdict(dict)
        self.faults: dict[str, list[tuple[int, dict[str, str], bytes]]] = defaultdict(list)
        self.log: list[str] = []
        self.on_request = None  # called with each path before it is answered (a test may block or kill there)
        self._lock = threading.Lock()
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                portal._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakePortal:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ---- what it serves -------------------------------------------------------------------------

    def listing(self) -> dict:
        committees: dict[str, dict] = {}
        for mid, row in self.rows.items():
            c = committees.setdefault(
                row["udvalg_id"],
                {"Id": row["udvalg_id"], "Navn": row["udvalg_navn"], "OrganisationId": None, "Historisk": False,
                 "Moeder": []},
            )  # fmt: skip
            meeting = {
                "Id": mid, "MeetingBeginUtc": row["moede_dato"], "MeetingEndUtc": None, "ReleasedDate": None,
                "Dato": row["moede_dato"], "Sted": None, "Afsluttet": row["afsluttet"] == "true",
                "Moededeltagere": None, "Navn": row["moede_navn"], "Description": "", "ElasticSearchResults": None,
                "SourceId": None, "IsSupplementaryAgenda": False,
            }  # fmt: skip
            meeting.update(self.listing_override.get(mid, {}))
            c["Moeder"].append(meeting)
        return {"Udvalg": {GROUP: list(committees.values())}}

    def meeting_requests(self) -> list[str]:
        return [p.rsplit("/", 1)[1] for p in self.log if p.startswith("/api/agenda/dagsorden/")]

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        path = parts.path
        with self._lock:
            self.log.append(path)
        if self.on_request is not None:
            self.on_request(path)
        with self._lock:
            fault = self.faults[path].pop(0) if self.faults.get(path) else None
        if fault is not None:
            status, headers, body = fault
            return self._send(h, status, body, headers)
        if path == "/Home/AnonymousAuthentication":
            back = parse_qs(parts.query).get("callback", ["/"])[0]
            return self._send(h, 302, b"", {"Location": back, "Set-Cookie": f"{COOKIE}=session-1; path=/; HttpOnly"})
        if f"{COOKIE}=session-1" not in (h.headers.get("Cookie") or ""):
            target = f"/Home/AnonymousAuthentication?callback={quote(h.path, safe='')}"
            return self._send(h, 302, b"", {"Location": target})
        if path == "/":
            return self._send(
                h, 200, b"<!DOCTYPE html><html><body>Dagsordener</body></html>", {"Content-Type": "text/html"}
            )
        if path == "/api/agenda/udvalgsliste":
            body = json.dumps(self.listing(), ensure_ascii=False, separators=(",", ":")).encode()
            return self._send(h, 200, body, {"Content-Type": "application/json; charset=utf-8"})
        if path.startswith("/api/agenda/dagsorden/"):
            mid = path.rsplit("/", 1)[1]
            if mid in self.bodies:
                return self._send(h, 200, self.bodies[mid], {"Content-Type": "application/json; charset=utf-8"})
        return self._send(h, 404, b"Not found", {"Content-Type": "text/plain"})

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]) -> None:
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
