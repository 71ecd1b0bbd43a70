"""Turn the lines of a First Agenda document into a `Meeting`.

Shared by the text/Markdown reader and the PDF reader (which first cleans PDF text into lines).
The layout it expects: a title line `REFERAT <forum> d. DD-MM-YYYY`, header lines (Mødedato,
Mødested, Mødedeltagere), a table of contents that is skipped, then `Punkt N: <title>` blocks
with an optional case number line and section headings.
"""

from __future__ import annotations

import datetime as dt
import re

from index.model import ATTACHMENTS, DECISION, INTRO, OTHER, Attachment, Item, Meeting, Section
from index.readers.errors import NotMinutes, ReaderError
from index.readers.headings import heading_kind, is_caps_heading

_TITLE = re.compile(
    r"^(REFERAT|DAGSORDEN)\s+(?P<forum>.+?)\s+d\.\s*(?P<d>\d{1,2})[-.](?P<m>\d{1,2})[-.](?P<y>\d{4})\s*$",
    re.IGNORECASE,
)
_PUNKT = re.compile(r"^Punkt\s+(?P<n>\d{1,3})\s*:\s*(?P<title>.*)$")
_TIME = re.compile(r"\bkl\.?\s*(\d{1,2})[.:](\d{2})")
_CASE_PATTERNS = [
    re.compile(r"^\d{2}\.\d{2}\.\d{2}-[A-ZÆØÅ0-9]\d{2}-\d+-\d{2}$"),  # KLE: 00.01.00-A00-3-17
    re.compile(r"^\d{2}/\d{3,7}$"),  # older: 12/14237
    re.compile(r"^[A-ZÆØÅ]{2,6}-\d{4}-\d{3,8}$"),  # EMN-2025-003383
    re.compile(r"^(?=(?:.*\d){4})[A-Za-zÆØÅæøå0-9][A-Za-zÆØÅæøå0-9./-]{4,30}$"),  # other schemes
]
_PREFIX = re.compile(r"^[A-ZÆØÅ]{2,5}\s+-\s+")
_SLOT = re.compile(r"\s*\(\d{1,2}[.:]\d{2}\s*-\s*\d{1,2}[.:]\d{2}\)\s*$")
_PRESENTER = re.compile(r"\s+v\.\s+\S.*$")
_CLOSED = re.compile(r"^Lukket\b\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)


def is_case_number(line: str) -> bool:
    text = line.strip()
    return bool(text) and " " not in text and any(p.match(text) for p in _CASE_PATTERNS)


def clean_title(printed: str) -> str:
    """Drop a forum prefix ("CF - ", "TCG - ") and a presenter/time-slot tail ("v. Jette (9:50-10:00)")."""
    title = _PREFIX.sub("", printed.strip(), count=1)
    title = _SLOT.sub("", title)
    title = _PRESENTER.sub("", title)
    title = _SLOT.sub("", title)
    return title.strip() or printed.strip()


def _paragraphs(lines: list[str]) -> str:
    """Join lines, keeping single blank lines between paragraphs and trimming the ends."""
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if not line.strip():
            if out and out[-1] != "":
                out.append("")
        else:
            out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


def _header(lines: list[str]) -> dict:
    info: dict = {"participants": [], "absentees": []}
    for line in lines:
        text = line.strip()
        low = text.lower()
        if low.startswith("mødedato"):
            m = _TIME.search(text)
            if m:
                info["start_time"] = f"{int(m.group(1)):02d}:{m.group(2)}"
        elif low.startswith("mødested"):
            info["place"] = text[len("mødested") :].strip(" :") or None
        elif low.startswith("mødedeltagere"):
            for name in text[len("mødedeltagere") :].strip(" :").split(","):
                name = name.strip()
                if not name:
                    continue
                if re.search(r"\(fravær\)", name, re.IGNORECASE):
                    clean = re.sub(r"\s*\(fravær\)", "", name, flags=re.IGNORECASE).strip()
                    info["absentees"].append(clean)
                    info["participants"].append(clean)
                else:
                    info["participants"].append(name)
    return info


def _item(number: int, block: list[str], wrapped_titles: bool, toc: list[str]) -> Item:
    title_lines = [block[0]]
    i = 1
    # PDFs wrap long titles onto the next line(s); the case number or a heading ends the title.
    if wrapped_titles:
        while i < len(block) and i <= 3:
            nxt = block[i].strip()
            if not nxt or is_case_number(nxt) or heading_kind(nxt) or is_caps_heading(nxt):
                break
            joined = " ".join(t.strip() for t in title_lines + [nxt])
            if len(title_lines[-1]) >= 55 or any(t.startswith(joined[:60]) for t in toc):
                title_lines.append(nxt)
                i += 1
            else:
                break
    printed = " ".join(t.strip() for t in title_lines).strip()
    closed = False
    m = _CLOSED.match(printed)
    if m:
        closed = True
        title = m.group("rest").strip() or "Lukket"
    else:
        title = clean_title(printed)

    while i < len(block) and not block[i].strip():
        i += 1
    case_number = None
    if i < len(block) and is_case_number(block[i]):
        case_number = block[i].strip()
        i += 1

    sections: list[Section] = []
    heading, kind = "", (DECISION if closed else INTRO)
    buf: list[str] = []

    def flush() -> None:
        text = _paragraphs(buf)
        if text or kind == DECISION and heading:
            sections.append(Section(heading=heading, kind=kind, text=text))

    for line in block[i:]:
        if kind == ATTACHMENTS:
            # Bilag closes an item, and attachment titles may read like headings ("Indstilling").
            buf.append(line)
            continue
        k = heading_kind(line)
        if k is None and is_caps_heading(line):
            k = OTHER
        if k is not None:
            flush()
            heading, kind, buf = line.strip().rstrip(), k, []
        else:
            buf.append(line)
    flush()

    attachments = [
        Attachment(title=line.strip())
        for s in sections
        if s.kind == ATTACHMENTS
        for line in s.text.splitlines()
        if line.strip()
    ]
    sections = [s for s in sections if s.kind != ATTACHMENTS]
    return Item(
        number=number,
        title=title,
        title_raw=printed,
        case_number=case_number,
        closed=closed,
        sections=sections,
        attachments=attachments,
    )


def parse_lines(lines: list[str], *, source_format: str = "text", wrapped_titles: bool = False) -> Meeting:
    """Build a Meeting from cleaned lines; raise ReaderError when the text is not First Agenda minutes."""
    start = None
    for idx, line in enumerate(lines):
        m = _TITLE.match(line.strip())
        if m:
            start = idx
            break
        if idx > 60:
            break
    if start is None:
        raise NotMinutes("not minutes: no title line 'REFERAT <forum> d. DD-MM-YYYY' at the top")
    assert m is not None  # set together with start
    kind = "referat" if m.group(1).upper() == "REFERAT" else "dagsorden"
    try:
        date = dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError as exc:
        raise ReaderError(f"impossible meeting date in title line: {exc}") from None
    forum = m.group("forum").strip()

    first_item = next((j for j in range(start + 1, len(lines)) if _PUNKT.match(lines[j].strip())), len(lines))
    head = lines[start + 1 : first_item]
    toc_at = next((j for j, line in enumerate(head) if line.strip().lower() == "indholdsfortegnelse"), None)
    header_lines = head if toc_at is None else head[:toc_at]
    toc = [] if toc_at is None else [line.strip() for line in head[toc_at + 1 :] if line.strip()]
    toc_titles = [_PREFIX.sub("", re.sub(r"\.{2,}\s*\d*\s*$|\t\s*\d+\s*$", "", t)).strip() for t in toc]

    meeting = Meeting(forum=forum, date=date, kind=kind, source_format=source_format, **_header(header_lines))

    blocks: list[tuple[int, list[str]]] = []
    last = 0
    for line in lines[first_item:]:
        pm = _PUNKT.match(line.strip())
        if pm and int(pm.group("n")) > last:
            last = int(pm.group("n"))
            blocks.append((last, [pm.group("title")]))
        elif blocks:
            blocks[-1][1].append(line)
    for number, block in blocks:
        meeting.items.append(_item(number, block, wrapped_titles, toc_titles))
    if not meeting.items:
        raise ReaderError("minutes without agenda items: no 'Punkt N:' headings found")
    return meeting
