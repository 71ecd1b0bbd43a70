"""Every form of closed item (tests/closed_forms.py) in text, PDF and HTML: read right, stored as title and
public decision line only, and shown nowhere beyond them.

The checks run on the readers' output, on the raw bytes of the database file and its WAL (every table,
free pages included), and on every output: the answer JSON, `referent ask`/`show`, the web meeting pages,
`/`, `/search` and `/api/ask`, the Slack and Teams renderers, and the digest. test_access.py runs the same
kind of checks through the Slack and Teams transports for the standard form.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from bot.cli import main
from bot.render.slack import answer_blocks
from bot.render.teams import answer_card
from bot.render.text import render_answer
from bot.web import create_app
from index.answer import answer
from index.backup import backup
from index.config import Config
from index.model import DECISION, Section
from index.readers import read_bytes
from index.store import Store
from tests import closed_forms as cf
from tests.release_db import sql_dump

CFG = Config(public_url="http://referent.test")


def raw_bytes(db: Path) -> bytes:
    """The database file and whatever its WAL still holds, as on disk."""
    return b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal")) if p.exists())


def shown(text: str) -> list[str]:
    return [w for w in cf.every_secret() if w in text]


# ---- the readers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "k", "fmt"), cf.all_minutes(), ids=[m[0] for m in cf.all_minutes()])
def test_reader_keeps_title_and_decision_line_only(name: str, data: bytes, k: int, fmt: str) -> None:
    meeting = read_bytes(data, name)
    numbers = cf.FORMS[k].numbers if fmt != "html" else (1, 2, 3)
    assert [i.number for i in meeting.items] == list(numbers), name  # the boundaries held
    before, closed, after = meeting.items
    title = cf.FORMS[k].title if fmt != "html" else cf.HTML_FORMS[k][4]
    assert (closed.closed, closed.title, closed.title_raw, closed.case_number) == (True, title, title, None)
    assert closed.sections == [Section("Beslutning", DECISION, cf.decision_line(k, fmt))]
    assert closed.attachments == []
    assert not before.closed and before.decision.startswith("Budgettet")
    assert not after.closed and after.decision == "Chefforum drøftede sommerens vagtplan."
    assert shown(repr(meeting)) == []


def test_a_punkt_line_inside_a_closed_item_is_reported() -> None:
    meeting = read_bytes(cf.text_minutes(0), "x.txt")
    assert any("'Punkt 9' line inside it was kept as closed text" in w for w in meeting.warnings)


def test_the_public_lukket_item_stays_public() -> None:
    (item,) = read_bytes(cf.public_item_minutes(), "x.txt").items
    assert not item.closed and item.title == cf.PUBLIC_TITLE and item.case_number == "27.12.00-A00-5-24"
    assert item.decision == cf.PUBLIC_DECISION and "vandskade" in item.sections[0].text


# ---- one store holding every case ------------------------------------------------------------------


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Every case written to files and ingested with `referent ingest`; returns the database and the report."""
    folder = tmp_path_factory.mktemp("forms")
    for name, data, _, _ in cf.all_minutes():
        (folder / name).write_bytes(data)
    (folder / "public.txt").write_bytes(cf.public_item_minutes())
    db = folder / "closed.db"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db, result.output


@pytest.fixture
def store(ingested: tuple[Path, str]) -> Iterator[Store]:
    s = Store(ingested[0])
    yield s
    s.close()


QUESTIONS = [
    *(" ".join(cf.secrets(k, fmt)) for _, _, k, fmt in cf.all_minutes()),
    *(f"hvad blev besluttet om {w}" for w in cf.every_secret()[::5]),
    "hvad blev besluttet om personalesag",
    "ejendomshandel",
    "hvem fik en påtale",
    "hvad skete der med klagen",
    "77.00.0t-A00-9-21",
]


def test_ingest_report_names_the_doubts(ingested: tuple[Path, str]) -> None:
    db, output = ingested
    assert "kept as closed text" in output and shown(output) == []


def test_no_closed_text_in_the_database_file(ingested: tuple[Path, str]) -> None:
    db, _ = ingested
    store = Store(db)
    try:
        rows = store.conn.execute("SELECT count(*), sum(closed) FROM items").fetchone()
        assert tuple(rows) == (3 * len(cf.all_minutes()) + 1, len(cf.all_minutes()))
        vocab = {r[0] for r in store.conn.execute("SELECT term FROM items_vocab")}
        vocab |= {r[0] for r in store.conn.execute("SELECT term FROM term_df")}
        assert not [w for w in cf.every_secret() if w.lower() in vocab]
        assert "zq" not in " ".join(r[0] for r in store.conn.execute("SELECT parts FROM items"))
        dump = sql_dump(store.conn)
        assert shown(dump) == []
        # the control: the public lines are stored, so a search of the file would find text that is there
        assert cf.decision_line(3, "pdf") in dump and cf.PUBLIC_DECISION in dump
    finally:
        store.close()
    raw = raw_bytes(db)
    assert cf.leaked(raw, cf.every_secret()) == []
    assert cf.decision_line(3, "pdf").encode() in raw


