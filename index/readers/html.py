"""First Agenda Publication meeting pages (HTML), read with the standard library only.

The page lists items as `tr.punktrow` rows: `span.label` (number), `h2.overskrift` (title),
`span.sagsnummer`, then `div.punkt` holding `h3` headings each followed by the section's text (in
`span.resume` on Aarhus's pages, plain spans on Greve's; one `div` or `p` a paragraph), and a list of
`a.bilag-link` attachments. Meeting facts sit in `table.dagsordeninfo`.
Real pages are not well-formed (unbalanced divs), so elements close the way browsers close them:
an end tag closes the nearest open element of that name, and stray end tags are ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

from index.model import ATTACHMENTS, DECISION, INTRO, OTHER, Attachment, Item, Meeting, Section
from index.readers.closed import FIRST_LINES, judge_item, redact, warning
from index.readers.errors import NotMinutes, ReaderError
from index.readers.headings import heading_kind
from index.readers.structure import clean_title
from index.readers.text import decode

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SKIP_TAGS = {"script", "style", "noscript", "template", "nav", "iframe", "object", "svg", "select", "textarea"}
_SKIP_CLASSES = {"modal", "dropdown-menu"}
_BLOCK = {
    "div", "p", "li", "ul", "ol", "table", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "section", "article", "header", "footer", "pre", "dl", "dt", "dd",
}  # fmt: skip
# Opening one of these closes an open one of the same name inside the same container.
_IMPLIED = {"tr": {"table"}, "td": {"tr", "table"}, "th": {"tr", "table"}, "li": {"ul", "ol"}, "p": {"div", "td"}}
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "maj": 5, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_DATE_WORDS = re.compile(r"(\d{1,2})\.?\s+([a-zæøå]{3,})\.?\s+(\d{4})", re.IGNORECASE)
_DATE_DIGITS = re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})")
_TIME = re.compile(r"\bkl\.?\s*(\d{1,2})[.:](\d{2})")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
# Elements whose text is a badge: the item number ("label label-default") and marks such as "Lukket punkt".
_BADGES = {"label", "badge", "tag", "lukket", "closed"}
_ABSENT = re.compile(r"\s*\(?\b(fravær|afbud)\b\)?\s*", re.IGNORECASE)


def _norm(text: str) -> str:
    return " ".join(text.split())


@dataclass
class _Draft:
    external_id: str | None
    number: int | None = None
    title: str = ""
    case_number: str | None = None
    labels: list[str] = field(default_factory=list)  # badge/label texts and title/aria-label attributes
    classes: set[str] = field(default_factory=set)  # class names of the row's elements
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    bilag_id: str | None = None  # data-id seen in the current <li>, for the link that follows


@dataclass
class _El:
    tag: str
    role: str | None = None  # what the text inside is captured as
    skip: bool = False
    capture: _El | None = None  # nearest capturing element, this one included
    parts: list[str] = field(default_factory=list)  # text of the paragraph being read
    paras: list[str] = field(default_factory=list)  # finished paragraphs / segments
    cells: list[list[str]] = field(default_factory=list)  # for info rows
    owner: _El | None = None  # the info row an info cell belongs to
    data_id: str | None = None  # attachment id of a bilag link


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_El] = []
        self.open: Counter[str] = Counter()  # open elements by tag, so stray end tags cost O(1)
        self.roles: Counter[str] = Counter()  # open elements by role, so nesting depth costs O(1)
        self.info_row: _El | None = None
        self.h1 = ""
        self.doc_title = ""
        self.header: dict[str, list[str]] = {}
        self.fallback: dict[str, str] = {}  # span.udvalg / span.sted outside the info table
        self.items: list[_Draft] = []
        self.item: _Draft | None = None

    # ---- element stack ----------------------------------------------------------------------

    def _push(self, el: _El) -> None:
        self.stack.append(el)
        self.open[el.tag] += 1
        if el.role:
            self.roles[el.role] += 1

    def _pop_to(self, tag: str) -> None:
        while self.stack:
            el = self.stack.pop()
            self.open[el.tag] -= 1
            if el.role:
                self.roles[el.role] -= 1
            self._close(el)
            if el.tag == tag:
                return

    def close_all(self) -> None:
        """Close what is still open at the end, so the last item's text is not lost."""
        while self.stack:
            self._pop_to(self.stack[-1].tag)

    # ---- parser callbacks -------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        top = self.stack[-1] if self.stack else None
        if tag in _VOID:
            if tag == "br" and top and top.capture and not top.skip:
                self._break(top.capture)
            return
        if tag in _IMPLIED and self.open[tag]:
            for el in reversed(self.stack):
                if el.tag == tag:
                    self._pop_to(tag)
                    break
                if el.tag in _IMPLIED[tag]:
                    break
            top = self.stack[-1] if self.stack else None
        classes = set(a.get("class", "").split())
        skip = bool(top and top.skip) or tag in _SKIP_TAGS or bool(classes & _SKIP_CLASSES)
        el = _El(tag=tag, skip=skip, capture=top.capture if top else None)
        if not skip and el.capture is not None and tag in _BLOCK:
            self._break(el.capture)  # a nested block (div, p, h3) ends the paragraph being read
        if not skip:
            el.role = self._role(tag, a, classes)
            if el.role == "resume" and top and top.capture and top.capture.role == "resume":
                self._break(top.capture)  # text before a nested text container comes first
            if el.role:
                el.capture = el
                if el.role == "info-row":
                    self.info_row = el
                elif el.role == "info-cell":
                    el.owner = self.info_row
                elif el.role == "bilag":
                    bilag_id = self.item.bilag_id if self.item else None
                    el.data_id = a.get("data-id") or bilag_id or _uuid(a.get("id", "") + " " + a.get("href", ""))
        self._push(el)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not self.open[tag]:
            return  # stray end tag: browsers ignore it too
        self._pop_to(tag)
        top = self.stack[-1] if self.stack else None
        if tag in _BLOCK and top and top.capture and not top.skip:
            self._break(top.capture)

    def handle_data(self, data: str) -> None:
        top = self.stack[-1] if self.stack else None
        if top is None or top.skip or top.capture is None:
            return
        top.capture.parts.append(data)

    # ---- roles ------------------------------------------------------------------------------

    def _role(self, tag: str, a: dict[str, str], classes: set[str]) -> str | None:
        if tag == "title" and not self.doc_title:
            return "doc-title"
        if tag == "h1" and not self.h1:
            return "h1"
        if tag == "table" and "dagsordeninfo" in classes:
            return "info"
        if tag == "tr" and "punktrow" in classes:
            uid = a.get("id", "")
            self.item = _Draft(external_id=uid.split("_", 1)[1] if "_" in uid else uid or None)
            self.items.append(self.item)
            return "row"
        if self.roles["info"]:
            if tag == "tr":
                return "info-row"
            return "info-cell" if tag in ("td", "th") and self.roles["info-row"] else None
        item = self.item
        if item is None or not self.roles["row"]:
            if tag == "span" and classes & {"udvalg", "sted"}:
                return "udvalg" if "udvalg" in classes else "sted"
            return None
        # A closed item may be marked by a class (lock icon, "lukket"), a badge or an attribute ("Lukket
        # punkt"); index.readers.closed judges them, and the aria-labels that repeat the title prove nothing.
        item.classes |= classes
        item.labels.extend(v.strip() for v in (a.get("title", ""), a.get("aria-label", "")) if v.strip())
        if tag == "li":
            item.bilag_id = None
        if a.get("data-id") and a.get("data-type") == "bilag":
            item.bilag_id = a["data-id"]
        if tag in ("span", "div") and classes & _BADGES and "pdf-label" not in classes:
            return "label"
        if tag == "h2" and not item.title:
            return "title"
        if tag == "span" and "sagsnummer" in classes:
            return "case"
        if tag == "h3":
            return "h3"
        # The item's text is everything inside its content container, whatever classes its spans carry
        # (Aarhus wraps paragraphs in span.resume, Greve in plain spans); span.resume alone still counts.
        if "resume" in classes or (tag == "div" and ("punkt" in classes or a.get("id") == "sagsfremstillingContainer")):
            return "resume"
        if tag == "a" and "bilag-link" in classes:
            return "bilag"
        return None

    def _break(self, el: _El) -> None:
        text = _norm("".join(el.parts))
        el.parts.clear()
        if not text:
            return
        if el.role == "resume" and self.item is not None:
            # Straight into the item's current section: when a resume span is left open, the
            # next <h3> still starts a new section, as it does on screen.
            if not self.item.sections:
                self.item.sections.append(("", []))
            self.item.sections[-1][1].append(text)
        else:
            el.paras.append(text)

    def _close(self, el: _El) -> None:
        if el.role is None or el.skip:
            return
        self._break(el)
        text = " ".join(el.paras)
        item = self.item
        if el.role == "doc-title":
            self.doc_title = text
        elif el.role == "h1":
            self.h1 = text
        elif el.role in ("udvalg", "sted"):
            self.fallback.setdefault(el.role, text)
        elif el.role == "info-cell":
            if el.owner is not None:
                el.owner.cells.append(el.paras)
        elif el.role == "info-row":
            self.info_row = None
            if el.cells:
                label = " ".join(el.cells[0]).strip().rstrip(":").strip().lower()
                self.header.setdefault(label, [p for cell in el.cells[1:] for p in cell])
        elif el.role == "row":
            self.item = None
        elif item is None:
            return
        elif el.role == "label":
            if item.number is None and text.rstrip(".").isdigit():
                item.number = int(text.rstrip("."))
            elif text:
                item.labels.append(text)
        elif el.role == "title":
            item.title = text
        elif el.role == "case":
            item.case_number = text or None
        elif el.role == "h3":
            item.sections.append((text, []))
        elif el.role == "bilag" and text:
            item.attachments.append(Attachment(title=text, external_id=el.data_id or None))


