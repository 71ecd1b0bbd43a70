"""Privacy: no token, secret or full question in the logs at INFO; user ids stored only as hashes.

Slack, Teams and the web all answer one question with a secret-looking token in it, while every
secret the deployment knows is set to a recognisable value; then every log record at INFO and
above, and everything printed, is searched for them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.asker import Asker
from bot.conversation import Conversations
from bot.service import Service
from bot.teams import create_teams_bot, mount_teams
from bot.web import create_app, mount_bots
from index.config import Config
from index.store import Store
from tests.conftest import ADGANG, EVT, LUKKET, VAGT, minutes
from tests.release_db import sql_dump
from tests.slack_fake import FakeSlack
from tests.teams_fake import FakeConnector
from tests.web_helpers import free_port, ingest_texts, wait_for_server

ROOT = Path(__file__).resolve().parents[1]
SECRETS = {
    "SLACK_BOT_TOKEN": "xoxb-PRIVACY-bot-token-5150",
    "SLACK_SIGNING_SECRET": "PRIVACY-signing-secret-8080",
    "SLACK_APP_TOKEN": "xapp-PRIVACY-app-token-2323",
    "CLIENT_ID": "PRIVACY-client-id-7777",
    "CLIENT_SECRET": "PRIVACY-client-secret-4711",
    "TENANT_ID": "PRIVACY-tenant-0042",
    "REFERENT_WEB_TOKEN": "PRIVACY-web-token-9999-at-least-32-chars",
    "REFERENT_USER_SECRET": "PRIVACY-user-secret-6161",
}
PASTED = "xoxp-4711-PRIVACY-pasted-0815"  # a token a user pasted into a question by mistake
QUESTION = f"hvad blev besluttet om adgangskontrol i chefforum, mit kodeord er {PASTED}"
ANSWERED = "hvad blev besluttet om ny adgangskontrol på Rådhuset"  # answered, so its card carries vote buttons
SLACK_USER = "U0PRIVACY42"
TEAMS_AAD = "aad-PRIVACY-mette-31"
TEAMS_USER = "29:PRIVACY-mette"
BOT_ID = "28:referent-bot"
CHANNEL = "19:privacy@thread.tacv2"
CFG = Config(public_url="http://referent.test")

# The SDK builds its own deprecated client internally; that is not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning")


def forbidden() -> list[str]:
    """Every secret, the pasted token, and the question (whole, and in the forms URLs give it)."""
    words = [*SECRETS.values(), PASTED]
    words += [form for q in (QUESTION, ANSWERED) for form in (q, quote(q), quote_plus(q))]
    return [w for w in words if w]


def leaks(text: str) -> list[str]:
    return [w for w in forbidden() if w in text]


def _ours(record: logging.LogRecord) -> bool:
    # The test's own TestClient logs its requests through httpx; the server never talks to testserver.
    return not (record.name == "httpx" and "http://testserver/" in record.getMessage())


def log_text(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(r) for r in records if r.levelno >= logging.INFO and _ours(r))


@pytest.fixture
def secrets_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS", raising=False)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "privacy.db"
    store = Store(path)
    ingest_texts(store, minutes("Chefforum", "15-11-2017", [ADGANG, VAGT, LUKKET, EVT]))
    store.close()
    return path


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The SDKs must not reach Slack or Microsoft; they may swallow the error, so it is checked after."""
    real_connect = socket.socket.connect
    attempts: list[object] = []

    def guarded(sock: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if sock.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
            attempts.append(address)
            raise OSError(f"test tried to reach the network: {address}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield
    assert attempts == []


def feedback_rows(db: Path) -> list[dict]:
    store = Store(db)
    try:
        return [dict(r) for r in store.conn.execute("SELECT * FROM feedback")]
    finally:
        store.close()


def keyed_hash(user_id: str) -> str:
    """What the feedback table must hold for a user: HMAC-SHA256 under REFERENT_USER_SECRET."""
    return hmac.new(SECRETS["REFERENT_USER_SECRET"].encode(), user_id.encode(), hashlib.sha256).hexdigest()


def database_text(db: Path) -> str:
    store = Store(db)
    try:
        return sql_dump(store.conn)
    finally:
        store.close()


# ---- Slack, mounted on the web server as `referent serve` mounts it ------------------------------


def _signed(body: str, content_type: str) -> dict[str, str]:
    ts = str(int(time.time()))
    base = f"v0:{ts}:{body}".encode()
    signature = "v0=" + hmac.new(SECRETS["SLACK_SIGNING_SECRET"].encode(), base, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


def test_slack_logs_no_secret_and_no_question(
    db: Path, secrets_env: None, loopback_only: None, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    caplog.set_level(logging.INFO)
    fake = FakeSlack().start()
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    for name in ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID"):  # Teams would want Microsoft's keys: its own test
        monkeypatch.delenv(name)
    store = Store(db)
    try:
        app = create_app(store, CFG)
        assert mount_bots(app, store, CFG) == ["Slack /slack/events"]
        client = TestClient(app)
        event = {"type": "event_callback", "team_id": "T1", "event_id": "EvPriv1", "event": {
            "type": "app_mention", "user": SLACK_USER, "text": f"<@UBOT> {QUESTION}", "ts": "1700000000.000100",
            "channel": "C1"}}  # fmt: skip
        body = json.dumps(event)
        assert client.post("/slack/events", content=body, headers=_signed(body, "application/json")).status_code == 200
        fake.wait_for("chat.postMessage")
        event["event_id"], event["event"] = "EvPriv2", {**event["event"], "text": f"<@UBOT> {ANSWERED}",
                                                        "ts": "1700000000.000200"}  # fmt: skip
        body = json.dumps(event)
        assert client.post("/slack/events", content=body, headers=_signed(body, "application/json")).status_code == 200
        post = fake.wait_for("chat.postMessage", 2)[1]
        assert "ID-kort" in json.dumps(post["blocks"], ensure_ascii=False)

        form = urlencode({"command": "/referat", "text": QUESTION, "user_id": SLACK_USER, "channel_id": "C1",
                          "team_id": "T1", "response_url": fake.response_url("cmd"), "trigger_id": "1.2.3"})  # fmt: skip
        content_type = "application/x-www-form-urlencoded"
        assert client.post("/slack/events", content=form, headers=_signed(form, content_type)).status_code == 200
        fake.wait_for("response:cmd")

        actions = next(b for b in post["blocks"] if b["type"] == "actions")
        up = next(e for e in actions["elements"] if e["text"]["text"] == "👍")
        click = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": SLACK_USER}, "channel": {"id": "C1"},
                 "response_url": fake.response_url("vote"), "trigger_id": "1.2.3",
                 "actions": [{**up, "block_id": actions["block_id"], "type": "button"}]}  # fmt: skip
        form = urlencode({"payload": json.dumps(click)})
        assert client.post("/slack/events", content=form, headers=_signed(form, content_type)).status_code == 200
        fake.wait_for("response:vote")
        # A bad signature is logged by bolt; the log line must not carry the secret or the body.
        client.post("/slack/events", content=body, headers={**_signed(body, "application/json"),
                                                              "X-Slack-Signature": "v0=00"})  # fmt: skip
    finally:
        store.close()
        fake.close()

    assert leaks(log_text(caplog.records)) == []
    out, err = capfd.readouterr()
    assert leaks(out + err) == []
    (row,) = feedback_rows(db)
    assert row["platform"] == "slack" and row["user_hash"] == keyed_hash(SLACK_USER)
    dump = database_text(db)
    assert SLACK_USER not in dump and SECRETS["REFERENT_USER_SECRET"] not in dump


# ---- Teams, with the real answerer and store behind it -----------------------------------------


def _activity(service_url: str, text: str, **extra: object) -> dict:
    return {
        "type": "message", "id": "1700000000001", "timestamp": "2024-05-02T08:15:00.000Z",
        "serviceUrl": service_url, "channelId": "msteams",
        "from": {"id": TEAMS_USER, "name": "Mette Chef", "aadObjectId": TEAMS_AAD},
        "conversation": {"isGroup": True, "conversationType": "channel", "tenantId": "tenant-1",
                         "id": f"{CHANNEL};messageid=1700000000001"},
        "recipient": {"id": BOT_ID, "name": "Referent"}, "textFormat": "plain",
        "text": f"<at>Referent</at> {text}",
        "entities": [{"type": "mention", "text": "<at>Referent</at>",
                      "mentioned": {"id": BOT_ID, "name": "Referent"}}],
        "channelData": {"channel": {"id": CHANNEL}, "team": {"id": "19:team@thread.tacv2"},
                        "tenant": {"id": "tenant-1"}},
        **extra,
    }  # fmt: skip


def test_teams_logs_no_secret_and_no_question(
    db: Path, secrets_env: None, loopback_only: None, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    caplog.set_level(logging.INFO)
    # With CLIENT_ID/CLIENT_SECRET in the environment the SDK fetches a real token from Microsoft, even in
    # the test mode of create_teams_bot; the Slack and web tests cover those variables being set.
    for name in ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID"):
        monkeypatch.delenv(name)
    service = Service(str(db), CFG)
    asker = Asker(service.answerer(), CFG, conversations=Conversations(service), feedback_fn=service.feedback)
    bot = create_teams_bot(
        asker, conversation_fn=service.conversation, credentials=None, _unauthenticated_for_tests=True
    )
    app = FastAPI()
    mount_teams(app, bot)
    with FakeConnector() as connector, TestClient(app) as client:
        assert client.post("/api/messages", json=_activity(connector.url, QUESTION)).status_code == 200
        assert client.post("/api/messages", json=_activity(connector.url, ANSWERED)).status_code == 200
        [_, reply] = connector.messages()
        card = reply.activity["attachments"][0]["content"]
        assert "ID-kort" in json.dumps(card, ensure_ascii=False)
        vote = next(a for a in card["actions"] if a.get("title") == "👍")
        invoke = _activity(connector.url, "", type="invoke", name="adaptiveCard/action", id="f:vote-1",
                           value={"action": {"type": "Action.Execute", "verb": vote["verb"], "data": vote["data"]},
                                  "trigger": "manual"})  # fmt: skip
        invoke["text"] = None
        assert client.post("/api/messages", json=invoke).status_code == 200

    assert leaks(log_text(caplog.records)) == []
    out, err = capfd.readouterr()
    assert leaks(out + err) == []
    (row,) = feedback_rows(db)
    assert row["platform"] == "teams" and row["user_hash"] == keyed_hash(TEAMS_AAD)
    dump = database_text(db)
    assert TEAMS_AAD not in dump and TEAMS_USER not in dump and SECRETS["REFERENT_USER_SECRET"] not in dump


# ---- the web app -------------------------------------------------------------------------------


def test_web_app_logs_no_secret_and_no_question(
    db: Path, secrets_env: None, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    store = Store(db)
    try:
        client = TestClient(create_app(store, CFG), follow_redirects=False)
        bearer = {"Authorization": f"Bearer {SECRETS['REFERENT_WEB_TOKEN']}"}
        for path in ("/api/ask", "/", "/search"):
            for question in (QUESTION, ANSWERED):
                assert client.get(path, params={"q": question}, headers=bearer).status_code == 200
        assert client.get("/api/ask", params={"q": QUESTION}).status_code == 401
        assert client.post("/login", data={"password": PASTED, "next": "/"}).status_code == 401
        assert client.post("/login", data={"password": SECRETS["REFERENT_WEB_TOKEN"]}).status_code == 303
    finally:
        store.close()
    assert leaks(log_text(caplog.records)) == []
    out, err = capfd.readouterr()
    assert leaks(out + err) == []


def test_referent_serve_logs_no_question(db: Path, tmp_path: Path) -> None:
    """The real `referent serve` process: whatever uvicorn and the app log at INFO, on stdout or stderr."""
    port = free_port()
    env = {**os.environ, **SECRETS, "PYTHONPATH": str(ROOT), "REFERENT_CONFIG": str(tmp_path / "none.toml")}
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "CLIENT_ID", "CLIENT_SECRET", "TENANT_ID"):
        env.pop(name)  # the bots would be mounted and Teams would fetch keys from Microsoft
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from bot.cli import main; main()", "serve", "--db", str(db), "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for_server(base, proc, log)
            bearer = {"Authorization": f"Bearer {SECRETS['REFERENT_WEB_TOKEN']}"}
            r = httpx.get(f"{base}/api/ask", params={"q": QUESTION}, headers=bearer, timeout=10)
            assert r.status_code == 200 and r.json()["question"]
        finally:
            proc.terminate()
            proc.wait(10)
    assert leaks(log.read_text()) == []
