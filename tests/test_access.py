"""Access by forum through every channel, and closed items beyond their public decision line nowhere.

One deployment: the public fora are ["Teknisk Udvalg"], Slack channel C1 and one Teams channel may
also see Chefforum. Chefforum's minutes hold a closed item whose discussion is confidential and whose
decision has a public first line and a second, non-public one. Every output of every channel (the
answer engine, Slack over HTTP, Teams activities, the web pages and /api/ask, the digest, the CLI)
is searched for Chefforum where it is out of scope, and for the closed text everywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.asker import Asker
from bot.cli import main
from bot.conversation import Conversations
from bot.service import Service
from bot.web import check_listen, create_app, mount_bots
from index.access import Access
from index.answer import answer
from index.config import Config, load_config
from index.store import Store
from tests.conftest import ADGANG, EVT, VAGT, minutes
from tests.slack_fake import FakeSlack
from tests.teams_fake import FakeConnector
from tests.web_helpers import ingest_texts

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_URL = "http://referent.test"
CHEF_ID = "chefforum-2017-11-15"
TU_ID = "teknisk-udvalg-2018-01-10"
TEAMS_CHEF = "19:chefgruppe@thread.tacv2"
TEAMS_OPEN = "19:alle-medarbejdere@thread.tacv2"
SIGNING = "access-signing-secret"
BOT_ID = "28:referent-bot"

# The Teams SDK builds its own deprecated client internally; that is not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning")

CONFIG = f"""
[web]
public_url = "{PUBLIC_URL}"

[access]
public = ["Teknisk Udvalg"]

[access.slack]
C1 = ["Chefforum"]

[access.teams]
"{TEAMS_CHEF}" = ["Chefforum"]
"""

LUKKET = """Punkt 3: Lukket: Personalesag

00.30.08-000-1-21

Sagsfremstilling

Fortroligt: medarbejderen X har en sag om advarsel.

Beslutning

Indstillingen blev godkendt.

Medarbejderen tildeles en skriftlig påtale for brud på tavshedspligten."""

MATERIEL = """Punkt 1: Adgangskontrol på materielgården

00.01.00-A00-41-17

Sagsfremstilling

Materielgården får samme adgangskontrol som de øvrige kommunale bygninger.

Beslutning

Teknisk Udvalg godkendte den nye adgangskontrol på materielgården."""

LYS = """Punkt 2: Vejbelysning med LED

05.01.00-G00-3-18

Sagsfremstilling

Vejbelysningen i Nordbyen udskiftes til LED-armaturer.

Beslutning

Teknisk Udvalg godkendte udskiftningen af vejbelysningen."""

# Text only Chefforum's minutes hold (case-sensitive; the questions below are written so they do not echo it).
CHEFFORUM = ["Chefforum", "chefforum-2017", "ID-kort", "Guldborg", "Wolstrup", "Personalesag", "Rådhuset"]
TEKNISK = ["Teknisk Udvalg", "teknisk-udvalg-2018", "materielgården", "Materielgården", "LED"]
# The closed item's discussion, and its decision beyond the public first line: never shown anywhere.
CLOSED_DISCUSSION = ["Fortroligt", "medarbejderen X", "sag om advarsel"]
CLOSED_BEYOND_LINE = ["skriftlig påtale", "brud på tavshedspligten"]

QUESTIONS = [
    "hvad blev besluttet om adgangskontrol",
    "hvem tager bagvagten i uge 29?",
    "hvem er ansat som ny direktør?",
    "personalesag",
    "påtale",
    "hvad skete der med tavshedspligt",
    "hvad fik medarbejderen",
    "hvad skete der i chefforum i 2017",
    "00.01.00-A00-41-17",
    "vejbelysning",
]


def found(text: str, words: list[str]) -> list[str]:
    return [w for w in words if w in text]


@pytest.fixture(scope="module")
def cfg(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """Read from a referent.toml, as a deployment would write it."""
    path = tmp_path_factory.mktemp("config") / "referent.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return load_config(path)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("access") / "access.db"
    store = Store(path)
    ids = ingest_texts(
        store,
        minutes("Chefforum", "15-11-2017", [ADGANG, VAGT, LUKKET, EVT]),
        minutes("Teknisk Udvalg", "10-01-2018", [MATERIEL, LYS]),
    )
    assert ids == [CHEF_ID, TU_ID]
    store.close()
    return path


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    s = Store(db)
    yield s
    s.close()


def test_config_scopes(cfg: Config) -> None:
    public = Access.of({"Teknisk Udvalg"})
    assert cfg.access_for("slack", "C1") == Access.of({"Chefforum"})
    assert cfg.access_for("slack", "C2") == public
    assert cfg.access_for("slack", "D1", direct=True) == public
    assert cfg.access_for("teams", TEAMS_CHEF) == Access.of({"Chefforum"})
    assert cfg.access_for("teams", TEAMS_OPEN) == public
    assert cfg.access_for("teams", None, direct=True) == public
    assert cfg.access_for("web") == public and cfg.access_for("cli") == public


def test_a_new_deployment_sees_the_public_fora_only() -> None:
    """Unless [access] grants more, a channel sees `public`: the config file's comments say to list them."""
    c = Config(public_fora=["Teknisk Udvalg"], channel_fora={"slack": {"C1": ["Chefforum"]}})
    assert c.access_for("slack", "C-unknown") == c.access_for("teams", "19:x") == Access.of({"Teknisk Udvalg"})


