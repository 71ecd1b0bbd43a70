"""The one way a question reaches the answering core, from every channel: web chat, /api/ask, /search,
Slack (mentions, DMs, /referat, threads, the assistant panel), Teams and `referent ask`.

`Asker.ask` validates the text (empty, too long, English), rate-limits the person asking, reads a
follow-up with its conversation (bot.followup), answers through `index.answer.answer` with the fora the
place may see, applies both locks to what comes back (hits and case history outside those fora dropped;
a closed item's quotes cut to its public decision line) and counts the outcome for /metrics. It returns a
`Reply`: an answer, or a Danish notice. Adapters only turn their events into `ask` calls and render the
reply; none of them checks, limits or filters anything itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot import texts
from bot.conversation import Conversations
from bot.followup import merge
from bot.limits import RateLimiter
from bot.metrics import observe_answer, observe_rate_limited
from bot.service import Service
from index.access import Access
from index.config import Config
from index.model import DECISION, Answer, AnswerFn, Hit
from index.sagsforloeb import body_key

log = logging.getLogger(__name__)

MAX_QUESTION = 2000  # characters; the answering core refuses longer ones too
QUESTIONS_PER_MINUTE = 10  # per person, on the chat platforms

_EMOJI = re.compile(r":[a-z0-9_+'\-]+:")
_EN = frozenset("what which who when where why how the was were is are did does decided decision about "
                "meeting minutes please regarding of".split())  # fmt: skip
_DA = frozenset("hvad hvilke hvilken hvem hvornår hvor hvorfor hvordan blev er var om det den der og at "
                "på til med for besluttet beslutning møde mødet referat har af".split())  # fmt: skip


@dataclass(frozen=True)
class Place:
    """Where a question is asked: the platform, its channel (None for the web, the CLI or a DM), and
    whether it is a direct conversation with Referent. Access ([access] in referent.toml) is by place."""

    platform: str
    channel: str | None = None
    direct: bool = False


@dataclass(frozen=True)
class Reply:
    """What to show for one message: `answer`, or `notice` instead (kind says which notice)."""

    text: str  # what the person wrote
    question: str = ""  # what was asked: `text`, or `text` read with the conversation
    answer: Answer | None = None
    notice: str = ""
    kind: str = "answer"  # answer, empty, too_long, english, rate_limited, error

    @property
    def follow_up(self) -> bool:
        """True when the question was read together with the conversation's earlier question."""
        return self.answer is not None and self.question != self.text

    def as_answer(self) -> Answer:
        """An Answer either way (a notice becomes a no-answer with the notice as its message)."""
        if self.answer is not None:
            return self.answer
        return Answer(question=self.text[:200], no_answer=True, message=self.notice)


def looks_english(text: str) -> bool:
    """At least two English function words and more of them than Danish ones, and no æ, ø or å."""
    lowered = text.lower()
    if re.search("[æøå]", lowered):
        return False
    words = re.findall(r"[a-z]+", lowered)
    english = sum(w in _EN for w in words)
    return english >= 2 and english > sum(w in _DA for w in words)


def _notice(text: str, kind: str, message: str) -> Reply:
    return Reply(text=text, notice=message, kind=kind)


