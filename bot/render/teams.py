"""Adaptive Cards (schema 1.5) for Microsoft Teams.

Teams reads a TextBlock's text as Markdown, so a title written `[Klik her](https://…)` would become a
link Referent never made. Text from the minutes (and from questions) therefore goes only into
RichTextBlocks, which Teams never reads as Markdown; TextBlocks carry Referent's own wording only,
and a link is a block made clickable with Action.OpenUrl, never Markdown.

The building blocks (`adaptive_card`, `text_block`, `plain_block`, `link_block`, `hit_heading`, `fit`)
are public so the digest can compose its own card with the same look and the same size guard.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from bot.render.common import NO_ANSWER_HINT, cut, danish_date, item_label
from index.model import Answer, CaseRef, Hit, Quote

# Teams rejects a message over roughly 28 KB including the activity envelope around the card,
# so the card itself stays well below that.
CARD_BYTES = 24_000
MORE_RESULTS = 3
HISTORY_ENTRIES = 5
VOTE_VERB = "vote"
# Quote lengths tried in turn until the card fits; the last one drops history and extra results.
_QUOTE_LIMITS = (1_500, 800, 400, 200)

NO_ANSWER = "Jeg fandt ikke noget svar i referaterne."


def adaptive_card(body: list[dict], actions: list[dict] | None = None) -> dict:
    """The card shell every Referent card shares."""
    card: dict = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": body,
        # Full width: quotes are long and wrap badly in the default narrow bubble.
        "msteams": {"width": "Full"},
    }
    if actions:
        card["actions"] = actions
    return card


def text_block(text: str, **style: object) -> dict:
    """Referent's own fixed wording; never text from the minutes (Teams reads this as Markdown)."""
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


_RUN_STYLE = frozenset({"weight", "size", "isSubtle", "color", "italic"})


def plain_block(text: str, **style: object) -> dict:
    """Text from the minutes or a question, shown as the characters it is: no Markdown, no links."""
    run = {"type": "TextRun", "text": text, **{k: v for k, v in style.items() if k in _RUN_STYLE}}
    return {"type": "RichTextBlock", "inlines": [run], **{k: v for k, v in style.items() if k not in _RUN_STYLE}}


def link_block(label: str, url: str, tail: str = "", **style: object) -> dict:
    """`label` (then `tail`) as plain text; the whole block opens `url` when it is a web address."""
    run_style = {k: v for k, v in style.items() if k in _RUN_STYLE}
    block_style = {k: v for k, v in style.items() if k not in _RUN_STYLE}
    linked = url.startswith(("http://", "https://"))
    inlines: list[dict] = [{"type": "TextRun", "text": label, **run_style, **({"color": "Accent"} if linked else {})}]
    if tail:
        inlines.append({"type": "TextRun", "text": tail, **run_style})
    rich: dict = {"type": "RichTextBlock", "inlines": inlines}
    if not linked:
        return {**rich, **block_style}
    return {"type": "Container", "items": [rich], "selectAction": {"type": "Action.OpenUrl", "url": url}, **block_style}


def item_id(hit: Hit) -> str:
    """The id the feedback table uses for an item: '{meeting id}#{item number}'."""
    return f"{hit.meeting.id}#{hit.item.number}"


def hit_heading(hit: Hit) -> list[dict]:
    """Forum, date and item number on a subtle line, then the item title linked to the minutes."""
    meta = [hit.meeting.forum, danish_date(hit.meeting.date), f"punkt {hit.item.number}"]
    if hit.item.case_number:
        meta.append(f"sag {hit.item.case_number}")
    if hit.item.closed:
        meta.append("lukket punkt")
    return [
        plain_block(" · ".join(meta), isSubtle=True, size="Small", spacing="Medium"),
        link_block(hit.item.title, hit.item.url, weight="Bolder", size="Medium", spacing="None"),
    ]


def quote_block(quote: Quote, limit: int) -> dict:
    """A verbatim quote set off in an emphasis container under the section it was cut from."""
    return {
        "type": "Container",
        "style": "emphasis",
        "items": [
            plain_block(quote.section or "Uddrag", weight="Bolder", size="Small"),
            plain_block(cut(quote.text.strip(), limit)),
        ],
    }


def vote_actions(question: str, item_ids: list[str]) -> list[dict]:
    """👍/👎 as Action.Execute, so the vote arrives as an invoke the bot can answer in place."""
    return [
        {
            "type": "Action.Execute",
            "title": title,
            "verb": VOTE_VERB,
            "data": {"vote": vote, "question": question, "item_ids": item_ids},
        }
        for title, vote in (("👍", 1), ("👎", -1))
    ]


def card_bytes(card: dict) -> int:
    return len(json.dumps(card, ensure_ascii=False).encode("utf-8"))


def fit(build: Callable[[int, bool], dict]) -> dict:
    """Call `build(quote_limit, full)` with shrinking quote limits until the card fits Teams."""
    card: dict = {}
    for limit in _QUOTE_LIMITS:
        card = build(limit, True)
        if card_bytes(card) <= CARD_BYTES:
            return card
    return build(_QUOTE_LIMITS[-1], False)


def _history(entries: list[CaseRef]) -> list[dict]:
    blocks = [text_block("Sagens forløb", weight="Bolder", spacing="Large", separator=True)]
    for ref in entries[:HISTORY_ENTRIES]:
        label = item_label(ref.forum, ref.date, ref.item_number, ref.title)
        tail = f": {cut(ref.decision, 200)}" if ref.decision else ""
        blocks.append(link_block(label, ref.url, tail, size="Small", spacing="Small"))
    return blocks


def _more(hits: list[Hit], heading: str) -> list[dict]:
    blocks = [text_block(heading, weight="Bolder", spacing="Large", separator=True)]
    for hit in hits[:MORE_RESULTS]:
        label = item_label(hit.meeting.forum, hit.meeting.date, hit.item.number, hit.item.title)
        blocks.append(link_block(label, hit.item.url, size="Small", spacing="Small"))
    return blocks


def answer_card(answer: Answer, *, question: str) -> dict:
    """The top item with its quotes, up to three more results, case history and 👍/👎."""
    if answer.no_answer or not answer.answers:
        return no_answer_card(answer)
    top, rest = answer.answers[0], answer.answers[1:]
    ids = [item_id(h) for h in answer.answers[: 1 + MORE_RESULTS]]

    def build(limit: int, full: bool) -> dict:
        body: list[dict] = []
        if answer.message:
            body.append(plain_block(answer.message))  # may repeat words of the question
        body += hit_heading(top)
        body += [quote_block(q, limit) for q in top.quotes]
        if full and top.case_history:
            body += _history(top.case_history)
        if full and rest:
            body += _more(rest, "Flere resultater")
        actions = []
        if top.item.url.startswith(("http://", "https://")):
            actions.append({"type": "Action.OpenUrl", "title": "Åbn punktet", "url": top.item.url})
        return adaptive_card(body, actions + vote_actions(question, ids))

    return fit(build)


def no_answer_card(answer: Answer | None = None) -> dict:
    """Danish 'no answer' with the hint and the nearest items, when the engine found any."""
    message = (answer.message if answer and answer.message else NO_ANSWER).strip()

    def build(limit: int, full: bool) -> dict:
        body = [plain_block(message), text_block(NO_ANSWER_HINT, isSubtle=True)]
        if full and answer and answer.suggestions:
            body += _more(answer.suggestions, "Måske et af disse punkter")
        return adaptive_card(body)

    return fit(build)