# ---- the answer engine --------------------------------------------------------------------------


def _answer_text(store: Store, cfg: Config, question: str, access: Access | None) -> str:
    data = answer(store, question, access=access, cfg=cfg, limit=10).to_dict()
    data.pop("question", None)  # the question is the user's own text
    return json.dumps(data, ensure_ascii=False)


def test_questions_do_reach_chefforum_when_allowed(store: Store, cfg: Config) -> None:
    """The positive control: without a scope the same questions do find Chefforum (and its closed item)."""
    everything = "\n".join(_answer_text(store, cfg, q, None) for q in QUESTIONS)
    assert found(everything, CHEFFORUM) and found(everything, TEKNISK)
    assert "Personalesag" in everything  # the closed item is found, by title


@pytest.mark.parametrize(
    ("platform", "channel", "direct"),
    [("slack", "C2", False), ("slack", "D1", True), ("teams", TEAMS_OPEN, False), ("teams", None, True),
     ("web", None, False), ("cli", None, False)],
)  # fmt: skip
def test_answers_never_leave_the_scope(store: Store, cfg: Config, platform: str, channel: str | None, direct: bool):
    fora = cfg.access_for(platform, channel, direct=direct)
    for question in QUESTIONS:
        text = _answer_text(store, cfg, question, fora)
        assert found(text, CHEFFORUM) == [], (question, text)
        assert found(text, CLOSED_DISCUSSION + CLOSED_BEYOND_LINE) == [], question


def test_chefforum_channel_sees_no_other_forum_in_answers_or_case_history(store: Store, cfg: Config) -> None:
    fora = cfg.access_for("slack", "C1")
    text = "\n".join(_answer_text(store, cfg, q, fora) for q in QUESTIONS)
    assert "ID-kort" in text  # Chefforum is visible here
    assert found(text, TEKNISK) == []  # the shared case number does not pull Teknisk Udvalg into the history
    assert found(text, CLOSED_DISCUSSION) == []


def test_case_history_is_scoped_both_ways(store: Store, cfg: Config) -> None:
    everything = answer(store, "00.01.00-A00-41-17", access=None, cfg=cfg, limit=10)
    histories = [c.forum for h in everything.answers for c in h.case_history]
    assert {"Chefforum", "Teknisk Udvalg"} <= set(histories)  # the control: the case spans both fora
    for fora in ({"Teknisk Udvalg"}, {"Chefforum"}):
        scoped = answer(store, "00.01.00-A00-41-17", access=Access.of(fora), cfg=cfg, limit=10)
        assert scoped.answers
        assert {c.forum for h in scoped.answers + scoped.suggestions for c in h.case_history} <= fora


def test_closed_items_are_quoted_by_their_public_line_only_by_the_answer_engine(store: Store, cfg: Config) -> None:
    fora = cfg.access_for("slack", "C1")
    for question in QUESTIONS:
        text = _answer_text(store, cfg, question, fora)
        assert found(text, CLOSED_BEYOND_LINE) == [], question


# ---- Slack over HTTP, mounted on the web server as `referent serve` mounts it ------------------


