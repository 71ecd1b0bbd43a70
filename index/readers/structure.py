"""Turn the lines of a First Agenda document into a `Meeting`.

Shared by the text/Markdown reader and the PDF reader (which first cleans PDF text into lines).
The layout it expects: a title line `REFERAT <forum> d. DD-MM-YYYY`, header lines (Mødedato,
Mødested, Mødedeltagere), a table of contents that is skipped, then `Punkt N: <title>` blocks
with an optional case number line and section headings.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from index.model import ATTACHMENTS, DECISION, INTRO, OTHER, Attachment, Item, Meeting, Section
from index.readers.closed import FIRST_LINES, Verdict, is_marker_line, judge_item, judge_title, plain, redact, warning
from index.readers.errors import NotMinutes, ReaderError
from index.readers.headings import heading_kind, is_caps_heading

_TITLE = re.compile(
    r"^(REFERAT|DAGSORDEN)\s+(?P<forum>.+?)\s+d\.\s*(?P<d>\d{1,2})[-.](?P<m>\d{1,2})[-.](?P<y>\d{4})\s*$",
    re.IGNORECASE,
)
# "Punkt 2: Titel", "Punkt 2. Titel", "Punkt 2 - Titel", "Pkt. 2: Titel", "PUNKT 2:" (after Markdown marks).
_PUNKT = re.compile(r"^(?:Punkt|PUNKT|Pkt\.?|PKT\.?)\s*(?P<n>\d{1,3})\s*(?:[:.–—-]\s*|$)(?P<title>.*)$")
# "2. Titel": a short line beginning with a capital; lists in the bodies ("1. at …") begin lower-case.
_NUMBERED = re.compile(r"^(?P<n>\d{1,3})\.\s+(?P<title>[A-ZÆØÅ].{0,110})$")
# Cheap first looks (Markdown marks and spaces may come first): could the line be one of the two?
_MAYBE_PUNKT = re.compile(r"^[\s#*_>]*(?:punkt|pkt)", re.IGNORECASE)
_MAYBE_NUMBERED = re.compile(r"^[\s#*_>]*\d")
# A table-of-contents line: dot leaders or a tab before the page number.
_TOC_LINE = re.compile(r"(?:\.{3,}|…{2,}|\t)\s*\d{0,4}\s*$")
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


def item_heading(line: str) -> tuple[int, str] | None:
    """(number, printed title) when `line` is a "Punkt N" item heading in any of its printed forms."""
    if not _MAYBE_PUNKT.match(line):
        return None  # most lines are prose: skip the Markdown clean-up for them
    m = _PUNKT.match(plain(line))
    if not m or _TOC_LINE.search(line):
        return None
    return int(m.group("n")), m.group("title").strip()


def numbered_heading(line: str) -> tuple[int, str] | None:
    """(number, title) when `line` could be a "N. Title" item heading (the caller decides whether the
    document numbers its items that way): a short line, no sentence ending, no dot leaders."""
    if not _MAYBE_NUMBERED.match(line):
        return None
    text = plain(line)
    m = _NUMBERED.match(text)
    if not m or _TOC_LINE.search(line):
        return None
    title = m.group("title").strip()
    if len(title) > 12 and title[-1] in ".,;:":
        return None
    return int(m.group("n")), title


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


def _key(text: str) -> str:
    """A title as the table of contents and the heading both print it: no forum prefix, numbers of the
    numbered form, punctuation or case."""
    text = _PREFIX.sub("", plain(text).lower(), count=1)
    text = re.sub(r"^\d{1,3}\.\s+", "", text)
    return " ".join(re.sub(r"[^\w§]+", " ", text).split())


def _in_toc(title: str, toc: list[str], *, whole: bool = False) -> bool:
    """Is `title` (possibly joined from wrapped lines) printed in the table of contents? With `whole`, all of
    it must be there; else its first 60 characters (the table of contents may cut a long title off)."""
    key = _key(title)
    if not key:
        return False
    return any(t.startswith(key if whole else key[:60]) for t in toc)


def _toc_match(title: str, toc: list[str], at: int) -> int | None:
    """Index of the table-of-contents entry at or just after `at` that names this heading's title."""
    key = _key(title)
    for j in range(at, min(at + 3, len(toc))):
        entry = toc[j]
        # The table of contents may cut a title off or spell it a little differently ("kvrt." for "kv."):
        # the first 20 characters, or all of the shorter one, decide.
        need = min(len(key), len(entry), 20)
        if need and key[:need] == entry[:need]:
            return j
    return None


