"""Fetch the configured portals into the store, through the same ingest path as files.

One run: open the portal, read the committee listing, and fetch only the meetings that are new or whose
listing entry changed (ReleasedDate, Afsluttet, name, date) or whose last fetch failed; each is stored
through index.ingest.ingest_bytes (revisions for corrected minutes, one transaction per meeting), then
recorded in `fetch_state`, so a killed run resumes where it stopped and a second run asks only for the
listing. A meeting that cannot be fetched is reported and retried next time; the rest is stored.

Closed items: the portal's meeting JSON holds of a closed item what the portal publishes (in Greve the
decision only); the reader keeps its title and public decision line, and nothing else of it is fetched
(no attachments, no item PDFs) or stored (the raw response is not kept, only its hash).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from index.config import Source
from index.ingest import FileResult, ingest_bytes
from index.sources.firstagenda import MEETING, ListedMeeting, Portal, PortalError, ShapeChanged
from index.store import Store


@dataclass
class FetchReport:
    source: str
    listed: int = 0  # meetings in the listing that pass the committee and date filters
    results: list[FileResult] = field(default_factory=list)  # one per meeting fetched
    error: str | None = None  # the source as a whole could not be read (portal down, listing changed)
    requests: int = 0

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failed

    def summary(self) -> dict:
        return {
            "source": self.source,
            "listed": self.listed,
            "fetched": len(self.results),
            "added": self.count("added"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged") + self.count("duplicate"),
            "failed": len(self.failed),
            "items_stored": sum(r.items for r in self.results if r.status in ("added", "updated")),
            "items_without_text": sum(r.items_without_text for r in self.results if r.status in ("added", "updated")),
            "requests": self.requests,
            "error": self.error,
            "meetings": [r.__dict__ for r in self.results],
        }

    def line(self) -> str:
        s = self.summary()
        if self.error:
            return f"{self.source}: {self.error}"
        return (
            f"{self.source}: {s['listed']} meetings listed, {s['fetched']} fetched: {s['added']} added, "
            f"{s['updated']} updated, {s['unchanged']} unchanged, {s['failed']} failed; {s['items_stored']} items "
            f"stored ({s['items_without_text']} without text); {s['requests']} requests."
        )


def select(listing: list[ListedMeeting], source: Source) -> list[ListedMeeting]:
    """The listed meetings the source's committee filter and `since` keep; PortalError for an unknown name."""
    chosen = listing
    if source.committees:
        wanted = {c.casefold() for c in source.committees}
        names = {m.committee.casefold() for m in listing} | {m.committee_id.casefold() for m in listing}
        missing = sorted(c for c in source.committees if c.casefold() not in names)
        if missing:
            known = ", ".join(sorted({m.committee for m in listing}))
            raise PortalError(f"committee(s) {', '.join(missing)} not on the portal; it lists: {known}")
        chosen = [m for m in listing if m.committee.casefold() in wanted or m.committee_id.casefold() in wanted]
    if source.since:
        since = source.since
        chosen = [m for m in chosen if (day := m.day) is None or day >= since]
    return chosen


def fetch_source(
    store: Store,
    source: Source,
    *,
    portal: Portal | None = None,
    on_listed: Callable[[int], None] | None = None,
    on_meeting: Callable[[FileResult], None] | None = None,
) -> FetchReport:
    """Fetch one First Agenda source; never raises for what the portal does (see FetchReport.error)."""
    report = FetchReport(source.name)
    own = portal is None
    client = portal or Portal(source.url)
    try:
        client.open()
        listing = select(client.listing(), source)
        report.listed = len(listing)
        state = store.fetch_state(source.name)
        todo = [
            m
            for m in listing
            if (s := state.get(m.id)) is None or s["fingerprint"] != m.fingerprint or s["status"] != "ok"
        ]
        if on_listed:
            on_listed(len(todo))
        for listed in todo:
            result = _fetch_one(store, source, client, listed)
            report.results.append(result)
            if on_meeting:
                on_meeting(result)
    except PortalError as exc:
        report.error = str(exc)
    finally:
        report.requests = client.requests
        if own:
            client.close()
        if report.count("added") or report.count("updated") or store.meta("term_df") != "fresh":
            store.refresh_vocab()
    return report


def _fetch_one(store: Store, source: Source, client: Portal, listed: ListedMeeting) -> FileResult:
    name = f"{source.url}{MEETING.format(id=listed.id)}"
    try:
        data = client.meeting(listed.id)
    except ShapeChanged:
        raise  # every meeting would fail alike: stop and say so
    except PortalError as exc:
        store.record_fetch(source.name, listed.id, fingerprint=listed.fingerprint, status="error", error=str(exc))
        return FileResult(name, "failed", reason=str(exc))
    result = ingest_bytes(store, name, data, municipality=source.municipality or None, public=True)
    if result.status in ("failed", "skipped") and (result.reason or "").startswith("not a First Agenda meeting"):
        store.record_fetch(source.name, listed.id, fingerprint=listed.fingerprint, status="error", error=result.reason)
        raise ShapeChanged(f"meeting {listed.id}: {result.reason}; has the portal's API changed?")
    store.record_fetch(
        source.name,
        listed.id,
        fingerprint=listed.fingerprint,
        status="ok" if result.status != "failed" else "error",
        payload_hash=hashlib.sha256(data).hexdigest(),
        meeting_id=result.meeting_id,
        error=result.reason if result.status == "failed" else None,
    )
    return result


def fetch_all(
    store: Store, sources: list[Source], *, portal_for: Callable[[Source], Portal] | None = None
) -> list[FetchReport]:
    """Fetch every First Agenda source in turn (the scheduled sync)."""
    reports = []
    for source in sources:
        if source.type != "firstagenda":
            continue
        reports.append(fetch_source(store, source, portal=portal_for(source) if portal_for else None))
    return reports
