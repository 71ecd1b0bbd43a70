"""What a channel's digest holds, and the ledger that makes posting it exactly-once.

A digest lists the decisions from minutes that *arrived* since the channel's last digest: the clock
is meetings.changed_at (the first ingest, or the latest correction), never the meeting date, because
minutes are published days or weeks after the meeting. What a channel has received is kept per
(platform, channel, item, revision) in digest_sent, so a corrected meeting (revision + 1) comes back
once, marked "rettet", and nothing else ever comes back.

The ledger (digest_runs) claims a period before posting with a 'pending' row that lists the items
of every message; each platform reply id is written as soon as it arrives; marking the items and
turning the run 'posted' is one transaction. A failed post removes the claim, so the next run
retries. See `finish_run` for how a run left pending by a crash is settled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from dataclasses import asdict, dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo

from index.access import Access
from index.config import Config
from index.links import item_url, meeting_url
from index.model import DECISION, Section
from index.passages import passages
from index.store import Store

TIMEZONE = "Europe/Copenhagen"
MAX_SENTENCES = 2
MAX_CHARS = 400  # a second sentence is added only while the excerpt stays this short
FIRST_DAYS = 7  # a channel's first digest looks back this far
MAX_AGE_DAYS = 90  # the default clock skips meetings older than this: a backfilled archive is not news
PENDING_TIMEOUT = dt.timedelta(minutes=15)  # a younger pending run may still be posting in another process


class ItemKey(NamedTuple):
    item_id: str
    revision: int
    meeting_id: str
    fingerprint: str


@dataclass
class DigestItem:
    id: str
    number: int
    title: str
    case_number: str | None
    closed: bool
    decision: str  # the first sentence(s) of the decision, verbatim; a closed item's public line only
    url: str
    corrected: bool = False  # the channel got an earlier version of this item


@dataclass
class DigestMeeting:
    id: str
    forum: str
    date: str
    url: str
    corrected: bool = False  # the channel got an earlier revision of these minutes
    items: list[DigestItem] = field(default_factory=list)
    municipality: str = ""  # set when the store holds more than one municipality's minutes

    @property
    def body(self) -> str:
        """ "Byrådet (Greve)" when several municipalities are stored, else "Byrådet"."""
        return f"{self.forum} ({self.municipality})" if self.municipality else self.forum


@dataclass
class Digest:
    platform: str
    channel: str
    period: str
    since: str  # UTC ISO timestamp: minutes that arrived at or after it
    since_date: str  # the same moment as a local date, for the reader
    meetings: list[DigestMeeting] = field(default_factory=list)
    # Every item to mark once the digest is posted, shown or not: items without a decision and items
    # unchanged by a correction are marked too, so they are not weighed again every week.
    keys: list[ItemKey] = field(default_factory=list)

    @property
    def items(self) -> list[DigestItem]:
        return [item for m in self.meetings for item in m.items]

    @property
    def empty(self) -> bool:
        return not self.meetings

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("keys")
        data["item_count"] = len(self.items)
        return data


# ---- clocks and periods ----------------------------------------------------------------------


def utc_iso(moment: dt.datetime) -> str:
    """The store's timestamp format, so timestamps compare as text."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def parse_iso(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def period_key(now: dt.datetime, tz: str = TIMEZONE, unit: str = "week") -> str:
    """The scheduled digest's period: the ISO week of the run ('2025-W04'), or its day."""
    local = now.astimezone(ZoneInfo(tz))
    if unit == "day":
        return local.date().isoformat()
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def since_period(since: dt.datetime) -> str:
    """An explicit --since/--days run is its own period, so repeating it the same day posts nothing."""
    return f"since:{utc_iso(since)}"


def days_ago(now: dt.datetime, days: int, tz: str = TIMEZONE) -> dt.datetime:
    """Local midnight `days` days before today: '--days 7' means whole days, run at any hour."""
    local = now.astimezone(ZoneInfo(tz))
    return dt.datetime.combine(local.date() - dt.timedelta(days=days), dt.time(), ZoneInfo(tz))


def start_of(value: str, tz: str = TIMEZONE) -> dt.datetime:
    """'2025-01-13' (local midnight) or a full ISO timestamp (local unless it names its offset)."""
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


def default_since(store: Store, platform: str, channel: str, now: dt.datetime, first_days: int = FIRST_DAYS):
    """When the last fully posted digest for the channel made its selection, else `first_days` ago."""
    row = store.conn.execute(
        "SELECT started_at FROM digest_runs WHERE platform = ? AND channel = ? AND status = 'posted'"
        " ORDER BY started_at DESC LIMIT 1",
        (platform, channel),
    ).fetchone()
    return parse_iso(row[0]) if row else now - dt.timedelta(days=first_days)


