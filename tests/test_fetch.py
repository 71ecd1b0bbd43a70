"""The First Agenda Publication connector against a fake portal on loopback serving recorded Greve responses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import httpx
import pytest

from index.config import Source
from index.sources.fetch import fetch_source
from index.sources.firstagenda import Portal, PortalError, ShapeChanged, parse_listing, retry_after
from index.store import Store
from tests.fake_portal import FakePortal
from tests.firstagenda_fixtures import FIRSTAGENDA, corpus_files

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not FIRSTAGENDA.is_dir(), reason="../shared/corpus/firstagenda not present"),
]

OPEN_ID = "7cbfe791-60c5-41ba-88f4-83ce7f4c06dd"  # the one meeting with Afsluttet=false
PTU = "4177b34e-2db6-4652-a0e0-075bb7a88efa"  # Plan- og Tryghedsudvalget


class Clock:
    """Time for the client's politeness: sleeping moves it on, nothing really waits."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def _source(url: str, **kw) -> Source:
    return Source(name="greve", type="firstagenda", url=url, municipality="Greve", **kw)


def _portal(url: str, clock: Clock | None = None, **kw) -> Portal:
    clock = clock or Clock()
    return Portal(url, sleep=clock.sleep, clock=clock, **kw)


def _files(*folders: str) -> list[Path]:
    return [f for folder in folders for f in corpus_files(folder)]


@pytest.fixture
def fake():
    with FakePortal(_files("plan-og-tryghedsudvalget", "greve-other-bodies")) as portal:
        yield portal


def test_first_fetch_stores_every_meeting_then_only_the_listing_is_asked(fake: FakePortal, store: Store) -> None:
    report = fetch_source(store, _source(fake.url), portal=_portal(fake.url))
    assert report.ok and report.listed == 29 and report.count("added") == 29
    kinds = dict(store.conn.execute("SELECT kind, count(*) FROM meetings GROUP BY kind").fetchall())
    assert kinds == {"referat": 28, "dagsorden": 1}
    items = store.conn.execute(
        "SELECT count(*) FROM items i JOIN meetings m ON m.id = i.meeting_id WHERE m.kind = 'referat'"
    ).fetchone()[0]
    assert items == 521
    assert (
        store.conn.execute("SELECT kind FROM meetings WHERE external_id = ?", (OPEN_ID,)).fetchone()[0] == "dagsorden"
    )
    # every public item of the minutes with its text, and the decision where the minutes hold one
    empty = store.conn.execute(
        "SELECT count(*) FROM items i WHERE i.closed = 0 AND NOT EXISTS (SELECT 1 FROM sections s"
        " WHERE s.item_rowid = i.rowid AND s.text != '') AND i.meeting_id IN (SELECT id FROM meetings WHERE kind = 'referat')"
    ).fetchone()[0]
    assert empty == 0
    rows = store.conn.execute("SELECT DISTINCT municipality, visibility, portal_url FROM meetings").fetchall()
    assert [tuple(r) for r in rows] == [("Greve", "public", "https://dagsordener.greve.dk")]
    # the cookie step came first, and each meeting was asked for once
    assert fake.log[:3] == ["/", "/Home/AnonymousAuthentication", "/"]
    assert sorted(fake.meeting_requests()) == sorted(fake.bodies)
    fake.log.clear()
    again = fetch_source(store, _source(fake.url), portal=_portal(fake.url))
    assert again.ok and again.results == []
    assert [p for p in fake.log if p.startswith("/api/")] == ["/api/agenda/udvalgsliste"]


def test_politeness_at_most_two_requests_a_second(fake: FakePortal, store: Store) -> None:
    clock = Clock()
    fetch_source(store, _source(fake.url, committees=["Plan- og Tryghedsudvalget"]), portal=_portal(fake.url, clock))
    # 3 for the cookie step, the listing, 16 meetings: each request starts >= 0.5 s after the one before
    assert len(fake.log) == 20
    assert len(clock.sleeps) == 19 and all(abs(s - 0.5) < 1e-9 for s in clock.sleeps)