def _item(number: int, block: list[str], wrapped_titles: bool, toc: list[str], verdict: Verdict) -> Item:
    title_lines = [block[0]]
    i = 1
    # PDFs wrap long titles onto the next line(s); the case number or a heading ends the title. A closed
    # item's title takes a next line only when the table of contents prints the joined title: its body
    # is confidential, and a long first line says nothing about whether the next one is title or body.
    if wrapped_titles:
        while i < len(block) and i <= 3:
            nxt = block[i].strip()
            if not nxt or is_case_number(nxt) or heading_kind(nxt) or is_caps_heading(nxt) or is_marker_line(nxt):
                break
            joined = " ".join(t.strip() for t in title_lines + [nxt])
            if verdict.closed:
                wraps = _in_toc(joined, toc, whole=True)
            else:
                wraps = len(title_lines[-1]) >= 55 or _in_toc(joined, toc)
            if not wraps:
                break
            title_lines.append(nxt)
            i += 1
    printed = " ".join(t.strip() for t in title_lines).strip()
    if verdict.closed:
        by_title = judge_title(printed)
        title = clean_title(by_title.title if by_title.closed else printed)
    else:
        title = clean_title(printed)

    while i < len(block) and (not block[i].strip() or (verdict.closed and is_marker_line(block[i]))):
        i += 1
    case_number = None
    if i < len(block) and is_case_number(block[i]):
        case_number = block[i].strip()
        i += 1

    sections: list[Section] = []
    # Text before the first heading is the item's introduction, never its decision, closed or not.
    heading, kind = "", INTRO
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
            heading, kind, buf = plain(line), k, []
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
    item = Item(
        number=number,
        title=title,
        title_raw=printed,
        case_number=case_number,
        closed=verdict.closed,
        sections=sections,
        attachments=attachments,
    )
    return redact(item) if verdict.closed else item


@dataclass
class _Block:
    number: int
    lines: list[str]
    verdict: Verdict


def _headings(lines: list[str], start: int) -> tuple[dict[int, tuple[int, str]], bool]:
    """Candidate item headings after the title line: {line index: (number, printed title)}, and whether the
    document numbers its items "N. Title" (used only when no line has a "Punkt N" form)."""
    found = {}
    for j in range(start + 1, len(lines)):
        heading = item_heading(lines[j])
        if heading:
            found[j] = heading
    if found:
        return found, False
    for j in range(start + 1, len(lines)):
        heading = numbered_heading(lines[j])
        if heading:
            found[j] = heading
    return found, True


def _lookahead(lines: list[str], at: int, stops: dict[int, tuple[int, str]]) -> list[str]:
    """The first non-empty lines under the heading at `at`, up to the next candidate heading."""
    out: list[str] = []
    for j in range(at + 1, len(lines)):
        if j in stops or len(out) >= FIRST_LINES:
            break
        if lines[j].strip():
            out.append(lines[j])
    return out


