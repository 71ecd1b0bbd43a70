"""Plain-text (terminal) rendering of meetings and answers."""

from __future__ import annotations

from index.model import DECISION, Item, Meeting


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
