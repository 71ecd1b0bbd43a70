"""A named lease in the database: which one of several processes on one database does a job.

`referent serve --workers N` starts N processes, and the weekly sync + digest must run in exactly one.
Each tries to take the lease; the holder renews it well before it expires, and a holder that died
(killed, machine lost) simply stops renewing, so another process takes the lease over once it has
expired. Taking and renewing are one IMMEDIATE transaction each, so two processes never both win.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
import time

SCHEDULER = "scheduler"  # the lease of the process that runs the weekly sync + digest


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Lease:
    def __init__(self, db_path: str, name: str, *, ttl: float = 90.0, holder: str | None = None) -> None:
        self.db_path, self.name, self.ttl = db_path, name, ttl
        self.holder = holder or holder_id()

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.db_path, isolation_level=None, timeout=30)

    def acquire(self, now: float | None = None) -> bool:
        """Take or renew the lease; False while another holder's lease has not expired."""
        now = time.time() if now is None else now
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            row = conn.execute("SELECT holder, expires_at FROM leases WHERE name = ?", (self.name,)).fetchone()
            if row is not None and row[0] != self.holder and row[1] > now:
                conn.execute("COMMIT")
                return False
            acquired = dt.datetime.fromtimestamp(now, dt.UTC).isoformat(timespec="seconds")
            if row is not None and row[0] == self.holder:
                conn.execute("UPDATE leases SET expires_at = ? WHERE name = ?", (now + self.ttl, self.name))
            else:
                conn.execute(
                    "INSERT OR REPLACE INTO leases(name, holder, expires_at, acquired_at) VALUES (?, ?, ?, ?)",
                    (self.name, self.holder, now + self.ttl, acquired),
                )
            conn.execute("COMMIT")
            return True
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    def release(self) -> None:
        """Give the lease up at once (on a clean shutdown), so another process need not wait for expiry."""
        conn = self._connect()
        try:
            conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (self.name, self.holder))
        finally:
            conn.close()

    def current(self) -> tuple[str, float] | None:
        conn = self._connect()
        try:
            row = conn.execute("SELECT holder, expires_at FROM leases WHERE name = ?", (self.name,)).fetchone()
            return (row[0], row[1]) if row else None
        finally:
            conn.close()
