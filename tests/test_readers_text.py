import datetime as dt

import pytest

from index.model import DECISION, INTRO
from index.readers import ReaderError, read_bytes
from index.readers.structure import clean_title, is_case_number
from index.readers.text import read_text_file
from tests.conftest import SEEDS, minutes, needs_shared


def test_meeting_header_items_and_sections(tiny_minutes: str) -> None:
    m = read_bytes(tiny_minutes.encode(), "x.txt")
    assert (m.forum, m.date, m.start_time, m.place) == ("Chefforum", dt.date(2017, 11, 15), "09:00", "Mødelokale 1")
    assert m.participants == ["Anne Holm", "Bo Berg"] and m.absentees == ["Bo Berg"]
    assert [i.number for i in m.items] == [1, 2, 3, 4]
    first = m.items[0]
    assert first.title == "Ny adgangskontrol på Rådhuset"
    assert first.title_raw == "CF - Ny adgangskontrol på Rådhuset v. Jens (9:30-9:50)"
    assert first.case_number == "00.01.00-A00-41-17"
    assert [s.heading for s in first.sections] == ["Anledning", "Sagsfremstilling", "Indstilling", "Beslutning"]
    # a free-text sub-heading stays inside its section
    assert first.sections[1].text.startswith("Adgangskontrol på Rådhuset\n\nDet nye system")
    assert (
        first.decision
        == "Chefforum besluttede at der benyttes ID-kort i forbindelse med implementering af ny adgangskontrol."
    )
    assert [a.title for a in first.attachments] == ["Notat om adgangskontrol"]


def test_table_of_contents_is_not_content(tiny_minutes: str) -> None:
    m = read_bytes(tiny_minutes.encode(), "x.txt")
    assert all("....." not in s.text for i in m.items for s in i.sections)
    assert all("....." not in i.title for i in m.items)


def test_closed_item_and_decision_heading_variants(tiny_minutes: str) -> None:
    m = read_bytes(tiny_minutes.encode(), "x.txt")
    closed = m.items[2]
    assert closed.closed and closed.title == "Personalesag"
    evt = m.items[3]
    assert evt.case_number is None
    assert evt.sections[0].heading == "Beslutning i Tværgående chefgruppe den 15-11-2017"
    assert evt.sections[0].kind == DECISION


def test_beslutninger_colon_and_not_a_heading() -> None:
    item = """Punkt 1: Strategi

Sagsfremstilling

Beslutning om at udpege medlemmer til gruppen

Kommunaldirektøren indstiller noget.

Beslutninger

Godkendt.

Beslutning:

Strategien tager udgangspunkt i velfærdsuddannelser."""
    m = read_bytes(minutes("Økonomiudvalget", "01-02-2024", [item]).encode(), "x.txt")
    kinds = [(s.heading, s.kind) for s in m.items[0].sections]
    assert kinds == [("Sagsfremstilling", "sagsfremstilling"), ("Beslutninger", DECISION), ("Beslutning:", DECISION)]
    assert "Beslutning om at udpege" in m.items[0].sections[0].text


def test_text_before_first_heading_is_kept() -> None:
    item = "Punkt 1: Orientering\n\n12/14237\n\nLøs tekst uden overskrift.\n\nBeslutning\n\nTaget til efterretning."
    m = read_bytes(minutes("Chefforum", "01-02-2012", [item]).encode(), "x.txt")
    assert m.items[0].case_number == "12/14237"
    assert (m.items[0].sections[0].kind, m.items[0].sections[0].text) == (INTRO, "Løs tekst uden overskrift.")


@pytest.mark.parametrize(
    "value, ok",
    [("00.01.00-A00-3-17", True), ("00.30.08-000-1-21", True), ("12/14237", True), ("EMN-2025-003383", True),
     ("Anledning", False), ("Godkendt.", False), ("1. at noget", False)],
)  # fmt: skip
def test_case_number_schemes(value: str, ok: bool) -> None:
    assert is_case_number(value) is ok


def test_clean_title() -> None:
    assert clean_title("CF - Udpegning af medlemmer v. Jette (9:50-10:00)") == "Udpegning af medlemmer"
    assert clean_title("TCG - KLs arbejdsgiverpolitik v. Mette Seneca") == "KLs arbejdsgiverpolitik"
    assert clean_title("CF - ØU & KB - Gennemgang af sager") == "ØU & KB - Gennemgang af sager"


def test_markdown_variant(tiny_minutes: str) -> None:
    md = tiny_minutes.replace("REFERAT", "# REFERAT").replace("Punkt 1: CF - Ny", "# **Punkt 1: CF - Ny")
    md = md.replace("(9:30-9:50)", "(9:30-9:50)**").replace("\nBeslutning\n", "\n## **Beslutning**\n")
    md = md.replace("Indstilling\n", "### **Indstilling**\n").replace(
        "Notat om adgangskontrol", "Notat\\_om [adgang](#)"
    )
    m = read_bytes(md.encode(), "x.md")
    assert m.source_format == "markdown"
    assert m.items[0].title == "Ny adgangskontrol på Rådhuset"
    assert m.items[0].decision.startswith("Chefforum besluttede")
    assert m.items[0].attachments[0].title == "Notat_om adgang"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-16-le", "utf-8-sig"])
def test_encodings(tiny_minutes: str, encoding: str) -> None:
    m = read_bytes(tiny_minutes.encode(encoding), "x.txt")
    assert m.items[0].title == "Ny adgangskontrol på Rådhuset" and m.place == "Mødelokale 1"


@pytest.mark.parametrize(
    "data, reason",
    [(b"", "empty file"), (b"  \n\n ", "empty file"), (b"Indkoebsliste\nmaelk\nbroed\n", "not minutes"),
     (bytes(range(256)) * 20, "not a text file"), (b"REFERAT Chefforum d. 31-02-2020\n\nPunkt 1: X\n", "impossible"),
     (b"REFERAT Chefforum d. 01-02-2020\n\nIngen punkter her.\n", "without agenda items")],
)  # fmt: skip
def test_bad_input_gets_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ReaderError) as exc:
        read_bytes(data, "x.txt")
    assert reason in exc.value.reason


@needs_shared
@pytest.mark.corpus
def test_seed_minutes() -> None:
    expected = {"2012-09-17": 8, "2017-11-15": 9, "2019-11-21": 10, "2021-05-27": 9, "2021-11-25": 7}
    for path in sorted(SEEDS.glob("*.txt")):
        m = read_text_file(path)
        assert len(m.items) == expected[m.date.isoformat()], path.name
        for item in m.items:
            assert not item.title.startswith(("CF - ", "TCG - "))
            if not item.closed:
                assert item.decision.strip(), f"{path.name} item {item.number} lost its decision"
    md = read_text_file(SEEDS / "chefforum-2021-05-27.txt")
    assert md.source_format == "markdown" and md.items[3].closed
    assert "Delplaner" in md.items[1].sections[1].text  # a bold sub-heading stays inside Sagsfremstilling
