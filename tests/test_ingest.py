import json
import os
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from index.ingest import ingest_paths
from index.store import Store
from tests.conftest import REAL, SEEDS, needs_shared


def _folder(tmp_path: Path, tiny_minutes: str) -> Path:
    src = tmp_path / "minutes"
    (src / "sub").mkdir(parents=True)
    (src / "good.txt").write_text(tiny_minutes, encoding="utf-8")
    (src / "sub" / "cp1252.txt").write_bytes(tiny_minutes.replace("15-11-2017", "16-11-2017").encode("cp1252"))
    (src / "sub" / "utf16.txt").write_bytes(tiny_minutes.replace("15-11-2017", "17-11-2017").encode("utf-16"))
    (src / "copy-of-good.txt").write_text(tiny_minutes, encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "notes.txt").write_text("Husk at købe kaffe.\n", encoding="utf-8")
    (src / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage")
    os.symlink(src / "missing.txt", src / "dangling.txt")
    (src / "ignored.docx").write_bytes(b"PK")
    return src


def test_folder_with_bad_files_stores_the_good_ones(tmp_path: Path, store: Store, tiny_minutes: str) -> None:
    report = ingest_paths(store, [_folder(tmp_path, tiny_minutes)])
    status = {Path(f.path).name: f.status for f in report.files}
    assert status["cp1252.txt"] == "added" and status["utf16.txt"] == "added"
    # the same minutes under another file name: stored once (folders are read in sorted order)
    assert (status["copy-of-good.txt"], status["good.txt"]) == ("added", "duplicate")
    reasons = {Path(f.path).name: f.reason for f in report.failed}
    assert reasons["empty.txt"] == "empty file"
    assert "PDF" in reasons["broken.pdf"]
    assert reasons["dangling.txt"].startswith("cannot read file")
    # a file in no minutes format is listed as skipped with its reason: not read, and not an error
    # and so is a readable file that is not minutes at all (a note, a README beside the minutes)
    skipped = {Path(f.path).name: f.reason for f in report.skipped}
    assert set(skipped) == {"ignored.docx", "notes.txt"}
    assert skipped["ignored.docx"].startswith("not a minutes format ('.docx'")
    assert skipped["notes.txt"].startswith("not minutes")
    assert all(f.status != "skipped" for f in report.failed)
    assert store.conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == 3
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = ingest_paths(store, [tmp_path / "minutes"])
    assert {f.status for f in again.files if f.status != "failed"} <= {"unchanged", "duplicate", "skipped"}


def test_cli_ingest_meetings_show_and_exit_codes(tmp_path: Path, tiny_minutes: str) -> None:
    db = str(tmp_path / "cli.db")
    good = tmp_path / "good.txt"
    good.write_text(tiny_minutes, encoding="utf-8")
    runner = CliRunner()
    ok = runner.invoke(main, ["ingest", str(good), "--db", db, "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["added"] == 1
    bad = tmp_path / "bad.txt"  # agenda items without the title line: broken minutes fail
    bad.write_text("Punkt 1: Adgangskontrol\n\nBeslutning\n\nGodkendt.\n", encoding="utf-8")
    partial = runner.invoke(main, ["ingest", str(good), str(bad), "--db", db])
    assert partial.exit_code == 1 and "bad.txt" in partial.output
    assert "minutes without a title line" in " ".join(partial.output.split())  # rich wraps long lines
    note = tmp_path / "README.md"  # not minutes at all: listed as skipped with the reason, no failure
    note.write_text("# Om mappen\n\nHer ligger referaterne.\n", encoding="utf-8")
    skipped = runner.invoke(main, ["ingest", str(good), str(note), "--db", db])
    assert skipped.exit_code == 0 and "README.md" in skipped.output and "not minutes" in skipped.output
    assert runner.invoke(main, ["ingest", str(tmp_path / "nope"), "--db", db]).exit_code == 2
    listed = json.loads(runner.invoke(main, ["meetings", "--db", db, "--json"]).stdout)
    assert listed == [{"id": "chefforum-2017-11-15", "forum": "Chefforum", "date": "2017-11-15", "items": 4,
                       "source": str(good)}]  # fmt: skip
    shown = runner.invoke(main, ["show", "chefforum-2017-11-15", "--item", "2", "--db", db])
    assert "Marie Guldborg tager bagvagten i uge 29." in shown.output
    assert runner.invoke(main, ["show", "nope", "--db", db]).exit_code == 1


def test_db_from_environment(tmp_path: Path, tiny_minutes: str, monkeypatch) -> None:
    good = tmp_path / "good.txt"
    good.write_text(tiny_minutes, encoding="utf-8")
    monkeypatch.setenv("REFERENT_DB", str(tmp_path / "env.db"))
    assert CliRunner().invoke(main, ["ingest", str(good)]).exit_code == 0
    assert (tmp_path / "env.db").exists()


@needs_shared
def test_seeds_and_real_minutes(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.db")
    report = ingest_paths(store, [SEEDS, REAL])
    assert not report.failed, [(f.path, f.reason) for f in report.failed]
    counts = {r["id"]: r["item_count"] for r in store.meetings()}
    assert sorted(counts.values()) == sorted([8, 9, 10, 9, 7, 21, 6])
    for row in store.conn.execute("SELECT id, closed FROM items"):
        item = store.item_from_row(store.conn.execute("SELECT * FROM items WHERE id = ?", (row["id"],)).fetchone())
        assert item.decision.strip() or item.closed or row["id"].startswith("chefforum-2021-05-27#4"), row["id"]
    assert all(f.status in ("unchanged", "duplicate") for f in ingest_paths(store, [SEEDS, REAL]).files)


def test_report_lists_skipped_files_and_items_without_text(tmp_path: Path) -> None:
    from tests.firstagenda_fixtures import PUBLIC_HTML, dump, item, meeting

    src = tmp_path / "portal"
    src.mkdir()
    empty = "<div><div id='sagsfremstillingContainer'>\r\n\r\n\r\n</div></div>"
    obj = meeting([item(1, "Budget", PUBLIC_HTML), item(2, "Spørgsmål", empty, bilag=3), item(3, "Orientering", empty)])
    (src / "moede.json").write_bytes(dump(obj))
    (src / "notat.docx").write_bytes(b"PK")
    runner = CliRunner()
    db = str(tmp_path / "r.db")
    result = runner.invoke(main, ["ingest", str(src), "--db", db, "--json"])
    assert result.exit_code == 0, result.output  # a skipped file is no failure
    summary = json.loads(result.stdout)
    assert (summary["added"], summary["skipped"], summary["items_without_text"]) == (1, 1, 2)
    files = {Path(f["path"]).name: f for f in summary["files"]}
    assert files["notat.docx"]["status"] == "skipped" and "'.docx'" in files["notat.docx"]["reason"]
    assert files["moede.json"]["warnings"] == [
        "1 of 3 items have no text (their text is only in attachments, which are not read): punkt 2",
        "1 of 3 items have no text (layout not recognised): punkt 3",
    ]
    text = runner.invoke(main, ["ingest", str(src), "--db", str(tmp_path / "s.db")])
    assert "3 items stored (2 without text)" in text.output and "1 skipped" in text.output
    assert "skipped" in text.output and "notat.docx" in text.output


def _stored(store: Store) -> list[tuple]:
    """What a store holds, as comparable rows: items with their index columns, passages and word counts."""
    rows = store.conn.execute("SELECT m.forum, m.date, i.number, i.title, i.closed, i.parts FROM items i "
                              "JOIN meetings m ON m.id = i.meeting_id ORDER BY m.date, i.number").fetchall()  # fmt: skip
    blobs = store.conn.execute("SELECT data FROM item_passages ORDER BY rowid").fetchall()
    words = store.conn.execute("SELECT term, doc FROM term_df ORDER BY term").fetchall()
    return [tuple(r) for r in rows] + [tuple(b) for b in blobs] + [tuple(w) for w in words]


def test_workers_read_ahead_and_the_store_is_the_serial_runs(tmp_path: Path, tiny_minutes: str, monkeypatch) -> None:
    import index.ingest as ingest

    monkeypatch.setattr(ingest, "PARALLEL_MIN_FILES", 0)
    src = _folder(tmp_path, tiny_minutes)
    serial, parallel = Store(tmp_path / "serial.db"), Store(tmp_path / "parallel.db")
    one = ingest_paths(serial, [src], workers=0)
    two = ingest_paths(parallel, [src], workers=1)
    assert [(f.path, f.status, f.reason, f.items) for f in two.files] == [
        (f.path, f.status, f.reason, f.items) for f in one.files
    ]
    assert _stored(parallel) == _stored(serial)
    # the closed item is stored as the serial run stores it: its title and public decision line only
    assert parallel.conn.execute("SELECT count(*) FROM items WHERE closed = 1").fetchone()[0] == 3
    again = ingest_paths(parallel, [src], workers=1)
    assert {f.status for f in again.files if f.status != "failed"} <= {"unchanged", "duplicate", "skipped"}


def test_when_the_workers_fail_the_files_are_read_here(tmp_path: Path, tiny_minutes: str, monkeypatch) -> None:
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    import index.ingest as ingest

    class DeadPool:  # workers that die: the first file's result breaks, the next cannot be sent
        def __init__(self, *args, **kwargs) -> None:
            self.sent = 0

        def __enter__(self) -> "DeadPool":
            return self

        def __exit__(self, *exc) -> None:
            return None

        def submit(self, *args) -> Future:
            self.sent += 1
            if self.sent > 1:
                raise BrokenProcessPool("a child process terminated abruptly")
            future: Future = Future()
            future.set_exception(BrokenProcessPool("a child process terminated abruptly"))
            return future

    monkeypatch.setattr(ingest, "PARALLEL_MIN_FILES", 0)
    monkeypatch.setattr(ingest, "ProcessPoolExecutor", DeadPool)
    src = _folder(tmp_path, tiny_minutes)
    serial, parallel = Store(tmp_path / "serial.db"), Store(tmp_path / "parallel.db")
    one = ingest_paths(serial, [src], workers=0)
    two = ingest_paths(parallel, [src], workers=2)
    assert [(f.path, f.status) for f in two.files] == [(f.path, f.status) for f in one.files]
    assert _stored(parallel) == _stored(serial)


def test_a_machine_without_process_pools_ingests_in_this_process(
    tmp_path: Path, tiny_minutes: str, monkeypatch
) -> None:
    import index.ingest as ingest

    def no_pool(*args, **kwargs):
        raise OSError("This platform lacks a functioning sem_open implementation")

    monkeypatch.setattr(ingest, "PARALLEL_MIN_FILES", 0)
    monkeypatch.setattr(ingest, "ProcessPoolExecutor", no_pool)
    store = Store(tmp_path / "s.db")
    report = ingest_paths(store, [_folder(tmp_path, tiny_minutes)], workers=2)
    assert report.count("added") == 3 and store.conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == 3
