"""Crash safety and consistency: a SIGKILLed ingest, readers during an ingest, and online backups.

An ingest killed at any moment must leave a database that passes integrity_check, holds no half
meeting, and completes on the next run into exactly what a clean ingest stores. A reader must see a
meeting whole or not at all; a backup taken mid-ingest must be a consistent snapshot.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from index.answer import answer
from index.backup import BackupError, backup, verify
from index.config import Config
from index.ingest import ingest_paths
from index.store import Store
from tests.conftest import minutes

ROOT = Path(__file__).resolve().parents[1]
MEETINGS = 300
ITEMS = 4
CFG = Config(public_url="http://referent.test")
TOPICS = ["vejbelysning", "skolestruktur", "affaldssortering", "cykelsti", "ældrepleje", "klimaplan", "bibliotek"]
_CONSONANTS, _VOWELS = "bdfgklmnprstv", "aeiou"


def tag(n: int) -> str:
    """A made-up word found only in meeting n, so a question can ask for exactly that meeting."""
    syllables = [c + v for c in _CONSONANTS for v in _VOWELS]
    return f"zu{syllables[n // len(syllables)]}{syllables[n % len(syllables)]}k"


def meeting_date(n: int) -> dt.date:
    return dt.date(2001, 1, 1) + dt.timedelta(days=n)


def meeting_id(n: int) -> str:
    return f"testudvalget-{meeting_date(n).isoformat()}"


def write_minutes(folder: Path, count: int = MEETINGS) -> Path:
    """`count` files, one meeting each, ITEMS items per meeting, every item titled with the meeting's tag."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        items = []
        for k in range(1, ITEMS + 1):
            topic = TOPICS[(n + k) % len(TOPICS)]
            items.append(
                f"Punkt {k}: {topic.capitalize()} og {tag(n)}\n\n{n % 100:02d}.{k:02d}.00-A00-{n}-{k}\n\n"
                f"Sagsfremstilling\n\nForvaltningen har undersøgt {topic} i område {n}. "
                f"Sagen om {tag(n)} er beskrevet i bilaget. " + "Teksten fortsætter med flere detaljer. " * 6 + "\n\n"
                f"Indstilling\n\nDirektøren indstiller, at forslaget om {topic} godkendes.\n\n"
                f"Beslutning\n\nUdvalget godkendte indstillingen om {topic} og {tag(n)}."
            )
        text = minutes("Testudvalget", meeting_date(n).strftime("%d-%m-%Y"), items)
        (folder / f"m{n:04d}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_minutes(tmp_path_factory.mktemp("minutes") / "docs")


@pytest.fixture(scope="module")
def clean(docs: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """What an uninterrupted ingest stores: the reference every recovered database must equal."""
    path = tmp_path_factory.mktemp("clean") / "clean.db"
    store = Store(path)
    report = ingest_paths(store, [docs])
    assert report.count("added") == MEETINGS and not report.failed
    store.close()
    return snapshot(path)


def test_tags_are_distinct_search_terms() -> None:
    from index.analyze import get_analyzer

    terms = [tuple(get_analyzer().terms(tag(n))) for n in range(MEETINGS)]
    assert len(set(terms)) == MEETINGS and all(len(t) == 1 for t in terms)


# ---- checks -------------------------------------------------------------------------------------


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30)
    conn.row_factory = sqlite3.Row
    return conn


def check_consistent(path: Path) -> int:
    """integrity_check, FTS5's integrity-check, no half meeting; returns the number of meetings."""
    conn = connect(path)
    try:
        assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
        conn.execute("INSERT INTO items_fts(items_fts) VALUES('integrity-check')")  # raises if damaged
        half = conn.execute(
            "SELECT m.id, m.item_count, (SELECT count(*) FROM items i WHERE i.meeting_id = m.id) AS stored "
            "FROM meetings m WHERE stored != m.item_count"
        ).fetchall()
        assert half == [], [dict(r) for r in half]
        bare = conn.execute(
            "SELECT count(*) FROM items i WHERE NOT EXISTS (SELECT 1 FROM sections s WHERE s.item_rowid = i.rowid)"
        ).fetchone()[0]
        assert bare == 0, "items without their sections"
        orphans = conn.execute(
            "SELECT count(*) FROM items i WHERE NOT EXISTS (SELECT 1 FROM meetings m WHERE m.id = i.meeting_id)"
        ).fetchone()[0]
        assert orphans == 0, "items without their meeting"
        fts = conn.execute("SELECT count(*) FROM items_fts").fetchone()[0]
        assert fts == conn.execute("SELECT count(*) FROM items").fetchone()[0], "FTS rows != items"
        return conn.execute("SELECT count(*) FROM meetings").fetchone()[0]
    finally:
        conn.close()


def snapshot(path: Path) -> dict:
    """Everything an ingest decides, without rowids and timestamps (which differ run to run)."""
    conn = connect(path)
    try:
        queries = {
            "meetings": "SELECT id, forum, date, content_hash, item_count, revision, source_path FROM meetings",
            "items": "SELECT id, meeting_id, number, title, title_raw, case_number, closed, parts FROM items",
            "sections": "SELECT i.id, s.ord, s.heading, s.kind, s.text FROM sections s "
            "JOIN items i ON i.rowid = s.item_rowid",
            "vocab": "SELECT term, doc, cnt FROM items_vocab",
            "sources": "SELECT path, bytes_hash, meeting_id, status FROM sources",
            "revisions": "SELECT meeting_id, revision FROM revisions",
        }
        return {name: sorted(tuple(r) for r in conn.execute(sql)) for name, sql in queries.items()}
    finally:
        conn.close()


def count_meetings(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        conn = sqlite3.connect(path, timeout=0.05)
        try:
            return conn.execute("SELECT count(*) FROM meetings").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:  # not created yet, or the schema is being written
        return 0


# ---- SIGKILL mid-ingest -------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("REFERENT_DB", None)
    return env


def kill_ingest_at(docs: Path, db: Path, at_least: int, rng: random.Random) -> int:
    """Run `referent ingest`, SIGKILL it once `at_least` meetings are stored (plus a random moment)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", "ingest", str(docs), "--db", str(db), "--json"],
        cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while count_meetings(db) < at_least and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.004))  # land anywhere in a meeting: parsing, inside the transaction, after
        workers = _children(proc.pid)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL, f"the ingest ended on its own ({proc.returncode}) before the kill"
    # the worker processes reading ahead (index/prepare.py) end with the ingest that started them
    deadline = time.monotonic() + 5
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], "ingest workers outlived the kill"
    return count_meetings(db)


def _children(pid: int) -> list[int]:
    """The processes `pid` started (Linux /proc; empty elsewhere)."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def test_sigkilled_ingest_leaves_a_consistent_database_and_a_rerun_completes(
    docs: Path, clean: dict, tmp_path: Path
) -> None:
    db = tmp_path / "killed.db"
    rng = random.Random(20250101)
    stored = []
    for at_least in (rng.randint(5, 40), rng.randint(80, 140), rng.randint(170, 220)):
        kill_ingest_at(docs, db, at_least, rng)
        stored.append(check_consistent(db))
        assert stored[-1] < MEETINGS
    assert stored == sorted(stored) and stored[0] > 0, stored
    # The rerun picks up where the last kill left it, and stores exactly what a clean run stores.
    done = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "ingest", str(docs), "--db", str(db)],
        cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert check_consistent(db) == MEETINGS
    assert snapshot(db) == clean


