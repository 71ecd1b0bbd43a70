"""The weekly digest as plain text, Slack Block Kit messages and Teams Adaptive Cards.

They render a `bot.decisions.Selection`: the decisions worth listing, each with what it decided, and one
line counting the standing items. Slack and Teams renderers return one or more messages, each with the
ids of the items it shows, so the ledger knows which items went out if a later message of a split
digest fails.
"""

from __future__ import annotations

from typing import Any

from bot import texts
from bot.decisions import Selection, Shown
from bot.render.common import cut, danish_date
from bot.render.slack import MAX_BLOCKS, SECTION_LIMIT, escape
from bot.render.slack import link as slack_link
from bot.render.teams import CARD_BYTES, adaptive_card, card_bytes, link_block, plain_block, text_block
from index.digest import Digest, DigestItem, DigestMeeting

TITLE = texts.DIGEST_TITLE
CORRECTED = texts.CORRECTED
CLOSED = texts.CLOSED
TITLE_LIMIT = 300
QUOTE_LIMIT = 1_500
CARD_QUOTE_LIMIT = 800
TEXT_LIMIT = 3_000

Message = tuple[Any, list[str]]  # (payload, ids of the items it shows)


def since_line(digest: Digest) -> str:
    return texts.since_line(danish_date(digest.since_date))


def empty_line(digest: Digest) -> str:
    return texts.empty_digest(danish_date(digest.since_date))


def counts(sel: Selection) -> str:
    return texts.digest_counts(len(sel.meetings), len(sel.items))


def meeting_label(meeting: DigestMeeting) -> str:
    return f"{meeting.body}, {danish_date(meeting.date)}"


def item_label(item: DigestItem) -> str:
    return f"Punkt {item.number}: {cut(item.title, TITLE_LIMIT)}"


def _marks(closed: bool, corrected: bool) -> list[str]:
    return [m for m, on in ((CLOSED, closed), (CORRECTED, corrected)) if on]


# ---- plain text ----------------------------------------------------------------------------


def _quoted(show: Shown) -> list[str]:
    """The lines under an item: the adopted proposal under its label, then the decision's own lines."""
    out = [texts.ADOPTED] if show.adopted else []
    return out + [f"» {line}" for line in [*show.adopted, *show.lines]]


def text(sel: Selection) -> str:
    """The digest for a terminal, a mail or a dry run."""
    digest = sel.digest
    lines = [f"{TITLE} – {since_line(digest).lower()}" if sel.meetings else empty_line(digest)]
    for meeting in sel.meetings:
        marks = _marks(False, meeting.corrected)
        lines += ["", meeting_label(meeting) + (f" ({', '.join(marks)})" if marks else ""), meeting.url]
        for item in meeting.items:
            marks = _marks(item.closed, item.corrected)
            lines.append(f"  {item_label(item)}" + (f" ({', '.join(marks)})" if marks else ""))
            lines += [f"    {line}" for line in _quoted(sel.shown[item.id])]
            lines.append(f"    {item.url}")
    standing = texts.standing_line(sel.standing)
    if standing:
        lines += ["", standing]
    return "\n".join(lines)


# ---- Slack -----------------------------------------------------------------------------------


