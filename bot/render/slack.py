"""Block Kit rendering of an `Answer` for Slack.

Slack parses `text` and mrkdwn as markup, so every piece of document text is escaped; it also rejects
a message outright when a section passes 3,000 characters or a message passes 50 blocks, so every
section is measured after formatting and its quote recut until it fits.
"""

from __future__ import annotations

import json
import re

from bot.render.common import NO_ANSWER_HINT, cut, danish_date, item_label
from index.model import Answer, Hit

SECTION_LIMIT = 3000
MAX_BLOCKS = 50
TEXT_LIMIT = 3000  # the fallback only feeds notifications; Slack's own 40,000 is far more than useful
BUTTON_VALUE_LIMIT = 2000
MAX_QUOTES = 4
MAX_MORE = 3
MAX_HISTORY = 8
TITLE_LIMIT = 300
VOTE_UP = "referent_vote_up"
VOTE_DOWN = "referent_vote_down"

NO_ANSWER = "Jeg fandt ikke et svar i referaterne."
SUGGESTIONS_INTRO = "Måske er et af disse punkter relevant:"
MORE_INTRO = "Andre resultater:"
HISTORY_INTRO = "Sagen har også været behandlet:"
CLOSED = "(lukket punkt)"
DANISH_ONLY = "Jeg søger i danske referater, så stil gerne dit spørgsmål på dansk."
ERROR = "Beklager, der gik noget galt. Prøv igen om lidt."
RATE_LIMITED = "Du har stillet mange spørgsmål på kort tid. Vent et øjeblik, og prøv så igen."
THANKS = "Tak for din vurdering!"
VOTE_FAILED = "Tak! Din vurdering kunne desværre ikke gemmes lige nu."


