"""What the chat adapters and the web server share: answering, votes and conversation references,
over one database file, with a connection per thread (SQLite in WAL mode lets readers run side by side)."""

from __future__ import annotations

import threading
import time

from bot.metrics import observe_answer
from index.answer import answer
from index.config import Config
from index.model import Answer
from index.store import Store


class Service:
    def __init__(self, db_path: str, cfg: Config, *, channel: str = "chat"):
        self.db_path = db_path
        self.cfg = cfg
        self.channel = channel  # the label its answers are counted under in /metrics
        self._local = threading.local()
        self._write = threading.Lock()
        Store(db_path).close()  # create and migrate once, up front
        cfg.see_public_sources(lambda: self.store().public_fora())

    def store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.db_path)
        return store

    def answer(self, question: str, fora: frozenset[str] | None) -> Answer:
        start = time.perf_counter()
        try:
            result = answer(self.store(), question, fora=fora, cfg=self.cfg)
        except Exception:
            observe_answer(None, time.perf_counter() - start, channel=self.channel)
            raise
        observe_answer(result, time.perf_counter() - start, channel=self.channel)
        return result

    def feedback(self, record: dict) -> None:
        with self._write:
            self.store().add_feedback(
                record["platform"], record["question"], list(record["item_ids"]), int(record["vote"]),
                record["user_id"], record.get("created_at"),
            )  # fmt: skip

    def conversation(self, record: dict) -> None:
        with self._write:
            self.store().save_conversation(record["platform"], record["channel_id"], record)
