"""The First Agenda Publication (HTML) reader: a hand-written page, hostile markup, the real page."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from index.model import DECISION, HISTORY, INTRO, OTHER, PROPOSAL
from index.readers import read_bytes
from index.readers.errors import ReaderError
from index.readers.html import read_html

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
AARHUS_HTML = SHARED / "corpus" / "real" / "aarhus-teknisk-udvalg-2025-10-01.html"
needs_corpus = pytest.mark.skipif(not AARHUS_HTML.is_file(), reason="../shared corpus not present")

# Two items in First Agenda's markup, with the breakage real pages have and some they should not.
PAGE = """<!DOCTYPE html>
<html lang="da"><head><title>Økonomiudvalget - Mødelokale 1</title>
<script>var x = "<h1>Dagsorden fra script</h1>";</script><style>h1 { color: red }</style></head>
<body><nav><a href="/">Forside <h1>Navigation</h1></a></nav>
<h1 class="green dato">Referat 3. maj 2021 kl. 9.00</h1>
<table class="dagsordeninfo"><tbody>
<tr><td>Udvalg:</td><td><span class="udvalg">Økonomiudvalget</span></td></tr>
<tr><td>Mødedato:</td><td><span class="dato">mandag den 3. maj 2021 kl. 9.00</span></td></tr>
<tr><td>Mødested:</td><td><span class="sted">Mødelokale 1</span></td></tr>
<tr><td>Mødedeltagere:</td><td class="deltagere"><div>Anna Andersen</div><div>Bo Berg (Afbud)</div>
<div>Carl Cold</div></td></tr>
</tbody></table>
<table class="dagsorden"><tbody>
<tr class="punktrow" id="punktrow_11111111-2222-3333-4444-555555555555">
<td><span class="label label-default">1</span></td>
<td><button class="overskrift-btn"><h2 class="overskrift">CF - Budget &amp; regnskab v. Jette (9:50-10:00)</h2></button>
<div class="details"><span class="sagsnummer">00.01.00-A00-3-21</span><div class="punkt"><h3></h3>
<div><h3>Beslutning</h3><span class="resume"><div>Godkendt &oslash;jeblikkeligt.</div><div>Med   &#230;ndringer
 i <b>bilag</b> 2.</div><script>alert("<div>injected</div>")</script></span></div>
<h3></h3><span class="resume"><div>Indledende tekst.</div></span>
<h3>Indstilling</h3><span class="resume"><div>Direktøren indstiller<div>1. at budgettet godkendes
<h3>Fri underoverskrift</h3><span class="resume"><div>Noget andet.</div></span>
</div></div></div>
<h3>Bilag</h3><ul class="list-unstyled"><li><span class="label pdf-label" data-type="bilag"
 data-id="aaaaaaaa-0000-0000-0000-000000000001">PDF</span><a class="bilag-link" href="/vis/pdf/bilag/x">Budgetnotat</a></li>
<li><a class="bilag-link" href="/vis/pdf/bilag/bbbbbbbb-0000-0000-0000-000000000002/">Bilag 2: Tal</a></li></ul>
</div></td><td><ul class="dropdown-menu"><li><a>Hent som PDF</a></li></ul></td>
<tr class="punktrow" id="punktrow_66666666-7777-8888-9999-000000000000">
<td><span class="label label-default">2</span></td>
<td><h2 class="overskrift">Lukket: Salg af grund</h2><div class="details"><div class="punkt">
<h3>Beslutning</h3><span class="resume"><div>Godkendt.</div></span></div></div></td></tr>
</tbody></table></div></div></span>
<div class="modal"><h3>Kopier link</h3><span class="resume"><div>modal text</div></span></div>
</body></html>
"""


@pytest.fixture(scope="module")
def page():
    return read_html(PAGE.encode("utf-8"))


def test_meeting_header(page) -> None:
    assert (page.forum, page.date.isoformat(), page.start_time, page.place) == (
        "Økonomiudvalget",
        "2021-05-03",
        "09:00",
        "Mødelokale 1",
    )
    assert page.kind == "referat" and page.source_format == "html"
    assert page.participants == ["Anna Andersen", "Bo Berg", "Carl Cold"]
    assert page.absentees == ["Bo Berg"]


def test_items_titles_and_ids(page) -> None:
    first, second = page.items
    assert (first.number, first.external_id) == (1, "11111111-2222-3333-4444-555555555555")
    assert first.title_raw == "CF - Budget & regnskab v. Jette (9:50-10:00)"
    assert first.title == "Budget & regnskab"
    assert first.case_number == "00.01.00-A00-3-21" and not first.closed
    assert (second.number, second.title, second.closed, second.case_number) == (2, "Salg af grund", True, None)
    assert second.decision == "Godkendt."


def test_sections_in_document_order(page) -> None:
    sections = page.items[0].sections
    assert [(s.heading, s.kind) for s in sections] == [
        ("Beslutning", DECISION),
        ("", INTRO),
        ("Indstilling", PROPOSAL),
        ("Fri underoverskrift", OTHER),
    ]
    assert sections[0].text == "Godkendt øjeblikkeligt.\n\nMed ændringer i bilag 2."
    assert sections[2].text == "Direktøren indstiller\n\n1. at budgettet godkendes"


def test_item_text_in_plain_spans_reads_like_span_resume(page) -> None:
    """Greve's item HTML wraps the text in plain spans (span.ukendt): the class is not what makes it text."""
    plain = read_html(
        PAGE.replace('<span class="resume">', "<span>").replace("<span>", "<span class='ukendt'>", 1).encode()
    )
    assert [(s.heading, s.kind, s.text) for s in plain.items[0].sections] == [
        (s.heading, s.kind, s.text) for s in page.items[0].sections
    ]
    assert plain.items[1].decision == "Godkendt."
    mixed = read_html(
        PAGE.replace(
            '<h3></h3><span class="resume"><div>Indledende', '<h3></h3>Før <span class="resume"><div>Indledende'
        ).encode()
    )
    assert mixed.items[0].sections[1].text == "Før\n\nIndledende tekst."


