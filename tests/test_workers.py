"""Several server processes on one database: the scheduler lease, and `referent serve --workers 2`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.server import SchedulerLeader
from index.config import Config
from index.lease import SCHEDULER, Lease
from index.store import Store
from tests.conftest import ADGANG, minutes
from tests.web_helpers import free_port, ingest_texts

ROOT = Path(__file__).resolve().parents[1]
CFG = Config(digest={"channels": ["slack:C0LEASE"], "schedule": "mon 08:00"})


def test_one_holder_at_a_time_and_a_dead_holders_lease_is_taken_over(tmp_path: Path) -> None:
    db = str(tmp_path / "lease.db")
    Store(db).close()
    a, b = Lease(db, SCHEDULER, ttl=30, holder="a"), Lease(db, SCHEDULER, ttl=30, holder="b")
    assert a.acquire(now=1000) and not b.acquire(now=1001)
    assert a.acquire(now=1020) and not b.acquire(now=1045)  # renewed at 1020: valid until 1050
    assert b.acquire(now=1051) and not a.acquire(now=1052)  # a stopped renewing (died): b took over
    b.release()
    assert a.acquire(now=1053) and a.current() == ("a", 1083)


def test_only_the_lease_holder_runs_the_scheduler(tmp_path: Path) -> None:
    db = str(tmp_path / "leader.db")
    Store(db).close()
    first = SchedulerLeader(CFG, db, lease=Lease(db, SCHEDULER, ttl=0.6, holder="w1"))
    second = SchedulerLeader(CFG, db, lease=Lease(db, SCHEDULER, ttl=0.6, holder="w2"))
    try:
        assert first.tick() and not second.tick()
        assert first.scheduler is not None and second.scheduler is None
        time.sleep(0.7)  # w1 stops renewing, as a killed worker would
        assert second.tick() and second.scheduler is not None
        assert not first.tick() and first.scheduler is None  # w1 finds it lost the lease and stops its scheduler
    finally:
        first.stop()
        second.stop()
    assert Lease(db, SCHEDULER).current() is None  # a clean stop releases the lease at once
    idle = SchedulerLeader(Config(), db).start()  # no digest channels: nothing to lead
    assert idle.scheduler is None and not idle._thread.is_alive()


def test_serve_with_two_workers_answers_from_both_and_runs_one_scheduler(tmp_path: Path) -> None:
    db = tmp_path / "workers.db"
    store = Store(db)
    ingest_texts(store, minutes("Chefforum", "15-11-2017", [ADGANG]))
    store.close()
    config = tmp_path / "referent.toml"
    config.write_text('[digest]\nchannels = ["slack:C0WORKERS"]\n', encoding="utf-8")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REFERENT_CONFIG": str(config)}
    for name in ("REFERENT_WEB_TOKEN", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "CLIENT_ID", "CLIENT_SECRET"):
        env.pop(name, None)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from bot.cli import main; main()", "serve", "--db", str(db), "--port", str(port),
             "--workers", "2"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 30
            pids: set[int] = set()
            holders: set[str] = set()
            while len(pids) < 2 or not holders:
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
                try:
                    status = httpx.get(f"{base}/api/admin", timeout=2).json()
                    pids.add(status["process"])
                    if status["scheduler"]["holder"]:  # None only until a worker has taken the lease
                        holders.add(status["scheduler"]["holder"])
                except (httpx.TransportError, ValueError):
                    time.sleep(0.2)
            answer = httpx.get(f"{base}/api/ask", params={"q": "hvad blev besluttet om adgangskontrol"}, timeout=10)
            assert answer.status_code == 200 and not answer.json()["no_answer"]
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(20)
    text = log.read_text()
    assert len(holders) == 1  # both workers report the same one scheduler
    assert text.count("runs the scheduler") == 1 and "(2 processer)" in text