_KILL_INSIDE = """
import sys, time
from index.ingest import ingest_paths
from index.store import Store

folder, db, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
real = Store._insert_item
done = [0]

def insert_then_stall(self, *args, **kwargs):
    real(self, *args, **kwargs)
    done[0] += 1
    if done[0] == target:  # mid-meeting: some of its items written, the transaction still open
        print("inside", flush=True)
        time.sleep(60)

Store._insert_item = insert_then_stall
ingest_paths(Store(db), [folder])
"""


def test_kill_inside_a_meeting_transaction_rolls_the_meeting_back(docs: Path, clean: dict, tmp_path: Path) -> None:
    db = tmp_path / "inside.db"
    whole = 57
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILL_INSIDE, str(docs), str(db), str(whole * ITEMS + 2)],
        cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.strip() == "inside", proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(10)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    assert check_consistent(db) == whole
    conn = connect(db)
    assert conn.execute("SELECT count(*) FROM items WHERE meeting_id = ?", (meeting_id(whole),)).fetchone()[0] == 0
    conn.close()
    store = Store(db)
    report = ingest_paths(store, [docs])
    store.close()
    assert report.count("added") == MEETINGS - whole and not report.failed
    assert snapshot(db) == clean


# ---- readers during an ingest -------------------------------------------------------------------