def escape(text: str) -> str:
    """Slack's three control characters; & first so the entities themselves survive."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    # A raw | or > would end the link early; Slack decodes the entities again when opening it.
    safe = escape(url).replace("|", "%7C").replace(" ", "%20")
    return f"<{safe}|{escape(label)}>" if url else escape(label)


def hit_label(hit: Hit) -> str:
    title = cut(hit.item.title, TITLE_LIMIT)
    label = item_label(hit.meeting.forum, hit.meeting.date, hit.item.number, title)
    return f"{label} {CLOSED}" if hit.item.closed else label


def item_id(hit: Hit) -> str:
    return f"{hit.meeting.id}#{hit.item.number}"


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}}


def _fit(render, text: str, limit: int = SECTION_LIMIT) -> str:
    """Cut `text` cleanly until `render(cut_text)` fits `limit`; escaping and prefixes add length."""
    budget = limit
    out = render(cut(text, budget))
    while len(out) > limit and budget > 20:
        budget = max(20, budget - (len(out) - limit) - 10)
        out = render(cut(text, budget))
    return out[:limit]


def _quote_text(section_name: str, text: str) -> str:
    def render(t: str) -> str:
        lines = "\n".join(">" + line if line.strip() else ">" for line in escape(t.strip()).splitlines())
        return f"*{escape(section_name or 'Citat')}*\n{lines}"

    return _fit(render, text)


def _joined(intro: str, parts: list[str], glue: str, sep: str) -> str:
    """As many parts as fit in one section, ending with a count of what was left out."""
    kept: list[str] = []
    for i, part in enumerate(parts):
        # 20 characters stay free for the "+ N flere" tail.
        if len(intro + glue + sep.join([*kept, part])) + 20 > SECTION_LIMIT:
            kept.append(f"+ {len(parts) - i} flere")
            break
        kept.append(part)
    return intro + glue + sep.join(kept)


def _history_line(hit: Hit) -> str | None:
    refs = hit.case_history[:MAX_HISTORY]
    if not refs:
        return None
    parts = [link(c.url, f"{c.forum}, {danish_date(c.date)}, punkt {c.item_number}") for c in refs]
    if len(hit.case_history) > MAX_HISTORY:
        parts.append(f"og {len(hit.case_history) - MAX_HISTORY} flere")
    return _joined(HISTORY_INTRO, parts, " ", ", ")


def _compact(hit: Hit) -> str:
    line = f"• {link(hit.item.url or hit.meeting.url, hit_label(hit))}"
    if hit.quotes:
        line += f"\n   _{escape(cut(' '.join(hit.quotes[0].text.split()), 160))}_"
    return line


def _vote_value(answer: Answer, question: str) -> str:
    ids = [item_id(h) for h in answer.answers[: 1 + MAX_MORE]]
    q = question
    value = json.dumps({"q": q, "ids": ids}, ensure_ascii=False)
    while len(value) > BUTTON_VALUE_LIMIT:
        q = q[: max(0, len(q) - (len(value) - BUTTON_VALUE_LIMIT) - 10)]
        value = json.dumps({"q": q, "ids": ids}, ensure_ascii=False)
    return value


def parse_vote_value(value: str) -> tuple[str, list[str]]:
    """(question, item ids) back from a vote button."""
    try:
        data = json.loads(value)
        return str(data.get("q", "")), [str(i) for i in data.get("ids", [])]
    except (ValueError, AttributeError):
        return "", []


def _vote_block(answer: Answer, question: str) -> dict:
    value = _vote_value(answer, question)

    def button(emoji: str, action: str, label: str) -> dict:
        return {
            "type": "button",
            "action_id": action,
            "text": {"type": "plain_text", "text": emoji, "emoji": True},
            "value": value,
            "accessibility_label": label,
        }

    return {
        "type": "actions",
        "block_id": "referent_vote",
        "elements": [button("👍", VOTE_UP, "Godt svar"), button("👎", VOTE_DOWN, "Dårligt svar")],
    }


_ENGLISH = {"the", "what", "was", "were", "which", "when", "who", "about", "did", "does", "is", "of", "how"}
_DANISH = {"hvad", "hvornår", "hvem", "blev", "om", "og", "det", "er", "der", "har", "af", "til", "hvilke"}


def looks_english(text: str) -> bool:
    words = re.findall(r"[a-zæøå]+", text.lower())
    return sum(w in _ENGLISH for w in words) >= 2 and sum(w in _DANISH for w in words) == 0


def _fallback(text: str) -> str:
    return _fit(escape, " ".join(text.split()), TEXT_LIMIT)


def message(text: str) -> tuple[str, list[dict]]:
    """A short Danish notice (prompt, error, rate limit) as fallback text and one section."""
    return _fallback(text), [_section(escape(text))]


def no_answer_blocks(answer: Answer, *, question: str) -> tuple[str, list[dict]]:
    lead = answer.message.strip() or NO_ANSWER
    lines = [lead, NO_ANSWER_HINT]
    if looks_english(question):
        lines.append(DANISH_ONLY)
    blocks = [_section(_fit(escape, "\n".join(lines)))]
    suggestions = answer.suggestions[:MAX_MORE]
    if suggestions:
        parts = [f"• {link(h.item.url or h.meeting.url, hit_label(h))}" for h in suggestions]
        blocks.append(_section(_joined(SUGGESTIONS_INTRO, parts, "\n", "\n")))
    text = " ".join(lines)
    if suggestions:
        text += " " + SUGGESTIONS_INTRO + " " + "; ".join(hit_label(h) for h in suggestions)
    return _fallback(text), blocks


def answer_blocks(answer: Answer, *, question: str) -> tuple[str, list[dict]]:
    """(plain fallback text, Block Kit blocks) for an answer or a no-answer."""
    if answer.no_answer or not answer.answers:
        return no_answer_blocks(answer, question=question)
    top, more = answer.answers[0], answer.answers[1 : 1 + MAX_MORE]
    blocks: list[dict] = []
    if answer.message.strip():
        blocks.append(_section(_fit(escape, answer.message.strip())))
    blocks.append(_section(f"*{link(top.item.url or top.meeting.url, hit_label(top))}*"))
    # Only the title and the quotes handed over are shown: for a closed item that is all that is public.
    for q in top.quotes[:MAX_QUOTES]:
        if q.text.strip():
            blocks.append(_section(_quote_text(q.section, q.text)))
    history = _history_line(top)
    if history:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": history}]})
    if more:
        blocks.append({"type": "divider"})
        blocks.append(_section(_joined(MORE_INTRO, [_compact(h) for h in more], "\n", "\n")))
    blocks = blocks[: MAX_BLOCKS - 1]
    blocks.append(_vote_block(answer, question))

    text = hit_label(top)
    if top.quotes:
        text += ": " + top.quotes[0].text
    return _fallback(text), blocks
