"""Plain-text (terminal) rendering of meetings and answers."""

from __future__ import annotations

from index.model import DECISION, Answer, Item, Meeting


def render_meeting(meeting: Meeting, items: list[Item]) -> str:
    lines = [meeting.title]
    details = [f"kl. {meeting.start_time}" if meeting.start_time else "", meeting.place or ""]
    if any(details):
        lines.append(", ".join(d for d in details if d))
    if meeting.absentees:
        lines.append("Fravær: " + ", ".join(meeting.absentees))
    for item in items:
        lines += ["", f"Punkt {item.number}: {item.title}" + (" (lukket)" if item.closed else "")]
        if item.case_number:
            lines.append(f"Sagsnr. {item.case_number}")
        for section in item.sections:
            if section.heading:
                lines += ["", section.heading.upper() if section.kind == DECISION else section.heading]
            lines += ["", section.text] if section.text else []
        if item.attachments:
            lines += ["", "Bilag:"] + [f"  - {a.title}" for a in item.attachments]
    return "\n".join(lines)


def render_answer(ans: Answer) -> str:
    from bot.render.common import danish_date

    lines = [f"? {ans.question}", ""]
    if ans.no_answer:
        lines.append(ans.message)
        for hit in ans.suggestions:
            lines.append(f"  - {hit.meeting.forum} {danish_date(hit.meeting.date)}, punkt {hit.item.number}: "
                         f"{hit.item.title}  {hit.item.url}")  # fmt: skip
        return "\n".join(lines)
    for i, hit in enumerate(ans.answers):
        head = f"{hit.meeting.forum}, {danish_date(hit.meeting.date)}, punkt {hit.item.number}: {hit.item.title}"
        if i == 0:
            lines.append(head)
            for q in hit.quotes:
                lines += [f"  {q.section.rstrip(':')}:", *(f"  > {line}" for line in q.text.splitlines()), ""]
            lines.append(f"  {hit.item.url}")
            if hit.case_history:
                refs = "; ".join(f"{c.forum} {danish_date(c.date)} punkt {c.item_number}" for c in hit.case_history)
                lines.append(f"  Sagen har også været behandlet: {refs}")
            if len(ans.answers) > 1:
                lines += ["", "Andre relevante punkter:"]
        else:
            lines.append(f"  - {head}  {hit.item.url}")
    return "\n".join(lines)
