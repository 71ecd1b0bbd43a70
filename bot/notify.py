"""Tell each follow, once, about the new treatments of its case or the new minutes that answer its topic.

Run after every ingest, fetch and sync (the CLI and the scheduler call `run`). For every follow:

1. match: the minutes (not agendas) stored or corrected since the follow last looked (its `checked_at`) that
   the place may see, of meetings at most `[digest] max_age_days` old (the digest's rule: a backfilled archive
   is not news): for a case, items with the same case number *and* subject (index.treatments.belongs;
   municipalities reuse numbers); for a topic, items that answer the question with the answering core's own
   reading, evidence and abstention (index.answer.answering) and hold its most specific word in the title, a
   sub-heading or the decision (a notice nobody asked for just then must be about the topic), never a shared
   word;
2. claim, in one transaction with moving `checked_at` on: a 'pending' ledger row per new treatment (an item
   whose decision the place saw already, in the baseline or an earlier notice, is only marked 'seen');
3. send each claimed notice, applying access again at send time; the platform's message id and the 'sent'
   mark are written in one transaction. A failed send is marked 'failed' and retried on the next run; a claim a
   crash left 'pending' for PENDING_TIMEOUT is retried too (at least once, in that window of milliseconds).

A follow whose platform this process cannot post to (no Slack token, no Teams credentials) is left untouched
for a process that can: nothing is claimed and its clock does not move.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.follow import Follow, all_follows
from bot.render import follow as render
from index import treatments
from index.access import Access
from index.answer import answering
from index.config import Config
from index.digest import MAX_AGE_DAYS, TIMEZONE
from index.store import Store
from index.treatments import Treatment

log = logging.getLogger(__name__)

PENDING_TIMEOUT = dt.timedelta(minutes=15)  # a younger claim may still be sending in another process


class Sender(Protocol):
    def send(self, payload: Any) -> str:
        """Post one notice; return the platform's id for it, or raise."""
        ...


SenderFor = Callable[[Follow], Sender]


@dataclass
class FeedSender:
    """A web follow's notices are its Atom feed: 'sending' is the ledger row the feed reads."""

    def send(self, payload: Any) -> str:
        return "feed"


class EnvSenders:
    """The senders this process can use, from the environment (one Slack client for the run)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._slack: Any = None

    def __call__(self, follow: Follow) -> Sender:
        from bot.digest import SlackPoster, TeamsPoster

        if follow.platform == "web":
            return FeedSender()
        if follow.platform == "slack":
            if self._slack is None:
                from bot.slack import slack_client_from_env

                self._slack = slack_client_from_env()  # RuntimeError without SLACK_BOT_TOKEN
            return SlackPoster(self._slack, follow.destination)
        if follow.platform == "teams":
            from bot.teams import teams_credentials_from_env

            reference = self.store.conversations("teams").get(follow.destination)
            credentials = teams_credentials_from_env()
            if reference is None or credentials is None:
                raise RuntimeError("Teams needs CLIENT_ID, CLIENT_SECRET, TENANT_ID and the stored conversation")
            return TeamsPoster(reference, credentials)
        raise RuntimeError(f"no sender for platform {follow.platform!r}")


def payload_for(follow: Follow, t: Treatment, corrected: bool) -> Any:
    if follow.platform == "slack":
        return render.slack_notice(follow, t, corrected)
    if follow.platform == "teams":
        return render.teams_notice(follow, t, corrected)
    return None


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    withheld: int = 0
    skipped: list[str] = field(default_factory=list)  # follows this process could not post for, and why
    follows: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed

    def line(self) -> str:
        out = f"Følg sagen: {self.sent} notice(s) sent, {self.failed} failed (retried next run)"
        if self.withheld:
            out += f", {self.withheld} withheld (the place may no longer see the forum)"
        if self.skipped:
            out += f"; {len(self.skipped)} follow(s) left for another process: {self.skipped[0]}"
        return out + "."


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def run(store: Store, cfg: Config, *, sender_for: SenderFor | None = None, now: dt.datetime | None = None) -> Report:
    """Match, claim, send and mark every follow's new treatments (see the module's docstring)."""
    moment = now or dt.datetime.now(dt.UTC)
    if cfg.public_source is None:
        cfg.see_public_sources(store.public_bodies)  # portal minutes are public in every place, as for answers
    sender_for = sender_for or EnvSenders(store)
    report = Report()
    with store.transaction():
        # A claim older than this was left by a crash between claiming and recording: it is sent again.
        store.conn.execute(
            "UPDATE follow_sent SET status = 'failed', error = 'interrupted while sending' WHERE status = 'pending'"
            " AND updated_at < ?",
            (_iso(moment - PENDING_TIMEOUT),),
        )
    follows = all_follows(store)
    report.follows = len(follows)
    if not follows:
        return report
    arrived = treatments.arrived_since(store, min(f.checked_at for f in follows))
    for follow in follows:
        try:
            sender = sender_for(follow)
        except RuntimeError as exc:
            report.skipped.append(f"{follow.platform}: {exc}")
            continue
        try:
            _one(store, cfg, follow, sender, arrived, moment, report)
        except Exception:  # one broken follow must not keep the others from their notices
            log.exception("follow %d: notifying failed", follow.id)
            report.failed += 1
    (log.info if report.ok else log.warning)("%s", report.line())
    return report


def _one(
    store: Store, cfg: Config, follow: Follow, sender: Sender, arrived: list[dict], moment: dt.datetime, report: Report
) -> None:
    access = cfg.access_for(follow.platform, follow.place_channel, direct=follow.direct)
    mine = [r for r in arrived if r["changed_at"] >= follow.checked_at]
    # The digest's rule for what is news: minutes of a meeting older than max_age_days (a backfilled archive)
    # are not, however recently they arrived.
    max_age = int(cfg.digest.get("max_age_days", MAX_AGE_DAYS))
    oldest = (moment.astimezone(ZoneInfo(TIMEZONE)).date() - dt.timedelta(days=max_age)).isoformat() if max_age else ""
    visible = [
        r for r in mine if (access is None or access.allows(r["municipality"], r["forum"])) and r["date"] >= oldest
    ]
    if follow.kind == "topic":
        matched = (
            answering(store, follow.topic, visible, access=access, today=moment.date(), prominent=True)
            if visible
            else []
        )
    else:
        town = treatments.municipality_of(store, follow.item_id)
        matched = [r for r in visible if treatments.belongs(store, r, list(follow.case_numbers), follow.title, town)]
    found = [treatments.treatment(store, cfg, r) for r in matched]
    cursor = max((r["changed_at"] for r in mine), default=follow.checked_at)
    claimed = _claim(store, follow, found, cursor, moment)
    claimed += _reclaim(store, follow, moment)
    for item_id, revision in claimed:
        _deliver(store, cfg, follow, sender, item_id, revision, access, moment, report)


def _claim(
    store: Store, follow: Follow, found: list[Treatment], cursor: str, moment: dt.datetime
) -> list[tuple[str, int]]:
    """Pending rows for the new treatments; 'seen' for those the place knows already. One transaction, which
    also moves the follow's clock on, so a second process finds them claimed."""
    stamp = _iso(moment)
    claimed = []
    with store.transaction():
        for t in found:
            key = (follow.id, t.item_id, t.revision)
            if store.conn.execute(
                "SELECT 1 FROM follow_sent WHERE follow_id = ? AND item_id = ? AND revision = ?", key
            ).fetchone():
                continue
            prior = store.conn.execute(
                "SELECT fingerprint FROM follow_sent WHERE follow_id = ? AND item_id = ? AND status IN"
                " ('baseline', 'sent', 'seen') ORDER BY revision DESC LIMIT 1",
                (follow.id, t.item_id),
            ).fetchone()
            news = bool(t.decision) and (prior is None or prior[0] != t.fingerprint)
            store.conn.execute(
                "INSERT INTO follow_sent(follow_id, item_id, revision, meeting_id, fingerprint, status, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*key, t.meeting_id, t.fingerprint, "pending" if news else "seen", stamp),
            )
            if news:
                claimed.append((t.item_id, t.revision))
        store.conn.execute("UPDATE follows SET checked_at = ? WHERE id = ?", (cursor, follow.id))
    return claimed


