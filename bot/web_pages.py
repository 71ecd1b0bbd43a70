"""The web's pages and JSON: chat, the chat's reply fragment, meeting pages, search, /api/ask, /healthz.

Questions go through the site's `Asker` (bot.asker) like every other channel's; the chat keeps one
conversation per browser session (a session cookie holding a random id, never the question), so
"og i 2024?" is read with the question before it. /api/ask stays stateless: a tool gets the same
answer for the same question. The store is reached through the site's `Service` (bot.service).
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any

import jinja2
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from bot import texts
from bot.asker import MAX_QUESTION, Asker, Place, Reply
from bot.examples import Examples
from bot.follow import Follows
from bot.render.card import search_links, view
from bot.service import Service
from index.access import Access
from index.config import Config
from index.store import Store

log = logging.getLogger(__name__)

WEB = Place("web")
CHAT_COOKIE = "referent_samtale"  # the browser session's conversation id; ends when the browser closes


@dataclass
class Site:
    """What the routes share: the service (store and lock), the askers, the examples and the templates."""

    service: Service
    cfg: Config
    asker: Asker  # the chat and /api/ask
    searcher: Asker  # /search: many results, every question on its own
    examples: Examples
    env: jinja2.Environment
    follows: Follows  # "Følg sagen" from the web's answer cards (bot.web_cases)

    @property
    def store(self) -> Store:
        return self.service.store

    @property
    def lock(self) -> Any:
        return self.service.lock

    @property
    def access(self) -> Access | None:
        return self.asker.access(WEB)

    def page(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.env.get_template(name).render(**context), status_code=status)


def _session(request: Request) -> tuple[str, bool]:
    """The browser session's conversation id, and whether it is new (then the response sets the cookie)."""
    given = request.cookies.get(CHAT_COOKIE, "")
    if 16 <= len(given) <= 64 and given.replace("-", "").replace("_", "").isalnum():
        return given, False
    return secrets.token_urlsafe(18), True


def _keep_session(response: Response, request: Request, session: str, new: bool) -> Response:
    if new:
        response.set_cookie(
            CHAT_COOKIE, session, httponly=True, samesite="lax", secure=request.url.scheme == "https"
        )  # no max_age: a session cookie, so a new browser session starts a new conversation
    return response


def bubble(reply: Reply) -> dict:
    """What the bot bubble template needs: a card view, or a notice."""
    if reply.answer is None:
        return {"view": None, "notice": reply.notice}
    return {"view": view(reply.answer, read_as=reply.question if reply.follow_up else ""), "notice": ""}


def add_routes(app: FastAPI, site: Site) -> None:
    """Mount the pages and the JSON endpoints on `app`."""

    @app.get("/", response_class=HTMLResponse)
    def chat(request: Request, q: str = "") -> Response:
        session, new = _session(request)
        reply = site.asker.ask(q, WEB, thread=session) if q.strip() else None
        with site.lock:
            empty = site.store.item_count() == 0
        # Examples greet a new visitor; under an answer they would only push the conversation away.
        examples = [] if empty or reply else site.examples.get(site.access)
        response = site.page(
            "chat.html", question=q[:MAX_QUESTION], reply=reply, bot=bubble(reply) if reply else None,
            examples=examples, empty=empty,
        )  # fmt: skip
        return _keep_session(response, request, session, new)

    @app.get("/chat/reply", response_class=HTMLResponse)
    def chat_reply(request: Request, q: str = "") -> Response:
        """The bot bubble for one question, for chat.js: the same markup the page renders itself."""
        session, new = _session(request)
        reply = site.asker.ask(q, WEB, thread=session)
        response = site.page("_bubble.html", status=500 if reply.kind == "error" else 200, bot=bubble(reply))
        return _keep_session(response, request, session, new)

    @app.get("/search", response_class=HTMLResponse)
    def search(q: str = "") -> HTMLResponse:
        reply = site.searcher.ask(q, WEB) if q.strip() else None
        answer = reply.as_answer() if reply else None
        results = search_links(answer) if answer else []
        return site.page("search.html", question=q[:MAX_QUESTION], answer=answer, results=results)

    @app.get("/api/ask")
    def api_ask(q: str = "") -> JSONResponse:
        reply = site.asker.ask(q, WEB)
        return JSONResponse(reply.as_answer().to_dict(), status_code=500 if reply.kind == "error" else 200)

    @app.get("/m/{meeting_id}", response_class=HTMLResponse)
    def meeting(meeting_id: str) -> HTMLResponse:
        access = site.access
        with site.lock:
            row = site.store.meeting_row(meeting_id)
            if row is None or (access is not None and not access.allows(row["municipality"], row["forum"])):
                raise HTTPException(404, texts.NOT_FOUND_MEETING)
            loaded = site.store.load_meeting(meeting_id)
            revisions = [dict(r) for r in site.store.revisions(meeting_id)]
        if loaded is None:
            raise HTTPException(404, texts.NOT_FOUND_MEETING)
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
