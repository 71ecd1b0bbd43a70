"""The Asker: the one place that validates, rate-limits, applies both locks, keeps the conversation,
answers and counts; and the conversation memory in the database behind it."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from bot import metrics, texts
from bot.asker import Asker, Place, looks_english
from bot.conversation import Conversations
from bot.limits import RateLimiter
from bot.service import Service
from index.access import Access
from index.config import Config
from index.model import DECISION, Answer, CaseRef, Hit, ItemRef, MeetingRef, Quote
from index.store import Store


def hit(forum: str = "Chefforum", *, closed: bool = False, history_forum: str = "Chefforum") -> Hit:
    mid = f"{forum.lower()}-2024-01-01"
    return Hit(
        MeetingRef(mid, forum, "2024-01-01", f"Referat {forum}", f"http://x/m/{mid}"),
        ItemRef(2, "Skatepark", None, f"http://x/m/{mid}#punkt-2-beslutning", closed=closed),
        [Quote("Beslutning", "Godkendt.\nMed bemærkning om medarbejderen X.", 0, DECISION),
         Quote("Sagsfremstilling", "Fortroligt.", 0, "sagsfremstilling")],
        case_history=[CaseRef("m", "2023-01-01", history_forum, 1, "Skatepark", "http://x/m/m#punkt-1")],
    )  # fmt: skip


class Recorder:
    def __init__(self, hits: list[Hit] | None = None, fail: bool = False) -> None:
        self.calls: list[tuple[str, Access | None]] = []
        self.hits, self.fail = hits if hits is not None else [hit()], fail

    def __call__(self, question: str, fora: Access | None) -> Answer:
        self.calls.append((question, fora))
        if self.fail:
            raise RuntimeError("database is locked")
        return Answer(question, False, "", list(self.hits))


@pytest.fixture
def service(tmp_path: Path) -> Service:
    return Service(Store(tmp_path / "asker.db"), Config())


@pytest.mark.parametrize(
    ("text", "kind", "notice"),
    [("", "empty", texts.EMPTY), ("  :tada: 🎉 ", "empty", texts.EMPTY), ("x" * 2001, "too_long", texts.TOO_LONG),
     ("What was decided about the new access control?", "english", texts.ENGLISH)],
)  # fmt: skip
def test_notices_never_reach_the_answering_core(text: str, kind: str, notice: str) -> None:
    fake = Recorder()
    reply = Asker(fake, Config()).ask(text, Place("web"))
    assert (reply.kind, reply.notice, reply.answer) == (kind, notice, None) and fake.calls == []
    as_answer = reply.as_answer()
    assert as_answer.no_answer and as_answer.message == notice and len(as_answer.question) <= 200


def test_looks_english_needs_more_english_than_danish() -> None:
    assert looks_english("what was decided about parking?")
    assert not looks_english("hvad blev besluttet om parking?") and not looks_english("budget for the år")


def test_rate_limit_is_per_person_and_counted() -> None:
    fake = Recorder()
    asker = Asker(fake, Config(), limiter=RateLimiter(2))
    before = dict(metrics._pending)
    kinds = [asker.ask(f"spørgsmål {n}", Place("slack", "C1"), user="U1").kind for n in range(3)]
    assert kinds == ["answer", "answer", "rate_limited"]
    assert asker.ask("spørgsmål", Place("slack", "C1"), user="U2").kind == "answer"  # another person
    assert asker.ask("spørgsmål", Place("teams"), user="U1").kind == "answer"  # U1 on another platform
    key = ("referent_rate_limited_total", json.dumps({"channel": "slack"}))
    assert metrics._pending.get(key, 0) - before.get(key, 0) == 1
    assert len(fake.calls) == 4


def test_both_locks_apply_whatever_the_answering_core_returns() -> None:
    leaky = Recorder([hit("Økonomiudvalget"), hit(closed=True, history_forum="Økonomiudvalget")])
    cfg = Config(channel_fora={"slack": {"C1": ["Chefforum"]}})
    reply = Asker(leaky, cfg).ask("skatepark", Place("slack", "C1"))
    assert leaky.calls == [("skatepark", Access.of({"Chefforum"}))]  # the first lock, handed to the core
    assert reply.answer is not None
    (only,) = reply.answer.answers  # the hit in Økonomiudvalget is dropped anyway
    assert only.case_history == []  # so is the history entry there
    # The second lock: a closed item's quotes shrink to its public decision line.
    assert [(q.section, q.text) for q in only.quotes] == [("Beslutning", "Godkendt.")]


def test_failure_is_a_danish_apology_and_counted_as_an_error() -> None:
    before = dict(metrics._pending)
    reply = Asker(Recorder(fail=True), Config()).ask("skatepark", Place("teams"))
    assert (reply.kind, reply.notice) == ("error", texts.ERROR)
    key = ("referent_answers_total", json.dumps({"channel": "teams", "outcome": "error"}, sort_keys=True))
    assert metrics._pending.get(key, 0) - before.get(key, 0) == 1


def test_answers_are_counted_under_their_platform() -> None:
    before = dict(metrics._pending)
    Asker(Recorder(), Config()).ask("skatepark", Place("slack", "C1"))
    key = ("referent_answers_total", json.dumps({"channel": "slack", "outcome": "answer"}, sort_keys=True))
    assert metrics._pending.get(key, 0) - before.get(key, 0) == 1


def test_conversations_are_kept_per_thread_and_platform(service: Service) -> None:
    fake = Recorder()
    asker = Asker(fake, Config(), conversations=Conversations(service))
    asker.ask("Hvad blev besluttet om skateparken?", Place("slack", "C1"), thread="C1:1")
    follow = asker.ask("og i 2024?", Place("slack", "C1"), thread="C1:1")
    assert follow.follow_up and follow.question == "Hvad blev besluttet om skateparken i 2024?"
    assert not asker.ask("og i 2024?", Place("slack", "C1"), thread="C1:2").follow_up  # another thread
    assert not asker.ask("og i 2024?", Place("teams"), thread="C1:1").follow_up  # the same key elsewhere
    assert not asker.ask("og i 2024?", Place("web")).follow_up  # no thread: alone
    assert asker.answered_in("slack", "C1:1") and not asker.answered_in("slack", "C1:9")


def test_conversation_state_is_hashed_and_forgotten(service: Service) -> None:
    memory = Conversations(service, ttl=dt.timedelta(hours=1))
    t0 = dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC)
    memory.remember("slack:C0SECRET:1700000000.000100", "Hvad blev besluttet om skateparken?", now=t0)
    rows = service.store.conn.execute("SELECT key, question FROM chat_context").fetchall()
    assert len(rows) == 1 and "C0SECRET" not in rows[0][0] and len(rows[0][0]) == 64
    assert memory.last("slack:C0SECRET:1700000000.000100", now=t0 + dt.timedelta(minutes=59))
    assert memory.last("slack:C0SECRET:1700000000.000100", now=t0 + dt.timedelta(minutes=61)) is None
    memory.remember("web:other", "Hvem tager bagvagten?", now=t0 + dt.timedelta(hours=2))  # prunes the old row
    assert service.store.conn.execute("SELECT count(*) FROM chat_context").fetchone()[0] == 1


def test_a_database_that_cannot_be_written_only_loses_follow_ups(service: Service, caplog) -> None:
    asker = Asker(Recorder(), Config(), conversations=Conversations(service))
    service.store.conn.execute("DROP TABLE chat_context")  # as good as a read-only or damaged table
    reply = asker.ask("Hvad blev besluttet om skateparken?", Place("web"), thread="s")
    assert reply.kind == "answer"
    assert any("conversation state" in r.getMessage() for r in caplog.records)
    with pytest.raises(sqlite3.OperationalError):
        service.store.conn.execute("SELECT 1 FROM chat_context")


def test_votes_are_recorded_with_the_user_for_hashing() -> None:
    votes: list[dict] = []
    asker = Asker(Recorder(), Config(), feedback_fn=votes.append)
    assert asker.vote("slack", "skatepark?", ["m#2", 3, "x" * 300], -5, "U1")  # type: ignore[list-item]
    (record,) = votes
    assert record["vote"] == -1 and record["item_ids"] == ["m#2", "x" * 200] and record["user_id"] == "U1"

    def broken(record: dict) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    assert not Asker(Recorder(), Config(), feedback_fn=broken).vote("teams", "q", [], 1, "U1")
