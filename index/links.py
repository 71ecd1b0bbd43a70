"""Links for meetings and items: a pattern per forum from config, the portal the meeting came from, a
catch-all pattern, and the project's own meeting page as the last fallback, in that order."""

from __future__ import annotations

from urllib.parse import quote

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
) -> str:
    values = dict(
        meeting_id=meeting_id, date=date, meeting_external_id=external_id, item_number="", item_external_id=""
    )
    return (
        _pattern(cfg, forum, exact=True, **values)
        or (portal_meeting_url(portal_url, external_id) if portal_url and external_id else None)
        or _pattern(cfg, forum, exact=False, **values)
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
) -> str:
    """The forum's configured pattern if every placeholder it uses is known, else the portal's item page when
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
        _pattern(cfg, forum, exact=True, **values)
        or portal
        or _pattern(cfg, forum, exact=False, **values)
        or f"{own_meeting_url(cfg, meeting_id)}#punkt-{number}-beslutning"
    )


def _pattern(cfg: Config, forum: str, *, exact: bool, **values: str | None) -> str | None:
    pattern = cfg.links.get(forum) if exact else cfg.links.get("*")
    if not pattern:
        return None
    needed = {name for name in values if "{" + name + "}" in pattern}
    if any(not values.get(name) for name in needed):
        return None
    return pattern.format(**{k: v or "" for k, v in values.items()})