def test_changed_release_refetches_that_meeting_and_records_a_revision(fake: FakePortal, store: Store) -> None:
    fetch_source(store, _source(fake.url), portal=_portal(fake.url))
    target = "c8398ba5-21ae-4a2b-a3fb-882e10041280"
    fake.listing_override[target]["ReleasedDate"] = "2025-06-10T09:12:00.1234567+02:00"
    fake.bodies[target] = fake.bodies[target].replace(b"Godkendt.", b"Godkendt med rettelse.", 1)
    fake.log.clear()
    report = fetch_source(store, _source(fake.url), portal=_portal(fake.url))
    assert fake.meeting_requests() == [target]
    assert [(r.status, r.meeting_id) for r in report.results] == [
        ("updated", "greve-plan-og-tryghedsudvalget-2025-06-03")
    ]
    revisions = store.revisions("greve-plan-og-tryghedsudvalget-2025-06-03")
    assert len(revisions) == 1 and revisions[0]["revision"] == 1


def test_agenda_that_becomes_minutes_is_updated(fake: FakePortal, store: Store) -> None:
    fetch_source(store, _source(fake.url), portal=_portal(fake.url))
    body = json.loads(fake.bodies[OPEN_ID])
    body["Moede"]["Afsluttet"] = True
    body["Dagsordenpunkter"][0]["Felter"][0]["Html"] = (
        "<div><h3>Beslutning</h3><span>Taget til efterretning.</span></div>"
    )
    fake.bodies[OPEN_ID] = json.dumps(body, ensure_ascii=False).encode()
    fake.listing_override[OPEN_ID]["Afsluttet"] = True
    report = fetch_source(store, _source(fake.url), portal=_portal(fake.url))
    assert [r.status for r in report.results] == ["updated"]
    row = store.conn.execute("SELECT id, kind FROM meetings WHERE external_id = ?", (OPEN_ID,)).fetchone()
    assert row["kind"] == "referat" and store.load_meeting(row["id"]).items[0].decision == "Taget til efterretning."
    assert store.conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == 29


def test_429_with_retry_after_is_waited_out(fake: FakePortal, store: Store) -> None:
    clock = Clock()
    fake.faults["/api/agenda/udvalgsliste"] = [(429, {"Retry-After": "7"}, b"slow down")]
    report = fetch_source(store, _source(fake.url), portal=_portal(fake.url, clock))
    assert report.ok and report.count("added") == 29
    assert 7.0 in clock.sleeps
    assert fake.log.count("/api/agenda/udvalgsliste") == 2


def test_500_is_retried_then_reported_while_the_rest_is_stored(fake: FakePortal, store: Store) -> None:
    clock = Clock()
    broken = "/api/agenda/dagsorden/d0632b01-c56d-4384-bc66-3b5ef148bc7c"
    flaky = "/api/agenda/dagsorden/1942975c-e89f-465c-9e5c-156d3ebfe2f2"
    fake.faults[broken] = [(500, {}, b"oops")] * 5
    fake.faults[flaky] = [(503, {}, b"busy")]
    report = fetch_source(store, _source(fake.url), portal=_portal(fake.url, clock, retries=4))
    assert not report.ok and report.count("added") == 28
    assert [f.reason for f in report.failed] == [f"{broken}: HTTP 500 after 5 tries"]
    assert [s for s in clock.sleeps if s > 0.5] == [2.0, 2.0, 4.0, 8.0, 16.0]  # flaky once; broken four times
    # the next run asks for the failed one only, and stores it
    fake.log.clear()
    later = fetch_source(store, _source(fake.url), portal=_portal(fake.url))
    assert fake.meeting_requests() == [broken.rsplit("/", 1)[1]] and later.count("added") == 1


