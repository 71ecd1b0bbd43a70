"""Small pieces every renderer shares: Danish dates, clean cuts, item labels."""

from __future__ import annotations

import datetime as dt
import re

from bot.texts import MONTHS


def danish_date(iso: str | dt.date) -> str:
    """'2021-05-27' -> '27. maj 2021'."""
    d = dt.date.fromisoformat(iso) if isinstance(iso, str) else iso
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def cut(text: str, limit: int, ellipsis: str = " …") -> str:
    """Shorten `text` to at most `limit` characters, at a sentence or word boundary."""
    if len(text) <= limit:
        return text
    room = max(0, limit - len(ellipsis))
    head = text[:room]
    sentence_end = max(head.rfind(". "), head.rfind(".\n"), head.rfind("? "), head.rfind("! "))
    if sentence_end >= room * 0.6:
        return head[: sentence_end + 1]
    space = re.search(r"\s\S*$", head)
    if space and space.start() >= room * 0.5:
        head = head[: space.start()]
    return head.rstrip(" ,;:-") + ellipsis


def item_label(forum: str, date: str, number: int | None, title: str) -> str:
    """'Chefforum, 27. maj 2021, punkt 6: Vagtplan Chefforum, sommeren 2021'; without the number when the
    treatment is only known from a Sagsforløb that does not give it."""
    where = f"{forum}, {danish_date(date)}" + (f", punkt {number}" if number is not None else "")
    return f"{where}: {title}"
