import dataclasses

from index.readers import read_bytes
from index.store import Store, content_hash, meeting_id
from tests.release_db import sql_dump


def _meeting(text: str):
    return read_bytes(text.encode(), "x.txt")


def test_ids_are_deterministic(tiny_minutes: str) -> None:
    m = _meeting(tiny_minutes)
    assert meeting_id(m) == "chefforum-2017-11-15"
    assert content_hash(m) == content_hash(_meeting(tiny_minutes))
    assert content_hash(m) == content_hash(read_bytes(tiny_minutes.encode("cp1252"), "other-name.txt"))


def test_ingest_is_idempotent_and_corrections_leave_a_revision(store: Store, tiny_minutes: str) -> None:
    first = store.ingest(_meeting(tiny_minutes))
    assert (first.status, first.items) == ("added", 4)
    assert store.ingest(_meeting(tiny_minutes)).status == "unchanged"
    corrected = _meeting(tiny_minutes.replace("uge 29", "uge 30"))
    result = store.ingest(corrected)
    assert (result.status, result.revision) == ("updated", 1)
    revisions = store.revisions("chefforum-2017-11-15")
    assert len(revisions) == 1 and "uge 29" in revisions[0]["old_content"]
    assert "uge 30" in store.load_meeting("chefforum-2017-11-15").items[1].decision
    assert store.conn.execute("SELECT count(*) FROM items").fetchone()[0] == 4
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.conn.execute("INSERT INTO items_fts(items_fts) VALUES('integrity-check')")
    hits = store.conn.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH '\"30\"'").fetchall()
    assert len(hits) == 1


def test_closed_item_discussion_is_never_stored(store: Store, tiny_minutes: str) -> None:
    store.ingest(_meeting(tiny_minutes))
    dump = sql_dump(store.conn)
    assert "Fortroligt" not in dump and "advarsel" not in dump
    closed = store.load_meeting("chefforum-2017-11-15").items[2]
    assert closed.closed and [s.text for s in closed.sections] == ["Indstillingen blev godkendt."]


def test_reindex_after_analyzer_change(tmp_path, tiny_minutes: str) -> None:
    path = tmp_path / "r.db"
    s = Store(path)
    s.ingest(_meeting(tiny_minutes))
    s.set_meta("analyzer", "something-else")
    s.close()
    s = Store(path)  # a changed fingerprint rebuilds the index instead of corrupting deletes
    s.conn.execute("INSERT INTO items_fts(items_fts) VALUES('integrity-check')")
    s.ingest(_meeting(tiny_minutes.replace("uge 29", "uge 31")))
    s.conn.execute("INSERT INTO items_fts(items_fts) VALUES('integrity-check')")
    assert s.meta("analyzer") == s.analyzer.fingerprint


def test_a_long_rebuild_says_why_the_store_waits(tmp_path, tiny_minutes: str, monkeypatch, caplog) -> None:
    import logging

    import index.store as store_module

    s = Store(tmp_path / "r.db")
    s.ingest(_meeting(tiny_minutes))
    monkeypatch.setattr(store_module, "REINDEX_NOTICE_ITEMS", 1)
    with caplog.at_level(logging.INFO, logger="index.store"):
        n = s.reindex()
    said = [r.getMessage() for r in caplog.records if r.name == "index.store"]
    assert n >= 1 and any(f"of {n} items" in m for m in said) and any("rebuilt in" in m for m in said)


def test_wal_and_migrations(store: Store) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = {t for t in store.db.table_names()}
    assert {"sources", "meetings", "items", "sections", "attachments", "revisions", "feedback"} <= names


def test_failed_ingest_leaves_no_half_meeting(store: Store, tiny_minutes: str, monkeypatch) -> None:
    m = _meeting(tiny_minutes)
    broken = dataclasses.replace(m, items=[*m.items, m.items[0]])  # duplicate item number violates UNIQUE
    try:
        store.ingest(broken)
    except Exception:
        pass
    assert store.conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM items").fetchone()[0] == 0
    assert store.ingest(m).status == "added"


def test_content_hash_data_is_asdicts_data(tiny_minutes: str) -> None:
    """Meeting.to_dict walks the dataclasses itself (asdict was a tenth of an ingest): the same data, so the
    content hash of unchanged minutes stays what earlier releases stored."""
    from dataclasses import asdict

    from index.readers import read_bytes

    meeting = read_bytes(tiny_minutes.encode(), "cf.txt")
    expected = asdict(meeting)
    expected["date"] = meeting.date.isoformat()
    expected.pop("warnings")
    assert meeting.to_dict() == expected
