"""`referent sync` and the weekly schedule: ingest the configured folders, tell the follows what is new, then
post the digests.

`start_scheduler` is called by `referent serve`; `referent digest` and `referent sync` stay usable
from cron, and the digest's ledger keeps the two from posting the same period twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot import notify
from bot.digest import RunResult, configured_targets, run_configured
from bot.logs import ingest_outcome
from index.config import Config
from index.digest import TIMEZONE
from index.ingest import IngestReport, ingest_paths
from index.runs import record_run, record_sources
from index.sources.fetch import FetchReport, fetch_all
from index.store import Store
from index.store import now as stamp

log = logging.getLogger(__name__)

DEFAULT_SCHEDULE = "mon 08:00"
DEFAULT_SYNC_SCHEDULE = "daily 06:00"  # portals publish minutes any weekday
JOB_ID = "referent-digest"
SYNC_JOB_ID = "referent-sync"
MISFIRE_GRACE = 3600  # a server asleep at 08:00 still sends the digest if it wakes within the hour

_SHORT = re.compile(r"^(?P<days>[a-z*,\-]+)\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})$")


def parse_schedule(spec: str, tz: str = TIMEZONE) -> CronTrigger:
    """'mon 08:00', 'mon,thu 07:30', 'daily 08:00', or five cron fields with day names ('0 8 * * mon')."""
    text = " ".join(spec.lower().split())
    short = _SHORT.match(text)
    if short:
        days = short["days"]
        return CronTrigger(
            day_of_week="*" if days in ("daily", "*") else days, hour=int(short["hour"]),
            minute=int(short["minute"]), timezone=tz,
        )  # fmt: skip
    fields = text.split(" ")
    if len(fields) == 5:
        # APScheduler counts weekdays from Monday = 0, cron from Sunday = 0; names mean the same in both.
        if re.search(r"\d", fields[4]):
            raise ValueError(f"digest schedule {spec!r}: write the weekday as a name (mon, tue, …)")
        return CronTrigger.from_crontab(text, timezone=tz)
    raise ValueError(f"digest schedule {spec!r}: write e.g. 'mon 08:00' or '0 8 * * mon'")


def sync(store: Store, cfg: Config, *, base: Path | None = None) -> IngestReport:
    """Ingest cfg.sources and the folder [[sources]] (relative to `base`, default the working directory);
    unchanged files are skipped. Each folder source names its municipality."""
    folders = [*cfg.sources, *(f.path for f in cfg.feeds if f.type == "folder")]
    paths = [Path(s) if Path(s).is_absolute() or base is None else base / s for s in folders]
    return ingest_paths(
        store, paths, max_bytes=cfg.max_file_mb * 1024 * 1024,
        municipality_for=lambda path: cfg.municipality_for(path, base),
    )  # fmt: skip


def fetch(store: Store, cfg: Config) -> list[FetchReport]:
    """Fetch every First Agenda [[sources]] portal (new or changed meetings only)."""
    return fetch_all(store, cfg.feeds)


def sync_line(report: IngestReport) -> str:
    s = report.summary()
    return (
        f"Sync: {s['added']} added, {s['updated']} updated, {s['unchanged']} unchanged; "
        f"{s['items_stored']} items stored ({s['items_without_text']} without text); {s['failed']} failed; "
        f"{s['skipped']} skipped."
    )


def scheduled_sync(store: Store, cfg: Config) -> None:
    """Fetch the portals, then ingest the folders; logged and recorded (index.runs), never raised: the
    digest of what is already stored still goes out."""
    for feed in cfg.feeds:
        if feed.type != "firstagenda":
            continue
        started = stamp()
        try:
            fetched = fetch_all(store, [feed])[0]
        except Exception as exc:
            log.exception("fetch %s failed", feed.name)
            record_run(store, "fetch", feed.name, {}, started_at=started, error=f"{type(exc).__name__}: {exc}")
            continue
        summary = fetched.summary()
        ingest_outcome(log, f"fetch {feed.name}", {**summary, "files": summary["meetings"]})
        if fetched.error:
            log.warning("fetch %s: %s", feed.name, fetched.error)
        record_run(store, "fetch", feed.name, summary, started_at=started, error=fetched.error)
    folders = [*cfg.sources, *(f.path for f in cfg.feeds if f.type == "folder")]
    if folders:
        started = stamp()
        try:
            summary = sync(store, cfg).summary()
            ingest_outcome(log, "sync", summary)
            record_sources(store, "sync", folders, summary, started_at=started)
        except Exception as exc:  # the digest of what is already stored still goes out
            log.exception("sync failed")
            record_sources(store, "sync", folders, {}, started_at=started, error=f"{type(exc).__name__}: {exc}")


def scheduled_run(cfg: Config, db_path: str, *, now: dt.datetime | None = None, digest: bool = True) -> list[RunResult]:
    """One tick: sync, then every configured channel's digest. Its own Store: it runs on a worker thread."""
    store = Store(db_path)
    try:
        scheduled_sync(store, cfg)
        try:
            notify.run(store, cfg, now=now)  # "Følg sagen": new treatments of followed cases, once each
        except Exception:  # the digest still goes out; the notices are retried next run
            log.exception("notifying the follows failed")
        return run_configured(store, cfg, now=now) if digest else []
    finally:
        store.close()


def next_run(cfg: Config, *, now: dt.datetime | None = None) -> str | None:
    """When the sync + digest job fires next (ISO time in the digest's zone); None without channels."""
    if not configured_targets(cfg):
        return None
    tz = cfg.digest.get("timezone", TIMEZONE)
    trigger = parse_schedule(str(cfg.digest.get("schedule", DEFAULT_SCHEDULE)), tz)
    when = trigger.get_next_fire_time(None, now or dt.datetime.now(dt.UTC))
    return when.isoformat(timespec="minutes") if when else None


def start_scheduler(cfg: Config, db_path: str) -> BackgroundScheduler | None:
    """Start the weekly sync + digest job, and the daily fetch of [[sources]] ([sync] schedule); None (and
    nothing started) when there is neither a digest channel nor a source.

    The caller shuts it down with `scheduler.shutdown(wait=False)` when the server stops.
    """
    targets = configured_targets(cfg)
    if not targets and not cfg.feeds:
        return None
    tz = cfg.digest.get("timezone", TIMEZONE)
    scheduler = BackgroundScheduler(timezone=tz)
    if targets:
        trigger = parse_schedule(str(cfg.digest.get("schedule", DEFAULT_SCHEDULE)), tz)
        scheduler.add_job(
            scheduled_run, trigger, args=(cfg, db_path), id=JOB_ID, name="sync and digest",
            coalesce=True, max_instances=1, misfire_grace_time=MISFIRE_GRACE,
        )  # fmt: skip
    if cfg.feeds:
        spec = str(cfg.sync.get("schedule", DEFAULT_SYNC_SCHEDULE))
        scheduler.add_job(
            scheduled_run, parse_schedule(spec, tz), args=(cfg, db_path), kwargs={"digest": False}, id=SYNC_JOB_ID,
            name="sync", coalesce=True, max_instances=1, misfire_grace_time=MISFIRE_GRACE,
        )  # fmt: skip
        log.info("sync of %d source(s) scheduled (%s, %s)", len(cfg.feeds), spec, tz)
    scheduler.start()
    if not targets:
        return scheduler
    log.info("digest scheduled (%s, %s) for %d channel(s)", cfg.digest.get("schedule", DEFAULT_SCHEDULE), tz,
             len(configured_targets(cfg)))  # fmt: skip
    return scheduler
