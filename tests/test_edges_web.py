"""The web server's edges: Slack bodies over 1 MB, login throttling, the token's length, what /healthz
tells whom, and a database file deleted or replaced under the running server."""

from __future__ import annotations

import logging
import os
import select
import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.limits import RateLimiter
from bot.texts import LOGIN_THROTTLED
from bot.web import LOGINS_PER_MINUTE, MIN_TOKEN, check_token, create_app, serve
from index.config import Config
from index.store import Store
from tests.conftest import ADGANG, VAGT, minutes
from tests.web_helpers import ingest_texts, running_server

TOKEN = "t" * MIN_TOKEN
BODY_MARK = "BODYMARK-7f3a"  # in every refused body; must reach no log record


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "edges.db")
    ingest_texts(s, minutes("Chefforum", "15-11-2017", [ADGANG, VAGT]))
    yield s
    s.close()


def fake_answer(question: str, fora: frozenset[str] | None):
    raise AssertionError("no question is asked in these tests")


# ---- the rate limiter every door uses --------------------------------------------------------


def test_rate_limiter_counts_per_key_in_a_sliding_window() -> None:
    now = [0.0]
    limiter = RateLimiter(3, window=60, clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")  # another key has its own count
    now[0] = 30.0
    assert not limiter.allow("a") and limiter.retry_after("a") == 30
    now[0] = 60.0
    assert limiter.allow("a") and limiter.retry_after("b") == 0


def test_rate_limiter_forgets_the_oldest_keys_first() -> None:
    limiter = RateLimiter(1, keys=100)
    for n in range(1_000):
        limiter.allow(n)
    assert len(limiter._hits) == 100
    assert limiter.allow(0) and not limiter.allow(999)  # 0 was forgotten, 999 is remembered


# ---- Slack: a body over 1 MB is never read ---------------------------------------------------


@pytest.fixture
def slack_server(store: Store, caplog: pytest.LogCaptureFixture) -> Iterator[str]:
    pytest.importorskip("slack_bolt")
    from slack_sdk import WebClient

    from bot.asker import Asker
    from bot.slack import create_slack_app, mount_slack

    caplog.set_level(logging.DEBUG)
    bolt = create_slack_app(
        Asker(fake_answer, Config()),
        WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/"),
        signing_secret="edge-secret",
    )
    app = create_app(store, Config(), answer_fn=fake_answer, token=None)
    mount_slack(app, bolt)
    with running_server(app) as base:
        yield base


def _port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def _status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


def _read_reply(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def no_body_logged(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if BODY_MARK in r.getMessage() or BODY_MARK in str(r.args)]


def test_slack_refuses_a_declared_large_body_before_it_arrives(
    slack_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.create_connection(("127.0.0.1", _port(slack_server)), timeout=5) as sock:
        # Only the headers go out: a server that waited for the 2 MB would time out this read.
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 2000000\r\n\r\n" + f'{{"token": "{BODY_MARK}"'.encode()
        )
        assert _status(_read_reply(sock)) == 413
    no_body_logged(caplog)


def test_slack_refuses_a_streamed_body_once_it_passes_1_mb(slack_server: str, caplog: pytest.LogCaptureFixture) -> None:
    chunk = (BODY_MARK * 6554)[:65536].encode()  # 64 KB a chunk, no Content-Length at all
    endless = 64 * 1024 * 1024  # a server that read to the end of the body would wait for all of this
    sent = 0
    with socket.create_connection(("127.0.0.1", _port(slack_server)), timeout=5) as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        while sent < endless and not select.select([sock], [], [], 0)[0]:
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:  # the server answered and closed while we were still sending
                break
            sent += len(chunk)
        reply = _read_reply(sock)
    assert _status(reply) == 413
    # Refused after the first megabyte plus what the loopback buffers held, long before the end.
    assert 1024 * 1024 <= sent < endless / 2
    no_body_logged(caplog)


def test_slack_small_body_still_reaches_the_signature_check(slack_server: str) -> None:
    import httpx

    r = httpx.post(f"{slack_server}/slack/events", content=b'{"type": "event_callback"}', timeout=5)
    assert r.status_code == 401  # bolt refused the missing signature: the body was handed on


# ---- /login is throttled per client ----------------------------------------------------------


def test_login_is_throttled_per_client_with_a_danish_429(store: Store) -> None:
    app = create_app(store, Config(), answer_fn=fake_answer, token=TOKEN)
    mine = TestClient(app, follow_redirects=False, client=("192.0.2.7", 5000))
    other = TestClient(app, follow_redirects=False, client=("192.0.2.8", 5000))
    for _ in range(LOGINS_PER_MINUTE):
        assert mine.post("/login", data={"password": "gæt", "next": "/"}).status_code == 401
    refused = mine.post("/login", data={"password": TOKEN, "next": "/"})  # even the right one, for now
    assert refused.status_code == 429 and LOGIN_THROTTLED in refused.text
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "referent_login" not in refused.cookies
    assert other.post("/login", data={"password": TOKEN, "next": "/"}).status_code == 303


# ---- the token must be long enough -------------------------------------------------------------


def test_short_token_is_refused_with_a_clear_message(store: Store) -> None:
    assert check_token(None) is None and check_token(TOKEN) is None
    problem = check_token("t" * (MIN_TOKEN - 1))
    assert problem and f"at least {MIN_TOKEN}" in problem and "REFERENT_WEB_TOKEN" in problem
    assert "t" * (MIN_TOKEN - 1) not in problem  # the message never repeats the token
    with pytest.raises(ValueError, match="at least"):
        create_app(store, Config(), answer_fn=fake_answer, token="kort")


def test_serve_refuses_a_short_token_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REFERENT_WEB_TOKEN", "hemmelig")
    with pytest.raises(SystemExit) as stop:
        serve(Config(), str(tmp_path / "x.db"), "127.0.0.1", 8000)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "8 characters" in err and f"at least {MIN_TOKEN}" in err and "hemmelig" not in err
    assert not (tmp_path / "x.db").exists()  # refused before anything was opened


# ---- /healthz: ok or not ok for everyone, details with the token ---------------------------------


def test_healthz_tells_details_only_to_a_caller_with_the_token(store: Store) -> None:
    client = TestClient(create_app(store, Config(), answer_fn=fake_answer, token=TOKEN))
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/healthz", headers={"Authorization": "Bearer forkert"}).json() == {"status": "ok"}
    detailed = client.get("/healthz", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert detailed == {"status": "ok", "database": "ok", "meetings": 1, "items": 2, "fora": 1}


def test_healthz_without_a_configured_token_gives_details_as_before(store: Store) -> None:
    client = TestClient(create_app(store, Config(), answer_fn=fake_answer, token=None))
    assert client.get("/healthz").json()["meetings"] == 1


# ---- a database deleted or replaced under the running server -------------------------------------


@pytest.mark.parametrize("change", ["deleted", "replaced"])
def test_healthz_fails_when_the_database_file_is_deleted_or_replaced(
    tmp_path: Path, change: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "live.db"
    store = Store(path)
    ingest_texts(store, minutes("Chefforum", "15-11-2017", [ADGANG]))
    client = TestClient(create_app(store, Config(), answer_fn=fake_answer, token=TOKEN))
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/healthz", headers=bearer).status_code == 200
    if change == "deleted":
        path.unlink()
    else:  # a restore done the quick way: another file moved over the open one
        other = tmp_path / "restored.db"
        Store(other).close()
        shutil.move(other, path)
    # The open connection still reads the old inode happily: only the file identity tells.
    assert store.conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == 1
    r = client.get("/healthz", headers=bearer)
    assert r.status_code == 503
    assert r.json() == {"status": "error", "database": "missing" if change == "deleted" else "replaced"}
    assert client.get("/healthz").json() == {"status": "error"}
    assert any("restart" in rec.getMessage() for rec in caplog.records)
    store.close()


def test_a_database_written_in_place_is_not_mistaken_for_a_replaced_one(store: Store, tmp_path: Path) -> None:
    client = TestClient(create_app(store, Config(), answer_fn=fake_answer, token=None))
    other = Store(tmp_path / "edges.db")  # an ingest in another process writes the same file
    ingest_texts(other, minutes("Økonomiudvalget", "10-01-2018", [VAGT]))
    other.close()
    assert client.get("/healthz").json()["meetings"] == 2


@pytest.mark.skipif(sys.platform == "win32", reason="inode numbers")
def test_file_identity_is_device_and_inode(store: Store) -> None:
    st = os.stat(store.path)
    assert store._file == (st.st_dev, st.st_ino) and store.file_problem() is None
