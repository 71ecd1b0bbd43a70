"""Adaptive Cards (schema 1.5) for Microsoft Teams.

The building blocks (`adaptive_card`, `text_block`, `link`, `hit_heading`, `fit`) are public so the
digest can compose its own card with the same look and the same size guard.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote as url_quote

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
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def link(label: str, url: str) -> str:
    """A Markdown link Teams renders; brackets and spaces would otherwise end it early."""
    if not url.startswith(("http://", "https://")):
        return label
    safe_label = label.replace("[", "(").replace("]", ")")
    safe_url = url_quote(url, safe=":/?#&=%+;@!$',*~-._")
    return f"[{safe_label}]({safe_url})"


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
        text_block(" · ".join(meta), isSubtle=True, size="Small", spacing="Medium"),
        text_block(link(hit.item.title, hit.item.url), weight="Bolder", size="Medium", spacing="None"),
    ]


def quote_block(quote: Quote, limit: int) -> dict:
    """A verbatim quote set off in an emphasis container under the section it was cut from."""
    return {
        "type": "Container",
        "style": "emphasis",
        "items": [
            text_block(quote.section or "Uddrag", weight="Bolder", size="Small"),
            text_block(cut(quote.text.strip(), limit)),
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
        line = link(item_label(ref.forum, ref.date, ref.item_number, ref.title), ref.url)
        if ref.decision:
            line += f": {cut(ref.decision, 200)}"
        blocks.append(text_block(line, size="Small", spacing="Small"))
    return blocks


def _more(hits: list[Hit], heading: str) -> list[dict]:
    blocks = [text_block(heading, weight="Bolder", spacing="Large", separator=True)]
    for hit in hits[:MORE_RESULTS]:
        label = item_label(hit.meeting.forum, hit.meeting.date, hit.item.number, hit.item.title)
        blocks.append(text_block(link(label, hit.item.url), size="Small", spacing="Small"))
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
            body.append(text_block(answer.message))
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
        body = [text_block(message), text_block(NO_ANSWER_HINT, isSubtle=True)]
        if full and answer and answer.suggestions:
            body += _more(answer.suggestions, "Måske et af disse punkter")
        return adaptive_card(body)

    return fit(build)
