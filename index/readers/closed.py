"""Whether an agenda item is closed (lukket): the one place every reader asks.

Closed items (personnel, property, legal cases) are confidential by law: of such an item only its title
and the decision line under its decision heading are public. Minutes mark them in many ways:

- a title prefix, also after a forum prefix: `Lukket`, `Lukket: Salg af grund`, `Lukket punkt: …`,
  `CF - Lukket: …`, `Lukket - …`;
- a marker in brackets or after a dash: `Personalesag (Lukket)`, `… (lukket punkt)`,
  `Temamøde (lukket punkt jf. styrelseslovens § 9a) om …`, `Personalesag - Lukket`;
- a marker line under the title (`Lukket punkt`, `(Lukket)`), or a badge/label on a web page
  (text "Lukket punkt", a class such as `lukket` or `fa-lock`).

A title that only begins with the word as ordinary Danish is public: "Lukket afdeling på Egely Plejecenter",
"Lukket for tilmelding", "Lukkedage på rådhuset". Where the minutes leave doubt (the marker phrase somewhere
in the title or the item's first lines, "Lukket" before a capitalised word) the item is treated as closed,
and the verdict says it was unsure so the reader can put a line in `Meeting.warnings` (see `warning`).

Readers call `judge_item` (or `judge_title` for a title alone) and, for a closed item, `redact` before
handing the item on; the store applies `public_sections` again as the last guard.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from index.model import DECISION, Item, Meeting, Section

# How many non-empty lines under the title count as an item's "first lines" for a marker.
FIRST_LINES = 6

# A line that is nothing but a marker (after emphasis and punctuation are stripped), lower-case.
_MARKER_PHRASES = frozenset({"lukket", "lukket punkt", "lukket sag", "lukket møde", "punktet er lukket"})
# Class-name words that mark a closed item on a web page (lock icons included).
_CLASS_WORDS = frozenset({"lukket", "lukketpunkt", "closed", "lock", "locked", "padlock"})

_EMPHASIS = re.compile(r"^[\s#*_>]+|[\s*_]+$")
# Forum prefixes printed before the title: "CF - ", "TCG - ", at most two ("CF - ØU - ").
_FORUM = r"(?-i:(?:[A-ZÆØÅ][A-ZÆØÅ&]{1,5}\s*[-–]\s+){0,2})"
# "Lukket", "Lukket:", "Lukket punkt: …", "Lukket - …", "LUKKET." at the start (after a forum prefix).
_PREFIX = re.compile(
    rf"^(?P<forum>{_FORUM})(?P<marker>lukket(?:\s+punkt\b|\s+sag\b|\s+møde\b)?)\s*(?:[:;.–—-]\s*|$)(?P<rest>.*)$",
    re.IGNORECASE,
)
# "Lukket punkt" is a marker even without a separator: "Lukket punkt Personalesag".
_PREFIX_PUNKT = re.compile(rf"^(?P<forum>{_FORUM})(?P<marker>lukket\s+punkt)\b\s*(?P<rest>.*)$", re.IGNORECASE)
# A bracketed marker anywhere: "(Lukket)", "(lukket punkt)", "[Lukket]", "(lukket punkt jf. styrelsesloven)".
_BRACKET = re.compile(r"\s*[(\[]\s*lukket\b[^)\]]*[)\]]", re.IGNORECASE)
# A marker after a dash or colon at the end: "Personalesag - Lukket", "Personalesag: lukket punkt".
_SUFFIX = re.compile(r"\s*[-–—:]\s*lukket(?:\s+punkt)?\s*\.?$", re.IGNORECASE)
# Doubt: the marker phrase somewhere, "Lukket:" inside a line, "Lukket" before a capitalised word.
_DOUBT = [
    (re.compile(r"\blukket\s+punkt\b", re.IGNORECASE), "'lukket punkt'"),
    (re.compile(r"\blukket\s+møde\b", re.IGNORECASE), "'lukket møde'"),
    (re.compile(r"\blukkede\s+døre\b", re.IGNORECASE), "'for lukkede døre'"),
    (re.compile(r"\blukket\s*:", re.IGNORECASE), "'Lukket:'"),
    (re.compile(rf"^{_FORUM}lukket\s+(?:sag|møde)\b", re.IGNORECASE), "'Lukket sag' at the start"),
]
# "Lukket afdeling …" is Danish; a capital or a number after the word reads as a label ("Lukket Personalesag").
_CAPITAL_AFTER = re.compile(rf"^{_FORUM}(?P<word>lukket)\s+(?-i:(?P<next>[A-ZÆØÅ0-9§]))", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    """What the minutes say about one item.

    `title` is the public title as printed with the marker removed ("Køb af landbrugsejendom" for
    "Lukket: Køb af landbrugsejendom"; "Lukket" when the marker was the whole title); for an open item it
    is the printed title unchanged. `unsure` is True when the item is treated as closed on doubt; `reason`
    says what decided it, for the ingest report ("" for an open item).
    """

    closed: bool
    title: str
    unsure: bool = False
    reason: str = ""


def plain(line: str) -> str:
    """A line without Markdown heading/emphasis marks and surrounding space: '**Lukket punkt**' -> 'Lukket punkt'."""
    return " ".join(_EMPHASIS.sub("", line).split())


def _key(line: str) -> str:
    return plain(line).strip(" .:;()[]-–—").lower()


def is_marker_line(line: str) -> bool:
    """Is `line` nothing but a closed marker ("Lukket punkt", "(Lukket)", "**Lukket**")?"""
    return " ".join(_key(line).split()) in _MARKER_PHRASES


def _doubt(text: str) -> str | None:
    for pattern, what in _DOUBT:
        if pattern.search(text):
            return what
    if _CAPITAL_AFTER.match(text):
        return "'Lukket' before a capitalised word"
    return None


def judge_title(printed: str) -> Verdict:
    """Judge an item title as printed (a forum prefix and presenter tail may still be on it)."""
    if "lukk" not in printed.casefold():
        return Verdict(False, printed.strip())  # every marker and doubt above holds the word
    title = plain(printed)
    m = _PREFIX.match(title)
    if m:
        rest = _BRACKET.sub("", m.group("rest")).strip()
        rest = _SUFFIX.sub("", rest).strip()
        return Verdict(True, rest or "Lukket", reason=f"title begins with '{m.group('marker').strip()}'")
    m = _PREFIX_PUNKT.match(title)
    if m:
        rest = _BRACKET.sub("", m.group("rest")).strip(" :;.–—-")
        return Verdict(True, rest or "Lukket", reason="title begins with 'Lukket punkt'")
    if _BRACKET.search(title):
        rest = " ".join(_BRACKET.sub("", title).split())
        return Verdict(True, _SUFFIX.sub("", rest).strip() or "Lukket", reason="'(Lukket)' in the title")
    if _SUFFIX.search(title):
        return Verdict(True, _SUFFIX.sub("", title).strip() or "Lukket", reason="title ends with 'Lukket'")
    what = _doubt(title)
    if what:
        cap = _CAPITAL_AFTER.match(title)
        rest = title[cap.start("next") :] if cap else title
        return Verdict(True, rest.strip() or "Lukket", unsure=True, reason=f"{what} in the title")
    return Verdict(False, printed.strip())


def judge_item(
    printed_title: str,
    first_lines: Iterable[str] = (),
    labels: Iterable[str] = (),
    classes: Iterable[str] = (),
) -> Verdict:
    """Judge an item by its title, the lines under it, and what a web page or API attaches to it.

    `first_lines`: the item's text under the title in reading order (case number, headings and body lines;
    blank lines are skipped, only the first FIRST_LINES non-empty ones are looked at). `labels`: texts of
    badges, labels, `title`/`aria-label` attributes: closed when one is a marker phrase ("Lukket punkt").
    `classes`: CSS class names of the item's elements: closed when one names a lock or "lukket".
    A closed flag that a source really sets can be passed as the label "lukket".
    """
    verdict = judge_title(printed_title)
    if verdict.closed and not verdict.unsure:
        return verdict
    public = verdict.title if verdict.closed else plain(printed_title) or printed_title.strip()
    for label in labels:
        if is_marker_line(label):
            return Verdict(True, public, reason=f"label '{plain(label)}'")
    for name in classes:
        words = set(re.split(r"[^a-zæøå]+", name.lower()))
        if words & _CLASS_WORDS:
            return Verdict(True, public, reason=f"class '{name}'")
    lines = [line for line in first_lines if line.strip()][:FIRST_LINES]
    if not verdict.closed and not any("lukk" in line.casefold() for line in lines):
        return verdict
    for line in lines:
        if is_marker_line(line):
            return Verdict(True, public, reason=f"'{plain(line)}' under the title")
    if verdict.closed:
        return verdict
    for line in lines:
        text = plain(line)
        if judge_title(text).closed or _doubt(text):
            what = _doubt(text) or f"'{text[:40]}'"
            return Verdict(True, public, unsure=True, reason=f"{what} in the item's first lines")
    return verdict


def warning(number: int | str, verdict: Verdict) -> str | None:
    """The ingest report's line for an item treated as closed on doubt (None when there was no doubt)."""
    if not (verdict.closed and verdict.unsure):
        return None
    return f"item {number} treated as closed: {verdict.reason}"