class Asker:
    def __init__(
        self,
        answer_fn: AnswerFn,
        cfg: Config,
        *,
        conversations: Conversations | None = None,
        limiter: RateLimiter | None = None,
        feedback_fn: Callable[[dict], None] | None = None,
    ) -> None:
        """`answer_fn(question, access)` is the answering core (bot.service.Service.answerer in production);
        without `conversations` every question stands alone; without `limiter` nobody is limited."""
        self.answer_fn, self.cfg = answer_fn, cfg
        self.conversations, self.limiter, self.feedback_fn = conversations, limiter, feedback_fn

    def access(self, place: Place) -> Access | None:
        """What `place` may see (index.access; None: everything)."""
        return self.cfg.access_for(place.platform, place.channel, direct=place.direct)

    def ask(self, text: str, place: Place, *, user: str | None = None, thread: str | None = None) -> Reply:
        """Answer `text` asked by `user` (the rate-limit key) at `place`, in conversation `thread` (a key
        unique within the platform: a browser session, a Slack thread, a Teams reply chain; None: alone)."""
        text = " ".join(text.split())
        if not any(ch.isalnum() for ch in _EMOJI.sub("", text)):
            return _notice(text, "empty", texts.EMPTY)
        if len(text) > MAX_QUESTION:
            return _notice(text[:200], "too_long", texts.TOO_LONG)
        if looks_english(text):
            return _notice(text, "english", texts.ENGLISH)
        if user is not None and self.limiter is not None and not self.limiter.allow((place.platform, user)):
            observe_rate_limited(place.platform)
            return _notice(text, "rate_limited", texts.RATE_LIMITED)
        key = f"{place.platform}:{thread}" if thread and self.conversations else None
        previous = self.conversations.last(key) if key and self.conversations else None
        question = merge(previous, text).question
        access = self.access(place)
        start = time.perf_counter()
        try:
            answer = self.answer_fn(question, access)
        except Exception:
            # The person gets a Danish apology; the trace goes to the log, without the question.
            log.exception("answering a question of %d characters failed", len(question))
            observe_answer(None, time.perf_counter() - start, channel=place.platform)
            return _notice(text, "error", texts.ERROR)
        observe_answer(answer, time.perf_counter() - start, channel=place.platform)
        if key and self.conversations:
            self.conversations.remember(key, question)
        return Reply(text=text, question=question, answer=public_only(visible(answer, access)))

    def carry(self, platform: str, thread: str, *others: str) -> None:
        """Let conversations `others` continue where `thread` stands (a DM answer that gets a thread of
        its own continues the DM)."""
        if self.conversations is None:
            return
        last = self.conversations.last(f"{platform}:{thread}")
        if last is not None:
            for other in others:
                self.conversations.remember(f"{platform}:{other}", last)

    def answered_in(self, platform: str, thread: str) -> bool:
        """Has Referent answered in this conversation (within the conversation memory's time)?"""
        return self.conversations is not None and self.conversations.last(f"{platform}:{thread}") is not None

    def vote(self, platform: str, question: str, item_ids: list[str], vote: int, user: str) -> bool:
        """Store a 👍 (1) or 👎 (-1); False when it could not be stored. The user id is hashed by the store."""
        if self.feedback_fn is None:
            return False
        record = {
            "platform": platform,
            "question": question[:MAX_QUESTION],
            "item_ids": [i[:200] for i in item_ids if isinstance(i, str)][:10],
            "vote": 1 if vote > 0 else -1,
            "user_id": user,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        try:
            self.feedback_fn(record)
        except Exception:
            log.exception("storing a vote failed")
            return False
        return True


def chat_asker(service: Service, answer_fn: AnswerFn | None = None) -> Asker:
    """The Asker of Slack and Teams, wherever they run (`referent serve` or `referent slack`): the service's
    answering, a conversation per thread kept in its database, votes into its feedback table, and a rate
    limit per person (the web chat, which knows no person, has none)."""
    return Asker(
        answer_fn or service.answerer(), service.cfg, conversations=Conversations(service),
        limiter=RateLimiter(QUESTIONS_PER_MINUTE), feedback_fn=service.feedback,
    )  # fmt: skip


# ---- the two locks -------------------------------------------------------------------------------


def visible(answer: Answer, access: Access | None) -> Answer:
    """Drop hits and case history outside what a place may see, even if the answering core let them in: a
    second lock on the same door."""
    if access is None:
        return answer

    def keep(hits: list[Hit]) -> list[Hit]:
        return [
            dataclasses.replace(
                h, case_history=[c for c in h.case_history if access.allows(c.municipality, c.forum, key=body_key)]
            )
            for h in hits
            if access.allows(h.meeting.municipality, h.meeting.forum)
        ]

    answers = keep(answer.answers)
    lost = bool(answer.answers) and not answers
    return dataclasses.replace(
        answer,
        answers=answers,
        suggestions=keep(answer.suggestions),
        no_answer=answer.no_answer or lost,
        message="" if lost else answer.message,
    )


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.strip().splitlines() if line.strip()), "")


def public_only(answer: Answer) -> Answer:
    """A closed item shows its title and public decision line only: its quotes are cut to that line,
    whatever the answering core returned."""

    def clean(hit: Hit) -> Hit:
        if not hit.item.closed:
            return hit
        quotes = [
            dataclasses.replace(q, text=_first_line(q.text))
            for q in hit.quotes
            if q.kind == DECISION and q.text.strip()
        ]
        return dataclasses.replace(hit, quotes=quotes[:1])

    return dataclasses.replace(
        answer, answers=[clean(h) for h in answer.answers], suggestions=[clean(h) for h in answer.suggestions]
    )
