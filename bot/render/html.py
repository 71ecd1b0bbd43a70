"""HTML rendering for the web: one autoescaping Jinja2 environment and the filters its templates use.

Templates never mark text safe; every helper here returns plain strings or lists of strings, so
whatever a question or a set of minutes contains reaches the page escaped.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from urllib.parse import quote

import jinja2

from bot import texts
from bot.render.card import Card
from bot.render.common import cut, danish_date, item_label
from index.model import DECISION, Section

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_SAFE_SCHEME = re.compile(r"^https?://", re.I)


def paragraphs(text: str) -> list[list[str]]:
    """Blank lines separate paragraphs, single newlines are line breaks: [[line, ...], ...]."""
    blocks = re.split(r"\n\s*\n", text.strip()) if text.strip() else []
    return [[line.strip() for line in block.splitlines() if line.strip()] for block in blocks]


def local_url(url: str, public_url: str) -> str:
    """Our own links made relative, so they work whatever address the browser used to reach us."""
    base = public_url.rstrip("/")
    if base and (url == base or url.startswith(base + "/") or url.startswith(base + "#")):
        return url[len(base) :] or "/"
    return url


def safe_href(url: str) -> str:
    """Only web and site-relative links reach an href; a `javascript:` pattern or id becomes '#'."""
    if url.startswith("/") and not url.startswith("//"):
        return url
    return url if _SAFE_SCHEME.match(url) else "#"


def own_item_url(c: Card) -> str:
    """Referent's own page for a card's item, opened at its decision."""
    return f"/m/{c.meeting_id}#punkt-{c.item_number}-beslutning"


def case_url(c: Card) -> str:
    """Referent's timeline of a card's case, narrowed to this item's case when the number is reused."""
    return f"/sag/{quote(c.case_number or '', safe='/')}?punkt={quote(f'{c.meeting_id}#{c.item_number}')}"


def closed_view(sections: list[Section]) -> list[Section]:
    """A closed item shows its public decision line and nothing else, whatever the store holds."""
    for s in sections:
        if s.kind == DECISION and s.text.strip():
            first = paragraphs(s.text)[0][0]
            return [dataclasses.replace(s, text=first)]
    return []


def environment(public_url: str) -> jinja2.Environment:
    """The Jinja2 environment for bot/templates, autoescaping every template whatever its name."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        danish_date=danish_date,
        paragraphs=paragraphs,
        cut=cut,
        href=lambda url: safe_href(local_url(url, public_url)),
        own_item_url=own_item_url,
        case_url=case_url,
        closed_view=closed_view,
    )
    env.globals.update(item_label=item_label, DECISION=DECISION, public_url=public_url, T=texts)
    return env