def public_sections(sections: Sequence[Section]) -> list[Section]:
    """What a closed item keeps of its sections: the first line under its first decision heading.

    Only text that stands under a printed decision heading is a decision line; text before the first
    heading (case number, "Medarbejderen X har klaget.") is never public, nor anything after that line.
    A reader that knows from the source format that a text is the decision (a portal that publishes only
    the decision of a closed item) gives it a decision heading itself.
    """
    for section in sections:
        if section.kind != DECISION or not section.heading.strip():
            continue
        lines = [line.strip() for line in section.text.splitlines() if line.strip()]
        if lines:
            return [Section(heading=section.heading, kind=DECISION, text=lines[0])]
    return []


def redact_meeting(meeting: Meeting) -> Meeting:
    """`meeting` with every closed item as redact() leaves it (the same meeting when none is closed)."""
    if not any(it.closed for it in meeting.items):
        return meeting
    return dataclasses.replace(meeting, items=[redact(it) if it.closed else it for it in meeting.items])


def redact(item: Item, title: str | None = None) -> Item:
    """A closed copy of `item` holding only what is public: title, decision line, number, external id.

    The case number and attachments go too: the meeting page never shows them for a closed item, so no
    answer, card, digest or case history may.
    """
    public = title if title is not None else item.title
    return dataclasses.replace(
        item,
        title=public,
        title_raw=public,
        case_number=None,
        closed=True,
        sections=public_sections(item.sections),
        attachments=[],
    )


__all__ = [
    "FIRST_LINES",
    "Verdict",
    "is_marker_line",
    "judge_item",
    "judge_title",
    "plain",
    "public_sections",
    "redact",
    "warning",
]
