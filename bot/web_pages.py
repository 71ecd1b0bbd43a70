"""The web's pages and JSON: chat, meeting pages, search, /api/ask and /healthz.

Every route reads through `Site`, which holds the one lock the store is used under: FastAPI runs
these handlers on worker threads, and the Slack and Teams adapters call the same answerer from
theirs, while a sqlite3 connection must not be used by two threads at once.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse

from bot.metrics import observe_answer
from bot.render.common import EMPTY, NO_ANSWER_HINT, TOO_LONG, restrict
from bot.render.html import public_only
from index.config import PROJECT_ROOT, Config
from index.model import Answer, AnswerFn
from index.store import Store

log = logging.getLogger(__name__)

MAX_QUESTION = 2000
NOT_FOUND_MEETING = "Mødet findes ikke, eller du har ikke adgang til det."
ERROR = "Beklager, noget gik galt, da jeg ledte i referaterne. Prøv igen om lidt."
DEFAULT_SAMPLE = "hvad blev besluttet om adgangskontrol?"
EXAMPLES_TTL = 60.0  # seconds; new minutes show up in the examples within a minute
_DEMO_QUESTION = re.compile(r"^\s*\d+\.\s+\*\*(.+?)\*\*")
_DULL_TITLE = re.compile(r"^(evt|eventuelt|meddelelser|orientering|godkendelse af (dagsorden|referat))\b", re.I)


def demo_questions() -> list[str]:
    """The numbered, bold questions of demo/QUESTIONS.md (next to the code or the working directory)."""
    for folder in (PROJECT_ROOT / "demo", Path.cwd() / "demo"):
        path = folder / "QUESTIONS.md"
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            return [m.group(1).strip() for line in lines if (m := _DEMO_QUESTION.match(line))]
    return []


def sample_question() -> str:
    found = demo_questions()
    return found[0] if found else DEFAULT_SAMPLE


@dataclass
class Site:
    """What the routes share: the store under its lock, the answerers, the config and the templates."""

    store: Store
    cfg: Config
    answer_fn: AnswerFn
    search_fn: AnswerFn
    env: jinja2.Environment
    lock: threading.RLock = field(default_factory=threading.RLock)
    _examples: tuple[float, list[str]] = (0.0, [])

    @property
    def fora(self) -> frozenset[str] | None:
        return self.cfg.fora_for("web")

    def locked(self, fn: AnswerFn) -> AnswerFn:
        def call(question: str, fora: frozenset[str] | None) -> Answer:
            with self.lock:
                return fn(question, fora)

        return call

    def ask(self, question: str, *, search: bool = False) -> Answer:
        """The answer the web may show: capped length, this site's fora only, a Danish apology on failure."""
        if not question.strip():
            return Answer(question=question, no_answer=True, message=EMPTY)
        if len(question) > MAX_QUESTION:
            return Answer(question=question[:200], no_answer=True, message=TOO_LONG)
        fn = self.search_fn if search else self.answer_fn
        start = time.perf_counter()
        try:
            with self.lock:
                ans = fn(question, self.fora)
        except Exception:
            log.exception("answering a question of %d characters failed", len(question))
            observe_answer(None, time.perf_counter() - start, channel="web")
            return Answer(question=question, no_answer=True, message=ERROR)
        observe_answer(ans, time.perf_counter() - start, channel="web")
        return public_only(restrict(ans, self.fora))

    def page(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.env.get_template(name).render(**context), status_code=status)

    def examples(self, limit: int = 4) -> list[str]:
        stamp, cached = self._examples
        if time.monotonic() - stamp < EXAMPLES_TTL:
            return cached
        with self.lock:
            found = self._find_examples(limit)
        self._examples = (time.monotonic(), found)
        return found

    def _find_examples(self, limit: int) -> list[str]:
        """The curated demo questions when the demo minutes are loaded, else questions about recent items."""
        rows = self.store.meetings(self.fora)
        demo = demo_questions()
        if demo and any("demo/" in (r["source_path"] or "").replace("\\", "/") for r in rows):
            return demo[:limit]
        out: list[str] = []
        for row in reversed(rows[-20:]):
            for item in self.store.conn.execute(
                "SELECT title FROM items WHERE meeting_id = ? AND closed = 0 ORDER BY number", (row["id"],)
            ):
                topic = item["title"].split(" - ")[0].strip().rstrip(".")
                question = f"Hvad blev besluttet om {topic}?"
                if len(topic) >= 8 and not _DULL_TITLE.match(topic) and question not in out:
                    out.append(question)
                if len(out) >= limit:
                    return out
        return out


def add_routes(app: FastAPI, site: Site) -> None:
    """Mount the pages and the JSON endpoints on `app`."""

    @app.get("/", response_class=HTMLResponse)
    def chat(q: str = "") -> HTMLResponse:
        answer = site.ask(q) if q.strip() else None
        with site.lock:
            empty = site.store.conn.execute("SELECT 1 FROM meetings LIMIT 1").fetchone() is None
        return site.page(
            "chat.html", question=q[:MAX_QUESTION], answer=answer, examples=site.examples(), empty=empty,
            hint=NO_ANSWER_HINT,
        )  # fmt: skip

    @app.get("/search", response_class=HTMLResponse)
    def search(q: str = "") -> HTMLResponse:
        answer = site.ask(q, search=True) if q.strip() else None
        return site.page("search.html", question=q[:MAX_QUESTION], answer=answer, hint=NO_ANSWER_HINT)

    @app.get("/api/ask")
    def api_ask(q: str = "") -> JSONResponse:
        answer = site.ask(q)
        return JSONResponse(answer.to_dict(), status_code=500 if answer.message == ERROR else 200)

    @app.get("/m/{meeting_id}", response_class=HTMLResponse)
    def meeting(meeting_id: str) -> HTMLResponse:
        fora = site.fora
        with site.lock:
            row = site.store.meeting_row(meeting_id)
            if row is None or (fora is not None and row["forum"] not in fora):
                raise HTTPException(404, NOT_FOUND_MEETING)
            loaded = site.store.load_meeting(meeting_id)
            revisions = [dict(r) for r in site.store.revisions(meeting_id)]
        if loaded is None:
            raise HTTPException(404, NOT_FOUND_MEETING)
        return site.page("meeting.html", meeting=loaded, meeting_id=meeting_id, revisions=revisions)

    @app.get("/healthz")
    def healthz(request: Request) -> JSONResponse:
        # Without the web token a caller (a load balancer, anyone) learns only ok or not ok.
        detailed = getattr(request.state, "authorized", True)
        try:
            with site.lock:
                problem = site.store.file_problem()
                if problem is None:
                    meetings = site.store.conn.execute("SELECT count(*) FROM meetings").fetchone()[0]
                    items = site.store.item_count()
                    fora = len(site.store.fora())
        except sqlite3.Error as err:
            log.warning("health check: database unreachable: %s", err)
            problem = "unreachable"
        if problem is not None:
            if problem != "unreachable":
                log.warning("health check: the database file was %s under the running server; restart it", problem)
            return JSONResponse({"status": "error", **({"database": problem} if detailed else {})}, status_code=503)
        if not detailed:
            return JSONResponse({"status": "ok"})
        return JSONResponse({"status": "ok", "database": "ok", "meetings": meetings, "items": items, "fora": fora})