def _signed(body: str, content_type: str) -> dict[str, str]:
    ts = str(int(time.time()))
    signature = "v0=" + hmac.new(SIGNING.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


@dataclass
class SlackRun:
    public: list[str] = field(default_factory=list)  # everything posted where only Teknisk Udvalg is in scope
    chef: list[str] = field(default_factory=list)  # everything posted in C1


@pytest.fixture(scope="module")
def slack_run(db: Path, cfg: Config) -> SlackRun:
    """Every question as a mention in C2 and C1, a DM, and /referat in C2; each from its own user."""
    env = {"SLACK_BOT_TOKEN": "xoxb-access", "SLACK_SIGNING_SECRET": SIGNING}
    saved = {k: os.environ.get(k) for k in (*env, "SLACK_API_URL", "CLIENT_ID", "CLIENT_SECRET", "TENANT_ID")}
    fake = FakeSlack().start()
    os.environ.update(env, SLACK_API_URL=fake.api_url)
    for k in ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID"):
        os.environ.pop(k, None)
    store = Store(db)
    run = SlackRun()
    try:
        app = create_app(store, cfg, token=None)
        assert mount_bots(app, store, cfg) == ["Slack /slack/events"]
        client = TestClient(app)
        posts = 0
        for n, question in enumerate(QUESTIONS):
            for channel, kind in (("C2", "app_mention"), ("C1", "app_mention"), ("D1", "message")):
                event = {"type": kind, "user": f"U{n}{channel}", "text": f"<@UBOT> {question}",
                         "ts": f"17000000{n:02d}.000{channel[-1]}00", "channel": channel}  # fmt: skip
                if kind == "message":
                    event["channel_type"] = "im"
                body = json.dumps({"type": "event_callback", "team_id": "T1", "event_id": f"Ev{n}{channel}",
                                   "event": event})  # fmt: skip
                assert client.post("/slack/events", content=body, headers=_signed(body, "application/json")).is_success
                posts += 1
                post = fake.wait_for("chat.postMessage", posts)[-1]
                assert post["channel"] == channel
                (run.chef if channel == "C1" else run.public).append(json.dumps(post, ensure_ascii=False))
            form = urlencode({"command": "/referat", "text": f"del {question}", "user_id": f"U{n}cmd",
                              "channel_id": "C2", "team_id": "T1", "trigger_id": "1.2.3",
                              "response_url": fake.response_url(f"cmd{n}")})  # fmt: skip
            content_type = "application/x-www-form-urlencoded"
            assert client.post("/slack/events", content=form, headers=_signed(form, content_type)).is_success
            (response,) = fake.wait_for(f"response:cmd{n}")
            run.public.append(json.dumps(response, ensure_ascii=False))
    finally:
        store.close()
        fake.close()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return run


def _without_vote_values(posted: str) -> str:
    """The vote buttons carry the user's own question back; it is not minutes text."""
    data = json.loads(posted)
    for block in data.get("blocks") or []:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            element.pop("value", None)
    return json.dumps(data, ensure_ascii=False)


def test_slack_public_places_never_show_chefforum(slack_run: SlackRun) -> None:
    assert len(slack_run.public) == 3 * len(QUESTIONS)
    for posted in slack_run.public:
        assert found(_without_vote_values(posted), CHEFFORUM) == [], posted
    assert any(found(p, TEKNISK) for p in slack_run.public)  # Teknisk Udvalg is answered there


def test_slack_chefforum_channel_sees_chefforum_only(slack_run: SlackRun) -> None:
    text = "\n".join(_without_vote_values(p) for p in slack_run.chef)
    assert "ID-kort" in text and found(text, TEKNISK) == []


def test_slack_never_shows_the_closed_discussion(slack_run: SlackRun) -> None:
    for posted in slack_run.public + slack_run.chef:
        assert found(_without_vote_values(posted), CLOSED_DISCUSSION) == [], posted


def test_slack_shows_a_closed_decision_by_its_public_line_only(slack_run: SlackRun) -> None:
    for posted in slack_run.chef:
        assert found(_without_vote_values(posted), CLOSED_BEYOND_LINE) == [], posted


# ---- Teams: activities in through /api/messages, replies out to a fake connector ----------------


def _activity(service_url: str, text: str, conversation: dict, user: str, channel: str | None) -> dict:
    activity = {
        "type": "message", "id": f"17{abs(hash((text, user))) % 10**10}", "serviceUrl": service_url,
        "channelId": "msteams", "from": {"id": f"29:{user}", "name": "Bruger", "aadObjectId": user},
        "conversation": conversation, "recipient": {"id": BOT_ID, "name": "Referent"}, "textFormat": "plain",
        "text": f"<at>Referent</at> {text}" if channel else text,
        "entities": [{"type": "mention", "text": "<at>Referent</at>", "mentioned": {"id": BOT_ID, "name": "Referent"}}],
        "channelData": {"tenant": {"id": "tenant-1"}},
    }  # fmt: skip
    if channel:
        activity["channelData"].update(channel={"id": channel}, team={"id": "19:team@thread.tacv2"})
    return activity


@pytest.fixture(scope="module")
def teams_run(db: Path, cfg: Config) -> dict[str, list[str]]:
    from bot.teams import create_teams_bot, mount_teams

    saved = {k: os.environ.pop(k, None) for k in ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID")}
    service = Service(str(db), cfg)
    asker = Asker(service.answerer(), cfg, conversations=Conversations(service), feedback_fn=service.feedback)
    bot = create_teams_bot(
        asker, conversation_fn=service.conversation, credentials=None, _unauthenticated_for_tests=True
    )
    app = FastAPI()
    mount_teams(app, bot)
    out: dict[str, list[str]] = {"open": [], "personal": [], "chef": []}
    places = {
        "open": ({"isGroup": True, "conversationType": "channel", "tenantId": "tenant-1",
                  "id": f"{TEAMS_OPEN};messageid=1"}, TEAMS_OPEN),
        "chef": ({"isGroup": True, "conversationType": "channel", "tenantId": "tenant-1",
                  "id": f"{TEAMS_CHEF};messageid=1"}, TEAMS_CHEF),
        "personal": ({"conversationType": "personal", "tenantId": "tenant-1", "id": "a:personal"}, None),
    }  # fmt: skip
    try:
        with FakeConnector() as connector, TestClient(app) as client:
            for n, question in enumerate(QUESTIONS):
                for name, (conversation, channel) in places.items():
                    before = len(connector.messages())
                    activity = _activity(connector.url, question, conversation, f"aad-{name}-{n}", channel)
                    assert client.post("/api/messages", json=activity).status_code == 200
                    replies = connector.messages()[before:]
                    assert len(replies) == 1
                    out[name].append(json.dumps(replies[0].activity, ensure_ascii=False))
    finally:
        for k, v in saved.items():
            if v is not None:
                os.environ[k] = v
    return out


def _without_card_question(posted: str) -> str:
    """Vote actions carry the user's question in their data; drop it before searching for minutes text."""
    data = json.loads(posted)
    for attachment in data.get("attachments", []):
        for action in attachment.get("content", {}).get("actions", []):
            action.get("data", {}).pop("question", None)
    return json.dumps(data, ensure_ascii=False)


def test_teams_open_channel_and_personal_chat_never_show_chefforum(teams_run: dict[str, list[str]]) -> None:
    for posted in teams_run["open"] + teams_run["personal"]:
        assert found(_without_card_question(posted), CHEFFORUM) == [], posted
    assert any(found(p, TEKNISK) for p in teams_run["open"])


def test_teams_chefforum_channel_sees_chefforum_only(teams_run: dict[str, list[str]]) -> None:
    text = "\n".join(_without_card_question(p) for p in teams_run["chef"])
    assert "ID-kort" in text and found(text, TEKNISK) == []


def test_teams_never_shows_the_closed_discussion(teams_run: dict[str, list[str]]) -> None:
    for posted in teams_run["open"] + teams_run["personal"] + teams_run["chef"]:
        assert found(_without_card_question(posted), CLOSED_DISCUSSION) == [], posted


def test_teams_shows_a_closed_decision_by_its_public_line_only(teams_run: dict[str, list[str]]) -> None:
    for posted in teams_run["chef"]:
        assert found(_without_card_question(posted), CLOSED_BEYOND_LINE) == [], posted


# ---- the web ------------------------------------------------------------------------------------


@pytest.fixture
def web(store: Store, cfg: Config) -> TestClient:
    return TestClient(create_app(store, cfg, token=None))


def test_web_never_shows_chefforum_or_the_closed_item(web: TestClient) -> None:
    pages = [web.get("/"), web.get(f"/m/{TU_ID}")]
    for question in QUESTIONS:
        pages += [web.get("/", params={"q": question}), web.get("/search", params={"q": question})]
        api = web.get("/api/ask", params={"q": question})
        assert api.status_code == 200
        data = api.json()
        data.pop("question")
        assert found(json.dumps(data, ensure_ascii=False), CHEFFORUM + CLOSED_DISCUSSION + CLOSED_BEYOND_LINE) == []
    for page in pages:
        assert page.status_code == 200
        assert found(page.text, CHEFFORUM + CLOSED_DISCUSSION + CLOSED_BEYOND_LINE) == [], page.url
    assert "materielgården" in pages[1].text


def test_web_meeting_page_of_an_out_of_scope_forum_is_not_found(web: TestClient) -> None:
    for path in (f"/m/{CHEF_ID}", f"/m/{CHEF_ID.upper()}", f"/m/{CHEF_ID}%00", "/m/chefforum-2017-11-15/"):
        r = web.get(path)
        assert r.status_code == 404 and found(r.text, CHEFFORUM[2:] + CLOSED_DISCUSSION) == []


def test_web_that_may_see_chefforum_shows_the_closed_item_by_title_and_public_line(store: Store) -> None:
    cfg = Config(public_url=PUBLIC_URL, public_fora=["Teknisk Udvalg"], web_fora=["*"])
    web = TestClient(create_app(store, cfg, token=None))
    page = web.get(f"/m/{CHEF_ID}")
    assert page.status_code == 200 and "Personalesag" in page.text and "Indstillingen blev godkendt." in page.text
    assert found(page.text, CLOSED_DISCUSSION + CLOSED_BEYOND_LINE) == []
    for question in QUESTIONS:
        for path in ("/", "/search", "/api/ask"):
            text = web.get(path, params={"q": question}).text
            assert found(text, CLOSED_DISCUSSION + CLOSED_BEYOND_LINE) == [], (path, question)


# ---- the digest and the CLI ---------------------------------------------------------------------


def test_digest_is_scoped_and_shows_closed_items_by_their_public_line(store: Store, cfg: Config) -> None:
    digest = pytest.importorskip("bot.digest")
    since = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    outputs: dict[str, str] = {}
    for spec, mode in [("slack:C2", "slack"), ("slack:C1", "slack"), (f"teams:{TEAMS_OPEN}", "teams"),
                       (f"teams:{TEAMS_CHEF}", "teams"), ("slack:C2", "stdout")]:  # fmt: skip
        result = digest.run_digest(store, cfg, digest.Target.parse(spec), post=mode, since=since, dry_run=True)
        outputs[f"{spec} {mode}"] = json.dumps(result.payloads, ensure_ascii=False)
    cli = digest.run_digest(store, cfg, digest.CLI_TARGET, post="stdout", since=since, dry_run=True)
    outputs["cli"] = json.dumps(cli.payloads, ensure_ascii=False)
    for name, text in outputs.items():
        assert found(text, CLOSED_DISCUSSION + CLOSED_BEYOND_LINE) == [], name
        if "C1" in name or TEAMS_CHEF in name:
            assert "ID-kort" in text and found(text, TEKNISK) == [], name
            assert "Indstillingen blev godkendt." in text  # the closed item, by its public line
        else:
            assert found(text, CHEFFORUM) == [] and "materielgården" in text, name


def test_cli_ask_uses_the_public_fora(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "referent.toml"
    config.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("REFERENT_CONFIG", str(config))
    result = CliRunner().invoke(main, ["ask", "-", "--db", str(db), "--json"], input="\n".join(QUESTIONS))
    assert result.exit_code == 0, result.output
    for line in result.output.splitlines():
        data = json.loads(line)
        data.pop("question")
        assert found(json.dumps(data, ensure_ascii=False), CHEFFORUM + CLOSED_DISCUSSION + CLOSED_BEYOND_LINE) == []


# ---- listening beyond loopback --------------------------------------------------------------------


def test_the_web_server_refuses_all_interfaces_without_a_token(tmp_path: Path) -> None:
    assert "REFERENT_WEB_TOKEN" in (check_listen("0.0.0.0", public=False, token=None) or "")
    env = {k: v for k, v in os.environ.items() if k != "REFERENT_WEB_TOKEN"}
    env.update(PYTHONPATH=str(ROOT), REFERENT_CONFIG=str(tmp_path / "none.toml"))
    db = tmp_path / "never.db"
    proc = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "serve", "--host", "0.0.0.0", "--db", str(db)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "Refusing to listen on '0.0.0.0'" in proc.stderr and "REFERENT_WEB_TOKEN" in proc.stderr
    assert "--public" in proc.stderr and not db.exists()