def parse_lines(lines: list[str], *, source_format: str = "text", wrapped_titles: bool = False) -> Meeting:
    """Build a Meeting from cleaned lines; raise ReaderError when the text is not First Agenda minutes.

    Item headings are "Punkt N: …" in its printed variants ("Punkt N.", "Punkt N -", "Pkt. N:", Markdown
    emphasis), or "N. Title" in a document that numbers its items so. A heading starts an item when the
    document's structure says so: the table of contents names it next or, without a usable table of
    contents, it is the next number (or skips numbers no later heading fills). A heading with a lower
    number, or out of order, starts an item too when it is closed: a closed item swallowed by the open one
    before it would be published. Inside a closed item nothing but the structure counts: a "Punkt 9: …"
    line that it does not confirm is closed text and goes with the item (and the report says so).
    """
    start = None
    for idx, line in enumerate(lines):
        m = _TITLE.match(line.strip())
        if m:
            start = idx
            break
        if idx > 60:
            break
    if start is None:
        if any(_PUNKT.match(line.strip().strip("*_#> ")) for line in lines):
            # agenda items but no title: minutes that are broken, not a README
            raise ReaderError("minutes without a title line 'REFERAT <forum> d. DD-MM-YYYY' at the top")
        raise NotMinutes("not minutes: no title line 'REFERAT <forum> d. DD-MM-YYYY' at the top")
    assert m is not None  # set together with start
    kind = "referat" if m.group(1).upper() == "REFERAT" else "dagsorden"
    try:
        date = dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError as exc:
        raise ReaderError(f"impossible meeting date in title line: {exc}") from None
    forum = m.group("forum").strip()

    candidates, numbered = _headings(lines, start)
    toc_at = next(
        (
            j
            for j in range(start + 1, min(candidates, default=len(lines)))
            if plain(lines[j]).lower() == "indholdsfortegnelse"
        ),
        None,
    )
    if numbered and toc_at is not None:
        # A numbered table of contents without dot leaders reads like headings: the items start where
        # the numbering starts over.
        ones = [j for j, (n, _) in sorted(candidates.items()) if n == 1]
        if len(ones) > 1:
            candidates = {j: h for j, h in candidates.items() if j >= ones[1]}
    first_item = min(candidates, default=len(lines))
    head = lines[start + 1 : first_item]
    toc_at = next((j for j, line in enumerate(head) if plain(line).lower() == "indholdsfortegnelse"), None)
    header_lines = head if toc_at is None else head[:toc_at]
    toc_lines = [] if toc_at is None else [line.strip() for line in head[toc_at + 1 :] if line.strip()]
    toc_titles = [re.sub(r"\.{2,}\s*\d*\s*$|\t\s*\d+\s*$|\s\d{1,4}\s*$", "", t).strip() for t in toc_lines]
    toc = [key for key in (_key(t) for t in toc_titles) if key]
    # The table of contents is only evidence when it lists what the headings say.
    titles = [_key(title) for _, title in candidates.values()]
    usable = bool(toc) and sum(1 for t in toc if any(_toc_match(x, [t], 0) == 0 for x in titles)) * 2 >= len(toc)

    meeting = Meeting(forum=forum, date=date, kind=kind, source_format=source_format, **_header(header_lines))

    order = sorted(candidates)

    def later_numbers(at: int) -> list[int]:
        return [candidates[j][0] for j in order if j > at]

    blocks: list[_Block] = []
    last, at_toc = 0, 0
    for j in range(first_item, len(lines)):
        line = lines[j]
        heading = candidates.get(j)
        if heading is not None:
            number, title = heading
            verdict = judge_item(title, _lookahead(lines, j, candidates))
            match = _toc_match(title, toc, at_toc) if usable else None
            later = later_numbers(j)
            # The next number, unless a later "Punkt" heading has it too: then this one is a line of text.
            # (Lists in the bodies of "N. Title" minutes repeat small numbers; there the first one counts.)
            next_number = number == last + 1 and (numbered or number not in later)
            confirmed = match is not None if usable else next_number
            current = blocks[-1] if blocks else None
            if current is None:
                accept = not numbered or number == 1 or match is not None
            elif current.verdict.closed:
                accept = confirmed
            elif numbered:
                accept = confirmed or verdict.closed
            else:
                # A gap in the numbering is kept (an item may be withdrawn) unless a later heading fills
                # it: "Punkt 9: …" before "Punkt 3: …" is a line of the item's text.
                gap = number > last + 1 and not any(last < n <= number for n in later)
                accept = match is not None or next_number or gap or verdict.closed
            if accept:
                if any(b.number == number for b in blocks):
                    raise ReaderError(f"item number {number} appears twice (a second heading for it after item {last})")
                if match is not None:
                    at_toc = match + 1
                last = max(last, number)
                blocks.append(_Block(number, [title], verdict))
                continue
            if current is not None:
                kept = "closed text" if current.verdict.closed else "its text"
                meeting.warnings.append(
                    f"item {current.number}: a 'Punkt {number}' line inside it was kept as {kept}"
                    " (neither the table of contents nor the numbering makes it the next item)"
                )
        if blocks:
            blocks[-1].lines.append(line)
    for block in blocks:
        note = warning(block.number, block.verdict)
        if note:
            meeting.warnings.append(note)
        meeting.items.append(_item(block.number, block.lines, wrapped_titles, toc, block.verdict))
    if not meeting.items:
        raise ReaderError("minutes without agenda items: no 'Punkt N:' headings found")
    return meeting