def test_answers_during_an_ingest_see_whole_meetings_only(docs: Path, tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    writer_store = Store(db)  # creates and migrates before the reader opens it
    # A corpus around the new meetings: in a near-empty index no word is rare enough to answer on.
    ingest_paths(writer_store, [docs / f"m{n:04d}.txt" for n in range(150, MEETINGS)])
    reader = Store(db, readonly=True)
    done = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            ingest_paths(writer_store, [docs / f"m{n:04d}.txt" for n in range(150)])
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)
        finally:
            done.set()

    seen: dict[int, set[int]] = {}
    during = 0
    thread = threading.Thread(target=write)
    thread.start()
    rng = random.Random(7)
    try:
        while not done.is_set():
            n = rng.randrange(150)
            ans = answer(reader, f"hvad blev besluttet om {tag(n)}?", limit=10, cfg=CFG)
            # Answers only: suggestions stop at three, so they never show a four-item meeting whole.
            hits = [h for h in ans.answers if h.meeting.id == meeting_id(n)]
            seen.setdefault(n, set()).add(len(hits))
            during += 1
            half = reader.conn.execute(
                "SELECT count(*) FROM meetings m WHERE m.item_count != "
                "(SELECT count(*) FROM items i WHERE i.meeting_id = m.id)"
            ).fetchone()[0]
            assert half == 0, "a query saw a meeting without all its items"
    finally:
        thread.join(30)
        reader.close()
        writer_store.close()
    assert not errors, errors
    partial = {n: counts for n, counts in seen.items() if counts - {0, ITEMS}}
    assert partial == {}, f"meetings seen half written: {partial}"
    assert during >= 20, f"only {during} questions ran while the ingest did"
    assert any(0 in c for c in seen.values()) and any(ITEMS in c for c in seen.values())


def test_a_reader_connection_never_sees_an_open_transaction(tiny_minutes: str, tmp_path: Path) -> None:
    """Readers on their own connection never see a transaction in progress (WAL snapshot isolation)."""
    from index.readers import read_bytes

    writer, reader = Store(tmp_path / "s.db"), None
    meeting = read_bytes(tiny_minutes.encode("utf-8"), "cf.txt")
    real = writer._insert_item
    looked: list[int] = []

    def insert_and_look(*args, **kwargs) -> None:
        real(*args, **kwargs)
        looked.append(reader.conn.execute("SELECT count(*) FROM items").fetchone()[0])

    reader = Store(tmp_path / "s.db", readonly=True)
    writer._insert_item = insert_and_look  # type: ignore[method-assign]
    writer.ingest(meeting)
    assert looked == [0] * len(meeting.items)
    assert reader.conn.execute("SELECT count(*) FROM items").fetchone()[0] == len(meeting.items)
    reader.close()
    writer.close()


def test_concurrent_answers_on_thread_local_stores_while_ingesting(docs: Path, tmp_path: Path) -> None:
    from bot.service import Service

    db = tmp_path / "threads.db"
    store = Store(db)
    ingest_paths(store, [docs / f"m{n:04d}.txt" for n in range(100, MEETINGS)])
    service = Service(str(db), CFG)
    errors: list[str] = []
    done = threading.Event()

    def ask(seed: int) -> None:
        rng = random.Random(seed)
        while not done.is_set():
            try:
                service.answer(f"hvad blev besluttet om {tag(rng.randrange(100, MEETINGS))}?", None)
            except Exception as exc:  # what the adapters turn into an apology
                errors.append(repr(exc))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, as a busy server would
    askers = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    try:
        for thread in askers:
            thread.start()
        for start in range(0, 60, 5):  # a few meetings at a time, stopping at the first failure
            ingest_paths(store, [docs / f"m{n:04d}.txt" for n in range(start, start + 5)])
            if errors:
                break
    finally:
        done.set()
        for thread in askers:
            thread.join(30)
        sys.setswitchinterval(interval)
        store.close()
    assert errors == []


# ---- backup -------------------------------------------------------------------------------------