def _uuid(text: str) -> str | None:
    m = _UUID.search(text)
    return m.group(0) if m else None


def _date(text: str) -> dt.date | None:
    for m in _DATE_WORDS.finditer(text):
        month = _MONTHS.get(m.group(2).lower()[:3])
        if month:
            try:
                return dt.date(int(m.group(3)), month, int(m.group(1)))
            except ValueError:
                return None
    digits = _DATE_DIGITS.search(text)
    if digits:
        try:
            return dt.date(int(digits.group(3)), int(digits.group(2)), int(digits.group(1)))
        except ValueError:
            return None
    return None


def _participants(segments: list[str]) -> tuple[list[str], list[str]]:
    names: list[str] = []
    absent: list[str] = []
    for seg in segments:
        for part in seg.split(","):
            part = part.strip()
            if not part:
                continue
            if _ABSENT.fullmatch(part) and names:
                absent.append(names[-1])  # a separate "(Afbud)" marker belongs to the name before it
                continue
            name = _ABSENT.sub(" ", part).strip()
            if name:
                names.append(name)
                if name != part:
                    absent.append(name)
    return names, list(dict.fromkeys(absent))


def _first_lines(draft: _Draft) -> list[str]:
    """The item's text under its title in reading order: headings and paragraphs."""
    out = [draft.case_number or ""]
    for heading, paras in draft.sections:
        out += [heading, *paras]
        if len([line for line in out if line]) > FIRST_LINES:
            break
    return [line for line in out if line]


