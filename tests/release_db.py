"""Makes tests/fixtures/db-0.1.0.sql: a database as release 0.1.0 left it (schema m001-m003), as SQL.

Run `python -m tests.release_db` only when a release is cut; the committed dump is the frozen past
that tests/test_upgrade.py upgrades with whatever migrations the code has by then. It holds every kind
of row that release wrote: meetings with items, sections, attachments and a closed item, a revision,
a failed source file, the FTS index and term_df, a posted digest run, a vote and a conversation.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

RELEASE = "0.1.0"
RELEASE_MIGRATIONS = ("m001_core", "m002_digest", "m003_term_df")
DUMP = Path(__file__).resolve().parent / "fixtures" / f"db-{RELEASE}.sql"


def sql_dump(conn: sqlite3.Connection) -> str:
    """Schema and rows as SQL that a fresh database replays with executescript.

    sqlite3's iterdump cannot dump FTS5: it selects the contentless table's NULL columns and the
    read-only vocabulary table. Here virtual tables are created as such (which makes their shadow
    tables), and the shadow tables' rows then replace the fresh ones, so the index is the release's own.
    """
    objects = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
    ).fetchall()
    virtual = [name for kind, name, sql in objects if kind == "table" and sql.upper().startswith("CREATE VIRTUAL")]
    shadow = {name for _, name, _ in objects if any(name.startswith(v + "_") for v in virtual)}
    lines = ["BEGIN;"]
    for kind, name, sql in objects:
        if kind == "table" and name not in shadow:
            lines.append(sql + ";")
    for kind, name, _sql in objects:
        if kind != "table" or name in virtual:
            continue
        if name in shadow:
            lines.append(f'DELETE FROM "{name}";')
        columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')]
        values = " || ',' || ".join(f'quote("{c}")' for c in columns)
        for (row,) in conn.execute(f"SELECT 'INSERT INTO \"{name}\" VALUES(' || {values} || ');' FROM \"{name}\""):
            lines.append(row)
    lines += [sql + ";" for kind, _, sql in objects if kind in ("index", "trigger", "view")]
    lines.append("COMMIT;")
    return "\n".join(lines) + "\n"


def make(folder: Path) -> Path:
    from bot.digest import StdoutPoster, Target, run_digest
    from index.config import Config
    from index.ingest import ingest_paths
    from index.store import Store, migrations
    from tests.conftest import ADGANG, EVT, LUKKET, VAGT, minutes

    later = [m.name for m in migrations._migrations if m.name not in RELEASE_MIGRATIONS]
    original = migrations.apply
    migrations.apply = lambda db, **kw: original(db, stop_before=later) if later else original(db)  # type: ignore[method-assign]
    try:
        os.chdir(folder)
        Path("minutes").mkdir()
        Path("minutes/chefforum-2017-11-15.txt").write_text(minutes("Chefforum", "15-11-2017", [ADGANG, VAGT]))
        Path("minutes/broken.txt").write_text("ikke et referat\n")
        store = Store("release.db")
        ingest_paths(store, ["minutes"])
        # The corrected minutes replace the text and leave a revision; a second meeting arrives.
        Path("minutes/chefforum-2017-11-15.txt").write_text(
            minutes("Chefforum", "15-11-2017", [ADGANG, VAGT.replace("uge 29", "uge 30"), LUKKET, EVT])
        )
        Path("minutes/chefforum-2018-01-10.txt").write_text(
            minutes("Chefforum", "10-01-2018", [ADGANG.replace("ID-kort", "brik")])
        )
        ingest_paths(store, ["minutes"])
        run_digest(store, Config(), Target("slack", "C0RELEASE"), post="stdout",
                   poster=StdoutPoster(write=lambda _t: None), since=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))  # fmt: skip
        store.add_feedback("slack", "hvad blev besluttet om adgangskontrol", ["chefforum-2017-11-15#1"], 1, "ab" * 32)
        store.save_conversation("teams", "19:release@thread.tacv2", {"channel_id": "19:release@thread.tacv2"})
        applied = [m.name for m in migrations.applied(store.db)]
        assert applied == list(RELEASE_MIGRATIONS), applied
        dump = sql_dump(store.conn)
        store.close()
    finally:
        migrations.apply = original  # type: ignore[method-assign]
    DUMP.write_text(dump, encoding="utf-8")
    return DUMP


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            print(make(Path(tmp)))
        finally:
            os.chdir(cwd)
