"""Plain-text (terminal) rendering of meetings and answer cards."""

from __future__ import annotations

from bot import texts
from bot.render.card import Card, View, view
from bot.render.common import danish_date
from index.model import DECISION, Answer, Item, Meeting


def render_meeting(meeting: Meeting, items: list[Item]) -> str:
    lines = [meeting.title]
    details = [f"kl. {meeting.start_time}" if meeting.start_time else "", meeting.place or ""]
    if any(details):
        lines.append(", ".join(d for d in details if d))
    if meeting.absentees:
        lines.append(f"{texts.ABSENT}: " + ", ".join(meeting.absentees))
    for item in items:
        lines += ["", f"Punkt {item.number}: {item.title}" + (" (lukket)" if item.closed else "")]
        if item.case_number:
            lines.append(f"{texts.CASE_NUMBER} {item.case_number}")
        for section in item.sections:
            if section.heading:
                lines += ["", section.heading.upper() if section.kind == DECISION else section.heading]
            lines += ["", section.text] if section.text else []
        if item.attachments:
            lines += ["", f"{texts.ATTACHMENTS}:"] + [f"  - {a.title}" for a in item.attachments]
    return "\n".join(lines)


def _quote(text: str) -> list[str]:
    return [f"  > {line}".rstrip() for line in text.splitlines()]


def _card(c: Card) -> list[str]:
    lines = [c.heading + (f" ({texts.CLOSED})" if c.closed else "")]
    if c.lead:
        lines += [*_quote(c.lead.text), f"  ({c.lead.label})"]
    for p in c.passages:
        lines += [f"  {p.label}:", *_quote(p.text)]
    lines.append(f"  {c.url}")
    if c.timeline:
        lines += ["", f"  {texts.TIMELINE}:"]
        if c.hidden_steps:
            lines.append("    " + texts.AND_MORE.format(n=c.hidden_steps))
        width = max(len(danish_date(s.date)) for s in c.timeline)
        for s in c.timeline:
            tail = f" ({texts.THIS_ITEM})" if s.current else (f": {s.decision}" if s.decision else "")
            lines.append(f"    {danish_date(s.date):<{width}}  {s.label}{tail}")
    return lines


def render_view(v: View) -> str:
    lines = [f"? {v.question}", ""]
    if v.no_answer:
        lines.append(v.message)
        lines += [f"  - {s.label}  {s.url}" for s in v.suggestions]
        return "\n".join(lines)
    if v.intro:
        lines += [v.intro, ""]
    for n, c in enumerate(v.cards):
        lines += ([""] if n else []) + _card(c)
    if v.more:
        lines += ["", f"{texts.MORE}:"] + [f"  - {m.label}  {m.url}" for m in v.more]
    return "\n".join(lines)


def render_answer(ans: Answer, *, read_as: str = "") -> str:
    return render_view(view(ans, read_as=read_as))
