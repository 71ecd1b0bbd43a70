"""A polite client for a First Agenda Publication portal (`https://dagsordener.<kommune>.dk`).

The portal's pages are built from a JSON API: `/api/agenda/udvalgsliste` lists the committees and their
meetings, `/api/agenda/dagsorden/{meetingId}` holds one meeting (read by index.readers.firstagenda). The
first request is answered with a 302 to `/Home/AnonymousAuthentication?callback=…`, which sets the session
cookie; the client follows such redirects itself (each hop is a request like any other) and keeps cookies.

Politeness: one request at a time, at least `min_interval` seconds between the starts of two requests
(0.5 s: at most 2 per second), timeouts on every request, retries with exponential backoff on 429, 5xx and
network errors, honouring Retry-After (up to `max_wait`; a portal that asks for longer gets a clear error).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

LISTING = "/api/agenda/udvalgsliste"
MEETING = "/api/agenda/dagsorden/{id}"
USER_AGENT = "Referent (minutes search; https://github.com/) httpx"


class PortalError(Exception):
    """The portal could not be read; the message is one line for the report."""


class ShapeChanged(PortalError):
    """The portal answered, but not with what its API used to send: the connector must be looked at."""


@dataclass(frozen=True)
class ListedMeeting:
    id: str
    committee: str
    committee_id: str
    date: str  # as the listing gives it ("2024-06-10T16:30:00+02:00")
    finished: bool | None
    released: str | None
    name: str

    @property
    def day(self) -> dt.date | None:
        try:
            return dt.datetime.fromisoformat(self.date).date()
        except ValueError:
            return None

    @property
    def fingerprint(self) -> str:
        """What the listing says of the meeting's version: a change means fetch it again."""
        return json.dumps([self.released, self.finished, self.name, self.date], ensure_ascii=False)


class Portal:
    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        min_interval: float = 0.5,
        retries: int = 4,
        backoff: float = 2.0,
        max_wait: float = 120.0,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).netloc
        self.min_interval, self.retries, self.backoff, self.max_wait = min_interval, retries, backoff, max_wait
        self._sleep, self._clock = sleep or time.sleep, clock or time.monotonic
        self._last: float | None = None
        self.requests = 0
        self.client = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json, text/html;q=0.5"},
            transport=transport,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Portal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- requests -----------------------------------------------------------------------------

    def _turn(self) -> None:
        """Wait until `min_interval` has passed since the last request started."""
        if self._last is not None:
            gap = self.min_interval - (self._clock() - self._last)
            if gap > 0:
                self._sleep(gap)
        self._last = self._clock()

    def _send(self, url: str) -> httpx.Response:
        for attempt in range(self.retries + 1):
            self._turn()
            self.requests += 1
            try:
                resp = self.client.get(url)
            except httpx.TimeoutException:
                problem = "no answer within the timeout"
            except httpx.TransportError as exc:
                problem = f"network error ({type(exc).__name__})"
            else:
                if resp.status_code != 429 and resp.status_code < 500:
                    return resp
                problem = f"HTTP {resp.status_code}"
                wait = retry_after(resp.headers.get("Retry-After"))
                if wait is not None and wait > self.max_wait:
                    raise PortalError(f"{url}: {problem}, the portal asks to wait {wait:.0f} s; try again later")
                if attempt < self.retries:
                    self._sleep(wait if wait is not None else self.backoff * 2**attempt)
                    continue
                break
            if attempt < self.retries:
                self._sleep(self.backoff * 2**attempt)
        raise PortalError(f"{url}: {problem} after {self.retries + 1} tries")

    def get(self, path: str) -> httpx.Response:
        """GET `path`, following redirects on the portal's own host (the session cookie step)."""
        url = path
        for _ in range(6):
            resp = self._send(url)
            if not resp.is_redirect:
                return resp
            target = urljoin(str(resp.url), resp.headers.get("Location", ""))
            if urlsplit(target).netloc != self.host:
                raise PortalError(f"{path}: redirected off the portal, to {urlsplit(target).netloc or target!r}")
            url = target
        raise PortalError(f"{path}: too many redirects")

    def _ok(self, path: str) -> httpx.Response:
        resp = self.get(path)
        if resp.status_code == 404:
            raise PortalError(f"{path}: not found (HTTP 404)")
        if resp.status_code != 200:
            raise PortalError(f"{path}: HTTP {resp.status_code}")
        return resp

    def json(self, path: str) -> Any:
        resp = self._ok(path)
        try:
            return resp.json()
        except ValueError:
            head = " ".join(resp.text[:60].split())
            raise ShapeChanged(
                f"{path}: the answer is not JSON (it begins {head!r}); has the portal changed?"
            ) from None

    # ---- the API ------------------------------------------------------------------------------

    def open(self) -> None:
        """Open a session: the front page sends the client through the cookie step."""
        resp = self.get("/")
        if resp.status_code >= 400:
            raise PortalError(f"{self.base_url}: cannot open the portal (HTTP {resp.status_code})")

    def listing(self) -> list[ListedMeeting]:
        return parse_listing(self.json(LISTING))

    def meeting(self, meeting_id: str) -> bytes:
        """The meeting's JSON as the portal sent it (index.readers.firstagenda reads it)."""
        resp = self._ok(MEETING.format(id=meeting_id))
        body = resp.content.lstrip()
        if not body.startswith(b"{"):
            head = " ".join(resp.text[:60].split())
            raise ShapeChanged(f"meeting {meeting_id}: the answer is not a JSON object (it begins {head!r})")
        return resp.content


def retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (a number or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def parse_listing(obj: Any) -> list[ListedMeeting]:
    """The meetings of `/api/agenda/udvalgsliste` ({"Udvalg": {group: [committee, …]}}), each once."""
    groups = obj.get("Udvalg") if isinstance(obj, dict) else None
    if not isinstance(groups, dict):
        raise ShapeChanged("committee listing: no 'Udvalg' object of groups; has the portal's API changed?")
    seen: dict[str, ListedMeeting] = {}
    for group, committees in groups.items():
        if not isinstance(committees, list):
            raise ShapeChanged(f"committee listing: group {group!r} is not a list of committees")
        for committee in committees:
            if not isinstance(committee, dict) or not isinstance(committee.get("Navn"), str):
                raise ShapeChanged(f"committee listing: a committee in {group!r} has no 'Navn'")
            meetings = committee.get("Moeder") or []
            if not isinstance(meetings, list):
                raise ShapeChanged(f"committee listing: {committee['Navn']!r}.Moeder is not a list")
            for m in meetings:
                if not isinstance(m, dict) or not isinstance(m.get("Id"), str):
                    raise ShapeChanged(f"committee listing: a meeting of {committee['Navn']!r} has no 'Id'")
                seen.setdefault(
                    m["Id"],
                    ListedMeeting(
                        id=m["Id"],
                        committee=committee["Navn"],
                        committee_id=str(committee.get("Id") or ""),
                        date=str(m.get("Dato") or m.get("MeetingBeginUtc") or ""),
                        finished=m.get("Afsluttet") if isinstance(m.get("Afsluttet"), bool) else None,
                        released=m.get("ReleasedDate") if isinstance(m.get("ReleasedDate"), str) else None,
                        name=str(m.get("Navn") or ""),
                    ),
                )
    return list(seen.values())
