"""Example questions the minutes can answer: the web chat's "Prøv fx", its placeholder, Slack's
suggested prompts and `referent serve --sample`.

Each is "Hvad blev besluttet om <topic>?" for a recent open item that has a decision and a topic title
(never a standing item: bot.standing), and is kept only when the answering core does answer it, so an
example never leads to "Jeg fandt ikke noget".
"""

from __future__ import annotations

import re
import threading
import time

from bot import standing, texts
from bot.service import Service
from index.access import Access
from index.model import AnswerFn

TTL = 60.0  # seconds; new minutes show up in the examples within a minute
RECENT_MEETINGS = 20
TRIED = 12  # candidates asked at most per refresh
MIN_TOPIC = 6


def topic(title: str) -> str:
    """'Skatepark ved Egelund Station - status og ny tidsplan' -> 'Skatepark ved Egelund Station'.

    The capital stays: a title's first word may be a name ("Egelund Skole"), and nothing here can tell."""
    return re.split(r"\s+[-–]\s+|:\s+|\.\s+", title.strip(), maxsplit=1)[0].strip(" .:-–")


def candidates(service: Service, access: Access | None) -> list[str]:
    """Questions about the items of the most recent meetings, newest meeting first."""
    out: list[str] = []
    with service.lock:
        rows = service.store.meetings(access)[-RECENT_MEETINGS:]
        meetings = [service.store.load_meeting(r["id"]) for r in reversed(rows)]
    for meeting in meetings:
        if meeting is None:
            continue
        for item in meeting.items:
            decision = item.decision.strip()
            if item.closed or not decision or standing.kind(item.title, decision):
                continue
            subject = topic(item.title)
            question = texts.EXAMPLE_QUESTION.format(topic=subject)
            if len(subject) >= MIN_TOPIC and question not in out:
                out.append(question)
    return out


class Examples:
    """Answerable example questions per Access (what a place may see), refreshed every TTL seconds."""

    def __init__(self, service: Service, answer_fn: AnswerFn, ttl: float = TTL) -> None:
        self.service, self.answer_fn, self.ttl = service, answer_fn, ttl
        self._cache: dict[Access | None, tuple[float, list[str]]] = {}
        self._lock = threading.Lock()

    def get(self, access: Access | None, limit: int = 4) -> list[str]:
        with self._lock:
            stamp, cached = self._cache.get(access, (0.0, []))
            if stamp and time.monotonic() - stamp < self.ttl:
                return cached[:limit]
        found: list[str] = []
        for question in candidates(self.service, access)[:TRIED]:
            try:
                answer = self.answer_fn(question, access)
            except Exception:
                continue  # an example is a nicety; the page must not fail over it
            if not answer.no_answer and answer.answers:
                found.append(question)
            if len(found) >= limit:
                break
        with self._lock:
            self._cache[access] = (time.monotonic(), found)
        return found[:limit]