# ---- what a digest holds ---------------------------------------------------------------------


def decision_excerpt(sections: list[Section], closed: bool) -> str:
    """The first sentence(s) of the first decision, cut by offsets so the text stays verbatim."""
    for section in sections:
        if section.kind != DECISION or not section.text.strip():
            continue
        spans = passages(section.text)
        if not spans:
            continue
        start, end = spans[0]
        # A closed item is shown by its public decision line alone.
        more = [] if closed else spans[1:MAX_SENTENCES]
        for _, next_end in more:
            if next_end - start > MAX_CHARS:
                break
            end = next_end
        return section.text[start:end]
    return ""


def fingerprint(title: str, closed: bool, sections: list[Section]) -> str:
    """What a reader of the digest would notice changing: title, closedness and decision text."""
    decision = "\n\n".join(s.text for s in sections if s.kind == DECISION)
    return hashlib.sha256(f"{title}\0{int(closed)}\0{decision}".encode()).hexdigest()


def collect(
    store: Store,
    cfg: Config,
    platform: str,
    channel: str,
    *,
    access: Access | None,
    since: dt.datetime,
    period: str,
    max_age_days: int | None = None,
    now: dt.datetime | None = None,
) -> Digest:
    """Decisions in minutes that arrived since `since`, that `access` sees (None = all), not yet sent here."""
    tz = cfg.digest.get("timezone", TIMEZONE)
    now = now or dt.datetime.now(dt.UTC)
    sql = (
        "SELECT i.rowid, i.id, i.meeting_id, i.number, i.title, i.case_number, i.closed, i.external_id,"
        " i.forum, i.date, i.municipality, m.revision, m.external_id AS meeting_external_id, m.portal_url"
        " FROM items i JOIN meetings m ON m.id = i.meeting_id"
        " WHERE m.kind = 'referat' AND m.changed_at >= ?"
        " AND NOT EXISTS (SELECT 1 FROM digest_sent s WHERE s.platform = ? AND s.channel = ?"
        " AND s.item_id = i.id AND s.revision = m.revision)"
    )
    args: list = [utc_iso(since), platform, channel]
    if access is not None:
        where, more = access.sql("i")
        sql += f" AND {where}"
        args += more
    if max_age_days:
        sql += " AND m.date >= ?"
        args.append((now.astimezone(ZoneInfo(tz)).date() - dt.timedelta(days=max_age_days)).isoformat())
    rows = store.conn.execute(sql + " ORDER BY m.date, m.forum, i.meeting_id, i.number", args).fetchall()

    digest = Digest(platform, channel, period, utc_iso(since), since.astimezone(ZoneInfo(tz)).date().isoformat())
    meetings: dict[str, DigestMeeting] = {}
    sent: dict[str, dict[str, tuple[int, str]]] = {}
    several = len(store.visible_municipalities(access)) > 1
    for row in rows:
        if row["meeting_id"] not in sent:
            sent[row["meeting_id"]] = _sent_before(store, platform, channel, row["meeting_id"])
        prior = sent[row["meeting_id"]]
        sections = store._sections(row["rowid"])
        closed = bool(row["closed"])
        key = ItemKey(row["id"], row["revision"], row["meeting_id"], fingerprint(row["title"], closed, sections))
        digest.keys.append(key)
        excerpt = decision_excerpt(sections, closed)
        last = prior.get(row["id"])
        if not excerpt or (last is not None and last[1] == key.fingerprint):
            continue  # no decision to quote, or a correction that left this item as the channel saw it
        meeting = meetings.get(row["meeting_id"])
        if meeting is None:
            url = meeting_url(
                cfg, row["meeting_id"], row["forum"], row["date"], row["meeting_external_id"],
                portal_url=row["portal_url"], municipality=row["municipality"],
            )  # fmt: skip
            corrected = any(rev < row["revision"] for rev, _ in prior.values())
            meeting = DigestMeeting(
                row["meeting_id"], row["forum"], row["date"], url, corrected=corrected,
                municipality=row["municipality"] if several else "",
            )  # fmt: skip
            meetings[row["meeting_id"]] = meeting
            digest.meetings.append(meeting)
        url = item_url(
            cfg, row["meeting_id"], row["forum"], row["date"], row["number"],
            meeting_external_id=row["meeting_external_id"], item_external_id=row["external_id"],
            portal_url=row["portal_url"], municipality=row["municipality"],
        )  # fmt: skip
        meeting.items.append(
            DigestItem(
                row["id"], row["number"], row["title"], row["case_number"], closed, excerpt, url, last is not None
            )
        )
    return digest