def _reclaim(store: Store, follow: Follow, moment: dt.datetime) -> list[tuple[str, int]]:
    """The follow's failed notices, claimed again for this run."""
    out = []
    with store.transaction():
        rows = store.conn.execute(
            "SELECT item_id, revision FROM follow_sent WHERE follow_id = ? AND status = 'failed'", (follow.id,)
        ).fetchall()
        for item_id, revision in rows:
            store.conn.execute(
                "UPDATE follow_sent SET status = 'pending', updated_at = ? WHERE follow_id = ? AND item_id = ?"
                " AND revision = ?",
                (_iso(moment), follow.id, item_id, revision),
            )
            out.append((item_id, revision))
    return out


def _mark(store: Store, follow: Follow, item_id: str, revision: int, status: str, **values: Any) -> None:
    sets = ", ".join(f"{k} = ?" for k in values)
    with store.transaction():
        store.conn.execute(
            f"UPDATE follow_sent SET status = ?{', ' + sets if sets else ''} WHERE follow_id = ? AND item_id = ?"
            " AND revision = ?",
            (status, *values.values(), follow.id, item_id, revision),
        )


def _deliver(
    store: Store,
    cfg: Config,
    follow: Follow,
    sender: Sender,
    item_id: str,
    revision: int,
    access: Access | None,
    moment: dt.datetime,
    report: Report,
) -> None:
    row = treatments.item_row(store, item_id)
    if row is None or row["revision"] != revision:
        # corrected (or removed) since it was claimed: the new revision is matched on its own
        with store.transaction():
            store.conn.execute(
                "DELETE FROM follow_sent WHERE follow_id = ? AND item_id = ? AND revision = ?",
                (follow.id, item_id, revision),
            )
        return
    if access is not None and not access.allows(
        row["municipality"], row["forum"]
    ):  # access applies when the notice is sent
        _mark(store, follow, item_id, revision, "withheld", updated_at=_iso(moment))
        report.withheld += 1
        return
    t = treatments.treatment(store, cfg, row)
    shown_before = store.conn.execute(
        # the place saw an earlier version of this item (when it followed, or in a notice): this one is a correction
        "SELECT 1 FROM follow_sent WHERE follow_id = ? AND item_id = ? AND revision < ?"
        " AND status IN ('baseline', 'sent')",
        (follow.id, item_id, revision),
    ).fetchone()
    try:
        message_id = sender.send(payload_for(follow, t, corrected=shown_before is not None))
    except Exception as exc:
        log.warning("follow %d: the notice about %s could not be sent: %s", follow.id, item_id, exc)
        with store.transaction():
            store.conn.execute(
                "UPDATE follow_sent SET status = 'failed', error = ?, attempts = attempts + 1, updated_at = ?"
                " WHERE follow_id = ? AND item_id = ? AND revision = ?",
                (f"{type(exc).__name__}: {exc}"[:500], _iso(moment), follow.id, item_id, revision),
            )
        report.failed += 1
        return
    # The mark and the proof that it went out are one write.
    _mark(store, follow, item_id, revision, "sent", message_id=message_id, error=None, updated_at=_iso(moment))
    report.sent += 1
