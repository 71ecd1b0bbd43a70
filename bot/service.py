"""The one way the adapters reach the database: one `Store` per process, used under one lock.

The web pages, Slack (over HTTP inside `referent serve`, or over Socket Mode in `referent slack`) and
Teams all read and write through a Service, so a question is answered the same way whatever started the
process. One connection behind a lock, not one per thread: the answering core is Python under the GIL
(threads would not answer faster) and each Store holds vocabulary caches that would multiply by the
thread pool's size; `referent serve --workers N` is how answers run side by side.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from index.access import Access
from index.config import Config
from index.model import Answer, AnswerFn
from index.store import Store

T = TypeVar("T")


class Service:
    def __init__(self, store: Store | str | Path, cfg: Config) -> None:
        self.store = store if isinstance(store, Store) else Store(store)
        self.cfg = cfg
        self.lock = threading.RLock()
        # Visibility follows the source: what a public portal published, every place may see.
        cfg.see_public_sources(lambda: self.read(lambda store: store.public_bodies()))

    def read(self, fn: Callable[[Store], T]) -> T:
        """Run `fn(store)` under the lock (reads and short writes alike)."""
        with self.lock:
            return fn(self.store)

    def answer(self, question: str, access: Access | None, *, limit: int = 4) -> Answer:
        """The answering core over this store; imported on first use so a server starts without loading it."""
        from index.answer import answer

        with self.lock:
            return answer(self.store, question, access=access, limit=limit, cfg=self.cfg)

    def answerer(self, limit: int = 4) -> AnswerFn:
        return lambda question, access: self.answer(question, access, limit=limit)

    def feedback(self, record: dict) -> None:
        """A 👍/👎 from bot.asker.Asker.vote; the store keeps a keyed hash of the user id, never the id."""
        with self.lock:
            self.store.add_feedback(
                record["platform"], record["question"], list(record["item_ids"]), int(record["vote"]),
                record["user_id"], record.get("created_at"),
            )  # fmt: skip

    def conversation(self, record: dict) -> None:
        """A Teams conversation reference, kept so the digest can post there later."""
        with self.lock:
            self.store.save_conversation(record["platform"], record["channel_id"], record)