def _all_outputs(store: Store, question: str) -> str:
    ans = answer(store, question, access=None, cfg=CFG, limit=10)
    data = ans.to_dict()
    data.pop("question"), data.pop("filters")  # the user's own words, case numbers included
    parts = [json.dumps(data, ensure_ascii=False), render_answer(dataclasses.replace(ans, question=""))]
    parts.append(json.dumps(answer_blocks(ans, question="")[1], ensure_ascii=False))
    card = answer_card(ans, question="")
    for action in card.get("actions", []):
        action.get("data", {}).pop("question", None)
    parts.append(json.dumps(card, ensure_ascii=False))
    return "\n".join(parts)


def test_answers_slack_and_teams_show_no_closed_text(store: Store) -> None:
    for question in QUESTIONS:
        assert shown(_all_outputs(store, question)) == [], question


def test_closed_items_are_found_by_title_and_public_line(store: Store) -> None:
    ans = answer(store, "voldgiftssag", access=None, cfg=CFG, limit=5)
    hit = next(h for h in ans.answers + ans.suggestions if h.item.title == "Voldgiftssag")
    assert hit.item.closed and hit.item.case_number is None
    fmt = "text" if hit.meeting.date.startswith("2019") else "pdf"  # the dates of meeting_date()
    assert all(q.text == cf.decision_line(10, fmt) for q in hit.quotes)


def test_the_public_lukket_item_is_found_with_its_text(store: Store) -> None:
    ans = answer(store, "hvad blev besluttet om lukket afdeling på egely plejecenter", access=None, cfg=CFG)
    assert not ans.no_answer and ans.answers[0].item.title == cf.PUBLIC_TITLE
    assert not ans.answers[0].item.closed and ans.answers[0].item.case_number == "27.12.00-A00-5-24"
    assert any(cf.PUBLIC_DECISION in q.text for q in ans.answers[0].quotes)


