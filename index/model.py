"""Plain dataclasses shared by readers, the store, the answer engine and the adapters.

Nothing here touches SQLite or a chat platform: a reader produces a `Meeting`, the answer engine
produces an `Answer`, and every adapter renders an `Answer`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any

from index.access import Access

# Section kinds. `heading` keeps what the document printed; `kind` is what code reasons about.
DECISION = "beslutning"
PROPOSAL = "indstilling"
HISTORY = "sagsforloeb"
ATTACHMENTS = "bilag"
INTRO = "intro"  # text between the case number and the first heading
OTHER = "andet"


@dataclass
class Section:
    heading: str  # as printed, e.g. "Beslutning i Tværgående chefgruppe den 17-09-2012" ("" if none)
    kind: str  # normalised kind, see constants above and index.readers.headings
    text: str  # raw text, paragraphs separated by blank lines


@dataclass
class Attachment:
    title: str
    external_id: str | None = None


@dataclass
class Item:
    number: int
    title: str  # clean: no "CF - " prefix, no presenter/time-slot tail
    title_raw: str  # as printed (wrapped lines joined)
    case_number: str | None = None
    closed: bool = False
    sections: list[Section] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    external_id: str | None = None  # e.g. First Agenda item uuid, used by link patterns

    @property
    def decision_sections(self) -> list[Section]:
        return [s for s in self.sections if s.kind == DECISION]

    @property
    def decision(self) -> str:
        return "\n\n".join(s.text for s in self.decision_sections if s.text.strip())


@dataclass
class Meeting:
    forum: str
    date: dt.date
    items: list[Item] = field(default_factory=list)
    start_time: str | None = None  # "HH:MM"
    place: str | None = None
    participants: list[str] = field(default_factory=list)
    absentees: list[str] = field(default_factory=list)
    kind: str = "referat"  # "referat" (minutes) or "dagsorden" (agenda, no decisions)
    source_format: str = "text"  # text, markdown, pdf, html, firstagenda
    external_id: str | None = None  # the source's own meeting id (First Agenda: the meeting uuid)
    municipality: str = ""  # "Greve"; "" when no source or config named it
    portal_url: str | None = None  # https://<host> of the portal the meeting came from, for links
    # What the reader was unsure of or left out, one line each ("punkt 4 behandlet som lukket: ..."); shown in
    # the ingest report, never stored with the minutes.
    warnings: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{'Referat' if self.kind == 'referat' else 'Dagsorden'} {self.forum} {self.date:%d-%m-%Y}"

    def to_dict(self) -> dict:
        """What the minutes hold, as plain data (the same as dataclasses.asdict, which deep-copies every value
        and was a tenth of an ingest); the date as ISO text, the reader's warnings left out."""
        d = _plain(self)
        d["date"] = self.date.isoformat()
        d.pop("warnings")
        return d


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# ---- answers -------------------------------------------------------------------------------


@dataclass
class Quote:
    section: str  # heading of the section the text was cut from ("Beslutning", "Sagsfremstilling" ...)
    text: str  # a verbatim substring of that section's stored text
    start: int = 0  # offset of `text` inside the section text
    kind: str = ""  # section kind


@dataclass
class MeetingRef:
    id: str
    forum: str
    date: str  # ISO date
    title: str
    url: str
    municipality: str = ""  # the meeting's ("" when no source or config named it)
    show_municipality: bool = False  # the store holds more than one municipality's minutes

    @property
    def body(self) -> str:
        """The body as a reader must see it: "Byrådet (Greve)" when several municipalities are stored."""
        return f"{self.forum} ({self.municipality})" if self.show_municipality and self.municipality else self.forum


@dataclass
class ItemRef:
    number: int
    title: str
    case_number: str | None
    url: str
    closed: bool = False


@dataclass
class CaseRef:
    meeting_id: str
    date: str
    forum: str
    item_number: int | None  # None: a treatment the Sagsforløb names without its item number
    title: str
    url: str
    decision: str = ""  # first sentence(s) of that meeting's decision, verbatim, when public
    municipality: str = ""  # a case is one municipality's: that of the item whose history this is


@dataclass
class Hit:
    meeting: MeetingRef
    item: ItemRef
    quotes: list[Quote] = field(default_factory=list)
    score: float = 0.0
    case_history: list[CaseRef] = field(default_factory=list)


@dataclass
class Answer:
    question: str
    no_answer: bool
    message: str  # Danish, one or two sentences for the user
    answers: list[Hit] = field(default_factory=list)
    suggestions: list[Hit] = field(default_factory=list)  # nearest items when no_answer
    intent: str = "topic"
    filters: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The JSON contract of `referent ask --json` and `/api/ask`."""

        def hit(h: Hit) -> dict:
            return {
                "meeting": {k: v for k, v in asdict(h.meeting).items() if k != "show_municipality"},
                "item": {k: v for k, v in asdict(h.item).items() if k != "closed"},
                "quotes": [{"section": q.section, "text": q.text} for q in h.quotes],
                "score": round(h.score, 4),
                "case_history": [{k: v for k, v in asdict(c).items() if k != "decision"} for c in h.case_history],
            }

        return {
            "question": self.question,
            "no_answer": self.no_answer,
            "message": self.message,
            "answers": [hit(h) for h in self.answers],
            "suggestions": [hit(h) for h in self.suggestions],
            "intent": self.intent,
            "filters": self.filters,
        }


# The answering function every adapter is built around: (question, what the place may see or None for
# everything; index.access) -> Answer. bot/ builds it from a Store; tests hand adapters a fake.
AnswerFn = Callable[[str, "Access | None"], Answer]
