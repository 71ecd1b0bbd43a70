"""A follow's notice (bot/notify.py) for Slack and Teams, and the Atom feeds of the web.

A notice says what happened (a new treatment of the case, or minutes that answer the topic), where (forum,
date, punkt, title, linked to the item), the decision verbatim (a closed item's public line only: that is all
the store holds of it), and "Du følger denne sag · stop" with a button that ends the follow.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING
from urllib.parse import quote

from bot import texts
from bot.render import teams
from bot.render.card import where
from bot.render.common import cut
from bot.render.slack import SECTION_LIMIT, escape, link
from index.treatments import Treatment

if TYPE_CHECKING:
    from bot.follow import Follow

UNFOLLOW = "referent_unfollow"  # Slack action id of the stop button; "Følg sagen" is bot.render.slack.FOLLOW
UNFOLLOW_VERB = "unfollow"  # the Teams Action.Execute verb of the same
QUOTE_LIMIT = 2000  # a decision excerpt is a sentence or two; this only guards a runaway one
ATOM = "http://www.w3.org/2005/Atom"


def heading(follow: Follow, corrected: bool) -> str:
    if corrected:
        return texts.NOTICE_CORRECTED
    return texts.notice_topic(follow.topic) if follow.kind == "topic" else texts.NOTICE_CASE


def footer(follow: Follow) -> str:
    """'Du følger denne sag' (or the topic); the stop button or link follows it."""
    return texts.you_follow_topic(follow.topic) if follow.kind == "topic" else texts.YOU_FOLLOW_CASE


def _where(t: Treatment) -> str:
    return where(t.forum, t.date, t.number)


def plain(follow: Follow, t: Treatment, corrected: bool) -> str:
    """The notice as plain text (Slack's fallback, the feed's summary)."""
    tail = f" ({texts.CLOSED})" if t.closed else ""
    return f"{heading(follow, corrected)}: {_where(t)}: {t.title}{tail}. {t.decision} {t.url}".strip()


# ---- Slack ---------------------------------------------------------------------------------------


def slack_notice(follow: Follow, t: Treatment, corrected: bool) -> dict:
    """{"text", "blocks"} for chat.postMessage."""
    title = cut(t.title, 300)
    tail = f" _({texts.CLOSED})_" if t.closed else ""
    quoted = "\n".join(
        ">" + line if line.strip() else ">" for line in escape(cut(t.decision, QUOTE_LIMIT)).splitlines()
    )
    stop = texts.stop_hint("slack", follow.id)
    blocks: list[dict] = [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"*{escape(heading(follow, corrected))}*"}]},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{link(t.url, f'{_where(t)}: {title}')}*{tail}"}},
    ]
    if t.decision:
        label = f"\n_{texts.AGENDA if t.kind != 'referat' else 'Beslutning'}_"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": (quoted + label)[:SECTION_LIMIT]}})
    blocks.append(
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"_{escape(footer(follow))}_ · stop: `{stop}`"[:SECTION_LIMIT]},
            "accessory": {
                "type": "button",
                "action_id": UNFOLLOW,
                "text": {"type": "plain_text", "text": texts.STOP_BUTTON},
                "value": str(follow.id),
                "accessibility_label": texts.stopped(follow.label)[:75],
            },
        }
    )
    return {"text": cut(escape(plain(follow, t, corrected)), 3000), "blocks": blocks}


# ---- Teams ---------------------------------------------------------------------------------------


def teams_notice(follow: Follow, t: Treatment, corrected: bool) -> dict:
    """An Adaptive Card: text from the minutes (and a followed topic, which a person wrote) in RichTextBlocks."""
    body: list[dict] = [
        # heading() holds the topic for a topic follow: written by a person, so never read as Markdown
        teams.plain_block(heading(follow, corrected), weight="Bolder"),
        teams.plain_block(_where(t) + (f" · {texts.CLOSED}" if t.closed else ""), isSubtle=True, size="Small"),
        teams.link_block(t.title, t.url, weight="Bolder", size="Medium", spacing="None"),
    ]
    if t.decision:
        body.append(
            {
                "type": "Container",
                "style": "emphasis",
                "items": [
                    teams.plain_block(cut(t.decision, QUOTE_LIMIT), size="Medium"),
                    teams.plain_block("Beslutning", isSubtle=True, size="Small"),
                ],
            }  # fmt: skip
        )
    body.append(teams.plain_block(f"{footer(follow)} · stop", isSubtle=True, size="Small", spacing="Medium"))
    actions: list[dict] = []
    if t.url.startswith(("http://", "https://")):
        actions.append({"type": "Action.OpenUrl", "title": texts.OPEN_ITEM, "url": t.url})
    actions.append(
        {"type": "Action.Execute", "title": texts.STOP_BUTTON, "verb": UNFOLLOW_VERB, "data": {"follow": follow.id}}
    )
    return teams.adaptive_card(body, actions)


# ---- Atom --------------------------------------------------------------------------------------


def _stamp(value: str) -> str:
    moment = dt.datetime.fromisoformat(value) if "T" in value else dt.datetime.fromisoformat(value + "T00:00:00")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def atom(feed_id: str, title: str, self_url: str, entries: list[tuple[Treatment, str]], *, note: str = "") -> bytes:
    """An Atom feed of treatments, newest first; each entry is (treatment, when it arrived: ISO). `note` ends
    every entry's text ("Du følger denne sag · stop: <url>")."""
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", feed_id)
    sub(feed, "title", title)
    sub(feed, "link", rel="self", href=self_url)
    updated = max((_stamp(when) for _, when in entries), default=_stamp("2000-01-01"))
    sub(feed, "updated", updated)
    sub(sub(feed, "author"), "name", "Referent")
    for t, when in entries:
        entry = sub(feed, "entry")
        sub(entry, "id", f"{feed_id}/{quote(t.item_id, safe='')}/{t.revision}")  # an IRI: no bare '#'
        sub(entry, "title", f"{_where(t)}: {t.title}" + (f" ({texts.CLOSED})" if t.closed else ""))
        sub(entry, "link", href=t.url)
        sub(entry, "updated", _stamp(when))
        text = t.decision or texts.AGENDA
        sub(entry, "content", f"{text}\n\n{note}" if note else text, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
