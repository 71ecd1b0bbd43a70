"""`python -m bench.load [--clients 50] [--seconds 30] [--workers 1] [--db FILE]`: concurrent clients on /api/ask.

Starts `referent serve` on 127.0.0.1 (a free port; never another address) over the demo minutes in a
temporary database (or --db), lets N client threads ask the demo questions in turn for the given
time, stops the server and reports requests, errors, throughput and latency percentiles. Exits 1 if
any request failed, so it can guard CI; it always ends by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEMO_MINUTES = ROOT / "demo" / "minutes"
DEMO_QUESTIONS = ROOT / "demo" / "questions.jsonl"
HOST = "127.0.0.1"  # loopback only: a load test must never be pointed at someone else's server
REQUEST_TIMEOUT = 30.0
START_TIMEOUT = 30.0


@dataclass
class Result:
    clients: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + sum(self.errors.values())

    def summary(self) -> dict:
        lat = sorted(self.latencies_ms)

        def pct(p: float) -> float:
            return round(lat[min(len(lat) - 1, int(p / 100 * len(lat)))], 1) if lat else 0.0

        return {
            "clients": self.clients,
            "seconds": round(self.seconds, 1),
            "requests": self.requests,
            "ok": len(lat),
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "throughput_rps": round(len(lat) / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": pct(50),
            "p95_ms": pct(95),
            "p99_ms": pct(99),
            "max_ms": round(lat[-1], 1) if lat else 0.0,
            "mean_ms": round(statistics.fmean(lat), 1) if lat else 0.0,
        }


def demo_questions() -> list[str]:
    return [json.loads(line)["q"] for line in DEMO_QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def demo_database(folder: Path) -> Path:
    from index.ingest import ingest_paths
    from index.store import Store

    db = folder / "load.db"
    store = Store(db)
    report = ingest_paths(store, [DEMO_MINUTES])
    store.close()
    if report.failed or not report.count("added"):
        raise SystemExit(f"could not ingest the demo minutes: {report.summary()}")
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, log: Path, workers: int = 1) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # Loopback needs no token; a token in the environment would only make every request a 401.
    env.pop("REFERENT_WEB_TOKEN", None)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "CLIENT_ID", "CLIENT_SECRET", "TENANT_ID"):
        env.pop(name, None)  # measure the web alone; the bots would also try to reach Slack and Microsoft
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from bot.cli import main; main()", "serve", "--db", str(db),
             "--host", HOST, "--port", str(port), "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited ({proc.returncode}):\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"http://{HOST}:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    stop_server(proc)
    raise SystemExit(f"the server did not answer /healthz within {START_TIMEOUT:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)  # uvicorn's own clean shutdown
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def run_clients(base: str, questions: list[str], clients: int, seconds: float) -> Result:
    result = Result(clients=clients, seconds=seconds)
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(n: int) -> None:
        latencies: list[float] = []
        errors: Counter = Counter()
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as http:
            start.wait()
            i = n  # each client starts at its own question, so the mix is the same at every moment
            while time.monotonic() < stop_at[0]:
                question = questions[i % len(questions)]
                i += 1
                t = time.perf_counter()
                try:
                    r = http.get("/api/ask", params={"q": question})
                    elapsed = (time.perf_counter() - t) * 1000
                    if r.status_code != 200:
                        errors[f"HTTP {r.status_code}"] += 1
                    elif "message" not in r.json():
                        errors["bad body"] += 1
                    else:
                        latencies.append(elapsed)
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] += 1
                except ValueError:
                    errors["not JSON"] += 1
        with lock:
            result.latencies_ms.extend(latencies)
            result.errors.update(errors)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    stop_at[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join(seconds + REQUEST_TIMEOUT + 5)
    result.seconds = time.monotonic() - began
    return result


def warm_up(base: str, questions: list[str]) -> None:
    """One pass over the questions first: the first answers load the analyser and fill caches."""
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as http:
        for question in questions:
            http.get("/api/ask", params={"q": question})


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    p.add_argument("--seconds", type=float, default=30.0, help="how long the clients ask (default 30)")
    p.add_argument("--workers", type=int, default=1, help="server processes (`referent serve --workers`)")
    p.add_argument("--db", type=Path, help="database to serve (default: the demo minutes in a temporary one)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    a = p.parse_args(argv)
    if a.clients < 1 or a.seconds <= 0 or a.workers < 1:
        p.error("--clients, --seconds and --workers must be positive")
    if a.db is not None and not a.db.is_file():
        p.error(f"no database at {a.db}")
    questions = demo_questions()
    with tempfile.TemporaryDirectory(prefix="referent-load-") as tmp:
        folder = Path(tmp)
        db = a.db or demo_database(folder)
        port = free_port()
        server = start_server(db, port, folder / "server.log", a.workers)
        try:
            base = f"http://{HOST}:{port}"
            warm_up(base, questions)
            if a.workers > 1:  # one connection warms one worker; a short burst reaches them all
                run_clients(base, questions, max(a.clients, 2 * a.workers), 2.0)
            result = run_clients(base, questions, a.clients, a.seconds)
        finally:
            stop_server(server)
    summary = {**summary_with_context(result.summary(), db=a.db, questions=len(questions)), "workers": a.workers}
    if a.json:
        print(json.dumps(summary, indent=2))
    else:
        s = summary
        print(
            f"{s['clients']} clients for {s['seconds']} s on /api/ask, {s['workers']} server process(es) "
            f"({s['questions']} demo questions, {s['db']}):\n"
            f"  requests {s['requests']}, errors {s['errors']} {s['error_kinds'] or ''}\n"
            f"  throughput {s['throughput_rps']} req/s\n"
            f"  latency p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, p99 {s['p99_ms']} ms, max {s['max_ms']} ms"
        )
    return 1 if summary["errors"] else 0


def summary_with_context(summary: dict, *, db: Path | None, questions: int) -> dict:
    return {**summary, "questions": questions, "db": str(db) if db else "demo minutes", "cpus": os.cpu_count()}


if __name__ == "__main__":
    sys.exit(main())
