"""Links for meetings and items, the first that applies: a `[links]` pattern for the municipality's forum
("Greve/Byrådet"), for every forum of the municipality ("Greve/*"), for the forum in any municipality
("Byrådet"), then the portal the meeting came from, the catch-all pattern ("*"), and the project's own meeting
page. A pattern whose placeholders the item cannot fill is passed over."""

from __future__ import annotations

from urllib.parse import quote

from index.access import ALL, SEP
from index.config import Config


def own_meeting_url(cfg: Config, meeting_id: str) -> str:
    return f"{cfg.public_url}/m/{meeting_id}"


def portal_meeting_url(portal_url: str, meeting_external_id: str) -> str:
    return f"{portal_url.rstrip('/')}/vis?id={quote(meeting_external_id, safe='-')}"


def portal_item_url(portal_url: str, meeting_external_id: str, item_external_id: str) -> str:
    """First Agenda Publication's deep link to an item. No '#…': the portal reads a fragment as a meeting id."""
    return f"{portal_meeting_url(portal_url, meeting_external_id)}&punktid={quote(item_external_id, safe='-')}"


def meeting_url(
    cfg: Config,
    meeting_id: str,
    forum: str,
    date: str,
    external_id: str | None = None,
    *,
    portal_url: str | None = None,
    municipality: str = "",
) -> str:
    values = dict(
        meeting_id=meeting_id, date=date, meeting_external_id=external_id, item_number="", item_external_id=""
    )
    return (
        _pattern(cfg, _own_keys(municipality, forum), values)
        or (portal_meeting_url(portal_url, external_id) if portal_url and external_id else None)
        or _pattern(cfg, [ALL], values)
        or own_meeting_url(cfg, meeting_id)
    )


def item_url(
    cfg: Config,
    meeting_id: str,
    forum: str,
    date: str,
    number: int,
    *,
    meeting_external_id: str | None = None,
    item_external_id: str | None = None,
    portal_url: str | None = None,
    municipality: str = "",
) -> str:
    """The forum's (or the municipality's) configured pattern if every placeholder it uses is known, else the portal's item page when
    the meeting came from a portal, else the "*" pattern, else our own page, opened at the item's decision
    (the page anchors `#punkt-N` too)."""
    values = dict(
        meeting_id=meeting_id, date=date, meeting_external_id=meeting_external_id, item_number=str(number),
        item_external_id=item_external_id,
    )  # fmt: skip
    portal = None
    if portal_url and meeting_external_id and item_external_id:
        portal = portal_item_url(portal_url, meeting_external_id, item_external_id)
    return (
        _pattern(cfg, _own_keys(municipality, forum), values)
        or portal
        or _pattern(cfg, [ALL], values)
        or f"{own_meeting_url(cfg, meeting_id)}#punkt-{number}-beslutning"
    )


def _own_keys(municipality: str, forum: str) -> list[str]:
    """The `[links]` keys that name this meeting's own body, most specific first."""
    if not municipality:
        return [forum]
    return [f"{municipality}{SEP}{forum}", f"{municipality}{SEP}{ALL}", forum]


def _pattern(cfg: Config, keys: list[str], values: dict[str, str | None]) -> str | None:
    """The first pattern of `keys` whose every placeholder is known."""
    for key in keys:
        pattern = cfg.links.get(key)
        if not pattern:
            continue
        needed = {name for name in values if "{" + name + "}" in pattern}
        if any(not values.get(name) for name in needed):
            continue
        return pattern.format(**{k: v or "" for k, v in values.items()})
    return None
