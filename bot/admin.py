"""The status page for whoever runs Referent: /admin (HTML) and /api/admin (the same as JSON), and /metrics.

It answers "what was fetched, what failed, and when did the last digest go out" from the tables that
record it: `sources` (every file seen, with its status and reason), `ingest_runs` (every ingest, sync
and fetch run per source), `digest_runs`, `leases` (which process runs the scheduler) and the
migrations table. A source is whatever `[ingest] sources` or a connector names; anything that records
its runs with index.runs.record_run shows up here with its last run, whatever kind it is.

Access: the web token guards both pages like every other page (REFERENT_WEB_TOKEN). Without a token
the server is either on loopback or deliberately `--public`; then the pages answer only requests from
the machine itself that no proxy forwarded, since they list file paths, error texts and channel ids.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from bot import metrics
from bot.digest import configured_targets
from index.config import Config
from index.lease import SCHEDULER
from index.runs import last_runs
from index.store import Store, migrations

TOKEN_ENV = "REFERENT_WEB_TOKEN"
LIMIT = 200  # rows per list on the page; the counts are always complete
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


def source_name(entry: Any) -> str:
    """A configured source as the runs name it: a folder path, or a connector's name/url."""
    if isinstance(entry, dict):
        return str(entry.get("name") or entry.get("url") or entry.get("path") or entry)
    return str(entry)


def _rows(cursor: Any) -> list[dict]:
    return [dict(r) for r in cursor]


def status(store: Store, cfg: Config, *, now: dt.datetime | None = None) -> dict:
    """Everything the status page shows, JSON-ready."""
    conn = store.conn
    runs = _rows(last_runs(store))
    configured = [source_name(s) for s in cfg.sources]
    by_source: dict[str, list[dict]] = {}
    for run in runs:
        by_source.setdefault(run["source"], []).append(run)
    sources: list[dict[str, Any]] = [
        {"source": name, "configured": True, "runs": by_source.pop(name, [])} for name in configured
    ]
    sources += [{"source": name, "configured": False, "runs": rs} for name, rs in by_source.items()]
    for entry in sources:
        entry["files"] = dict(
            conn.execute(
                "SELECT status, count(*) FROM sources WHERE path = ? OR path LIKE ? ESCAPE '\\' GROUP BY status",
                (entry["source"], _like_prefix(entry["source"])),
            ).fetchall()
        )
    problem_count = conn.execute("SELECT count(*) FROM sources WHERE status != 'ok'").fetchone()[0]
    problems = _rows(
        conn.execute(
            "SELECT path, status, error AS reason, seen_at FROM sources WHERE status != 'ok'"
            " ORDER BY seen_at DESC, path LIMIT ?",
            (LIMIT,),
        )
    )
    textless = _rows(
        conn.execute(
            """SELECT m.id, m.forum, m.date, m.source_path, count(*) AS item_count, sum(CASE WHEN i.closed = 0 AND NOT EXISTS
                   (SELECT 1 FROM sections s WHERE s.item_rowid = i.rowid AND trim(s.text) != '') THEN 1 ELSE 0 END)
                   AS without_text
               FROM meetings m JOIN items i ON i.meeting_id = m.id GROUP BY m.id HAVING without_text > 0
               ORDER BY m.date DESC LIMIT ?""",
            (LIMIT,),
        )
    )
    return {
        "generated_at": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "process": os.getpid(),
        "sources": sources,
        "problems": {"count": problem_count, "files": problems},
        "meetings_without_text": textless,
        "digest": _digest(store, cfg),
        "scheduler": _scheduler(store, cfg),
        "database": _database(store),
    }


def _like_prefix(path: str) -> str:
    escaped = path.rstrip("/").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "/%"


def _digest(store: Store, cfg: Config) -> list[dict]:
    """Per channel: how many runs, the last one, and the last that posted; configured channels never run too."""
    rows = _rows(
        store.conn.execute(
            """SELECT platform, channel, count(*) AS runs,
                      max(CASE WHEN status = 'posted' THEN posted_at END) AS last_posted
               FROM digest_runs GROUP BY platform, channel ORDER BY platform, channel"""
        )
    )
    for row in rows:
        last = store.conn.execute(
            "SELECT period, status, started_at, posted_at, item_count, error FROM digest_runs"
            " WHERE platform = ? AND channel = ? ORDER BY id DESC LIMIT 1",
            (row["platform"], row["channel"]),
        ).fetchone()
        row["last"] = dict(last) if last else None
    seen = {(r["platform"], r["channel"]) for r in rows}
    for target in configured_targets(cfg):
        if (target.platform, target.channel) not in seen:
            rows.append({"platform": target.platform, "channel": target.channel, "runs": 0, "last_posted": None,
                         "last": None})  # fmt: skip
    return rows


def _scheduler(store: Store, cfg: Config) -> dict:
    from bot.schedule import DEFAULT_SCHEDULE

    schedule = str(cfg.digest.get("schedule", DEFAULT_SCHEDULE))
    lease = store.conn.execute(
        "SELECT holder, expires_at, acquired_at FROM leases WHERE name = ?", (SCHEDULER,)
    ).fetchone()
    return {
        "enabled": bool(configured_targets(cfg)),
        "schedule": schedule,
        "next_run": _next(cfg),
        "holder": lease["holder"] if lease else None,
        "lease_expires_at": dt.datetime.fromtimestamp(lease["expires_at"], dt.UTC).isoformat(timespec="seconds")
        if lease
        else None,
    }


def _next(cfg: Config) -> str | None:
    from bot.schedule import next_run

    try:
        return next_run(cfg)
    except ValueError as exc:  # a schedule the scheduler would refuse too; the page says why
        return f"ugyldig plan: {exc}"


def _database(store: Store) -> dict:
    conn = store.conn
    counts = {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("meetings", "items", "sections", "revisions", "feedback", "conversations", "sources")
    }
    counts["fora"] = conn.execute("SELECT count(DISTINCT forum) FROM meetings").fetchone()[0]
    return {
        "path": store.path,
        "bytes": metrics.database_bytes(store.path),
        "counts": counts,
        "migrations": [{"name": m.name, "applied_at": m.applied_at} for m in migrations.applied(store.db)],
        "pending_migrations": [m.name for m in migrations.pending(store.db)],
    }


# ---- access and routes --------------------------------------------------------------------------


def local_request(request: Request) -> bool:
    """From this machine, and not forwarded by a proxy (which would make every visitor look local)."""
    if any(request.headers.get(h) for h in PROXY_HEADERS):
        return False
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in ("localhost", "testclient")  # Starlette's TestClient names itself so


def add_admin_routes(app: FastAPI, site: Any, *, token: str | None) -> None:
    """Mount /admin, /api/admin and /metrics; `site` is bot.web_pages.Site (its store and lock)."""

    def check(request: Request) -> None:
        # With a token the guard middleware has already let only authorised requests through.
        if not token and not local_request(request):
            raise HTTPException(404)

    def current() -> dict:
        with site.lock:
            return status(site.store, site.cfg)

    @app.get("/admin", response_class=HTMLResponse)
    def admin_page(request: Request) -> HTMLResponse:
        check(request)
        return site.page("admin.html", s=current())

    @app.get("/api/admin")
    def admin_json(request: Request) -> JSONResponse:
        check(request)
        return JSONResponse(current())

    @app.get("/metrics")
    def metrics_page(request: Request) -> Response:
        check(request)
        with site.lock:
            body = metrics.render(site.store)
        return Response(body, media_type=metrics.CONTENT_TYPE)
