"""Block Kit rendering of an answer card (bot.render.card) for Slack.

Slack parses `text` and mrkdwn as markup, so every piece of document text is escaped; it also rejects
a message outright when a section passes 3,000 characters or a message passes 50 blocks, so every
section is measured after formatting and its quote recut until it fits.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

from bot import texts
from bot.render.card import Card, Link, View, view
from bot.render.common import cut, danish_date
from index.model import Answer

SECTION_LIMIT = 3000
MAX_BLOCKS = 50
TEXT_LIMIT = 3000  # the fallback only feeds notifications; Slack's own 40,000 is far more than useful
BUTTON_VALUE_LIMIT = 2000
MAX_PASSAGES = 3
TITLE_LIMIT = 300
STEP_LIMIT = 200
VOTE_UP = "referent_vote_up"
VOTE_DOWN = "referent_vote_down"
FOLLOW = "referent_follow"  # "Følg sagen": the value is the item id whose case is followed


def escape(text: str) -> str:
    """Slack's three control characters; & first so the entities themselves survive."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    # A raw | or > would end the link early; Slack decodes the entities again when opening it.
    safe = escape(url).replace("|", "%7C").replace(" ", "%20")
    return f"<{safe}|{escape(label)}>" if url else escape(label)


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}}


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION_LIMIT]}]}


def _fit(render: Callable[[str], str], text: str, limit: int = SECTION_LIMIT) -> str:
    """Cut `text` cleanly until `render(cut_text)` fits `limit`; escaping and prefixes add length."""
    budget = limit
    out = render(cut(text, budget))
    while len(out) > limit and budget > 20:
        budget = max(20, budget - (len(out) - limit) - 10)
        out = render(cut(text, budget))
    return out[:limit]


def _quoted(text: str) -> str:
    return "\n".join(">" + line if line.strip() else ">" for line in escape(text.strip()).splitlines())


def _joined(intro: str, parts: list[str], glue: str, sep: str) -> str:
    """As many parts as fit in one section, ending with a count of what was left out."""
    kept: list[str] = []
    for i, part in enumerate(parts):
        # 20 characters stay free for the "+ N flere" tail.
        if len(intro + glue + sep.join([*kept, part])) + 20 > SECTION_LIMIT:
            kept.append(texts.AND_MORE.format(n=len(parts) - i))
            break
        kept.append(part)
    return intro + glue + sep.join(kept)


def _labelled(label: str) -> Callable[[str], str]:
    return lambda t: f"*{escape(label)}*\n{_quoted(t)}"


def _heading(c: Card) -> str:
    title = cut(c.title, TITLE_LIMIT)
    tail = f" _({texts.CLOSED})_" if c.closed else ""
    return f"*{link(c.url, f'{c.where}: {title}')}*{tail}"


def _card_blocks(c: Card) -> list[dict]:
    blocks = [_section(_heading(c))]
    # Only the title and the quotes handed over are shown: for a closed item that is all that is public.
    if c.lead:
        under = f"\n_{escape(c.lead.label)}_"
        blocks.append(_section(_fit(lambda t: _quoted(t) + under, c.lead.text)))
    for p in c.passages[:MAX_PASSAGES]:
        blocks.append(_section(_fit(_labelled(p.label), p.text)))
    if c.timeline:
        steps = []
        for s in c.timeline:
            head = f"{danish_date(s.date)} · {link(s.url, s.label)}"
            steps.append(f"• *{head}* ({texts.THIS_ITEM})" if s.current else
                         f"• {head}" + (f": {escape(cut(s.decision, STEP_LIMIT))}" if s.decision else ""))  # fmt: skip
        if c.hidden_steps:
            steps.insert(0, "• " + texts.AND_MORE.format(n=c.hidden_steps))
        blocks.append(_context(_joined(f"*{texts.TIMELINE}*", steps, "\n", "\n")))
    return blocks


def _link_line(entry: Link) -> str:
    tail = f" _({texts.CLOSED})_" if entry.closed else ""
    return f"• {link(entry.url, cut(entry.label, TITLE_LIMIT))}{tail}"


def _vote_value(question: str, ids: list[str]) -> str:
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


def _vote_block(question: str, ids: list[str], follow: str = "") -> dict:
    value = _vote_value(question, ids)

    def button(emoji: str, action: str, label: str) -> dict:
        return {
            "type": "button",
            "action_id": action,
            "text": {"type": "plain_text", "text": emoji, "emoji": True},
            "value": value,
            "accessibility_label": label,
        }

    elements = [button("👍", VOTE_UP, texts.VOTE_UP_LABEL), button("👎", VOTE_DOWN, texts.VOTE_DOWN_LABEL)]
    if follow:
        elements.append({"type": "button", "action_id": FOLLOW, "value": follow[:BUTTON_VALUE_LIMIT],
                         "text": {"type": "plain_text", "text": texts.FOLLOW_BUTTON}})  # fmt: skip
    return {"type": "actions", "block_id": "referent_vote", "elements": elements}


def _fallback(text: str) -> str:
    return _fit(escape, " ".join(text.split()), TEXT_LIMIT)


def message(text: str) -> tuple[str, list[dict]]:
    """A short Danish notice (prompt, error, rate limit) as fallback text and one section."""
    return _fallback(text), [_section(escape(text))]


def view_blocks(v: View) -> tuple[str, list[dict]]:
    """(plain fallback text, Block Kit blocks) for a card view."""
    blocks: list[dict] = []
    if v.read_as:
        blocks.append(_context(f"_{texts.READ_AS}: {escape(cut(v.read_as, 500))}_"))
    if v.no_answer:
        lines = [v.message, texts.NO_ANSWER_HINT]
        blocks.append(_section(_fit(escape, "\n".join(lines))))
        text = " ".join(lines)
        if v.suggestions:
            blocks.append(_section(_joined(texts.SUGGESTIONS, [_link_line(s) for s in v.suggestions], "\n", "\n")))
            text += " " + texts.SUGGESTIONS + " " + "; ".join(s.label for s in v.suggestions)
        return _fallback(text), blocks
    if v.intro:
        blocks.append(_section(escape(v.intro)))
    for n, c in enumerate(v.cards):
        if n:
            blocks.append({"type": "divider"})
        blocks += _card_blocks(c)
    if v.more:
        blocks.append({"type": "divider"})
        blocks.append(_section(_joined(f"{texts.MORE}:", [_link_line(m) for m in v.more], "\n", "\n")))
    blocks = blocks[: MAX_BLOCKS - 1]
    blocks.append(_vote_block(v.question, v.item_ids, v.follow))
    top = v.cards[0]
    text = top.heading + (f": {top.lead.text}" if top.lead else "")
    return _fallback(text), blocks


def answer_blocks(answer: Answer, *, question: str = "", read_as: str = "") -> tuple[str, list[dict]]:
    """(plain fallback text, Block Kit blocks) for an answer or a no-answer; `question` is what a vote
    records (default: the question the answer was given to)."""
    v = view(answer, read_as=read_as)
    return view_blocks(dataclasses.replace(v, question=question) if question else v)