def test_a_killed_fetch_resumes(fake: FakePortal, store: Store) -> None:
    class Killed(BaseException):  # as KeyboardInterrupt: nothing in the fetch may swallow it
        pass

    done: list[str] = []

    def stop(result) -> None:
        done.append(result.meeting_id)
        if len(done) == 10:
            raise Killed

    with pytest.raises(Killed):
        fetch_source(store, _source(fake.url), portal=_portal(fake.url), on_meeting=stop)
    assert store.conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == 10
    fake.log.clear()
    report = fetch_source(store, _source(fake.url), portal=_portal(fake.url))
    assert report.ok and len(fake.meeting_requests()) == 19 and report.count("added") == 19
    assert store.conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == 29


def test_closed_item_text_never_reaches_the_database(fake: FakePortal, store: Store, tmp_path: Path) -> None:
    target = "489ff352-c3f2-4af7-b71f-cc5e9fbaa799"
    body = json.loads(fake.bodies[target])
    closed = [i for i in body["Dagsordenpunkter"] if i["Navn"].startswith("Lukket")]
    assert closed
    for item in closed:
        item["Felter"][0]["Html"] += "<p>Hemmelig oplysning: sælger er Zyxwert Ejendomme ApS.</p>"
        item["Bilag"] = [{"HarPdfVersion": "true", "Order": 0, "Navn": "Fortroligt notat Zyxwert", "Id": "x"}]
    fake.bodies[target] = json.dumps(body, ensure_ascii=False).encode()
    fetch_source(store, _source(fake.url), portal=_portal(fake.url))
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("referent.db*"))
    assert b"Zyxwert" not in raw and b"zyxwert" not in raw and b"Hemmelig" not in raw
    reopened = Store(tmp_path / "referent.db")
    titles = [r[0] for r in reopened.conn.execute("SELECT title FROM items WHERE closed = 1")]
    assert len(titles) >= len(closed)
    reopened.close()


def test_committee_filter_and_since(fake: FakePortal, store: Store) -> None:
    source = _source(fake.url, committees=[PTU], since=dt.date(2025, 1, 1))
    report = fetch_source(store, source, portal=_portal(fake.url))
    assert report.ok and report.listed == 10  # the 2025 meetings of Plan- og Tryghedsudvalget
    unknown = fetch_source(store, _source(fake.url, committees=["Teknisk Udvalg"]), portal=_portal(fake.url))
    assert unknown.error and "Teknisk Udvalg" in unknown.error and "Plan- og Tryghedsudvalget" in unknown.error


def test_changed_payload_shape_stops_with_a_clear_error(fake: FakePortal, store: Store) -> None:
    target = next(iter(fake.bodies))
    fake.bodies[target] = json.dumps({"agenda": {"items": []}}).encode()
    report = fetch_source(store, _source(fake.url), portal=_portal(fake.url))
    assert report.error and "has the portal's API changed?" in report.error and target in report.error
    fake.faults["/api/agenda/udvalgsliste"] = [(200, {"Content-Type": "text/html"}, b"<html>Vedligehold</html>")]
    down = fetch_source(store, _source(fake.url), portal=_portal(fake.url))
    assert down.error and "not JSON" in down.error


def test_unreachable_portal_is_a_clear_error(store: Store) -> None:
    report = fetch_source(store, _source("http://127.0.0.1:9"), portal=_portal("http://127.0.0.1:9", retries=1))
    assert report.error and "network error" in report.error and report.results == []


def test_redirect_off_the_portal_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "https://evil.example/"})

    portal = Portal("https://dagsordener.example.dk", transport=httpx.MockTransport(handler), sleep=lambda s: None)
    with pytest.raises(PortalError, match="off the portal"):
        portal.open()


def test_retry_after_forms() -> None:
    now = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)
    assert retry_after("30") == 30.0
    assert retry_after("Wed, 01 Jan 2025 12:00:45 GMT", now) == 45.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_listing_shape_errors_name_the_field() -> None:
    with pytest.raises(ShapeChanged, match="no 'Udvalg'"):
        parse_listing({"Committees": []})
    with pytest.raises(ShapeChanged, match="Moeder is not a list"):
        parse_listing({"Udvalg": {"g": [{"Navn": "Byråd", "Moeder": "x"}]}})