def _item(draft: _Draft, position: int, warnings: list[str]) -> Item:
    printed = draft.title or f"Punkt {position}"
    number = draft.number if draft.number is not None else position
    verdict = judge_item(printed, _first_lines(draft), labels=draft.labels, classes=draft.classes)
    note = warning(number, verdict)
    if note:
        warnings.append(note)
    title = clean_title(verdict.title if verdict.closed else printed)
    sections = []
    for heading, paras in draft.sections:
        kind = heading_kind(heading) or (INTRO if not heading else OTHER)
        text = "\n\n".join(paras)
        # An empty <h3></h3> with nothing after it is layout; an empty decision heading is content.
        if kind != ATTACHMENTS and (text or (kind == DECISION and heading)):
            sections.append(Section(heading=heading, kind=kind, text=text))
    item = Item(
        number=number,
        title=title,
        title_raw=printed,
        case_number=draft.case_number,
        closed=verdict.closed,
        sections=sections,
        attachments=draft.attachments,
        external_id=draft.external_id,
    )
    return redact(item) if verdict.closed else item


def read_html(data: bytes) -> Meeting:
    text = decode(data)  # raises "empty file" / binary content
    page = _Page()
    try:
        page.feed(text)
        page.close()
        page.close_all()
    except Exception as exc:  # RecursionError included
        # HTMLParser is lenient, but a hostile page must still end in a one-line ReaderError.
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:100]
        raise ReaderError(f"malformed HTML: {reason}") from None

    header = {k: " ".join(v).strip() for k, v in page.header.items()}
    when = header.get("mødedato", "") or page.h1
    date = _date(when) or _date(page.h1)
    if not page.items:
        raise NotMinutes("not a First Agenda meeting page: no agenda items (tr.punktrow)")
    if date is None:
        raise ReaderError("not a First Agenda meeting page: no meeting date")
    time = _TIME.search(when) or _TIME.search(page.h1)
    forum = header.get("udvalg") or page.fallback.get("udvalg") or page.doc_title.split(" - ")[0].strip()
    if not forum:
        raise ReaderError("not a First Agenda meeting page: no committee (Udvalg)")
    names, absent = _participants(page.header.get("mødedeltagere", []))
    warnings: list[str] = []
    items = [_item(d, i, warnings) for i, d in enumerate(page.items, start=1)]
    return Meeting(
        forum=forum,
        date=date,
        items=items,
        start_time=f"{int(time.group(1)):02d}:{time.group(2)}" if time else None,
        place=header.get("mødested") or page.fallback.get("sted") or None,
        participants=names,
        absentees=absent,
        kind="referat" if page.h1.lower().startswith("referat") else "dagsorden",
        source_format="html",
        warnings=warnings,
    )
