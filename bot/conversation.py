"""Where each conversation stands: its last question, so the next one can be read as a follow-up.

A conversation is a web browser session, a Slack thread or direct message, or a Teams reply chain or
chat. Its state lives in the database (table chat_context), not in memory, because with
`referent serve --workers N` the next message of a thread may reach another process. Keys are stored
as a keyed hash (the user-id secret), so the table does not say which channel or chat asked what, and
rows older than `ttl` are deleted. A database that cannot be written (read-only) only loses follow-ups.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3

from bot.service import Service
from index.store import StoreError

log = logging.getLogger(__name__)

TTL = dt.timedelta(days=7)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


class Conversations:
    def __init__(self, service: Service, ttl: dt.timedelta = TTL) -> None:
        self.service, self.ttl = service, ttl

    def _key(self, conversation: str) -> str:
        return self.service.store.user_hash("conversation:" + conversation)

    def last(self, conversation: str, now: dt.datetime | None = None) -> str | None:
        """The conversation's last question, or None (none yet, forgotten, or the database unreadable)."""
        cutoff = _stamp((now or dt.datetime.now(dt.UTC)) - self.ttl)
        try:
            with self.service.lock:
                row = self.service.store.conn.execute(
                    "SELECT question FROM chat_context WHERE key = ? AND updated_at >= ?",
                    (self._key(conversation), cutoff),
                ).fetchone()
        except (sqlite3.Error, StoreError) as exc:
            log.warning("conversation state unreadable (follow-ups are read alone): %s", exc)
            return None
        return row[0] if row else None

    def remember(self, conversation: str, question: str, now: dt.datetime | None = None) -> None:
        moment = now or dt.datetime.now(dt.UTC)
        try:
            with self.service.lock, self.service.store.transaction() as conn:
                conn.execute(
                    "INSERT OR REPLACE INTO chat_context(key, question, updated_at) VALUES (?, ?, ?)",
                    (self._key(conversation), question, _stamp(moment)),
                )
                conn.execute("DELETE FROM chat_context WHERE updated_at < ?", (_stamp(moment - self.ttl),))
        except (sqlite3.Error, StoreError) as exc:
            log.warning("conversation state not saved (the next follow-up is read alone): %s", exc)
