"""The web server: one FastAPI app with the chat, meeting pages, /api/ask, /healthz and the bots.

Listening beyond loopback exposes the minutes, so `serve` refuses it unless REFERENT_WEB_TOKEN
guards the pages or the operator says `--public`. The routes themselves live in bot.web_pages.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import os
import sys
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot import texts
from bot.admin import add_admin_routes
from bot.asker import Asker, chat_asker
from bot.conversation import Conversations
from bot.examples import Examples
from bot.follow import Follows
from bot.head import HeadAsGet
from bot.limits import RateLimiter
from bot.render.html import TEMPLATES, environment
from bot.service import Service
from bot.web_cases import add_case_routes
from bot.web_pages import Site, add_routes
from index.config import Config
from index.model import AnswerFn
from index.store import Store

log = logging.getLogger(__name__)

STATIC = TEMPLATES.parent / "static"
TOKEN_ENV = "REFERENT_WEB_TOKEN"
COOKIE = "referent_login"
COOKIE_DAYS = 30
SLACK_PATH = "/slack/events"
TEAMS_PATH = "/api/messages"
# Open without the web token: the health check, the login form itself, and the bot endpoints,
# which Slack and Microsoft sign themselves and which could never send our token.
OPEN_PATHS = frozenset({"/healthz", "/login", SLACK_PATH, TEAMS_PATH})
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
MIN_TOKEN = 32  # characters; a token is the only thing between the internet and the minutes
LOGINS_PER_MINUTE = 5  # per client address; enough for typing errors, far too few for guessing

SECURITY_HEADERS = {
    # No inline script or style anywhere, so a slipped-through tag could not run even if escaping failed.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

_UNSET: Any = object()


# ---- who may listen where --------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    """127.x, ::1 and localhost; everything else (0.0.0.0, names, LAN addresses) reaches other machines."""
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_listen(host: str, *, public: bool, token: str | None) -> str | None:
    """Why serving on `host` is refused, or None when it is allowed."""
    if is_loopback(host) or public or token:
        return None
    return (
        f"Refusing to listen on {host!r}: beyond loopback the minutes would be open to anyone who can reach it.\n"
        f"Set {TOKEN_ENV} to require a token (Authorization: Bearer <token> or the /login form), "
        "or pass --public if every forum this server shows is public."
    )


def check_token(token: str | None) -> str | None:
    """Why `token` is refused as REFERENT_WEB_TOKEN, or None when it is absent or long enough."""
    if token is None or len(token) >= MIN_TOKEN:
        return None
    return (
        f"{TOKEN_ENV} is {len(token)} characters; it must be at least {MIN_TOKEN}, since it guards the minutes "
        "from everyone who can reach the server. Make one with: openssl rand -hex 24"
    )


def login_cookie(token: str) -> str:
    """The cookie value proving a login: derived from the token, so changing the token logs everyone out."""
    return hmac.new(token.encode(), b"referent-web-login", hashlib.sha256).hexdigest()


def authorized(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return True
    return hmac.compare_digest(request.cookies.get(COOKIE, "").encode(), login_cookie(token).encode())


def _safe_next(target: str) -> str:
    # Only paths on this site: "//evil.example" or "https://..." would turn login into an open redirect.
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


# ---- the app ---------------------------------------------------------------------------------


def create_app(
    store: Store,
    cfg: Config,
    *,
    answer_fn: AnswerFn | None = None,
    search_fn: AnswerFn | None = None,
    slack: Any = None,
    teams: Any = None,
    token: str | None = _UNSET,
) -> FastAPI:
    """The web app. `token` defaults to REFERENT_WEB_TOKEN; `slack`/`teams` are built bots to mount."""
    if token is _UNSET:
        token = os.environ.get(TOKEN_ENV) or None
    problem = check_token(token)
    if problem:
        raise ValueError(problem)
    service = Service(store, cfg)
    answer = answer_fn or service.answerer()
    asker = Asker(answer, cfg, conversations=Conversations(service))
    site = Site(
        service=service,
        cfg=cfg,
        asker=asker,
        # /search lists every item an answer names, so it asks for many.
        searcher=Asker(search_fn or answer_fn or service.answerer(limit=50), cfg),
        examples=Examples(service, answer),
        env=environment(cfg.public_url),
        follows=Follows(service, asker),
    )
    app = FastAPI(title="Referent", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.site = site
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    logins = RateLimiter(LOGINS_PER_MINUTE)

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        path = request.url.path
        # Open paths still learn whether the caller showed the token: /healthz tells details only then.
        request.state.authorized = not token or authorized(request, token)
        if path not in OPEN_PATHS and not path.startswith("/static/") and not request.state.authorized:
            if path.startswith("/api/") or path == "/metrics":  # machines get a 401, not the login form
                response: Response = JSONResponse(
                    {"detail": texts.NEED_LOGIN}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
                )
            else:
                target = path + (f"?{request.url.query}" if request.url.query else "")
                response = RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        else:
            response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if exc.status_code == 404 and exc.detail != "Not Found" else None
        message = message or texts.STATUS_TEXT.get(exc.status_code, texts.GENERIC_ERROR)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=exc.status_code, headers=exc.headers)
        return site.page("error.html", status=exc.status_code, status_code=exc.status_code, message=message)

    @app.get("/login", response_class=HTMLResponse)
    def login_form(next: str = "/") -> Response:
        if not token:
            return RedirectResponse("/", status_code=303)
        return site.page("login.html", next=_safe_next(next), error="", message=texts.NEED_LOGIN)

    @app.post("/login", response_class=HTMLResponse)
    def login(request: Request, password: str = Form(""), next: str = Form("/")) -> Response:
        if not token:
            return RedirectResponse("/", status_code=303)
        # Per client address, before the password is even compared; behind a reverse proxy uvicorn
        # takes the address from X-Forwarded-For when the proxy is in FORWARDED_ALLOW_IPS.
        client = request.client.host if request.client else ""
        if not logins.allow(client):
            refused = site.page(
                "login.html", status=429, next=_safe_next(next), error=texts.LOGIN_THROTTLED, message=texts.NEED_LOGIN
            )
            refused.headers["Retry-After"] = str(logins.retry_after(client))
            return refused
        if not hmac.compare_digest(password.encode(), token.encode()):
            return site.page(
                "login.html", status=401, next=_safe_next(next), error=texts.LOGIN_FAILED, message=texts.NEED_LOGIN
            )
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(
            COOKIE, login_cookie(token), max_age=COOKIE_DAYS * 86400, httponly=True, samesite="lax",
            secure=request.url.scheme == "https",
        )  # fmt: skip
        return response

    add_routes(app, site)
    add_case_routes(app, site)
    add_admin_routes(app, site, token=token)
    app.add_middleware(HeadAsGet)
    if slack is not None:
        from bot.slack import mount_slack

        mount_slack(app, slack, SLACK_PATH)
    if teams is not None:
        from bot.teams import mount_teams

        mount_teams(app, teams, TEAMS_PATH)
    return app


def mount_bots(app: FastAPI, store: Store, cfg: Config) -> list[str]:
    """Mount Slack (SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET) and Teams (CLIENT_ID, CLIENT_SECRET,
    TENANT_ID) on `app` when configured; returns what was mounted. A bot that fails to build is
    logged and left out, so the web keeps working."""
    site: Site = app.state.site
    asker = chat_asker(site.service, site.asker.answer_fn)
    follows = Follows(site.service, asker)
    mounted: list[str] = []
    if os.environ.get("SLACK_BOT_TOKEN") and os.environ.get("SLACK_SIGNING_SECRET"):
        try:
            from bot.slack import create_slack_app, mount_slack, slack_client_from_env

            bolt = create_slack_app(
                asker, slack_client_from_env(), examples=site.examples.get,
                signing_secret=os.environ["SLACK_SIGNING_SECRET"], follows=follows,
            )  # fmt: skip
            mount_slack(app, bolt, SLACK_PATH)
            mounted.append(f"Slack {SLACK_PATH}")
        except Exception:
            log.exception("Slack is configured but could not be mounted; the web runs without it")
    if all(os.environ.get(k) for k in ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID")):
        try:
            from bot.teams import create_teams_bot, mount_teams, teams_credentials_from_env

            bot = create_teams_bot(
                asker, conversation_fn=site.service.conversation, credentials=teams_credentials_from_env(),
                follows=follows,
            )  # fmt: skip
            mount_teams(app, bot, TEAMS_PATH)
            mounted.append(f"Teams {TEAMS_PATH}")
        except Exception:
            log.exception("Teams is configured but could not be mounted; the web runs without it")
    return mounted


def _display_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}"


def serve(
    cfg: Config, db_path: str, host: str, port: int, *, public: bool = False, sample: bool = False, workers: int = 1
) -> None:
    """Run the web server (bot.server: `workers` processes) until interrupted; exits 2 when `host` is not allowed."""
    token = os.environ.get(TOKEN_ENV) or None
    problem = check_token(token) or check_listen(host, public=public, token=token)
    if problem:
        print(problem, file=sys.stderr)
        sys.exit(2)
    url = _display_url(host, port)
    # Answers carry absolute links; without a configured address they should point where we listen.
    if cfg.public_url == DEFAULT_PUBLIC_URL and not os.environ.get("REFERENT_PUBLIC_URL"):
        cfg.public_url = url
    print(texts.RUNNING_AT.format(url=url) + (texts.PROCESSES.format(n=workers) if workers > 1 else ""), flush=True)
    if sample:
        service = Service(db_path, cfg)
        found = Examples(service, service.answerer()).get(cfg.access_for("web"), limit=1)
        service.store.close()
        if found:
            print(texts.TRY_ASKING.format(question=found[0]) + f"\n  {url}/?q={quote(found[0])}", flush=True)
    from bot.server import run

    # The workers mount the bots, and one of them runs the weekly sync + digest (see bot.server).
    run(cfg, db_path, host, port, workers=workers)
