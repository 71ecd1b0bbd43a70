"""The First Agenda Publication JSON reader and its HTML-to-text conversion."""

from __future__ import annotations

import copy
import re

import pytest

from index.model import DECISION, HISTORY, PROPOSAL
from index.readers import read_bytes
from index.readers.errors import ReaderError
from index.readers.firstagenda import ShapeError, meeting_from_json, portal_base
from index.readers.htmltext import html_blocks, html_text
from tests.firstagenda_fixtures import FIRSTAGENDA, PUBLIC_HTML, corpus_files, dump, item, meeting, sample


def test_meeting_facts_and_ids() -> None:
    m = read_bytes(dump(sample()), "")  # recognised by content, without a .json name
    assert (m.forum, m.date.isoformat(), m.start_time, m.place) == (
        "Plan- og Tryghedsudvalget", "2025-06-03", "16:00", "Mødelokale 1"
    )  # fmt: skip
    assert m.kind == "referat" and m.source_format == "firstagenda"
    assert m.external_id == "11111111-2222-3333-4444-555555555555"
    assert m.participants == ["Anna Andersen", "Bo Berg"] and m.absentees == ["Bo Berg"]
    first = m.items[0]
    assert (first.number, first.title, first.case_number) == (1, "Cykelsti på Skolevejen", "25-000123")
    assert first.external_id == "item-0001-0000-0000-0000-000000000000"
    assert [(a.title, a.external_id) for a in first.attachments] == [
        ("Bilag 1. Notat", "bilag-1-1"), ("Bilag 2. Notat", "bilag-1-2")
    ]  # fmt: skip
    assert portal_base(sample()) == "https://dagsordener.example.dk"


def test_sections_from_h3_and_known_subheadings() -> None:
    sections = read_bytes(dump(sample()), "m.json").items[0].sections
    assert [(s.heading, s.kind) for s in sections] == [
        ("Beslutning", DECISION),
        ("Fremstilling", "sagsfremstilling"),
        ("Resume", "resume"),
        ("Indstilling", PROPOSAL),
        ("Sagsbeskrivelse", "sagsfremstilling"),
        ("Sagens forløb", HISTORY),
    ]
    text = {s.heading: s.text for s in sections}
    assert text["Beslutning"] == "Godkendt."
    # an unknown sub-heading stays a findable line of its section
    assert text["Fremstilling"] == "Sagsprocedure\n\nPlan- og Tryghedsudvalget."
    assert text["Resume"] == "Skolevejen får ny cykelsti & belysning."
    assert (
        text["Indstilling"]
        == "Administrationen indstiller,\n\n1. at cykelstien anlægges\n2. at der afsættes 2,1 mio. kr."
    )
    assert text["Sagsbeskrivelse"] == (
        "Strækningen er 800 m.\nDen er farlig om vinteren.\n\nLovgrundlag\n\nVejloven.\n\nÅr | Beløb\n2025 | 2,1 mio. kr."
    )
    assert text["Sagens forløb"] == "12-05-2025 Plan- og Tryghedsudvalget\n\nAnbefales."
    for s in sections:
        assert "<" not in s.text and "&" not in s.text.replace(" & ", "") and "\xa0" not in s.text


def test_closed_item_keeps_title_and_public_decision_line_only() -> None:
    closed = read_bytes(dump(sample()), "m.json").items[1]
    assert closed.closed and closed.title == "Salg af grund" and closed.title_raw == "Salg af grund"
    assert [(s.kind, s.text) for s in closed.sections] == [(DECISION, "1.-2. anbefales.")]
    assert closed.attachments == [] and closed.case_number is None
    everything = repr(closed)
    assert "Hansen" not in everything and "4,2 mio" not in everything


def test_closed_item_with_sections_keeps_only_the_decision_line() -> None:
    obj = meeting([item(1, "Lukket: Personalesag", PUBLIC_HTML.replace("Godkendt.", "Godkendt.<br>Navnet er Eva."))])
    closed = meeting_from_json(obj).items[0]
    assert [(s.kind, s.text) for s in closed.sections] == [(DECISION, "Godkendt.")]


def test_a_decision_that_mentions_a_closed_item_leaves_its_item_public() -> None:
    html = PUBLIC_HTML.replace("Godkendt.", "Godkendt med bemærkning om, at punkt 9 behandles som lukket punkt.")
    m = meeting_from_json(meeting([item(1, "Godkendelse af dagsorden", html)]))
    assert not m.items[0].closed and m.warnings == []
    marked = meeting_from_json(meeting([item(1, "Personalesag", "<p>Lukket punkt</p>" + PUBLIC_HTML)]))
    assert marked.items[0].closed and [s.text for s in marked.items[0].sections] == ["Godkendt."]


def test_is_open_marks_closed_only_where_the_portal_uses_true() -> None:
    obj = meeting([item(1, "Budget", PUBLIC_HTML), item(2, "Personalesag", PUBLIC_HTML)])
    assert [i.closed for i in meeting_from_json(obj).items] == [False, False]  # Greve: false everywhere
    obj["Dagsordenpunkter"][0]["IsOpen"] = True
    assert [i.closed for i in meeting_from_json(obj).items] == [False, True]


