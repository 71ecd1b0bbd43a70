"""Upgrades: a database made by release 0.1.0 (tests/fixtures/db-0.1.0.sql, schema m001-m003) opens with
today's code, gets every later migration — this branch's and any other's — and loses nothing."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.digest import StdoutPoster, Target, run_digest
from index import migrate
from index.answer import answer
from index.config import Config
from index.ingest import ingest_paths
from index.store import Store, migrations
from tests.conftest import VAGT, minutes
from tests.release_db import DUMP, RELEASE_MIGRATIONS

TABLES = ("meetings", "items", "sections", "attachments", "revisions", "sources", "feedback", "conversations",
          "digest_runs", "digest_sent", "meta", "term_df")  # fmt: skip


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    path = tmp_path / "referent.db"
    conn = sqlite3.connect(path)
    conn.executescript(DUMP.read_text(encoding="utf-8"))
    conn.close()
    return path


# What the closed-items migration (m004) may cut from a closed item: everything but its title and public
# decision line (a case number, the printed title, other sections, attachments, revision bodies).
REDACTED = {"items": ("case_number", "title_raw"), "revisions": ("old_content",)}


def release_columns(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        return {table: [r[1] for r in conn.execute(f"PRAGMA table_info({table})")] for table in TABLES}
    finally:
        conn.close()


def rows(path: Path, release: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of the release's tables, as the release's columns (later migrations add columns); closed
    items' parts that m004 removes are left out of the comparison (test_closed_forms proves those are gone)."""
    release = release or release_columns(path)
    conn = sqlite3.connect(path)
    try:
        closed = {r[0] for r in conn.execute("SELECT rowid FROM items WHERE closed = 1")}
        out = {}
        for table in TABLES:
            columns = list(release[table])
            if table in REDACTED:
                columns = [c for c in columns if c not in REDACTED[table]]
            found = conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            if table in ("sections", "attachments"):
                at = columns.index("item_rowid")
                found = [r for r in found if r[at] not in closed]
            out[table] = sorted(found, key=repr)
        return out
    finally:
        conn.close()


def test_the_fixture_is_the_previous_release(old_db: Path) -> None:
    status = migrate.status(old_db)
    assert [m["name"] for m in status["applied"]] == list(RELEASE_MIGRATIONS)
    assert status["pending"] == [m.name for m in migrations._migrations if m.name not in RELEASE_MIGRATIONS]
    assert "m005_ops" in status["pending"]


def test_upgrading_keeps_every_row_and_the_index_and_records_the_migrations(old_db: Path, caplog) -> None:
    release = release_columns(old_db)
    before = rows(old_db, release)
    conn = sqlite3.connect(old_db)
    closed_numbers = {
        r[0].lower() for r in conn.execute("SELECT case_number FROM items WHERE closed = 1 AND case_number IS NOT NULL")
    }
    conn.close()
    assert before["meetings"] and before["revisions"] and before["digest_sent"] and before["feedback"]
    caplog.set_level("INFO")
    store = Store(old_db)
    try:
        applied = [m.name for m in migrations.applied(store.db)]
        assert applied == [m.name for m in migrations._migrations]  # every migration, in order, recorded
        assert any("applied migration(s)" in r.getMessage() and "m005_ops" in r.getMessage() for r in caplog.records)
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        store.conn.execute("INSERT INTO items_fts(items_fts) VALUES('integrity-check')")
        ans = answer(store, "hvad blev besluttet om ny adgangskontrol på rådhuset", cfg=Config())
        assert not ans.no_answer and ans.answers[0].meeting.id in ("chefforum-2018-01-10", "chefforum-2017-11-15")
        assert "besluttede at der benyttes" in " ".join(q.text for q in ans.answers[0].quotes)
        meeting = store.load_meeting("chefforum-2017-11-15")
        assert meeting is not None and [i.number for i in meeting.items] == [1, 2, 3, 4]
        assert "uge 30" in " ".join(s.text for s in meeting.items[1].sections)
        # The old digest ledger still counts: what was posted is not posted again.
        again = run_digest(store, Config(), Target("slack", "C0RELEASE"), post="stdout",
                           poster=StdoutPoster(write=lambda _t: None), since=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))  # fmt: skip
        assert again.status in ("already", "empty")
    finally:
        store.close()
    after = rows(old_db, release)
    for table in TABLES:
        missing = [r for r in before[table] if r not in after[table]]
        if table == "meta":  # the analyser fingerprint and term_df state may be rewritten, never dropped
            assert {r[0] for r in before[table]} <= {r[0] for r in after[table]}
            continue
        if table == "term_df":  # a closed item's case number is no longer stored, so no longer a term
            missing = [r for r in missing if r[0] not in closed_numbers]
        assert missing == [], table


def test_the_upgraded_database_takes_new_minutes(old_db: Path, tmp_path: Path) -> None:
    store = Store(old_db)
    try:
        new = tmp_path / "ny.txt"
        new.write_text(minutes("Chefforum", "01-03-2018", [VAGT]), encoding="utf-8")
        report = ingest_paths(store, [new])
        assert report.count("added") == 1
        assert not answer(store, "hvem tager bagvagten i uge 29", cfg=Config()).no_answer
    finally:
        store.close()


def test_migrate_status_then_migrate(old_db: Path) -> None:
    runner = CliRunner()
    status = runner.invoke(main, ["migrate", "--status", "--db", str(old_db)])
    assert status.exit_code == 0 and "pending  m005_ops" in status.stdout
    assert migrate.status(old_db)["pending"]  # --status changed nothing
    done = runner.invoke(main, ["migrate", "--db", str(old_db)])
    assert done.exit_code == 0 and "up to date" in done.stdout and "applied  m005_ops" in done.stdout
    missing = runner.invoke(main, ["migrate", "--db", str(old_db.parent / "typo.db")])
    assert missing.exit_code == 1 and not (old_db.parent / "typo.db").exists()
