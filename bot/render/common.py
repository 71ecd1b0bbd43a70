"""Small pieces every renderer shares: Danish dates, clean cuts, the no-answer wording."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from index.model import Answer, Hit

MONTHS = [
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
]  # fmt: skip


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


def item_label(forum: str, date: str, number: int, title: str) -> str:
    """'Chefforum, 27. maj 2021, punkt 6: Vagtplan Chefforum, sommeren 2021'."""
    return f"{forum}, {danish_date(date)}, punkt {number}: {title}"


NO_ANSWER_HINT = "Prøv med andre ord, et årstal eller navnet på udvalget."
TOO_LONG = "Dit spørgsmål er for langt. Skriv det gerne kortere, så finder jeg svaret."
EMPTY = "Skriv et spørgsmål om referaterne, fx: hvad blev besluttet om adgangskontrol?"


def restrict(answer: Answer, fora: frozenset[str] | None) -> Answer:
    """Drop hits and case history outside the fora a place may see, even if the answerer let them in:
    every adapter applies it as a second lock on the same door."""
    if fora is None:
        return answer

    def visible(hits: list[Hit]) -> list[Hit]:
        return [
            dataclasses.replace(h, case_history=[c for c in h.case_history if c.forum in fora])
            for h in hits
            if h.meeting.forum in fora
        ]

    answers = visible(answer.answers)
    lost = bool(answer.answers) and not answers
    return dataclasses.replace(
        answer,
        answers=answers,
        suggestions=visible(answer.suggestions),
        no_answer=answer.no_answer or lost,
        message="" if lost else answer.message,
    )
