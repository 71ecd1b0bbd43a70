"""Case history: same case number across meetings, plus the treatments an item's Sagsforløb lists."""

import re
from pathlib import Path

import pytest

from bot.render import slack as slack_render
from bot.render import teams as teams_render
from bot.render.text import render_answer
from index.access import Access
from index.answer import answer
from index.config import Config
from index.history import sagsforloeb
from index.ingest import ingest_paths
from index.store import Store
from tests.conftest import minutes

CFG = Config(public_url="http://referent.test")

LOKALPLAN = """Punkt 3: Lokalplan 77 - erhvervsområde ved Nordvej

EMN-2025-001234

Beslutningspunkter

Det indstilles:

At 1) lokalplan 77 vedtages endeligt.

Beslutninger

Udvalget besluttede at udsætte sagen.

Sagsforløb

Udvalg: Magistraten

Dato: 19-08-2025

Punktnummer: 7

Fremsendes til Byrådet med bemærkning, at Magistraten anbefaler indstillingen. Sagen haster.

Udvalg: Byrådet

Dato: 27-08-2025

Punktnummer: 10

Tilbagesendes til Teknisk Udvalg."""

FOERST = """Punkt 10: Lokalplan 77 - erhvervsområde ved Nordvej

EMN-2025-001234

Beslutninger

Sagen blev tilbagesendt til Teknisk Udvalg."""


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "h.db")
    docs = {
        "tu.txt": minutes("Teknisk Udvalg", "01-10-2025", [LOKALPLAN]),
        "br.txt": minutes("Byrådet", "27-08-2025", [FOERST]),
    }
    for name, text in docs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert not ingest_paths(s, [tmp_path / n for n in docs]).failed
    return s


def _row(store: Store, forum: str) -> dict:
    return dict(store.conn.execute("SELECT * FROM items WHERE forum = ?", (forum,)).fetchone())


def test_sagsforloeb_entries_are_read_verbatim(store: Store) -> None:
    refs = sagsforloeb(store, _row(store, "Teknisk Udvalg"))
    assert [(r.forum, r.date, r.item_number) for r in refs] == [
        ("Magistraten", "2025-08-19", 7),
        ("Byrådet", "2025-08-27", 10),
    ]
    assert refs[0].decision == "Fremsendes til Byrådet med bemærkning, at Magistraten anbefaler indstillingen."
    assert all(r.url == "" and r.meeting_id == "" for r in refs)


def test_history_merges_stored_items_and_sagsforloeb_without_doubles(store: Store) -> None:
    hit = answer(store, "Hvad blev besluttet om lokalplan 77 i Teknisk Udvalg?", cfg=CFG).answers[0]
    assert hit.meeting.forum == "Teknisk Udvalg"
    history = [(c.forum, c.date, bool(c.url)) for c in hit.case_history]
    # Byrådet 27-08-2025 is both stored and in the Sagsforløb: once, linked; Magistraten only unlinked
    assert history == [("Magistraten", "2025-08-19", False), ("Byrådet", "2025-08-27", True)]


def test_history_respects_the_channel_scope(store: Store) -> None:
    q = "Hvad blev besluttet om lokalplan 77 i Teknisk Udvalg?"
    scoped = answer(store, q, cfg=CFG, access=Access.of({"Teknisk Udvalg"}))
    assert scoped.answers
    assert all(c.forum == "Teknisk Udvalg" for h in scoped.answers for c in h.case_history)


def test_unlinked_history_renders_as_plain_text(store: Store) -> None:
    a = answer(store, "Hvad blev besluttet om lokalplan 77 i Teknisk Udvalg?", cfg=CFG)
    text = render_answer(a)
    assert re.search(r"19\. august 2025 +Magistraten, punkt 7\b", text)  # a timeline step without a link
    blocks = str(slack_render.answer_blocks(a, question="q"))
    assert "19. august 2025 · Magistraten, punkt 7" in blocks and "<|" not in blocks
    card = str(teams_render.answer_card(a, question="q"))
    assert "Magistraten" in card and "]()" not in card


def test_a_sagsforloeb_without_item_numbers_gives_dated_treatments(tmp_path: Path) -> None:
    # First Agenda's common form (Greve): "02/06/2025 Body" on a line, then what the body did
    text = minutes(
        "Byråd 2022-2025",
        "25-06-2025",
        [
            "Punkt 5: Robotstøvsugere i hjemmeplejen\n\nBeslutning\n\nByrådet godkendte Økonomiudvalgets indstilling."
            "\n\nSagens forløb\n\n02/06/2025 Sundheds- og Omsorgsudvalget\n\nUdvalget anbefaler model 3.\n\n"
            "16-06-2025 Økonomiudvalget\n\nØkonomiudvalget anbefaler overfor Byrådet at, Sundheds- og "
            "Omsorgsudvalgets indstilling godkendes.\n\n25-06-2025 Byråd\n\nGodkendt."
        ],
    )
    (tmp_path / "br.txt").write_text(text, encoding="utf-8")
    s = Store(tmp_path / "g.db")
    assert not ingest_paths(s, [tmp_path / "br.txt"]).failed
    a = answer(s, "Hvad blev besluttet om robotstøvsugere i hjemmeplejen?", cfg=CFG)
    history = [(c.forum, c.date, c.item_number, c.decision) for c in a.answers[0].case_history]
    # the Byråd entry is this meeting itself ("Byråd" and "Byråd 2022-2025" are one body): not repeated
    assert history == [
        ("Sundheds- og Omsorgsudvalget", "2025-06-02", None, "Udvalget anbefaler model 3."),
        ("Økonomiudvalget", "2025-06-16", None, history[1][3]),
    ]
    rendered = render_answer(a) + str(slack_render.answer_blocks(a, question="q"))
    assert "Sundheds- og Omsorgsudvalget" in rendered and "None" not in rendered
    # scoped to a channel that sees only the Byråd, the other bodies' treatments stay out
    scoped = answer(
        s, "Hvad blev besluttet om robotstøvsugere i hjemmeplejen?", cfg=CFG, access=Access.of({"Byråd 2022-2025"})
    )
    assert scoped.answers and scoped.answers[0].case_history == []
