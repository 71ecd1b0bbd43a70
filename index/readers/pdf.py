"""First Agenda minutes as PDF: extract the text layer with pypdf, clean it into lines, parse.

PDF text comes as physical lines: wrapped at the page width, hyphenated, with ligatures and
page furniture. `clean_lines` turns it into the logical lines the shared parser expects: one
paragraph a line, headings and `Punkt N:` lines on their own, paragraphs separated by a blank line.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from index.model import ATTACHMENTS, Meeting
from index.readers.errors import ReaderError
from index.readers.headings import heading_kind, is_caps_heading
from index.readers.structure import is_case_number, item_heading, numbered_heading, parse_lines

_CHARS = str.maketrans(
    {
        "ﬁ": "fi",
        "ﬂ": "fl",
        "ﬀ": "ff",
        "ﬃ": "ffi",
        "ﬄ": "ffl",
        "ﬅ": "st",
        "ﬆ": "st",
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space
        "\u2009": " ",  # thin space
        "\t": " ",
        "\u200b": "",  # zero-width space
        "\ufeff": "",
    }
)
_SOFT = "\u00ad"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_TITLE = re.compile(r"^(REFERAT|DAGSORDEN)\s", re.IGNORECASE)
_PAGE_NO = re.compile(
    r"^(?:[-–]\s*)?(?:side|page)?\s*(?P<n>\d{1,4})(?:\s*(?:af|of|/)\s*\d{1,4})?(?:\s*[-–])?$", re.IGNORECASE
)
# A line that starts a new paragraph even when the line before it looks wrapped.
_LIST_START = re.compile(r"^(?:[-•▪◦·*]\s|\d{1,2}\)\s*\S|\d{1,2}\.\s+(?:[A-ZÆØÅ]|at\b)|[a-zæøå]\)\s|[Aa]t\s*\d{0,2}\))")
_MIN_WIDTH = 40.0
_LABEL = re.compile(r"^[A-ZÆØÅ][\wæøåÆØÅ]{1,25}:(?:\s|$)")
_HYPHENATED = re.compile(r"(?P<word>[^\s(\[\"'“]+)-$")


def _normalise(line: str) -> str:
    line = _CONTROL.sub("", line.translate(_CHARS))
    line = " ".join(line.split())
    # A soft hyphen at the end marks a word broken across lines; elsewhere it is invisible.
    trailing = line.endswith(_SOFT)
    line = line.replace(_SOFT, "")
    return line + _SOFT if trailing and line else line


def _punkt(line: str) -> bool:
    return item_heading(line) is not None


def _structural(line: str) -> bool:
    return bool(_punkt(line) or heading_kind(line) or is_caps_heading(line) or _TITLE.match(line))


def _edges(page: list[str]) -> list[int]:
    """Indexes of the first two and last two non-empty lines: where headers and footers sit."""
    filled = [i for i, line in enumerate(page) if line]
    return sorted(set(filled[:2] + filled[-2:]))


def _under_heading(page: list[str], i: int) -> bool:
    """Does line i follow a section heading? Then it is content ("Beslutning" / "Godkendt." on
    every page of short minutes), however often it repeats."""
    before = [line for line in page[:i] if line]
    return bool(before) and heading_kind(before[-1]) is not None


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower())


def drop_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Remove running headers/footers and page numbers from the edges of each page."""
    n = len(pages)
    seen = Counter(key for page in pages for key in {_furniture_key(page[i]) for i in _edges(page)})
    repeated = {k for k, c in seen.items() if n >= 3 and c >= max(3, -(-n * 6 // 10))}
    out, kept_title = [], False
    for page in pages:
        drop = set()
        for i in _edges(page):
            line = page[i]
            m = _PAGE_NO.match(line)
            if m and int(m.group("n")) <= n + 10:
                drop.add(i)
            elif _furniture_key(line) in repeated:
                # The title line may double as a running header: keep its first occurrence only.
                if _TITLE.match(line) and not kept_title:
                    kept_title = True
                elif not (_punkt(line) or heading_kind(line) or is_case_number(line) or _under_heading(page, i)):
                    drop.add(i)
            if _TITLE.match(line):
                kept_title = True
        out.append([line for i, line in enumerate(page) if i not in drop])
    return out


def _join(a: str, b: str) -> str:
    """Join a wrapped line `a` with its continuation `b`, undoing end-of-line hyphenation."""
    if a.endswith(_SOFT):
        return a[:-1] + b
    m = _HYPHENATED.search(a)
    if not m or not b:
        return f"{a} {b}"
    word, nxt = m.group("word"), b.split()[0]
    if nxt.lower().rstrip(",.") in {"og", "eller", "samt", "&"}:
        return f"{a} {b}"  # a suspended compound: "trivsels- og arbejdsmiljø"
    letters = [c for c in word if c.isalpha()]
    keep = (
        len(letters) <= 1  # "p-huse"
        or any(c.isdigit() for c in word)  # "2030-fremskrivning", "CO2-udledning"
        or any(c.isupper() for c in word[1:])  # acronyms and names: "EU-regler", "UngiAarhus-tilbud"
        or nxt[0].isupper()  # "Nord-Amerika"
    )
    return a + b if keep else a[:-1] + b


def _continues(prev: str, nxt: str, width: float, in_bilag: bool) -> bool:
    """Is `nxt` the continuation of the wrapped line `prev`?"""
    if _structural(nxt) or _LIST_START.match(nxt) or _LABEL.match(nxt):
        return False
    if _structural(prev):
        # Only a hyphenated item title is certainly wrapped; other title wraps are parse_lines' job.
        return _punkt(prev) and (prev.endswith(_SOFT) or bool(_HYPHENATED.search(prev)))
    starts_lower = nxt[0].islower()
    if in_bilag:
        return starts_lower  # attachment titles stand one a line; only a lower-case start continues one
    if prev.endswith(_SOFT):
        return True  # a soft hyphen only shows where a word was broken
    if _HYPHENATED.search(prev):
        return len(prev) >= 0.6 * width
    # A lower-case start is strong evidence of a wrap, so a shorter line (hard-wrapped) still counts.
    if len(prev) < (0.6 if starts_lower else 0.75) * width:
        return False
    # A full line that ends a sentence, followed by a capital, is most likely a paragraph end.
    return not (prev[-1] in ".!?:" and not starts_lower)


def _typical_width(lines: list[str]) -> float:
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return _MIN_WIDTH
    # The floor keeps a short document of short lines from looking like one long wrapped paragraph.
    return max(_MIN_WIDTH, float(lengths[int(0.9 * (len(lengths) - 1))]))


def reflow(lines: list[str]) -> list[str]:
    """Join wrapped lines into paragraphs; returns paragraphs separated by blank lines.

    Lines before the first item heading (title, header, table of contents) are kept as they are:
    the table of contents has page numbers at the end of full-width lines and must not be joined.
    """
    # Minutes without a "Punkt N" line number their items "N. Title" (parse_lines decides which are items).
    is_item = _punkt if any(_punkt(line) for line in lines) else (lambda line: numbered_heading(line) is not None)
    first = next((i for i, line in enumerate(lines) if is_item(line)), len(lines))
    out = [line for line in lines[:first] if line]
    body = lines[first:]
    width = _typical_width(body)
    paragraphs: list[str] = []
    current, last, in_bilag = "", "", False
    for line in body + [""]:
        if current and line and _continues(last, line, width, in_bilag):
            current, last = _join(current, line), line
            continue
        if current:
            paragraphs.append(current)
            # Bilag is the last block of an item and its titles may read like headings ("Indstilling").
            if is_item(current):
                in_bilag = False
            elif heading_kind(current) == ATTACHMENTS:
                in_bilag = True
        current = last = line
    for p in paragraphs:
        out.append(p.replace(_SOFT, ""))
        # parse_lines reads a wrapped title from the line right after `Punkt N:`; no blank in between.
        if not is_item(p):
            out.append("")
    return out


def clean_lines(pages: list[str]) -> list[str]:
    """Page texts -> logical lines for parse_lines."""
    split = [[_normalise(line) for line in text.splitlines()] for text in pages]
    lines = [line for page in drop_furniture(split) for line in page]
    return reflow(lines)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    reason = text[0] if text else type(exc).__name__
    return reason[:100]


def extract_pages(data: bytes) -> list[str]:
    """The text of each page; ReaderError for anything pypdf cannot read."""
    import pypdf  # imported here so that text-only installs and tests never load it

    if not data.strip():
        raise ReaderError("empty file")
    if b"%PDF" not in data[:1024]:  # readers accept a little junk before the header
        raise ReaderError("not a PDF file")
    # pypdf recovers from a missing tail by scanning, and then silently returns fewer pages.
    if b"%%EOF" not in data[-2048:]:
        raise ReaderError("corrupt or truncated PDF: no end-of-file marker")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))  # owner-password-only PDFs open with an empty password
            except Exception:
                opened = False
            if not opened:
                raise ReaderError("encrypted PDF")
        return [page.extract_text() or "" for page in reader.pages]
    except ReaderError:
        raise
    except Exception as exc:  # RecursionError included: deeply nested objects in a hostile file
        raise ReaderError(f"corrupt or truncated PDF: {_reason(exc)}") from None


def read_pdf(data: bytes) -> Meeting:
    pages = extract_pages(data)
    if not pages:
        raise ReaderError("PDF has no pages")
    if not any(text.strip() for text in pages):
        raise ReaderError("scanned PDF, no text layer")
    return parse_lines(clean_lines(pages), source_format="pdf", wrapped_titles=True)
