"""The PDF reader: line cleaning on plain strings, hand-written PDFs, and the real Aarhus minutes."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from index.model import DECISION, HISTORY
from index.readers import read_bytes
from index.readers.errors import ReaderError
from index.readers.pdf import clean_lines, read_pdf

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
AARHUS_PDF = SHARED / "corpus" / "real" / "aarhus-byraad-2025-08-27.pdf"
needs_corpus = pytest.mark.skipif(not AARHUS_PDF.is_file(), reason="../shared corpus not present")


# ---- a minimal PDF writer: Helvetica text, one line per Td, WinAnsi for Danish letters ---------


def _pdf_string(text: str) -> bytes:
    out = bytearray(b"(")
    for byte in text.encode("cp1252"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif byte > 126:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    return bytes(out + b")")


def make_pdf(pages: list[list[str]]) -> bytes:
    """A valid PDF whose pages carry the given lines as a text layer."""
    objects: list[bytes] = []
    kids = []
    font_no = 3
    for n, lines in enumerate(pages):
        page_no, content_no = 4 + 2 * n, 5 + 2 * n
        kids.append(f"{page_no} 0 R".encode())
        ops = [b"BT /F1 10 Tf 40 800 Td"]
        for line in lines:
            ops.append(_pdf_string(line) + b" Tj 0 -14 Td")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >>"
            b" /Contents %d 0 R >>" % (font_no, content_no)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    head = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    body = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(head + objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    body += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref)
    return bytes(body)


HEADER = "Testkommune, referat fra Testudvalget"
MINUTES = [
    [
        HEADER,
        "REFERAT Testudvalget d. 03-02-2025",
        "Mødedato Mandag d. 3. februar 2025 kl. 09:30",
        "Mødested Rådhuset, mødelokale 2",
        "Side 1 af 3",
    ],
    [
        HEADER,
        "Punkt 1: Godkendelse af budget for den kommende periode med tilhørende",
        "bilag og materialer",
        "00.01.00-A00-1-25",
        "Sagsfremstilling",
        "Forvaltningen har udarbejdet et forslag, hvor den samlede ramme skal budget-",
        "lægges i to dele, og hvor udgifterne til nye p-pladser og kommunale p-",
        "huse holdes adskilt fra udgifterne til trivsels- og arbejdsmiljøindsatser.",
        "Et nyt afsnit begynder her.",
        "Beslutning",
        "Godkendt.",
        "Side 2 af 3",
    ],
    [
        HEADER,
        "Punkt 2: Eventuelt",
        "Beslutning",
        "Intet.",
        "Bilag",
        "Indstilling",
        "Bilag 1: Oversigt over økonomien",
        "Side 3 af 3",
    ],
]


def test_hand_written_pdf_reads_into_a_meeting() -> None:
    meeting = read_pdf(make_pdf(MINUTES))
    assert (meeting.forum, meeting.date.isoformat(), meeting.start_time) == ("Testudvalget", "2025-02-03", "09:30")
    assert meeting.place == "Rådhuset, mødelokale 2"
    assert meeting.source_format == "pdf"
    first, second = meeting.items
    assert first.title == "Godkendelse af budget for den kommende periode med tilhørende bilag og materialer"
    assert first.case_number == "00.01.00-A00-1-25"
    text = first.sections[0].text
    assert "budgetlægges" in text and "p-huse" in text and "trivsels- og arbejdsmiljø" in text
    assert text.endswith("Et nyt afsnit begynder her.") and "\n\n" in text
    assert first.decision == "Godkendt."
    all_text = " ".join(s.text for item in meeting.items for s in item.sections)
    assert HEADER not in all_text and "Side 2" not in all_text
    # "Indstilling" in the Bilag list is an attachment title, not a proposal section.
    assert [a.title for a in second.attachments] == ["Indstilling", "Bilag 1: Oversigt over økonomien"]
    assert [s.kind for s in second.sections] == [DECISION]


def test_read_bytes_dispatches_pdf() -> None:
    assert read_bytes(make_pdf(MINUTES), "referat.pdf").forum == "Testudvalget"


# ---- line cleaning ---------------------------------------------------------------------------

FILL = "Dette er en linje med almindelig tekst, som er fyldt ud til fuld sidebredde her"  # 80 chars


def _body(*lines: str) -> list[str]:
    return ["REFERAT Forum d. 01-01-2025\n" + "\n".join(["Punkt 1: Titel", "Sagsfremstilling", *lines])]


def _text(pages: list[str]) -> str:
    lines = clean_lines(pages)
    return "\n".join(lines[lines.index("Sagsfremstilling") + 1 :])


@pytest.mark.parametrize(
    ("end", "start", "expected"),
    [
        ("budget-", "lægges i teknik", "budgetlægges i teknik"),
        ("kommunale p-", "huse i byen", "kommunale p-huse i byen"),
        ("ny 2030-", "fremskrivning af", "ny 2030-fremskrivning af"),
        ("trivsels-", "og arbejdsmiljø", "trivsels- og arbejdsmiljø"),
        ("drift eller", "vedligehold", "drift eller vedligehold"),
        ("Region Nord-", "Jylland i", "Region Nord-Jylland i"),
        ("nye EU-", "regler for", "nye EU-regler for"),
    ],
)
def test_wrapped_lines_are_joined_and_hyphenation_undone(end: str, start: str, expected: str) -> None:
    first = FILL[: 80 - len(end) - 1] + " " + end
    text = _text(_body(FILL, first, start + " slut.", FILL))
    assert expected in text
    assert "- " not in text.replace("trivsels- og", "")


def test_ligatures_soft_hyphens_and_nbsp() -> None:
    text = _text(_body("ﬁnansiering af ﬂere e\u00adffektive kontorer\u00a0nu", FILL, "sam\u00ad", "arbejde med os."))
    assert "finansiering af flere effektive kontorer nu" in text
    assert "samarbejde med os." in text and "\u00ad" not in text


def test_headings_lists_and_punkt_lines_stay_on_their_own_lines() -> None:
    lines = clean_lines(
        _body(FILL, "Beslutning", FILL, "- første punkt", FILL, "At 1) noget", "Punkt 2: Næste sag", "Bilag")
    )
    for line in ("Beslutning", "- første punkt", "At 1) noget", "Punkt 2: Næste sag", "Bilag"):
        assert line in lines or any(x.startswith(line) for x in lines)
    assert "Beslutning" in lines
    # parse_lines reads a wrapped title from the very next line: no blank after `Punkt N:`.
    assert lines[lines.index("Punkt 1: Titel") + 1] == "Sagsfremstilling"


def test_page_furniture_is_dropped_and_pages_are_not_glued() -> None:
    pages = [
        f"Kommune X – Referat\n{body}\n- {n} -" if n % 2 else f"Kommune X – Referat\n{body}\nSide {n} af 4"
        for n, body in enumerate(
            ["REFERAT Forum d. 01-01-2025", "Punkt 1: Titel\nSagsfremstilling\nkort linje", "ny side", "x."],
            start=1,
        )
    ]
    lines = clean_lines(pages)
    assert not any("Kommune X" in line or "Side" in line or re.fullmatch(r"- \d -", line) for line in lines)
    assert "kort linje" in lines and "ny side" in lines  # short lines: never glued across a page break


def test_repeated_decisions_are_not_furniture() -> None:
    pages = [f"Punkt {n}: Sag {n}\nBeslutning\nGodkendt.\nSide {n} af 5" for n in range(1, 6)]
    meeting = read_pdf(make_pdf([["REFERAT Forum d. 01-01-2025"]] + [p.split("\n") for p in pages]))
    assert [item.decision for item in meeting.items] == ["Godkendt."] * 5


def test_table_of_contents_is_not_reflowed() -> None:
    toc = [f"Punktets titel nummer {n} ........................................................ {n}" for n in (3, 4)]
    lines = clean_lines(["REFERAT Forum d. 01-01-2025\nIndholdsfortegnelse\n" + "\n".join(toc), "Punkt 1: A"])
    assert toc[0] in lines and toc[1] in lines


# ---- errors ----------------------------------------------------------------------------------


def _blank_pdf(pages: int = 2) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_blank_pages_mean_a_scanned_pdf() -> None:
    with pytest.raises(ReaderError, match="^scanned PDF, no text layer$"):
        read_pdf(_blank_pdf())


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + b"\x00\xff garbage " * 50,
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    ],
)
def test_garbage_is_a_corrupt_pdf(data: bytes) -> None:
    with pytest.raises(ReaderError, match="^corrupt or truncated PDF: "):
        read_pdf(data)


def test_cut_pdf_is_truncated() -> None:
    data = make_pdf(MINUTES)
    with pytest.raises(ReaderError, match="^corrupt or truncated PDF"):
        read_pdf(data[: len(data) // 2])


def test_empty_and_non_pdf_bytes() -> None:
    with pytest.raises(ReaderError, match="empty file"):
        read_pdf(b"  ")
    with pytest.raises(ReaderError, match="not a PDF"):
        read_pdf(b"hello")


def _encrypted(data: bytes, user_password: str) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_encrypted_pdf() -> None:
    with pytest.raises(ReaderError, match="^encrypted PDF$"):
        read_pdf(_encrypted(make_pdf(MINUTES), "secret"))


def test_pdf_with_only_an_owner_password_opens() -> None:
    assert len(read_pdf(_encrypted(make_pdf(MINUTES), "")).items) == 2


def test_no_items_is_a_reader_error() -> None:
    with pytest.raises(ReaderError, match="Punkt"):
        read_pdf(make_pdf([["REFERAT Forum d. 01-01-2025", "Mødested X"]]))


# ---- the real Aarhus minutes -----------------------------------------------------------------


@pytest.fixture(scope="module")
def aarhus():
    return read_pdf(AARHUS_PDF.read_bytes())


@pytest.mark.corpus
@needs_corpus
def test_aarhus_meeting(aarhus) -> None:
    assert (aarhus.forum, aarhus.date.isoformat(), aarhus.start_time) == ("Aarhus Byråd", "2025-08-27", "16:00")
    assert aarhus.place == "Byrådssalen" and aarhus.kind == "referat"
    assert [item.number for item in aarhus.items] == list(range(1, 22))


@pytest.mark.corpus
@needs_corpus
def test_aarhus_titles_and_cases(aarhus) -> None:
    items = {item.number: item for item in aarhus.items}
    assert (
        items[2].title == "Svar på forslag fra DD om principbeslutning om at sikre Havnens Perles fremtid på Aarhus Ø"
    )
    assert items[2].case_number == "EMN-2025-003383"
    assert items[7].title.endswith("orientering om ny 2030-fremskrivning")
    assert items[10].title.startswith(
        "Lokalplan 1221 (tillæg 2 til lokalplan 411) – Erhvervsområde ved Kattrup, Hasselager-Kolt, med tillæg 1 - Endelig"
    )
    assert items[17].title == "Forslag fra DD og LA om Aarhus som testkommune for selvkørende biler"
    assert all(item.case_number and item.case_number.startswith("EMN-") for item in aarhus.items[:20])
    assert aarhus.items[20].closed and aarhus.items[20].case_number is None  # a closed item's case is not shown
    assert not any("..." in item.title for item in aarhus.items)  # nothing from Indholdsfortegnelse


@pytest.mark.corpus
@needs_corpus
def test_aarhus_decisions(aarhus) -> None:
    for item in aarhus.items[:20]:
        decisions = item.decision_sections
        assert decisions and decisions[0].heading == "Beslutninger" and decisions[0].text.strip(), item.number
        assert "BESLUTNINGSFORSLAG" not in item.decision
    assert aarhus.items[1].decision.startswith("Fremsendes til Teknisk Udvalg")
    closed = aarhus.items[20]
    assert closed.closed and closed.title == "Køb af landbrugsejendom"
    # Aarhus prints this closed item's decision without a decision heading: text that stands under no
    # heading is never taken as a closed item's public line, so nothing of its body is kept.
    assert closed.sections == [] and closed.attachments == []


@pytest.mark.corpus
@needs_corpus
def test_aarhus_history_attachments_and_clean_text(aarhus) -> None:
    item = aarhus.items[1]
    history = [s for s in item.sections if s.kind == HISTORY]
    assert history and all(f"{field}:" in history[0].text for field in ("Udvalg", "Dato", "Punktnummer"))
    assert [a.title for a in item.attachments][:2] == ["Indstilling", "Bilag 1: Beslutningsforslag"]
    assert not any("Bilag 1:" in s.text for s in item.sections)
    text = "\n".join(s.text for it in aarhus.items for s in it.sections)
    artefacts = [m for m in re.findall(r"\w+- \w+", text) if not m.endswith(("- og", "- eller"))]
    assert artefacts == []
    assert "budgetlægges" in text and "p-huse" in text


@pytest.mark.corpus
@needs_corpus
def test_aarhus_cut_in_half_is_truncated() -> None:
    data = AARHUS_PDF.read_bytes()
    with pytest.raises(ReaderError, match="^corrupt or truncated PDF"):
        read_pdf(data[: len(data) // 2])
