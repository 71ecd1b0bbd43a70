"""Adaptive Cards (schema 1.5) for Microsoft Teams.

Teams reads a TextBlock's text as Markdown, so a title written `[Klik her](https://…)` would become a
link Referent never made. Text from the minutes (and from questions) therefore goes only into
RichTextBlocks, which Teams never reads as Markdown; TextBlocks carry Referent's own wording only,
and a link is a block made clickable with Action.OpenUrl, never Markdown.

The building blocks (`adaptive_card`, `text_block`, `plain_block`, `link_block`, `fit`)
are public so the digest can compose its own card with the same look and the same size guard.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

from bot import texts
from bot.render.card import Card, Link, Passage, View, view
from bot.render.common import cut, danish_date
from index.model import Answer

# Teams rejects a message over roughly 28 KB including the activity envelope around the card,
# so the card itself stays well below that.
CARD_BYTES = 24_000
VOTE_VERB = "vote"
FOLLOW_VERB = "follow"  # "Følg sagen": data {"item_id": ...}
# Quote lengths tried in turn until the card fits; the last one drops history and extra results.
_QUOTE_LIMITS = (1_500, 800, 400, 200)


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


def _heading(c: Card) -> list[dict]:
    """Forum · date · punkt N on a subtle line, then the item title linked to the item at its decision."""
    meta = c.where + (f" · {texts.CASE} {c.case_number}" if c.case_number else "")
    meta += f" · {texts.CLOSED}" if c.closed else ""
    return [
        plain_block(meta, isSubtle=True, size="Small", spacing="Medium"),
        link_block(c.title, c.url, weight="Bolder", size="Medium", spacing="None"),
    ]


def _lead(p: Passage, limit: int) -> dict:
    """The answering passage, larger than the rest, with the section it was cut from below it."""
    return {
        "type": "Container",
        "style": "emphasis",
        "items": [plain_block(cut(p.text, limit), size="Medium"), plain_block(p.label, isSubtle=True, size="Small")],
    }


def _passage(p: Passage, limit: int) -> dict:
    """A further verbatim quote under the name of its section."""
    return {
        "type": "Container",
        "items": [plain_block(p.label, weight="Bolder", size="Small"), plain_block(cut(p.text, limit))],
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


def _timeline(c: Card) -> list[dict]:
    blocks = [text_block(texts.TIMELINE, weight="Bolder", spacing="Large", separator=True)]
    if c.hidden_steps:
        blocks.append(text_block(texts.AND_MORE.format(n=c.hidden_steps), isSubtle=True, size="Small"))
    for step in c.timeline:
        label = f"{danish_date(step.date)} · {step.label}"
        if step.current:
            blocks.append(plain_block(f"{label} ({texts.THIS_ITEM})", weight="Bolder", size="Small", spacing="Small"))
        else:
            tail = f": {cut(step.decision, 200)}" if step.decision else ""
            blocks.append(link_block(label, step.url, tail, size="Small", spacing="Small"))
    return blocks


def _links(entries: list[Link], heading: str) -> list[dict]:
    blocks = [text_block(heading, weight="Bolder", spacing="Large", separator=True)]
    for entry in entries:
        tail = f" ({texts.CLOSED})" if entry.closed else ""
        blocks.append(link_block(entry.label, entry.url, tail, size="Small", spacing="Small"))
    return blocks


def _card_body(c: Card, limit: int, full: bool) -> list[dict]:
    body = _heading(c)
    if c.lead:
        body.append(_lead(c.lead, limit))
    body += [_passage(p, limit) for p in c.passages]
    if full and c.timeline:
        body += _timeline(c)
    return body


def view_card(v: View) -> dict:
    """The card(s) of a view, up to three more results, and 👍/👎; a no-answer shows its suggestions."""
    if v.no_answer:
        return no_answer_card(v)

    def build(limit: int, full: bool) -> dict:
        body: list[dict] = []
        if v.read_as:
            body.append(plain_block(f"{texts.READ_AS}: {v.read_as}", isSubtle=True, size="Small"))
        if v.intro:
            body.append(text_block(v.intro, weight="Bolder"))
        for n, c in enumerate(v.cards):
            part = _card_body(c, limit, full)
            if n:  # treatments of a precedent answer, one under the other
                part[0] = {**part[0], "separator": True, "spacing": "Large"}
            body += part
        if full and v.more:
            body += _links(v.more, texts.MORE)
        actions: list[dict] = []
        top = v.cards[0].url
        if top.startswith(("http://", "https://")):
            actions.append({"type": "Action.OpenUrl", "title": texts.OPEN_ITEM, "url": top})
        if v.follow:
            actions.append({"type": "Action.Execute", "title": texts.FOLLOW_BUTTON, "verb": FOLLOW_VERB,
                            "data": {"item_id": v.follow}})  # fmt: skip
        return adaptive_card(body, actions + vote_actions(v.question, v.item_ids))

    return fit(build)


def answer_card(answer: Answer, *, question: str = "", read_as: str = "") -> dict:
    """The Adaptive Card for an answer or a no-answer; `question` is what a vote records."""
    v = view(answer, read_as=read_as)
    return view_card(dataclasses.replace(v, question=question) if question else v)


def no_answer_card(v: View | Answer | None = None) -> dict:
    """Danish 'no answer' with the hint and the nearest items, when the engine found any."""
    if isinstance(v, Answer):
        v = view(v)
    message = v.message if v is not None and v.message else texts.NO_ANSWER
    suggestions = v.suggestions if v is not None else []
    read_as = v.read_as if v is not None else ""

    def build(limit: int, full: bool) -> dict:
        body = [plain_block(f"{texts.READ_AS}: {read_as}", isSubtle=True, size="Small")] if read_as else []
        body += [plain_block(message), text_block(texts.NO_ANSWER_HINT, isSubtle=True)]
        if full and suggestions:
            body += _links(suggestions, texts.SUGGESTIONS)
        return adaptive_card(body)

    return fit(build)