def test_backup_while_an_ingest_runs_is_a_consistent_snapshot(docs: Path, clean: dict, tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    store = Store(db)
    thread = threading.Thread(target=lambda: ingest_paths(store, [docs]))
    thread.start()
    copies: list[dict] = []
    try:
        while thread.is_alive() or not copies:
            if count_meetings(db) > 0 or not thread.is_alive():
                copies.append(backup(db, tmp_path / f"copy-{len(copies)}.db"))
            time.sleep(0.02)
    finally:
        thread.join(30)
    assert len(copies) >= 2, "no backup ran during the ingest"
    counts = [c["meetings"] for c in copies]
    assert counts == sorted(counts) and counts[0] < MEETINGS, counts
    for c in copies:
        assert c["integrity"] == "ok" and c["items"] == ITEMS * c["meetings"]
        assert check_consistent(Path(c["path"])) == c["meetings"]
        assert not Path(c["path"] + "-wal").exists(), "a backup should be a single file"
    final = backup(db, tmp_path / "final.db")
    store.close()
    assert final["meetings"] == MEETINGS
    assert snapshot(Path(final["path"])) == clean


def test_backup_refuses_to_overwrite_and_restores(tiny_minutes: str, tmp_path: Path) -> None:
    db = tmp_path / "referent.db"
    src = tmp_path / "cf.txt"
    src.write_text(tiny_minutes, encoding="utf-8")
    store = Store(db)
    ingest_paths(store, [src])
    dest = tmp_path / "backup.db"
    first = backup(db, dest)
    assert first["meetings"] == 1 and first["items"] == 4 and first["bytes"] == dest.stat().st_size
    with pytest.raises(BackupError, match="exists"):
        backup(db, dest)
    assert backup(db, dest, force=True)["meetings"] == 1
    with pytest.raises(BackupError, match="no database"):
        backup(tmp_path / "missing.db", tmp_path / "x.db")
    with pytest.raises(BackupError, match="itself"):
        backup(db, db, force=True)
    assert not list(tmp_path.glob(".*partial*")), "a temporary copy was left behind"
    folder = tmp_path / "backups"
    folder.mkdir()
    dated = backup(db, folder)
    assert Path(dated["path"]).parent == folder and Path(dated["path"]).name.startswith("referent-")

    # Restore as the README says: stop the server, remove the -wal/-shm files, copy the backup back.
    store.conn.execute("DELETE FROM feedback")
    store._delete_items("chefforum-2017-11-15")
    store.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(dest, db)
    restored = Store(db)
    ans = answer(restored, "hvad blev besluttet om adgangskontrol", cfg=CFG)
    assert ans.answers and ans.answers[0].meeting.id == "chefforum-2017-11-15"
    restored.close()


def test_verify_rejects_a_damaged_copy(tiny_minutes: str, tmp_path: Path) -> None:
    db = tmp_path / "referent.db"
    src = tmp_path / "cf.txt"
    src.write_text(tiny_minutes, encoding="utf-8")
    store = Store(db)
    ingest_paths(store, [src])
    store.conn.execute("DELETE FROM items WHERE number = 2")  # a half meeting, as a broken copy would hold
    store.close()
    with pytest.raises(BackupError, match="without all their items"):
        verify(db)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    with pytest.raises(BackupError):
        verify(garbage)


def test_backup_cli(tiny_minutes: str, tmp_path: Path) -> None:
    db = tmp_path / "referent.db"
    src = tmp_path / "cf.txt"
    src.write_text(tiny_minutes, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(src), "--db", str(db)]).exit_code == 0
    dest = tmp_path / "b.db"
    result = runner.invoke(main, ["backup", str(dest), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "1 meetings, 4 items" in result.output and "integrity check ok" in result.output
    again = runner.invoke(main, ["backup", str(dest), "--db", str(db)])
    assert again.exit_code == 1 and "--force" in again.output
    assert runner.invoke(main, ["backup", str(dest), "--db", str(db), "--force", "--json"]).exit_code == 0
    missing = runner.invoke(main, ["backup", str(tmp_path / "c.db"), "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "no database" in missing.output
    assert not (tmp_path / "none.db").exists(), "backup must not create an empty database"


# ---- concurrent clients -------------------------------------------------------------------------


def test_load_script_runs_clean(capsys: pytest.CaptureFixture[str]) -> None:
    """bench/load.py in miniature: a real `referent serve` on loopback, a few clients, no errors."""
    from bench.load import main as load

    assert load(["--clients", "4", "--seconds", "1", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["errors"] == 0 and summary["ok"] > 0 and summary["p95_ms"] > 0
