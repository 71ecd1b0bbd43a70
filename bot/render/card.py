"""What an answer card shows, decided once for the web, Slack, Teams and the terminal.

A card has one heading (forum · date · punkt N, then the item title, linked to the item at its
decision), the answering passage first, then the decision line and any further quote, then the case's
treatments as a compact timeline, oldest first, this item marked. A precedent answer ("hvornår har vi
før …", "tidligere") is one card per treatment, newest first, without a timeline (the cards are one).
At most three more results follow, as links. Renderers only turn a `View` into their markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot import texts
from bot.render.common import danish_date, item_label
from index.model import DECISION, Answer, CaseRef, Hit, Quote

MORE_RESULTS = 3
TIMELINE_STEPS = 8


@dataclass(frozen=True)
class Passage:
    label: str  # the section it was cut from, as printed ("Beslutning", "Indstilling"), or "Uddrag"
    text: str  # verbatim
    decision: bool


@dataclass(frozen=True)
class Step:
    """One treatment of the case in the timeline."""

    date: str  # ISO
    forum: str
    item_number: int | None  # None: known from a Sagsforløb that does not give it
    url: str
    decision: str  # its first decision sentence(s), verbatim; "" when not public or not known
    current: bool  # the item this card is about

    @property
    def label(self) -> str:
        return self.forum if self.item_number is None else f"{self.forum}, {texts.ITEM} {self.item_number}"


@dataclass(frozen=True)
class Card:
    meeting_id: str
    item_number: int
    where: str  # "Teknik- og Miljøudvalget · 4. februar 2025 · punkt 2"
    title: str
    url: str
    meeting_url: str
    closed: bool
    case_number: str | None
    lead: Passage | None
    passages: list[Passage]  # after the lead: the decision line and further quotes
    timeline: list[Step]  # [] when the case has no other treatment
    hidden_steps: int = 0  # treatments left out of a long timeline

    @property
    def heading(self) -> str:
        return f"{self.where}: {self.title}"


@dataclass(frozen=True)
class Link:
    label: str  # "Forum, 4. februar 2025, punkt 2: Title"
    url: str
    closed: bool = False
    snippet: str = ""  # the first quote, when the answer had one


@dataclass(frozen=True)
class View:
    question: str  # what was asked (a follow-up read with its conversation)
    read_as: str = ""  # the question as read, shown above a follow-up's answer; "" otherwise
    no_answer: bool = False
    message: str = ""  # the no-answer message
    intro: str = ""  # above a precedent answer's cards
    cards: list[Card] = field(default_factory=list)
    more: list[Link] = field(default_factory=list)
    suggestions: list[Link] = field(default_factory=list)  # nearest items of a no-answer
    item_ids: list[str] = field(default_factory=list)  # what a 👍/👎 on this answer is about
    follow: str = ""  # the item whose case "Følg sagen" follows ("" = no button: no answer, or a closed item)


def where(forum: str, date: str, number: int) -> str:
    return f"{forum} · {danish_date(date)} · {texts.ITEM} {number}"


def _passage(q: Quote) -> Passage:
    return Passage(q.section.strip().rstrip(":") or texts.EXCERPT, q.text.strip(), q.kind == DECISION)


def _in_order(s: Step) -> tuple[str, str, int]:
    return (s.date, s.forum, s.item_number or 0)


def _timeline(hit: Hit) -> tuple[list[Step], int]:
    if not hit.case_history:
        return [], 0
    steps = [Step(c.date, c.forum, c.item_number, c.url, c.decision, False) for c in hit.case_history]
    steps.append(Step(hit.meeting.date, hit.meeting.forum, hit.item.number, hit.item.url, "", True))
    steps.sort(key=_in_order)
    if len(steps) <= TIMELINE_STEPS:
        return steps, 0
    # A long case keeps its latest treatments and this item; the rest is counted.
    keep = [s for s in steps if s.current] + [s for s in steps if not s.current][-(TIMELINE_STEPS - 1) :]
    keep.sort(key=_in_order)
    return keep, len(steps) - len(keep)


def card(hit: Hit, *, timeline: bool = True) -> Card:
    passages = [_passage(q) for q in hit.quotes if q.text.strip()]
    steps, hidden = _timeline(hit) if timeline else ([], 0)
    return Card(
        meeting_id=hit.meeting.id,
        item_number=hit.item.number,
        where=where(hit.meeting.body, hit.meeting.date, hit.item.number),
        title=hit.item.title,
        url=hit.item.url or hit.meeting.url,
        meeting_url=hit.meeting.url,
        closed=hit.item.closed,
        case_number=hit.item.case_number,
        lead=passages[0] if passages else None,
        passages=passages[1:],
        timeline=steps,
        hidden_steps=hidden,
    )


def link(hit: Hit) -> Link:
    snippet = " ".join(hit.quotes[0].text.split()) if hit.quotes else ""
    label = item_label(hit.meeting.body, hit.meeting.date, hit.item.number, hit.item.title)
    return Link(label, hit.item.url or hit.meeting.url, hit.item.closed, snippet)


def item_id(hit: Hit) -> str:
    """The id the feedback table uses for an item: '{meeting id}#{item number}'."""
    return f"{hit.meeting.id}#{hit.item.number}"


def view(answer: Answer, *, read_as: str = "") -> View:
    """The card(s), further results or no-answer suggestions of `answer`; `read_as` is the question as
    read when it was a follow-up."""
    base = View(question=answer.question, read_as=read_as)
    if answer.no_answer or not answer.answers:
        return View(
            question=answer.question, read_as=read_as, no_answer=True,
            message=answer.message.strip() or texts.NO_ANSWER, suggestions=[link(h) for h in answer.suggestions[:3]],
        )  # fmt: skip
    ids = [item_id(h) for h in answer.answers[: 1 + MORE_RESULTS]]
    if answer.intent == "precedent" and len(answer.answers) > 1:
        treatments = answer.answers
        return View(
            question=base.question, read_as=read_as, intro=texts.treatments(len(treatments)),
            cards=[card(h, timeline=False) for h in treatments], item_ids=[item_id(h) for h in treatments][:10],
            follow=_follow(treatments[0]),
        )  # fmt: skip
    top, rest = answer.answers[0], answer.answers[1:]
    shown = {(c.meeting_id, c.item_number) for c in top.case_history}
    more = [h for h in rest if (h.meeting.id, h.item.number) not in shown][:MORE_RESULTS]
    return View(
        question=base.question, read_as=read_as, cards=[card(top)], more=[link(h) for h in more], item_ids=ids,
        follow=_follow(top),
    )  # fmt: skip


def _follow(hit: Hit) -> str:
    return "" if hit.item.closed else item_id(hit)


def search_links(answer: Answer) -> list[Link]:
    """Every item an answer names, for /search: each hit, then the other treatments of its case, once each."""
    hits = answer.suggestions if answer.no_answer else answer.answers
    out: list[Link] = []
    seen: set[str] = set()

    def add(key: str, entry: Link) -> None:
        if key not in seen:
            seen.add(key)
            out.append(entry)

    for hit in hits:
        add(item_id(hit), link(hit))
        for ref in hit.case_history:
            add(f"{ref.meeting_id}#{ref.item_number}", _ref_link(ref))
    return out


def _ref_link(ref: CaseRef) -> Link:
    return Link(item_label(ref.forum, ref.date, ref.item_number, ref.title), ref.url, False, ref.decision)