def test_scripts_navigation_menus_and_modals_are_ignored(page) -> None:
    text = " ".join(s.text for item in page.items for s in item.sections)
    for junk in ("injected", "alert", "modal text", "Hent som PDF", "Navigation", "Dagsorden fra script"):
        assert junk not in text
    assert page.kind == "referat"  # the h1 inside the script and nav does not count


def test_attachments(page) -> None:
    assert [(a.title, a.external_id) for a in page.items[0].attachments] == [
        ("Budgetnotat", "aaaaaaaa-0000-0000-0000-000000000001"),
        ("Bilag 2: Tal", "bbbbbbbb-0000-0000-0000-000000000002"),
    ]
    assert all(s.kind != "bilag" for s in page.items[0].sections)


def test_agenda_page_and_read_bytes_dispatch() -> None:
    data = PAGE.replace("Referat 3. maj", "Dagsorden 3. maj").encode("utf-8")
    meeting = read_bytes(data, "side.html")
    assert meeting.kind == "dagsorden" and len(meeting.items) == 2


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"   \n", "empty file"),
        (b"<html><body><p>Velkommen</p></body></html>", "not a First Agenda meeting page: no agenda items"),
        (
            b'<html><body><table><tr class="punktrow" id="punktrow_1"><td><h2 class="overskrift">A</h2>'
            b"</td></tr></table></body></html>",
            "not a First Agenda meeting page: no meeting date",
        ),
    ],
)
def test_errors(data: bytes, reason: str) -> None:
    with pytest.raises(ReaderError) as exc:
        read_html(data)
    assert exc.value.reason.startswith(reason)
    assert "\n" not in exc.value.reason


def test_hostile_markup_is_fast_and_safe() -> None:
    nested = "<div>" * 50_000 + "</span>" * 50_000 + "<p>" * 20_000
    data = PAGE.replace(
        '<h3></h3><span class="resume"><div>Indledende', nested + '<h3></h3><span class="resume"><div>Indledende'
    )
    started = time.perf_counter()
    meeting = read_html((data + "<![if x]><!-- unclosed comment <script>").encode())
    assert time.perf_counter() - started < 5
    assert meeting.items[0].number == 1


def test_windows_1252_page() -> None:
    meeting = read_html(PAGE.replace("&oslash;", "ø").encode("cp1252", errors="replace"))
    assert meeting.forum == "Økonomiudvalget"


@pytest.fixture(scope="module")
def aarhus():
    return read_html(AARHUS_HTML.read_bytes())


@pytest.mark.corpus
@needs_corpus
def test_aarhus_page(aarhus) -> None:
    assert (aarhus.forum, aarhus.date.isoformat(), aarhus.start_time, aarhus.place) == (
        "Teknisk Udvalg",
        "2025-10-01",
        "15:45",
        "Udvalgsværelse 398",
    )
    assert aarhus.kind == "referat" and [item.number for item in aarhus.items] == [1, 2, 3, 4, 5, 6]


@pytest.mark.corpus
@needs_corpus
def test_aarhus_items(aarhus) -> None:
    item = aarhus.items[2]
    assert item.title == (
        "Lokalplan 1221 (tillæg 2 til lokalplan 411) – Erhvervsområde ved Kattrup, Hasselager-Kolt, med tillæg 1 - Endelig"
    )
    assert item.case_number == "EMN-2025-008468"
    assert item.external_id == "e569e1e7-b36f-4dbf-8c64-528c7e4f25aa"
    assert item.decision.startswith("Der var foretræde til sagen, ")
    assert [s.kind for s in item.sections][:2] == [DECISION, INTRO]
    assert any(s.kind == HISTORY and "Punktnummer: 7" in s.text for s in item.sections)
    assert len(item.attachments) == 11 and all(a.external_id for a in item.attachments)
    eventuelt = aarhus.items[4]
    assert eventuelt.title == "Eventuelt" and eventuelt.case_number is None
    assert all(item.decision for item in aarhus.items)
    assert not any(item.closed for item in aarhus.items)


def test_a_public_item_that_begins_with_lukket_stays_public() -> None:
    row = (
        '<tr class="punktrow" id="punktrow_1"><td><span class="label label-default">1</span></td>'
        '<td class="d-block"><h2 class="overskrift" aria-label="Lukket afdeling på Egely Plejecenter">'
        'Lukket afdeling på Egely Plejecenter</h2><div class="details"><span class="sagsnummer">24-001</span>'
        '<div class="punkt"><h3>Sagsfremstilling</h3><span class="resume"><div>Afdelingen er lukket for nye '
        'beboere.</div></span><h3>Beslutning</h3><span class="resume"><div>Genåbnes 1. marts.</div></span>'
        "</div></div></td></tr>"
    )
    page = PAGE.replace('<table class="dagsorden"><tbody>', f'<table class="dagsorden"><tbody>{row}', 1)
    item = read_html(page.encode("utf-8")).items[0]
    assert (item.title, item.closed, item.case_number, item.decision) == (
        "Lukket afdeling på Egely Plejecenter", False, "24-001", "Genåbnes 1. marts."
    )  # fmt: skip
