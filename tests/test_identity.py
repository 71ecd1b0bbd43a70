"""Meeting identity: (municipality, forum, date, start time or the source's meeting id). Two different meetings
are never merged; a correction (same source id, same file, same agenda) is one meeting with a revision."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from bot.render.card import card
from index.answer import answer
from index.ingest import ingest_paths
from index.readers import read_bytes
from index.store import Store, migrations
from tests.conftest import ADGANG, EVT, LUKKET, VAGT, minutes
from tests.firstagenda_fixtures import FIRSTAGENDA, PUBLIC_HTML, dump, item, meeting

OTHER = """Punkt 1: CF - Ekstra budgetmøde

00.01.00-A00-9-17

Beslutning

Budgettet blev drøftet."""


def _count(store: Store, table: str) -> int:
    return store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_two_meetings_of_one_forum_and_day_are_kept_apart(tmp_path: Path, store: Store) -> None:
    src = tmp_path / "minutes"
    src.mkdir()
    morning = minutes("Chefforum", "15-11-2017", [ADGANG, VAGT])
    afternoon = minutes("Chefforum", "15-11-2017", [OTHER]).replace("kl. 09:00", "kl. 14:00")
    (src / "a.txt").write_text(morning, encoding="utf-8")
    (src / "b.txt").write_text(afternoon, encoding="utf-8")
    report = ingest_paths(store, [src])
    assert [f.status for f in report.files] == ["added", "added"]
    ids = [r["id"] for r in store.meetings()]
    assert ids == ["chefforum-2017-11-15", "chefforum-2017-11-15-1400"]
    assert _count(store, "items") == 3


def test_same_time_but_another_agenda_is_a_second_meeting_with_a_note(tmp_path: Path, store: Store) -> None:
    src = tmp_path / "minutes"
    src.mkdir()
    (src / "a.txt").write_text(minutes("Chefforum", "15-11-2017", [ADGANG, VAGT]), encoding="utf-8")
    (src / "b.txt").write_text(minutes("Chefforum", "15-11-2017", [OTHER]), encoding="utf-8")
    report = ingest_paths(store, [src])
    assert [f.status for f in report.files] == ["added", "added"]
    assert "another agenda" in report.files[1].warnings[0]
    assert [r["id"] for r in store.meetings()] == ["chefforum-2017-11-15", "chefforum-2017-11-15-0900"]


def test_same_minutes_renamed_or_corrected_are_one_meeting(tmp_path: Path, store: Store) -> None:
    text = minutes("Chefforum", "15-11-2017", [ADGANG, VAGT, LUKKET, EVT])
    (tmp_path / "referat.txt").write_text(text, encoding="utf-8")
    ingest_paths(store, [tmp_path / "referat.txt"])
    (tmp_path / "referat-kopi.txt").write_bytes(text.encode("cp1252"))  # other bytes, same minutes
    renamed = ingest_paths(store, [tmp_path / "referat-kopi.txt"])
    assert renamed.files[0].status == "unchanged"
    # a corrected copy under a third name: the same agenda, so a new version of the same meeting
    (tmp_path / "referat-rettet.txt").write_text(text.replace("uge 29", "uge 30"), encoding="utf-8")
    corrected = ingest_paths(store, [tmp_path / "referat-rettet.txt"])
    assert (corrected.files[0].status, corrected.files[0].meeting_id) == ("updated", "chefforum-2017-11-15")
    assert _count(store, "meetings") == 1 and len(store.revisions("chefforum-2017-11-15")) == 1


def test_agenda_then_minutes_of_the_same_meeting_update_it(tmp_path: Path, store: Store) -> None:
    agenda = minutes("Chefforum", "15-11-2017", [ADGANG, VAGT]).replace("REFERAT", "DAGSORDEN")
    agenda = agenda.replace("Chefforum besluttede at der benyttes ID-kort", "").replace(
        "Marie Guldborg tager bagvagten i uge 29.", ""
    )
    (tmp_path / "dagsorden.txt").write_text(agenda, encoding="utf-8")
    (tmp_path / "referat.txt").write_text(minutes("Chefforum", "15-11-2017", [ADGANG, VAGT]), encoding="utf-8")
    ingest_paths(store, [tmp_path / "dagsorden.txt"])
    report = ingest_paths(store, [tmp_path / "referat.txt"])
    assert report.files[0].status == "updated"
    assert [(r["id"], r["kind"]) for r in store.meetings()] == [("chefforum-2017-11-15", "referat")]


def test_a_file_that_now_holds_another_meeting_keeps_the_first(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "referat.txt"
    path.write_text(minutes("Chefforum", "15-11-2017", [ADGANG]), encoding="utf-8")
    ingest_paths(store, [path])
    path.write_text(minutes("Chefforum", "22-11-2017", [VAGT]), encoding="utf-8")
    report = ingest_paths(store, [path])
    assert report.files[0].status == "added" and "held meeting chefforum-2017-11-15" in report.files[0].warnings[0]
    assert [r["id"] for r in store.meetings()] == ["chefforum-2017-11-15", "chefforum-2017-11-22"]


def test_portal_meetings_are_told_apart_by_their_own_id(store: Store) -> None:
    one = meeting([item(1, "Godkendelse af dagsorden", PUBLIC_HTML)], forum="Byråd", meeting_id="aaaa")
    two = meeting([item(1, "Godkendelse af dagsorden", PUBLIC_HTML)], forum="Byråd", meeting_id="bbbb")
    first = store.ingest(read_bytes(dump(one), "a.json"))
    second = store.ingest(read_bytes(dump(two), "b.json"))
    assert (first.status, second.status) == ("added", "added") and first.meeting_id != second.meeting_id
    assert first.meeting_id == "example-byraad-2025-06-03"  # municipality guessed from the portal host
    # the same portal id with changed text is a correction, whatever file it arrives in
    corrected = dump(one).replace(b"Godkendt.", "Godkendt med ændringer.".encode())
    again = store.ingest(read_bytes(corrected, "c.json"))
    assert (again.status, again.meeting_id, again.revision) == ("updated", first.meeting_id, 1)


def test_same_forum_and_day_in_two_municipalities(store: Store) -> None:
    text = minutes("Økonomiudvalget", "15-11-2017", [ADGANG])
    a, b = read_bytes(text.encode(), "a.txt"), read_bytes(text.replace("ID-kort", "brik").encode(), "b.txt")
    a.municipality, b.municipality = "Greve", "Køge"
    ids = [store.ingest(a).meeting_id, store.ingest(b).meeting_id]
    assert ids == ["greve-oekonomiudvalget-2017-11-15", "koege-oekonomiudvalget-2017-11-15"]
    rows = store.conn.execute("SELECT municipality, count(*) FROM items GROUP BY 1 ORDER BY 1").fetchall()
    assert [tuple(r) for r in rows] == [("Greve", 1), ("Køge", 1)]
    assert store.municipalities() == ["Greve", "Køge"]
    # with two municipalities stored, an answer says whose body it is, in the JSON and on the card
    hit = answer(store, "Hvad blev besluttet om ID-kort til adgangskontrol?").answers[0]
    assert (hit.meeting.municipality, hit.meeting.body) == ("Greve", "Økonomiudvalget (Greve)")
    assert card(hit).where.startswith("Økonomiudvalget (Greve) · 15. november 2017")


def test_one_municipality_is_not_repeated_on_every_answer(store: Store) -> None:
    one = read_bytes(minutes("Økonomiudvalget", "15-11-2017", [ADGANG]).encode(), "a.txt")
    one.municipality = "Greve"
    store.ingest(one)
    hit = answer(store, "Hvad blev besluttet om ID-kort til adgangskontrol?").answers[0]
    assert not hit.meeting.show_municipality and card(hit).where.startswith("Økonomiudvalget · ")


def test_municipality_named_later_keeps_the_id(tmp_path: Path, store: Store, tiny_minutes: str) -> None:
    path = tmp_path / "referat.txt"
    path.write_text(tiny_minutes, encoding="utf-8")
    ingest_paths(store, [path])
    path.write_text(tiny_minutes.replace("uge 29", "uge 31"), encoding="utf-8")
    report = ingest_paths(store, [path], municipality_for=lambda _p: "Albertslund")
    assert (report.files[0].status, report.files[0].meeting_id) == ("updated", "chefforum-2017-11-15")
    assert store.meeting_row("chefforum-2017-11-15")["municipality"] == "Albertslund"
    assert store.load_meeting("chefforum-2017-11-15").municipality == "Albertslund"


def test_migration_keeps_existing_meetings(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(sqlite_utils.Database(conn), stop_before="m006_municipality")
    conn.execute(
        "INSERT INTO meetings(id, forum, date, kind, content_hash, ingested_at, changed_at, item_count)"
        " VALUES ('chefforum-2017-11-15', 'Chefforum', '2017-11-15', 'referat', 'x', 'now', 'now', 0)"
    )
    conn.close()
    store = Store(path)
    row = store.meeting_row("chefforum-2017-11-15")
    assert (row["municipality"], row["portal_url"]) == ("", None)
    store.close()


@pytest.mark.corpus
@pytest.mark.skipif(not FIRSTAGENDA.is_dir(), reason="../shared/corpus/firstagenda not present")
def test_greve_archive_every_meeting_kept_apart(tmp_path: Path) -> None:
    """Byråd met twice on 2025-09-08 (17:15 extraordinary, 17:30): two meetings, every item kept."""
    store = Store(tmp_path / "g.db")
    files = sorted(FIRSTAGENDA.glob("greve-archive/*.json"))
    byraad = [f for f in files if f.name.startswith(("greve-dagsorden-05fcd9c5", "greve-dagsorden-509c8433"))]
    report = ingest_paths(store, byraad)
    assert [f.status for f in report.files] == ["added", "added"]
    rows = store.conn.execute("SELECT id, start_time, item_count FROM meetings ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [
        ("greve-byraad-2022-2025-2025-09-08", "17:30", 49),
        ("greve-byraad-2022-2025-2025-09-08-1715", "17:15", 3),
    ]
    store.close()


def test_same_agenda_share() -> None:
    from index.store import same_agenda

    old = [(1, "Budget 2026", False), (2, "Personaleforhold", False), (3, "Eventuelt", False)]
    assert same_agenda([(1, "Budget 2026", False), (2, "Lukket", True), (3, "Eventuelt", False)], old) == 1.0
    assert (
        same_agenda([(1, "Budgett 2026", False), (2, "Personaleforhold", False), (3, "Eventuelt", False)], old) == 1.0
    )
    assert same_agenda([(3, "Budget 2026", False), (1, "Personaleforhold", False)], old) == 2 / 3  # renumbered
    assert same_agenda([(1, "Skolevej", False), (2, "Cykelsti", False), (3, "Eventuelt", False)], old) == 1 / 3