def _section(mrkdwn: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def _slack_meeting(meeting: DigestMeeting, continued: bool = False) -> dict:
    marks = _marks(False, meeting.corrected) + ([texts.CONTINUED] if continued else [])
    tail = f" _({', '.join(marks)})_" if marks else ""
    return _section(f"*{slack_link(meeting.url, meeting_label(meeting))}*{tail}")


def _slack_item(item: DigestItem, show: Shown) -> dict:
    marks = _marks(item.closed, item.corrected)
    head = f"*{slack_link(item.url, item_label(item))}*" + (f" _({', '.join(marks)})_" if marks else "")
    label = f"_{escape(texts.ADOPTED)}_\n" if show.adopted else ""
    budget = QUOTE_LIMIT
    while True:
        # Escaping can lengthen the quote several times over, so measure after formatting.
        quote = escape(cut("\n".join([*show.adopted, *show.lines]), budget))
        body = "\n".join(">" + line for line in quote.splitlines() if line.strip())
        out = f"{head}\n{label}{body}"
        if len(out) <= SECTION_LIMIT or budget <= 50:
            return _section(out[:SECTION_LIMIT])
        budget = max(50, budget - (len(out) - SECTION_LIMIT) - 20)


def slack_messages(sel: Selection) -> list[Message]:
    """({"text", "blocks"}, item ids) per message; a long digest is split below Slack's block limit."""
    digest = sel.digest
    intro: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": TITLE, "emoji": False}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(f"{since_line(digest)} · {counts(sel)}")}]},
    ]  # fmt: skip
    standing = texts.standing_line(sel.standing)
    if not sel.meetings:
        blocks = [_section(escape(empty_line(digest)))] + ([_context(standing)] if standing else [])
        return [({"text": empty_line(digest), "blocks": blocks}, [])]
    room = MAX_BLOCKS - 2  # one block stays free for the "del 2 af 3" line, one for the standing items
    messages: list[tuple[list[dict], list[str]]] = [([*intro], [])]
    for n, meeting in enumerate(sel.meetings):
        head = ([{"type": "divider"}] if n else []) + [_slack_meeting(meeting)]
        if len(messages[-1][0]) + len(head) + 1 > room:
            messages.append(([], []))
            head = head[-1:]
        messages[-1][0].extend(head)
        for item in meeting.items:
            if len(messages[-1][0]) + 1 > room:
                messages.append(([_slack_meeting(meeting, continued=True)], []))
            messages[-1][0].append(_slack_item(item, sel.shown[item.id]))
            messages[-1][1].append(item.id)
    if standing:
        messages[-1][0].append(_context(standing))
    total = len(messages)
    out: list[Message] = []
    for i, (blocks, ids) in enumerate(messages, 1):
        fallback = f"{TITLE}: {counts(sel)}"
        if total > 1:
            part = texts.part_of(i, total)
            blocks = [*blocks, {"type": "context", "elements": [{"type": "mrkdwn", "text": part}]}]
            fallback += f" ({part.lower()})"
        out.append(({"text": fallback[:TEXT_LIMIT], "blocks": blocks}, ids))
    return out


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(text)}]}


# ---- Teams -----------------------------------------------------------------------------------


def _card_meeting(meeting: DigestMeeting, continued: bool = False) -> dict:
    marks = _marks(False, meeting.corrected) + ([texts.CONTINUED] if continued else [])
    tail = f" ({', '.join(marks)})" if marks else ""
    return link_block(meeting_label(meeting), meeting.url, tail, weight="Bolder", size="Medium", spacing="Large",
                      separator=True)  # fmt: skip


def _card_item(item: DigestItem, show: Shown) -> list[dict]:
    marks = _marks(item.closed, item.corrected)
    tail = f" · {', '.join(marks)}" if marks else ""
    quoted = [text_block(texts.ADOPTED, isSubtle=True, size="Small")] if show.adopted else []
    quoted.append(plain_block(cut("\n".join([*show.adopted, *show.lines]), CARD_QUOTE_LIMIT)))
    return [
        link_block(item_label(item), item.url, tail, weight="Bolder", spacing="Medium"),
        {"type": "Container", "style": "emphasis", "spacing": "Small", "items": quoted},
    ]


def teams_cards(sel: Selection) -> list[Message]:
    """(Adaptive Card, item ids) per message; items move to a further card before one grows too big."""
    digest = sel.digest
    standing = texts.standing_line(sel.standing)
    tail = [text_block(standing, isSubtle=True, size="Small", spacing="Large")] if standing else []
    if not sel.meetings:
        return [(adaptive_card([text_block(empty_line(digest)), *tail]), [])]
    intro = [
        text_block(TITLE, weight="Bolder", size="Large"),
        text_block(f"{since_line(digest)} · {counts(sel)}", isSubtle=True, spacing="None"),
    ]
    cards: list[tuple[list[dict], list[str]]] = [(list(intro), [])]
    budget = CARD_BYTES - 1000  # room for the "del 2 af 3" line and the standing items

    def fits(body: list[dict]) -> bool:
        return card_bytes(adaptive_card(body)) <= budget

    for meeting in sel.meetings:
        head = _card_meeting(meeting)
        for n, item in enumerate(meeting.items):
            blocks = ([head] if n == 0 else []) + _card_item(item, sel.shown[item.id])
            if cards[-1][1] and not fits(cards[-1][0] + blocks):
                cards.append(([] if n == 0 else [_card_meeting(meeting, continued=True)], []))
            cards[-1][0].extend(blocks)
            cards[-1][1].append(item.id)
    cards[-1][0].extend(tail)
    total = len(cards)
    out: list[Message] = []
    for i, (body, ids) in enumerate(cards, 1):
        if total > 1:
            body = [*body, text_block(texts.part_of(i, total), isSubtle=True, size="Small", spacing="Large")]
        out.append((adaptive_card(body), ids))
    return out


def workflow_message(card: dict) -> dict:
    """A Teams Workflows ('When a Teams webhook request is received') message around a card."""
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }
