"""Limits on what callers may send: requests per key per minute, and the size of a request body.

One implementation for every door (Slack and Teams questions, web logins), so a limit means the
same thing everywhere and a flood of new keys cannot grow memory without bound.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

KEYS = 10_000  # keys remembered; the least recently seen is forgotten first


class RateLimiter:
    """At most `limit` events per key in any `window` seconds, kept in memory; safe across threads."""

    def __init__(
        self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic, keys: int = KEYS
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._keys = keys
        self._hits: OrderedDict[Any, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: Any) -> bool:
        """Count one event for `key`; False (and not counted) when the key is over its limit."""
        now = self.clock()
        with self._lock:
            hits = self._recent(key, now)
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True

    def retry_after(self, key: Any) -> int:
        """Whole seconds until `key` may try again (0 when it may now)."""
        now = self.clock()
        with self._lock:
            hits = self._recent(key, now)
            if len(hits) < self.limit:
                return 0
            return max(1, int(hits[0] + self.window - now + 0.999))

    def _recent(self, key: Any, now: float) -> deque[float]:
        hits = self._hits.pop(key, None) or deque()
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        self._hits[key] = hits  # re-inserted last: the most recently seen key
        while len(self._hits) > self._keys:
            self._hits.popitem(last=False)
        return hits


async def read_body(request: Any, limit: int) -> bytes | None:
    """The request body, or None when it is (or claims to be) over `limit` bytes.

    A declared Content-Length is judged before a byte is read; a body without one (chunked) is read
    only until it passes the limit. Nothing here logs the body.
    """
    length = request.headers.get("content-length")
    if length is not None and (not length.strip().isdigit() or int(length) > limit):
        return None
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > limit:
            return None
    return bytes(raw)