def test_cli_ask_and_show(ingested: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db, _ = ingested
    monkeypatch.setenv("REFERENT_CONFIG", str(tmp_path / "none.toml"))
    runner = CliRunner()
    result = runner.invoke(main, ["ask", "-", "--db", str(db), "--json"], input="\n".join(QUESTIONS))
    assert result.exit_code == 0, result.output
    for line in result.output.splitlines():
        data = json.loads(line)
        data.pop("question"), data.pop("filters")
        assert shown(json.dumps(data, ensure_ascii=False)) == []
    text = runner.invoke(main, ["ask", QUESTIONS[0], "--db", str(db)])
    assert text.exit_code == 0 and shown(text.output.replace(QUESTIONS[0], "")) == []
    for _, _, k, fmt in cf.all_minutes():
        mid = cf.meeting_id(k, fmt)
        for args in (["show", mid], ["show", mid, "--json"], ["show", mid, "--item", "2"]):
            out = runner.invoke(main, [*args, "--db", str(db)])
            assert out.exit_code == 0, out.output
            assert shown(out.output) == [], (mid, args)
            assert cf.decision_line(k, fmt) in out.output
    public = runner.invoke(main, ["show", "chefforum-2024-03-04", "--db", str(db)])
    assert "vandskade" in public.output and cf.PUBLIC_DECISION in public.output


def test_web_pages_and_api(store: Store) -> None:
    web = TestClient(create_app(store, CFG, token=None))
    for _, _, k, fmt in cf.all_minutes():
        page = web.get(f"/m/{cf.meeting_id(k, fmt)}")
        assert page.status_code == 200
        assert shown(page.text) == [], (k, fmt)
        assert cf.decision_line(k, fmt) in page.text and "Lukket punkt" in page.text
    for question in QUESTIONS:
        for path in ("/", "/search"):
            text = web.get(path, params={"q": question}).text.replace(question, "")
            assert shown(text) == [], (path, question)
        data = web.get("/api/ask", params={"q": question}).json()
        data.pop("question"), data.pop("filters")
        assert shown(json.dumps(data, ensure_ascii=False)) == [], question
    assert "vandskade" in web.get("/m/chefforum-2024-03-04").text


def test_digest_shows_closed_items_by_their_public_line(store: Store) -> None:
    digest = pytest.importorskip("bot.digest")
    since = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    texts = []
    for spec, mode in [("slack:C1", "slack"), ("teams:19:x", "teams"), ("slack:C1", "stdout")]:
        result = digest.run_digest(store, CFG, digest.Target.parse(spec), post=mode, since=since, dry_run=True)
        texts.append(json.dumps(result.payloads, ensure_ascii=False))
    for text in texts:
        assert shown(text) == []
    assert cf.decision_line(2, "html") in texts[2]


# ---- corrections: open, then closed --------------------------------------------------------------


def _open_version(k: int) -> bytes:
    """Form k's minutes as first published, with the item open (its heading without the marker)."""
    lines = cf.text_lines(k, "text")
    at = lines.index(cf.FORMS[k].heading[0].format(n=2))
    lines[at] = "Punkt 2: Personaleforhold"
    return ("\n".join(lines) + "\n").encode()


def test_a_correction_to_closed_leaves_nothing_in_file_revisions_or_backups(tmp_path: Path) -> None:
    db = tmp_path / "corrected.db"
    store = Store(db)
    try:
        first = store.ingest(read_bytes(_open_version(0), "v1.txt"))
        store.refresh_vocab()
        assert (
            first.status == "added"
            and cf.marker(0, "text", "sag") in store.load_meeting(first.meeting_id).items[1].sections[1].text
        )
        # an ordinary correction first: its deletes must not leave the open text behind either
        store.ingest(read_bytes(_open_version(0).replace(b"hendes leder", b"hendes chef"), "v2.txt"))
        store.refresh_vocab()
        result = store.ingest(read_bytes(cf.text_minutes(0), "v3.txt"))
        assert (result.status, result.revision) == ("updated", 2)
        assert any("made text closed" in w for w in result.warnings)
        revisions = [r["old_content"] for r in store.revisions(result.meeting_id)]
        assert len(revisions) == 2 and all(shown(r) == [] for r in revisions)
        assert all("Personaleforhold" not in r or '"closed": true' in r for r in revisions)
        assert store.load_meeting(result.meeting_id).items[1].sections == [
            Section("Beslutning", DECISION, cf.decision_line(0, "text"))
        ]
        store.conn.execute("INSERT INTO items_fts(items_fts) VALUES('integrity-check')")
        copy = tmp_path / "backup.db"
        backup(db, copy)
    finally:
        store.close()
    words = cf.secrets(0, "text")
    assert cf.leaked(raw_bytes(db), words) == []
    assert cf.leaked(copy.read_bytes(), words) == []


def test_the_purge_is_what_removes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The control for the test above: without the purge the corrected text stays in the file."""
    monkeypatch.setattr(Store, "purge", lambda self: None)
    db = tmp_path / "unpurged.db"
    store = Store(db)
    try:
        store.ingest(read_bytes(_open_version(0), "v1.txt"))
        store.ingest(read_bytes(cf.text_minutes(0), "v2.txt"))
    finally:
        store.close()
    assert cf.leaked(raw_bytes(db), cf.secrets(0, "text"))


def test_an_older_database_is_cut_down_when_opened(tmp_path: Path) -> None:
    """m004: closed items stored with case number, body and attachments by an older version, and a
    revision holding them, keep only the public parts, and the file no longer holds the rest."""
    db = tmp_path / "legacy.db"
    store = Store(db)
    mid = store.ingest(read_bytes(_open_version(1), "v1.txt")).meeting_id
    store.ingest(read_bytes(_open_version(1).replace(b"hendes leder", b"hendes chef"), "v2.txt"))
    store.close()
    # What an older version left: item 2 marked closed with everything kept, in the items and a revision.
    conn = sqlite3.connect(db)
    conn.execute("UPDATE items SET closed = 1 WHERE number = 2")
    (content,) = conn.execute("SELECT old_content FROM revisions").fetchone()
    old = json.loads(content)
    old["items"][1]["closed"] = True
    conn.execute("UPDATE revisions SET old_content = ?", (json.dumps(old, ensure_ascii=False),))
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_closed_items_public_only'")
    conn.commit()
    conn.close()
    assert cf.leaked(raw_bytes(db), cf.secrets(1, "text"))  # the control

    store = Store(db)
    try:
        item = store.load_meeting(mid).items[1]
        assert item.closed and item.case_number is None and item.attachments == []
        assert item.sections == [Section("Beslutning", DECISION, cf.decision_line(1, "text"))]
        assert shown(store.revisions(mid)[0]["old_content"]) == []
        assert store.meta("purge") is None
        store.conn.execute("INSERT INTO items_fts(items_fts) VALUES('integrity-check')")
    finally:
        store.close()
    assert cf.leaked(raw_bytes(db), cf.secrets(1, "text")) == []