def _sent_before(store: Store, platform: str, channel: str, meeting_id: str) -> dict[str, tuple[int, str]]:
    """item id -> (revision, fingerprint) of the latest version of it this channel received."""
    rows = store.conn.execute(
        "SELECT item_id, revision, fingerprint FROM digest_sent WHERE platform = ? AND channel = ?"
        " AND meeting_id = ? ORDER BY revision",
        (platform, channel, meeting_id),
    )
    return {r[0]: (r[1], r[2]) for r in rows}


# ---- the ledger ------------------------------------------------------------------------------


def posted_run(store: Store, platform: str, channel: str, period: str) -> sqlite3.Row | None:
    return store.conn.execute(
        "SELECT * FROM digest_runs WHERE platform = ? AND channel = ? AND period = ? AND status = 'posted'",
        (platform, channel, period),
    ).fetchone()


def runs(store: Store, platform: str | None = None, channel: str | None = None) -> list[sqlite3.Row]:
    rows = store.conn.execute("SELECT * FROM digest_runs ORDER BY id").fetchall()
    return [r for r in rows if platform in (None, r["platform"]) and channel in (None, r["channel"])]


def begin_run(store: Store, digest: Digest, parts: list[list[ItemKey]], now: dt.datetime) -> int | None:
    """Claim the digest's period with a pending run; None when another run holds it already."""
    try:
        with store.transaction():
            cur = store.conn.execute(
                "INSERT INTO digest_runs(platform, channel, period, status, since, started_at, item_count, parts,"
                " message_ids) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?)",
                (
                    digest.platform,
                    digest.channel,
                    digest.period,
                    digest.since,
                    utc_iso(now),
                    len(digest.items),
                    json.dumps([[list(k) for k in part] for part in parts]),
                    json.dumps([None] * len(parts)),
                ),
            )
    except sqlite3.IntegrityError:
        return None
    return cur.lastrowid


def record_message(store: Store, run_id: int, index: int, message_id: str) -> None:
    """Note a platform's reply id the moment it arrives: it is what proves a message went out."""
    with store.transaction():
        row = store.conn.execute("SELECT message_ids FROM digest_runs WHERE id = ?", (run_id,)).fetchone()
        ids = json.loads(row[0])
        ids[index] = message_id
        store.conn.execute("UPDATE digest_runs SET message_ids = ? WHERE id = ?", (json.dumps(ids), run_id))


def finish_run(store: Store, run_id: int, now: dt.datetime, *, error: str | None = None) -> str:
    """Settle a run from the reply ids it recorded, in one transaction; returns the new status.

    Every message with a reply id went out, so its items are marked. All sent: 'posted'. Some: the run
    becomes 'partial' (the rest is retried next run, and the period stays open for it). None: the run
    is deleted and nothing is marked. A crash between a platform accepting a message and its reply id
    being written leaves that one message unproven; it is posted again (at least once, in that window
    of milliseconds) rather than lost.
    """
    with store.transaction():
        row = store.conn.execute("SELECT * FROM digest_runs WHERE id = ?", (run_id,)).fetchone()
        if row is None or row["status"] != "pending":
            return row["status"] if row else "gone"
        parts, ids = json.loads(row["parts"]), json.loads(row["message_ids"])
        sent = [part for part, mid in zip(parts, ids, strict=True) if mid]
        if not sent:
            store.conn.execute("DELETE FROM digest_runs WHERE id = ?", (run_id,))
            return "dropped"
        stamp = utc_iso(now)
        store.conn.executemany(
            "INSERT OR IGNORE INTO digest_sent(platform, channel, item_id, revision, meeting_id, fingerprint, run_id,"
            " sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(row["platform"], row["channel"], *ItemKey(*k), run_id, stamp) for part in sent for k in part],
        )
        status = "posted" if len(sent) == len(parts) else "partial"
        store.conn.execute(
            "UPDATE digest_runs SET status = ?, posted_at = ?, error = ? WHERE id = ?", (status, stamp, error, run_id)
        )
        return status


def settle_pending(store: Store, platform: str, channel: str, now: dt.datetime) -> bool:
    """Settle runs a crash left pending; False while a young one may still be posting elsewhere."""
    rows = store.conn.execute(
        "SELECT id, started_at FROM digest_runs WHERE platform = ? AND channel = ? AND status = 'pending'",
        (platform, channel),
    ).fetchall()
    for row in rows:
        if now - parse_iso(row["started_at"]) < PENDING_TIMEOUT:
            return False
        finish_run(store, row["id"], now, error="interrupted; settled from the recorded reply ids")
    return True
