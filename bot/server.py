"""Running the web server: one process or several (`referent serve --workers N`) over one database.

Each worker is a fresh interpreter that builds its own app from the environment (`worker_app`, a
uvicorn factory): the database, the public URL and the log settings are handed down as REFERENT_*
variables, secrets are in the environment already. SQLite in WAL mode lets the workers read side by
side; writes are short transactions. Migrations run once, in the parent, before any worker starts.

Beside its requests every worker runs two small threads: the metrics flusher (its counts into the
shared table) and the scheduler candidate, which holds the `scheduler` lease (index.lease) and runs
the weekly sync + digest only while it does, so exactly one worker runs it and another takes over
when that one dies.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from bot import logs, metrics
from index.config import Config, db_path, load_config
from index.lease import SCHEDULER, Lease
from index.store import Store

log = logging.getLogger(__name__)

LEASE_TTL = 90.0  # seconds; renewed every LEASE_TTL / 3, so a dead worker's lease is taken over within ~2 min


def run(cfg: Config, db: str, host: str, port: int, *, workers: int = 1) -> None:
    """Serve until interrupted; with workers > 1 uvicorn supervises that many processes."""
    import uvicorn

    from bot.schedule import next_run

    try:
        next_run(cfg)  # a schedule the workers' scheduler would refuse stops the server here, where it is seen
    except ValueError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        sys.exit(2)
    Store(db).close()  # create and migrate once, before the workers open it side by side
    os.environ.update(logs.worker_environ(), REFERENT_DB=db, REFERENT_PUBLIC_URL=cfg.public_url)
    # No access log: its request lines carry the question (/?q=...), which must not reach the logs.
    # log_config=None: uvicorn's own lines go through bot.logs like everything else.
    uvicorn.run(
        "bot.server:worker_app", factory=True, host=host, port=port, workers=workers if workers > 1 else None,
        log_config=None, access_log=False, server_header=False,
    )  # fmt: skip


def worker_app() -> FastAPI:
    """One worker's app, built from the environment `run` prepared."""
    from bot.web import create_app, mount_bots

    logs.setup()
    cfg = load_config()
    path = db_path(None, cfg)
    store = Store(path)
    cfg.see_public_sources(store.public_bodies)  # portal minutes are public in every place
    for town in cfg.unknown_municipalities(store.municipalities()):
        log.warning("[access] names the municipality %r, which no stored meeting belongs to", town)
    app = create_app(store, cfg)
    for name in mount_bots(app, store, cfg):
        log.info("mounted %s", name)
    attach_background(app, cfg, path)
    return app


def attach_background(app: FastAPI, cfg: Config, path: str) -> None:
    """Start the metrics flusher and the scheduler candidate with the app, stop them with it."""
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        flusher = metrics.Flusher(path).start()
        leader = SchedulerLeader(cfg, path).start()
        try:
            async with inner(a) as state:
                yield state
        finally:
            leader.stop()
            flusher.stop()

    app.router.lifespan_context = lifespan


class SchedulerLeader:
    """Runs bot.schedule's scheduler in this process only while it holds the scheduler lease."""

    def __init__(self, cfg: Config, path: str, *, ttl: float = LEASE_TTL, lease: Lease | None = None) -> None:
        self.cfg, self.path = cfg, path
        self.lease = lease or Lease(path, SCHEDULER, ttl=ttl)
        self.scheduler: Any = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="referent-scheduler-lease", daemon=True)

    def start(self) -> SchedulerLeader:
        from bot.digest import configured_targets

        # nothing to schedule (no digest channel, no portal to fetch): no lease taken, no thread
        if configured_targets(self.cfg) or self.cfg.feeds:
            self._thread.start()
        return self

    def tick(self) -> bool:
        """Take or renew the lease and start or stop the scheduler to match; True while holding it."""
        from bot.schedule import start_scheduler

        try:
            held = self.lease.acquire()
        except Exception:
            log.exception("scheduler lease: database error; trying again")
            held = False
        if held and self.scheduler is None:
            try:
                self.scheduler = start_scheduler(self.cfg, self.path)
            except Exception:
                log.exception("the scheduler could not start; the lease is given up for another process")
                self.lease.release()
                return False
            log.info("this process (%s) runs the scheduler", self.lease.holder)
        elif not held and self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
            log.warning("scheduler lease lost to another process; this one stopped its scheduler")
        return held

    def _loop(self) -> None:
        while True:
            self.tick()
            if self._stop.wait(self.lease.ttl / 3):
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
            self.lease.release()
