"""/admin, /api/admin and /metrics: what an administrator and Prometheus read, behind the web token."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot import metrics
from bot.asker import Asker
from bot.cli import main
from bot.limits import RateLimiter
from bot.slack import create_slack_app, mount_slack, slack_client_from_env
from bot.web import create_app
from index.config import Config
from index.runs import record_run
from index.store import Store
from tests.conftest import ADGANG, VAGT, minutes
from tests.slack_fake import FakeSlack
from tests.test_privacy import SECRETS, _signed

TOKEN = "admin-test-token-31415-9265358979323"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
SERIES = re.compile(r'^([a-z_]+)(\{([a-z_]+="[^"]*",?)*\})? (-?[0-9.]+(e[+-]?[0-9]+)?|\+Inf)$')
EMPTY_ITEMS = "Punkt 2: CF - Punkt uden tekst\n\nPunkt 3: CF - Endnu et punkt uden tekst"


@pytest.fixture(autouse=True)
def no_pending_counts() -> None:
    metrics._pending.clear()  # counts another test left in this process belong to its database


@pytest.fixture
def deployed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Config]:
    """A database after an ingest, a sync with one bad file, a fetch and a digest run, as a site would have."""
    folder = tmp_path / "referater"
    folder.mkdir()
    (folder / "cf.txt").write_text(minutes("Chefforum", "15-11-2017", [ADGANG, VAGT]), encoding="utf-8")
    (folder / "tomme.txt").write_text(minutes("Chefforum", "10-01-2018", [ADGANG, EMPTY_ITEMS]), encoding="utf-8")
    (folder / "brev.txt").write_text("Punkt 1: Kære borger\n\nBeslutning\n\nBesvaret.\n", encoding="utf-8")
    config = tmp_path / "referent.toml"
    config.write_text(
        f'[ingest]\nsources = ["{folder.as_posix()}"]\n[digest]\nchannels = ["slack:C0ADMIN"]\nmax_age_days = 0\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("REFERENT_CONFIG", str(config))
    db = tmp_path / "admin.db"
    assert CliRunner().invoke(main, ["sync", "--db", str(db)]).exit_code == 1  # brev.txt: minutes without a title
    store = Store(db)
    # What the First Agenda connector records (branch fa): a fetch run and a skipped payload.
    record_run(store, "fetch", "greve", {"added": 3, "failed": 1, "skipped": 1}, started_at="2025-01-20T07:00:00+00:00")
    store.record_source("greve/4711.json", bytes_hash=None, size=None, mtime=None, meeting_id=None, status="skipped",
                        error="an agenda, not minutes")  # fmt: skip
    store.close()
    assert CliRunner().invoke(main, ["digest", "--db", str(db), "--post", "stdout", "--days", "30"]).exit_code == 0
    from index.config import load_config

    return db, load_config()


def client(db: Path, cfg: Config, token: str | None = TOKEN) -> TestClient:
    return TestClient(create_app(Store(db), cfg, token=token), follow_redirects=False)


def test_admin_needs_the_token_and_shows_sources_failures_empty_items_digests_and_the_database(deployed) -> None:
    db, cfg = deployed
    web = client(db, cfg)
    assert web.get("/admin").status_code == 303  # to the login form, like every page
    assert web.get("/api/admin").status_code == 401
    page = web.get("/admin", headers=BEARER)
    assert page.status_code == 200
    html = page.text
    for shown in ("referater", "brev.txt", "minutes without a title line", "greve", "an agenda, not minutes", "skipped",
                  "2 af 3", "Chefforum 2018-01-10", "C0ADMIN", "m005_ops"):  # fmt: skip
        assert shown in html, shown
    s = web.get("/api/admin", headers=BEARER).json()
    (folder,) = [x for x in s["sources"] if x["configured"]]
    assert folder["files"] == {"ok": 2, "error": 1}
    assert folder["runs"][0]["kind"] == "sync" and folder["runs"][0]["added"] == 2 and folder["runs"][0]["failed"] == 1
    fetch = next(x for x in s["sources"] if x["source"] == "greve")
    assert fetch["configured"] is False and fetch["runs"][0]["kind"] == "fetch"
    assert s["problems"]["count"] == 2 and {f["status"] for f in s["problems"]["files"]} == {"error", "skipped"}
    (empty,) = s["meetings_without_text"]
    assert empty["id"] == "chefforum-2018-01-10" and (empty["without_text"], empty["item_count"]) == (2, 3)
    runs = {d["platform"]: d for d in s["digest"] if d["channel"] == "C0ADMIN"}
    assert runs["stdout"]["runs"] == 1 and runs["stdout"]["last"]["status"] == "posted"
    assert runs["slack"]["runs"] == 0 and runs["slack"]["last_posted"] is None  # configured, never posted
    assert s["database"]["counts"]["meetings"] == 2 and s["database"]["bytes"] > 0
    assert s["database"]["pending_migrations"] == [] and s["scheduler"]["enabled"] is True
    assert s["scheduler"]["next_run"]


def test_without_a_token_admin_and_metrics_answer_only_this_machine(deployed) -> None:
    db, cfg = deployed
    web = client(db, cfg, token=None)
    assert web.get("/admin").status_code == 200  # the test client is local
    for path in ("/admin", "/api/admin", "/metrics"):
        assert web.get(path, headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
    remote = TestClient(create_app(Store(db), cfg, token=None), client=("198.51.100.7", 5000))
    assert remote.get("/metrics").status_code == 404 and remote.get("/").status_code == 200


def parse(text: str) -> dict[str, float]:
    values: dict[str, float] = {}
    families = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            families.add(line.split()[2])
            continue
        if line.startswith("#"):
            continue
        m = SERIES.match(line)
        assert m, line
        values[line.rsplit(" ", 1)[0]] = float(line.rsplit(" ", 1)[1])
    assert all(any(k.startswith(f) for f in families) for k in values)  # every series has its TYPE
    return values


def test_metrics_count_answers_latency_runs_and_sync_in_prometheus_format(deployed) -> None:
    db, cfg = deployed
    web = client(db, cfg)
    assert web.get("/metrics").status_code == 401  # Prometheus gets a 401, not the login form
    assert web.get("/api/ask", params={"q": "hvad blev besluttet om adgangskontrol"}, headers=BEARER).status_code == 200
    assert web.get("/", params={"q": "hvad koster en svømmehal i Ørsted"}, headers=BEARER).status_code == 200
    r = web.get("/metrics", headers=BEARER)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain; version=0.0.4")
    v = parse(r.text)
    assert v['referent_answers_total{channel="web",outcome="answer"}'] == 1
    assert v['referent_answers_total{channel="web",outcome="no_answer"}'] == 1
    buckets = [v[f'referent_answer_seconds_bucket{{le="{le!r}"}}'] for le in metrics.BUCKETS]
    assert buckets == sorted(buckets) and v['referent_answer_seconds_bucket{le="+Inf"}'] == 2
    assert v["referent_answer_seconds_count"] == 2 and v["referent_answer_seconds_sum"] > 0
    assert v['referent_ingest_files_total{kind="sync",outcome="added"}'] == 2
    assert v['referent_ingest_files_total{kind="sync",outcome="failed"}'] == 1
    assert v['referent_ingest_files_total{kind="fetch",outcome="added"}'] == 3
    assert v['referent_ingest_runs_total{kind="sync",result="done"}'] == 1
    assert v["referent_last_sync_success_timestamp_seconds"] > 1.7e9
    assert v['referent_digest_runs_total{platform="stdout",status="posted"}'] == 1
    assert v["referent_meetings"] == 2 and v["referent_source_files_not_ok"] == 2
    assert web.get("/metrics", headers=BEARER).text.count("referent_answers_total{") == 2  # not counted twice


def test_counts_from_other_processes_are_summed(deployed) -> None:
    db, cfg = deployed
    other = sqlite3.connect(db, isolation_level=None)
    metrics.observe_answer(None, 0.2, channel="slack")  # as a `referent slack` process would, then its flush
    metrics.flush(other)
    other.close()
    metrics.observe_answer(None, 0.3, channel="slack")  # this process, not yet flushed
    v = parse(client(db, cfg).get("/metrics", headers=BEARER).text)
    assert v['referent_answers_total{channel="slack",outcome="error"}'] == 2
    assert v['referent_answer_seconds_bucket{le="0.25"}'] == 1 and v["referent_answer_seconds_count"] == 2


def test_rate_limited_questions_are_counted(deployed, monkeypatch: pytest.MonkeyPatch) -> None:
    db, cfg = deployed
    fake = FakeSlack().start()
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    from index.model import Answer

    asker = Asker(
        lambda q, f: Answer(question=q, no_answer=True, message="Jeg fandt ikke noget."), cfg,
        limiter=RateLimiter(1),
    )  # fmt: skip
    bolt = create_slack_app(asker, slack_client_from_env(), signing_secret=SECRETS["SLACK_SIGNING_SECRET"])
    app = FastAPI()
    mount_slack(app, bolt)
    slack = TestClient(app)
    try:
        for n in range(3):
            body = json.dumps({"type": "event_callback", "team_id": "T1", "event_id": f"EvRate{n}", "event": {
                "type": "app_mention", "user": "U0RATE", "text": f"<@UBOT> spørgsmål {n}",
                "ts": f"1700000000.00010{n}", "channel": "C1"}})  # fmt: skip
            assert slack.post("/slack/events", content=body, headers=_signed(body, "application/json")).status_code
        fake.wait_for("chat.postMessage", 3)
    finally:
        fake.close()
    v = parse(client(db, cfg).get("/metrics", headers=BEARER).text)
    assert v['referent_rate_limited_total{channel="slack"}'] == 2


def test_head_is_answered_on_pages_and_healthz(deployed) -> None:
    db, cfg = deployed
    web = client(db, cfg)
    for path in ("/healthz", "/", "/m/chefforum-2017-11-15", "/admin"):
        get, head = web.get(path, headers=BEARER), web.head(path, headers=BEARER)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b"" and head.headers["content-length"] == get.headers["content-length"]
    assert web.head("/m/nope", headers=BEARER).status_code == 404
    assert web.head("/").status_code == 303  # the token still guards HEAD
