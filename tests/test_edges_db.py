"""The database's edges: a read-only file still answers, a full disk ends a command with one line, and
user ids are kept only as HMACs under the installation's secret."""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from index.store import USER_SECRET_ENV, Store
from tests.conftest import ADGANG, EVT, VAGT, minutes
from tests.release_db import sql_dump
from tests.web_helpers import free_port, ingest_texts, wait_for_server

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "hvad blev besluttet om adgangskontrol"


# ---- user ids: HMAC under a per-installation secret ---------------------------------------------


def stored_hashes(store: Store) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT user_hash FROM feedback ORDER BY id")]


def test_user_ids_are_kept_as_hmac_under_a_secret_generated_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(USER_SECRET_ENV, raising=False)
    store = Store(tmp_path / "a.db")
    assert store.meta("user_secret") is None  # made when first needed
    store.add_feedback("slack", "q", ["x#1"], 1, "U0ALICE")
    secret = store.meta("user_secret")
    assert secret and len(secret) == 64
    expected = hmac.new(secret.encode(), b"U0ALICE", hashlib.sha256).hexdigest()
    assert stored_hashes(store) == [expected]
    assert hashlib.sha256(b"U0ALICE").hexdigest() != expected
    store.close()

    again = Store(tmp_path / "a.db")  # the same installation keeps its secret: votes stay linkable
    again.add_feedback("teams", "q", [], -1, "U0ALICE")
    assert again.meta("user_secret") == secret and stored_hashes(again) == [expected, expected]
    dump = sql_dump(again.conn)
    assert "U0ALICE" not in dump
    again.close()

    other = Store(tmp_path / "b.db")  # another installation: the same person hashes differently
    assert other.user_hash("U0ALICE") != expected
    other.close()


def test_the_secret_from_the_environment_wins_and_is_not_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(USER_SECRET_ENV, "env-secret-for-the-test")
    store = Store(tmp_path / "env.db")
    store.add_feedback("slack", "q", [], 1, "U0BOB")
    assert stored_hashes(store) == [hmac.new(b"env-secret-for-the-test", b"U0BOB", hashlib.sha256).hexdigest()]
    assert store.meta("user_secret") is None
    assert "env-secret-for-the-test" not in sql_dump(store.conn)
    store.close()


def test_there_is_one_user_hash_function() -> None:
    found = [
        path.relative_to(ROOT).as_posix()
        for folder in ("bot", "index")
        for path in (ROOT / folder).rglob("*.py")
        if "def user_hash" in path.read_text(encoding="utf-8")
    ]
    assert found == ["index/store.py"]


# ---- a read-only database serves reads -----------------------------------------------------------


def _unprivileged() -> list[str]:
    """A prefix that makes the command respect file modes: root normally writes read-only files anyway."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("running as root without setpriv: a read-only file cannot be simulated")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "REFERENT_CONFIG": str(tmp_path / "none.toml")}


def referent(tmp_path: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*_unprivileged(), sys.executable, "-c", "from bot.cli import main; main()", *args],
        cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


@pytest.fixture(params=["folder read-only", "file read-only"])
def readonly_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "referent.db"
    store = Store(path)
    ingest_texts(store, minutes("Chefforum", "15-11-2017", [ADGANG, VAGT]))
    store.close()  # the last connection checkpoints and removes the -wal and -shm files
    assert sorted(p.name for p in folder.iterdir()) == ["referent.db"]
    path.chmod(0o444)
    if request.param == "folder read-only":
        folder.chmod(0o555)  # no -shm can be made beside it
    yield path
    folder.chmod(0o755)
    path.chmod(0o644)


def test_ask_reads_a_read_only_database(readonly_db: Path, tmp_path: Path) -> None:
    proc = referent(tmp_path, "ask", QUESTION, "--db", str(readonly_db), "--json")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert '"no_answer": false' in proc.stdout and "adgangskontrol" in proc.stdout.lower()


def test_writing_to_a_read_only_database_is_one_line(readonly_db: Path, tmp_path: Path, tiny_minutes: str) -> None:
    source = tmp_path / "new.txt"
    source.write_text(minutes("Økonomiudvalget", "10-01-2018", [EVT]), encoding="utf-8")
    proc = referent(tmp_path, "ingest", str(source), "--db", str(readonly_db))
    assert proc.returncode == 1
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    assert lines == [
        f"Error: database {readonly_db} is read-only (attempt to write a readonly database); this command "
        "writes, so it needs write access to the file and its folder"
    ]


def test_serve_answers_from_a_read_only_database(readonly_db: Path, tmp_path: Path) -> None:
    import httpx

    port = free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in _env(tmp_path).items() if k != "REFERENT_WEB_TOKEN"}
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "CLIENT_ID", "CLIENT_SECRET", "TENANT_ID"):
        env.pop(name, None)
    command = [*_unprivileged(), sys.executable, "-c", "from bot.cli import main; main()",
               "serve", "--db", str(readonly_db), "--port", str(port)]  # fmt: skip
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            health = wait_for_server(base, proc, log, seconds=30, healthy=False)
            assert health.status_code == 200 and health.json()["meetings"] == 1
            r = httpx.get(f"{base}/api/ask", params={"q": QUESTION}, timeout=20)
            assert r.status_code == 200 and r.json()["answers"], r.text
        finally:
            proc.terminate()
            proc.wait(10)
    assert "Traceback" not in log.read_text()


def test_a_read_only_database_with_unfinished_writes_is_refused_clearly(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "referent.db"
    writer = Store(path)
    ingest_texts(writer, minutes("Chefforum", "15-11-2017", [ADGANG]))
    copy = tmp_path / "copy"
    # A snapshot taken while the writer is open: the -wal beside it holds pages the file lacks.
    shutil.copytree(folder, copy)
    writer.close()
    (copy / "referent.db-shm").unlink()
    copy.chmod(0o555)
    try:
        proc = referent(tmp_path, "ask", QUESTION, "--db", str(copy / "referent.db"))
    finally:
        copy.chmod(0o755)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "unfinished writes in referent.db-wal" in proc.stderr


# ---- a full disk ---------------------------------------------------------------------------------


def test_a_full_disk_ends_ingest_with_one_line_and_a_consistent_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "minutes"
    folder.mkdir()
    filler = "Udvalget drøftede sagen grundigt og noterede sig orienteringen. " * 400
    for n in range(1, 6):
        text = minutes("Chefforum", f"{n:02d}-03-2024", [ADGANG, VAGT.replace("sommeren", f"sommeren {filler}")])
        (folder / f"cf-{n}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "full.db"
    Store(db).close()

    def small_store(_db: str | None) -> Store:
        # SQLITE_FULL as a full disk gives it: the database may grow by a few pages, then no more.
        store = Store(db)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 40}")
        return store

    monkeypatch.setattr("bot.cli._store", small_store)
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db)])

    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"Error: database {db}: the disk"), result.output
    assert "database or disk is full" in lines[0] and "Traceback" not in result.output
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = check.execute("SELECT id, item_count FROM meetings").fetchall()
    for mid, count in stored:  # whatever was stored is whole
        assert check.execute("SELECT count(*) FROM items WHERE meeting_id = ?", (mid,)).fetchone()[0] == count
    assert len(stored) < 5
    check.close()
