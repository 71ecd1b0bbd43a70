"""Links for meetings and items: a pattern per forum from config, else the project's own meeting page."""

from __future__ import annotations

from index.config import Config


def own_meeting_url(cfg: Config, meeting_id: str) -> str:
    return f"{cfg.public_url}/m/{meeting_id}"


def meeting_url(cfg: Config, meeting_id: str, forum: str, date: str, external_id: str | None = None) -> str:
    return _pattern(cfg, forum, meeting_id=meeting_id, date=date, meeting_external_id=external_id, item_number="",
                    item_external_id="") or own_meeting_url(cfg, meeting_id)  # fmt: skip


def item_url(
    cfg: Config,
    meeting_id: str,
    forum: str,
    date: str,
    number: int,
    *,
    meeting_external_id: str | None = None,
    item_external_id: str | None = None,
) -> str:
    """The configured pattern for the forum if every placeholder it uses is known, else our own page,
    opened at the item's decision (the page anchors `#punkt-N` too)."""
    return _pattern(
        cfg, forum, meeting_id=meeting_id, date=date, meeting_external_id=meeting_external_id,
        item_number=str(number), item_external_id=item_external_id,
    ) or f"{own_meeting_url(cfg, meeting_id)}#punkt-{number}-beslutning"  # fmt: skip


def _pattern(cfg: Config, forum: str, **values: str | None) -> str | None:
    pattern = cfg.links.get(forum) or cfg.links.get("*")
    if not pattern:
        return None
    needed = {name for name in values if "{" + name + "}" in pattern}
    if any(not values.get(name) for name in needed):
        return None
    return pattern.format(**{k: v or "" for k, v in values.items()})
