"""bot/logs.py: one format for every command and the server, levels and JSON, and nothing secret in it."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from bot import logs
from bot.cli import main
from bot.schedule import scheduled_run
from bot.web import create_app, mount_bots
from index.config import Config
from index.store import Store
from tests.conftest import ADGANG, VAGT, minutes
from tests.slack_fake import FakeSlack
from tests.test_privacy import QUESTION, SECRETS, SLACK_USER, _signed, leaks
from tests.web_helpers import free_port, ingest_texts, wait_for_server

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d) (DEBUG|INFO|WARNING|ERROR)\s+(\S+): (.*)$")


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "kilder"
    folder.mkdir()
    (folder / "cf.txt").write_text(minutes("Chefforum", "15-11-2017", [ADGANG, VAGT]), encoding="utf-8")
    (folder / "tom.txt").write_text("Punkt 1: Et punkt\n\nBeslutning\n\nGodkendt.\n", encoding="utf-8")  # no title
    return folder


def test_sync_logs_its_outcome_with_timestamp_level_and_logger(tmp_path: Path, monkeypatch) -> None:
    folder = _folder(tmp_path)
    config = tmp_path / "referent.toml"
    config.write_text(f'[ingest]\nsources = ["{folder.as_posix()}"]\n', encoding="utf-8")
    monkeypatch.setenv("REFERENT_CONFIG", str(config))
    monkeypatch.delenv(logs.LEVEL_ENV, raising=False)
    result = CliRunner().invoke(main, ["sync", "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 1  # one file failed
    lines = [LINE.match(line) for line in result.stderr.splitlines()]
    assert all(lines), result.stderr
    outcome = [m for m in lines if m and m[3] == "referent.sync" and m[2] == "INFO"]
    assert outcome and "1 added" in outcome[0][4] and "1 failed" in outcome[0][4]
    stamp = dt.datetime.fromisoformat(outcome[0][1])
    assert abs((dt.datetime.now(dt.UTC) - stamp).total_seconds()) < 60
    failed = [m for m in lines if m and m[2] == "WARNING"]
    assert failed and "tom.txt" in failed[0][4]  # the file and its reason, never silently


def test_report_commands_are_quiet_unless_asked(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(logs.LEVEL_ENV, raising=False)
    folder = _folder(tmp_path)
    db = str(tmp_path / "i.db")
    quiet = CliRunner().invoke(main, ["ingest", str(folder), "--db", db, "--json"])
    assert json.loads(quiet.stdout)["added"] == 1
    # Below WARNING nothing: the failed file is a warning (with its reason), the outcome line is not repeated.
    assert [m[2] for m in map(LINE.match, quiet.stderr.splitlines()) if m] == ["WARNING"]
    assert "tom.txt: minutes without a title line" in quiet.stderr
    loud = CliRunner().invoke(main, ["--log-level", "info", "ingest", str(folder), "--db", db])
    assert "INFO    referent.ingest: ingest: 0 added, 0 updated, 1 unchanged, 1 failed" in loud.stderr
    monkeypatch.setenv(logs.LEVEL_ENV, "info")
    assert "referent.ingest" in CliRunner().invoke(main, ["ingest", str(folder), "--db", db]).stderr


def test_json_format_and_bad_settings(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(logs.FORMAT_ENV, "json")
    monkeypatch.setenv(logs.LEVEL_ENV, "debug")
    result = CliRunner().invoke(main, ["ingest", str(_folder(tmp_path)), "--db", str(tmp_path / "j.db")])
    records = [json.loads(line) for line in result.stderr.splitlines()]
    assert records and all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert any(r["logger"] == "referent.ingest" and r["level"] == "INFO" for r in records)
    monkeypatch.setenv(logs.LEVEL_ENV, "loud")
    bad = CliRunner().invoke(main, ["meetings", "--db", str(tmp_path / "j.db")])
    assert bad.exit_code == 2 and "REFERENT_LOG_LEVEL" in bad.output
    monkeypatch.setenv(logs.LEVEL_ENV, "info")
    monkeypatch.setenv(logs.FORMAT_ENV, "xml")
    assert CliRunner().invoke(main, ["meetings", "--db", str(tmp_path / "j.db")]).exit_code == 2


def test_scheduled_sync_and_digest_outcomes_reach_the_log(tmp_path: Path, monkeypatch) -> None:
    fake = FakeSlack().start()
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-logs-test-token")
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    buffer = io.StringIO()
    logs.setup("info", stream=buffer)
    try:
        cfg = Config(sources=[str(_folder(tmp_path))], digest={"channels": ["slack:C0LOGS"], "max_age_days": 0})
        (result,) = scheduled_run(cfg, str(tmp_path / "sched.db"))
    finally:
        fake.close()
    assert result.status == "posted"
    text = buffer.getvalue()
    assert all(LINE.match(line) for line in text.splitlines() if not line.startswith((" ", "Traceback")))
    assert re.search(r"INFO    bot\.schedule: sync: 1 added, .* 1 failed", text)
    assert re.search(r"INFO    bot\.digest: slack:C0LOGS: posted 2 decision\(s\)", text)
    assert "xoxb-logs-test-token" not in text


def test_redaction_of_secrets_token_shapes_user_ids_and_payloads(monkeypatch) -> None:
    monkeypatch.setenv("REFERENT_WEB_TOKEN", "web-token-value-1234")
    buffer = io.StringIO()
    logs.setup("debug", stream=buffer)
    noisy = logging.getLogger("tests.noisy")
    noisy.warning("header Authorization: Bearer web-token-value-1234")
    noisy.warning("slack said %s", {"user": "U0ABCDEF12", "text": "hvad blev besluttet om min løn", "ts": "1.2"})
    noisy.warning('body {"text": "hvem fik \\"ja\\" til orlov", "team": "T1"} from 29:1AbCdEfGhIjKlMn')
    noisy.warning("pasted xoxp-1234-abcdefgh and xapp-1-A0B1C2-xyz in a message")
    noisy.warning("UNDERSKRIFT.pdf skipped")  # a capitalised word is no user id
    try:
        raise RuntimeError("boom with web-token-value-1234")
    except RuntimeError:
        noisy.exception("failed")
    out = buffer.getvalue()
    for secret in ("web-token-value-1234", "U0ABCDEF12", "min løn", "orlov", "29:1AbCdEfGhIjKlMn", "xoxp-", "xapp-"):
        assert secret not in out, (secret, out)
    assert out.count(logs.REDACTED) >= 7 and "'ts': '1.2'" in out and "RuntimeError" in out
    assert "UNDERSKRIFT.pdf skipped" in out


def test_slack_at_debug_logs_no_token_question_or_user_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    for name in ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID"):
        monkeypatch.delenv(name)
    fake = FakeSlack().start()
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    buffer = io.StringIO()
    logs.setup("debug", stream=buffer)
    store = Store(tmp_path / "slack.db")
    ingest_texts(store, minutes("Chefforum", "15-11-2017", [ADGANG, VAGT]))
    try:
        app = create_app(store, Config(public_url="http://referent.test"))
        assert mount_bots(app, store, Config()) == ["Slack /slack/events"]
        client = TestClient(app)
        for n, kind in enumerate(("app_mention", "reaction_added")):  # bolt warns about the unhandled one
            event = {"type": "event_callback", "team_id": "T1", "event_id": f"EvLog{n}", "event": {
                "type": kind, "user": SLACK_USER, "text": f"<@UBOT> {QUESTION}", "ts": f"1700000000.00010{n}",
                "channel": "C1"}}  # fmt: skip
            body = json.dumps(event)
            assert client.post("/slack/events", content=body, headers=_signed(body, "application/json")).status_code
        fake.wait_for("chat.postMessage")
    finally:
        store.close()
        fake.close()
    text = buffer.getvalue() + "".join(capfd.readouterr())
    assert "bot.web" in text or "slack" in text.lower()  # something was logged at all
    assert leaks(text) == [] and SLACK_USER not in text


def test_the_server_logs_json_at_debug_without_secrets(tmp_path: Path) -> None:
    db = tmp_path / "serve.db"
    store = Store(db)
    ingest_texts(store, minutes("Chefforum", "15-11-2017", [ADGANG, VAGT]))
    store.close()
    port = free_port()
    env = {**os.environ, **SECRETS, "PYTHONPATH": str(ROOT), "REFERENT_CONFIG": str(tmp_path / "none.toml"),
           logs.LEVEL_ENV: "debug", logs.FORMAT_ENV: "json"}  # fmt: skip
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "CLIENT_ID", "CLIENT_SECRET", "TENANT_ID"):
        env.pop(name)
    err = tmp_path / "stderr.log"
    with err.open("w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from bot.cli import main; main()", "serve", "--db", str(db), "--port", str(port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for_server(base, proc, err)
            bearer = {"Authorization": f"Bearer {SECRETS['REFERENT_WEB_TOKEN']}"}
            assert httpx.get(f"{base}/api/ask", params={"q": QUESTION}, headers=bearer, timeout=10).status_code == 200
            assert httpx.get(f"{base}/api/ask", params={"q": QUESTION}, timeout=10).status_code == 401
        finally:
            proc.terminate()
            proc.wait(10)
    records = [json.loads(line) for line in err.read_text().splitlines()]
    assert any(r["logger"].startswith("uvicorn") for r in records)  # uvicorn's own lines, in our format
    assert leaks(err.read_text()) == []