def test_agenda_when_not_finished_and_no_decisions() -> None:
    html = PUBLIC_HTML.split("<h3>Fremstilling</h3>", 1)[1]
    agenda = meeting_from_json(meeting([item(1, "Budget", "<h3>Fremstilling</h3>" + html)], finished=False))
    assert agenda.kind == "dagsorden"
    assert all(s.kind != DECISION for s in agenda.items[0].sections)
    # a decision makes it minutes even before the portal marks the meeting finished
    assert meeting_from_json(meeting([item(1, "Budget", PUBLIC_HTML)], finished=False)).kind == "referat"


def test_layout_without_section_headings_reads_the_decision_after_the_repeated_title() -> None:
    html = (
        "<div><div id='sagsfremstillingContainer'>\r\nBudget 2026\r\n<p class=\"xsltFirstParagraph\">Godkendt.</p>"
        "<div><h2><span>Resume</span></h2><p>Budgettet.</p><h2>Indstilling</h2><p>At det godkendes.</p></div></div></div>"
    )
    sections = meeting_from_json(meeting([item(1, "Budget 2026", html)])).items[0].sections
    assert [(s.kind, s.text) for s in sections] == [
        (DECISION, "Godkendt."), ("resume", "Budgettet."), (PROPOSAL, "At det godkendes.")
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "not an object"),
        (b'{"name": "referent", "version": "1"}', "has no 'Dagsordenpunkter'"),
        (b"", "empty file"),
    ],
)
def test_json_that_is_not_a_meeting_gets_a_clear_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ReaderError, match=reason):
        read_bytes(data, "x.json")


def test_changed_shape_names_the_field() -> None:
    obj = sample()
    broken = copy.deepcopy(obj)
    broken["Dagsordenpunkter"][1]["Felter"] = "<p>x</p>"
    with pytest.raises(ShapeError, match=r"item 2\.Felter"):
        meeting_from_json(broken)
    broken = copy.deepcopy(obj)
    broken["Moede"]["Dato"] = "i morgen"
    broken["Moede"]["MeetingBeginUtc"] = None
    with pytest.raises(ShapeError, match="not a date"):
        meeting_from_json(broken)


def test_duplicate_or_odd_item_numbers_are_kept_apart_with_a_warning() -> None:
    obj = meeting([item(1, "A", PUBLIC_HTML), item(1, "B", PUBLIC_HTML), item(3, "C", PUBLIC_HTML)])
    obj["Dagsordenpunkter"][2]["Punktnummer"] = "3a"
    m = meeting_from_json(obj)
    assert [i.number for i in m.items] == [1, 2, 3]
    assert len(m.warnings) == 2 and "'3a'" in m.warnings[1]


def test_html_text_entities_breaks_lists_tables() -> None:
    html = (
        "<p>Tre &lt; fire &amp; fem&nbsp;kr.<br>ny linje</p><p>a<br><br>b</p>"
        "<ul><li>en<ul><li>under</li></ul></li><li></li><li>to</li></ul>"
        "<table><tr><th>Navn</th><th>Beløb</th></tr><tr><td><p>A</p><p>B</p></td><td>1.000</td></tr></table>"
        "<h4><b>I</b>ndstilling</h4><script>var x = '<p>nej</p>';</script><style>p{}</style>slut"
    )
    assert html_text(html) == (
        "Tre < fire & fem kr.\nny linje\n\na\n\nb\n\n• en\n  • under\n• to\n\nNavn | Beløb\nA B | 1.000\n\nIndstilling\n\nslut"
    )
    blocks = html_blocks("<div><h3>Fremstilling</h3><span><h3>Resume</h3></span></div>")
    assert [(b.text, b.heading, b.nested) for b in blocks] == [("Fremstilling", 3, False), ("Resume", 3, True)]


def test_hostile_html_does_not_break_the_reader() -> None:
    nasty = "<div>" * 5000 + "<table><td>x" + "</span></p>" * 100 + "<h3>open heading"
    obj = meeting([item(1, "Budget", nasty)])
    m = meeting_from_json(obj)
    assert m.items[0].title == "Budget"


TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
needs_firstagenda = pytest.mark.skipif(not FIRSTAGENDA.is_dir(), reason="../shared/corpus/firstagenda not present")


@pytest.mark.corpus
@needs_firstagenda
def test_real_greve_committee_meetings() -> None:
    files = corpus_files("plan-og-tryghedsudvalget")
    meetings = [read_bytes(f.read_bytes(), f.name) for f in files]
    assert len(meetings) == 17
    assert sum(m.kind == "referat" for m in meetings) == 16
    for m in meetings:
        for it in m.items:
            for s in it.sections:
                assert not TAG.search(s.text) and "&nbsp;" not in s.text, (m.date, it.number, s.text[:80])
            if it.closed:
                assert len(it.sections) <= 1 and all("\n" not in s.text for s in it.sections)
    first = next(m for m in meetings if m.date.isoformat() == "2024-06-10")
    assert first.items[0].sections[0].text == "Godkendt."
    assert any(s.kind == PROPOSAL for it in first.items for s in it.sections)
