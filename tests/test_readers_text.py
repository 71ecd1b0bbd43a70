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


# ---- item boundaries ------------------------------------------------------------------------------


def _doc(*blocks: str, toc: list[str] | None = None) -> bytes:
    head = ["REFERAT Chefforum d. 15-11-2017", ""]
    if toc is not None:
        head += ["Indholdsfortegnelse", "", *(f"{t}.....\t{i + 3}" for i, t in enumerate(toc)), ""]
    return ("\n".join(head) + "\n" + "\n\n".join(blocks) + "\n").encode()


def _item(heading: str, decision: str) -> str:
    return f"{heading}\n\nBeslutning\n\n{decision}"


@pytest.mark.parametrize(
    "heading", ["Punkt 2: Budget", "Punkt 2. Budget", "Punkt 2 - Budget", "Pkt. 2: Budget", "PUNKT 2: Budget",
                "*Punkt 2: Budget*", "**Punkt 2: Budget**", "## Punkt 2: Budget"],
)  # fmt: skip
def test_every_heading_form_starts_an_item(heading: str) -> None:
    m = read_bytes(_doc(_item("Punkt 1: Dagsorden", "Godkendt."), _item(heading, "Budgettet blev vedtaget.")), "x.txt")
    assert [(i.number, i.title, i.decision) for i in m.items] == [
        (1, "Dagsorden", "Godkendt."),
        (2, "Budget", "Budgettet blev vedtaget."),
    ]


def test_numbered_items_where_the_document_numbers_them_so() -> None:
    items = [
        _item("1. Godkendelse af dagsorden", "Godkendt."),
        "2. Budget 2026\n\nIndstilling\n\nDirektøren indstiller,\n\n1. At budgettet vedtages\n\n"
        "2. At anlægsrammen fastholdes\n\nBeslutning\n\nVedtaget.",
        _item("3. Eventuelt", "Intet."),
    ]
    m = read_bytes(_doc(*items), "x.txt")
    assert [(i.number, i.title, i.decision) for i in m.items] == [
        (1, "Godkendelse af dagsorden", "Godkendt."),
        (2, "Budget 2026", "Vedtaget."),
        (3, "Eventuelt", "Intet."),
    ]
    # "N." lines in a document with "Punkt N" headings are list items, never items
    m = read_bytes(_doc(_item("Punkt 1: Budget", "1. Vedtaget.\n\n2. Anlæg fastholdes.")), "x.txt")
    assert len(m.items) == 1 and m.items[0].decision == "1. Vedtaget.\n\n2. Anlæg fastholdes."


def test_a_punkt_line_in_an_items_text_starts_an_item_only_where_the_structure_says_so() -> None:
    body = _item("Punkt 2: Budget", "Se Punkt 9: det gamle budget.\n\nPunkt 9: Tidligere behandlet\n\nVedtaget.")
    m = read_bytes(_doc(_item("Punkt 1: Dagsorden", "Godkendt."), body, _item("Punkt 3: Evt.", "Intet.")), "x.txt")
    assert [i.number for i in m.items] == [1, 2, 3]  # 9 comes before 3: it is text of item 2
    assert "Punkt 9: Tidligere behandlet" in m.items[1].decision
    # a number skipped for good (a withdrawn item) is still an item
    m = read_bytes(_doc(_item("Punkt 1: A", "Ja."), _item("Punkt 2: B", "Ja."), _item("Punkt 4: D", "Ja.")), "x.txt")
    assert [i.number for i in m.items] == [1, 2, 4]


def test_inside_a_closed_item_the_table_of_contents_decides() -> None:
    closed = _item("Punkt 2: Lukket", "Godkendt.\n\nPunkt 3: Medarbejderen zqsecret klagede\n\nMere zqsecret.")
    blocks = (_item("Punkt 1: Dagsorden", "Godkendt."), closed, _item("Punkt 3: Eventuelt", "Intet."))
    m = read_bytes(_doc(*blocks, toc=["Dagsorden", "Lukket", "Eventuelt"]), "x.txt")
    assert [(i.number, i.title, i.closed) for i in m.items] == [(1, "Dagsorden", False), (2, "Lukket", True),
                                                              (3, "Eventuelt", False)]  # fmt: skip
    assert m.items[2].decision == "Intet." and "zqsecret" not in repr(m)
    assert any("inside it was kept as closed text" in w for w in m.warnings)


def test_a_closed_heading_with_a_lower_number_is_an_item_and_a_taken_number_is_refused() -> None:
    blocks = (_item("Punkt 5: Budget", "Vedtaget."), _item("Punkt 2: Lukket: Personalesag", "Godkendt.\n\nzqsecret"))
    m = read_bytes(_doc(*blocks), "x.txt")
    assert [(i.number, i.closed) for i in m.items] == [(5, False), (2, True)] and "zqsecret" not in repr(m)
    blocks = (_item("Punkt 2: Budget", "Vedtaget."), _item("Punkt 2: Lukket: Personalesag", "zqsecret"))
    with pytest.raises(ReaderError, match="item number 2 appears twice"):
        read_bytes(_doc(*blocks), "x.txt")


def test_doubt_closes_the_item_and_the_report_says_why() -> None:
    blocks = (_item("Punkt 1: Personalesag", "Sagen behandles som lukket punkt.\n\nzqsecret"),)
    m = read_bytes(_doc(*blocks), "x.txt")
    assert m.items[0].closed and [s.text for s in m.items[0].sections] == ["Sagen behandles som lukket punkt."]
    assert "zqsecret" not in repr(m)
    assert m.warnings == ["item 1 treated as closed: 'lukket punkt' in the item's first lines"]


def test_a_line_that_repeats_the_next_items_heading_is_text() -> None:
    """Without a table of contents, "Punkt 3: …" inside an item is text when a later heading has number 3,
    in an open item and, above all, in a closed one (else the rest of the closed text would be public)."""
    for first in ("Punkt 2: Budget", "Punkt 2: Lukket"):
        body = _item(first, "Godkendt.\n\nPunkt 3: Medarbejderen zqsecret klagede\n\nMere zqsecret.")
        m = read_bytes(_doc(_item("Punkt 1: Dagsorden", "Ja."), body, _item("Punkt 3: Eventuelt", "Intet.")), "x.txt")
        assert [(i.number, i.title) for i in m.items][2] == (3, "Eventuelt"), first
        assert m.items[2].decision == "Intet."
        assert ("zqsecret" in repr(m)) == (first == "Punkt 2: Budget")
        assert any("'Punkt 3' line inside it was kept as" in w for w in m.warnings)
