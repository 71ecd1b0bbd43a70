"""The Teams bot end to end: Activity JSON in through /api/messages, replies out to a fake connector.

No test touches the network: replies go to tests/teams_fake.py on 127.0.0.1, and a guard fails any
connection elsewhere (the SDK would otherwise fetch tokens or signing keys from Microsoft).
"""

from __future__ import annotations

import json
import socket
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.asker import Asker
from bot.conversation import Conversations
from bot.limits import RateLimiter
from bot.render.teams import CARD_BYTES, answer_card, card_bytes, no_answer_card
from bot.service import Service
from bot.teams import TeamsCredentials, create_teams_bot, mount_teams, send_proactive, teams_credentials_from_env
from bot.texts import EMPTY, ENGLISH, RATE_LIMITED, THANKS, TOO_LONG
from bot.texts import ERROR as FAILED
from index.access import Access
from index.config import Config
from index.model import Answer, CaseRef, Hit, ItemRef, MeetingRef, Quote
from index.store import Store
from tests.teams_fake import FakeConnector

QUOTE = "Chefforum besluttede at der benyttes ID-kort i forbindelse med implementering af ny adgangskontrol."
ITEM_URL = "http://127.0.0.1:8000/m/chefforum-2017-11-15#punkt-6-beslutning"
BOT_ID = "28:referent-bot"
CHANNEL = "19:chefgruppe@thread.tacv2"
CARD_TYPE = "application/vnd.microsoft.card.adaptive"

# The SDK builds its own deprecated client internally; that is not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning")


def _hit(number: int, title: str, quotes: list[Quote], history: list[CaseRef] | None = None) -> Hit:
    meeting = MeetingRef("chefforum-2017-11-15", "Chefforum", "2017-11-15", "Referat Chefforum 15-11-2017",
                         "http://127.0.0.1:8000/m/chefforum-2017-11-15")  # fmt: skip
    item = ItemRef(number, title, "17/4711" if number == 6 else None,
                   f"http://127.0.0.1:8000/m/chefforum-2017-11-15#punkt-{number}-beslutning")  # fmt: skip
    return Hit(meeting, item, quotes, score=1.0 / number, case_history=history or [])


def fake_answer(question: str, fora: Access | None) -> Answer:
    if "flyvemaskiner" in question:
        return Answer(question, True, "Jeg fandt ikke noget om flyvemaskiner i referaterne.")
    history = [CaseRef("chefforum-2017-09-20", "2017-09-20", "Chefforum", 4, "Adgangskontrol, forslag",
                       "http://127.0.0.1:8000/m/chefforum-2017-09-20#punkt-4", "Sagen blev udsat.")]  # fmt: skip
    top = _hit(6, "Ny adgangskontrol på rådhuset", [Quote("Beslutning", QUOTE, 0, "beslutning")], history)
    more = [_hit(n, f"Punkt nummer {n}", []) for n in (2, 3, 4, 5)]
    return Answer(question, False, "Chefforum besluttede det den 15. november 2017.", [top, *more])


@dataclass
class Recorded:
    questions: list[tuple[str, Access | None]] = field(default_factory=list)
    feedback: list[dict] = field(default_factory=list)
    conversations: list[dict] = field(default_factory=list)
    db: Path | None = None


# The channel sees Chefforum only; personal chats see every forum.
CFG = Config(channel_fora={"teams": {CHANNEL: ["Chefforum"]}})


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Loopback only; and no Teams settings from the developer's environment or .env."""
    for name in ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID", "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS"):
        monkeypatch.delenv(name, raising=False)
    real_connect = socket.socket.connect
    attempts: list[object] = []

    def guarded(sock: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if sock.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
            attempts.append(address)  # the SDK may swallow the error, so it is checked afterwards too
            raise OSError(f"test tried to reach the network: {address}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield
    assert attempts == []


@pytest.fixture
def connector() -> Iterator[FakeConnector]:
    with FakeConnector() as fake:
        yield fake


def _client(recorded: Recorded, credentials: TeamsCredentials | None = None, *, answer_fn=None,
            rate_limiter: RateLimiter | None = None, **kwargs: object) -> TestClient:  # fmt: skip
    def answer(question: str, fora: Access | None) -> Answer:
        recorded.questions.append((question, fora))
        return fake_answer(question, fora)

    assert recorded.db is not None
    service = Service(Store(recorded.db), CFG)
    asker = Asker(
        answer_fn or answer, CFG, conversations=Conversations(service), limiter=rate_limiter or RateLimiter(10),
        feedback_fn=recorded.feedback.append,
    )  # fmt: skip
    bot = create_teams_bot(
        asker, conversation_fn=recorded.conversations.append, credentials=credentials,
        **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip
    app = FastAPI()
    mount_teams(app, bot)
    return TestClient(app)


@pytest.fixture
def recorded(tmp_path: Path) -> Recorded:
    return Recorded(db=tmp_path / "teams.db")


@pytest.fixture
def client(recorded: Recorded) -> Iterator[TestClient]:
    with _client(recorded, _unauthenticated_for_tests=True) as test_client:
        yield test_client


def channel_message(service_url: str, text: str, *, user: str = "aad-mette") -> dict:
    return {
        "type": "message",
        "id": "1700000000001",
        "timestamp": "2024-05-02T08:15:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": "29:mette", "name": "Mette Chef", "aadObjectId": user},
        "conversation": {
            "isGroup": True,
            "conversationType": "channel",
            "tenantId": "tenant-1",
            "id": f"{CHANNEL};messageid=1700000000001",
        },  # fmt: skip
        "recipient": {"id": BOT_ID, "name": "Referent"},
        "textFormat": "plain",
        "text": f"<at>Referent</at> {text}",
        "entities": [
            {"type": "mention", "text": "<at>Referent</at>", "mentioned": {"id": BOT_ID, "name": "Referent"}},
            {"type": "clientInfo", "locale": "da-DK", "platform": "Web"},
        ],
        "channelData": {
            "teamsChannelId": CHANNEL,
            "teamsTeamId": "19:team@thread.tacv2",
            "channel": {"id": CHANNEL},
            "team": {"id": "19:team@thread.tacv2"},
            "tenant": {"id": "tenant-1"},
        },  # fmt: skip
        "locale": "da-DK",
    }


def personal_message(service_url: str, text: str) -> dict:
    return {
        "type": "message",
        "id": "1700000000099",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": "29:mette", "name": "Mette Chef", "aadObjectId": "aad-mette"},
        "conversation": {"conversationType": "personal", "tenantId": "tenant-1", "id": "a:1personalchat"},
        "recipient": {"id": BOT_ID, "name": "Referent"},
        "textFormat": "plain",
        "text": text,
        "channelData": {"tenant": {"id": "tenant-1"}},
    }


def _card(posted_activity: dict) -> dict:
    [attachment] = posted_activity["attachments"]
    assert attachment["contentType"] == CARD_TYPE
    return attachment["content"]


def test_teams_channel_mention_replies_in_thread_with_card(client, connector, recorded) -> None:
    response = client.post(
        "/api/messages", json=channel_message(connector.url, "hvad blev besluttet om adgangskontrol?")
    )

    assert response.status_code == 200
    [reply] = connector.messages()
    assert reply.conversation_id == f"{CHANNEL};messageid=1700000000001"
    assert reply.activity["replyToId"] == "1700000000001"
    card = _card(reply.activity)
    text = json.dumps(card, ensure_ascii=False)
    assert QUOTE in text and ITEM_URL in text and "Beslutning" in text
    assert card["version"] == "1.5"
    # The @mention is gone before the question reaches the answer engine; the channel's fora apply.
    assert recorded.questions == [("hvad blev besluttet om adgangskontrol?", Access.of({"Chefforum"}))]


def test_teams_personal_message_gets_one_reply(client, connector, recorded) -> None:
    response = client.post("/api/messages", json=personal_message(connector.url, "Hvad blev besluttet om ID-kort?"))

    assert response.status_code == 200
    [reply] = connector.messages()
    assert reply.conversation_id == "a:1personalchat"
    text = json.dumps(_card(reply.activity), ensure_ascii=False)
    assert QUOTE in text and ITEM_URL in text
    assert recorded.questions[0][1] is None  # a personal chat sees what [access] dm allows: here every forum


def test_teams_reply_chain_reads_a_follow_up_with_its_first_question(client, connector, recorded) -> None:
    client.post("/api/messages", json=channel_message(connector.url, "Hvad blev besluttet om adgangskontrol?"))
    follow = channel_message(connector.url, "og i 2017?")
    follow["id"] = "1700000000002"  # a reply in the same chain: the conversation id names the chain's root
    client.post("/api/messages", json=follow)
    other = channel_message(connector.url, "og i 2017?")
    other["id"] = "1700000000003"
    other["conversation"]["id"] = f"{CHANNEL};messageid=1700000000003"
    client.post("/api/messages", json=other)  # another chain in the channel knows nothing of the first
    assert [q for q, _ in recorded.questions] == [
        "Hvad blev besluttet om adgangskontrol?", "Hvad blev besluttet om adgangskontrol i 2017?", "og i 2017?"
    ]  # fmt: skip
    replies = connector.messages()
    card = json.dumps(_card(replies[1].activity), ensure_ascii=False)
    assert "Læst som: Hvad blev besluttet om adgangskontrol i 2017?" in card
    assert replies[1].activity["replyToId"] == "1700000000002"


def test_teams_personal_chat_is_one_conversation(client, connector, recorded) -> None:
    client.post("/api/messages", json=personal_message(connector.url, "Hvad blev besluttet om ID-kort?"))
    client.post("/api/messages", json={**personal_message(connector.url, "hvem foreslog det?"), "id": "1700000000100"})
    assert recorded.questions[1][0] == "hvem foreslog det om ID-kort?"


def test_teams_vote_is_stored_and_answered(client, connector, recorded) -> None:
    client.post("/api/messages", json=channel_message(connector.url, "hvad blev besluttet om adgangskontrol?"))
    vote = next(a for a in _card(connector.messages()[0].activity)["actions"] if a.get("title") == "👍")
    invoke = channel_message(connector.url, "")
    invoke.update(type="invoke", name="adaptiveCard/action", id="f:vote-1", text=None,
                  value={"action": {"type": "Action.Execute", "verb": vote["verb"], "data": vote["data"]},
                         "trigger": "manual"})  # fmt: skip

    response = client.post("/api/messages", json=invoke)

    assert response.status_code == 200
    assert response.json() == {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": THANKS}
    [record] = recorded.feedback
    assert record["platform"] == "teams" and record["vote"] == 1
    assert record["question"] == "hvad blev besluttet om adgangskontrol?"
    assert record["item_ids"][0] == "chefforum-2017-11-15#6" and len(record["item_ids"]) == 4
    assert record["user_id"] == "aad-mette"  # the Entra id; the store keeps only its keyed hash
    assert record["created_at"].startswith("20")
    assert len(connector.messages()) == 1  # the vote is answered in the invoke response, not a new post


def test_teams_install_stores_conversation_reference(client, connector, recorded) -> None:
    update = {
        "type": "conversationUpdate",
        "id": "f:install-1",
        "serviceUrl": connector.url,
        "channelId": "msteams",
        "from": {"id": "29:admin", "aadObjectId": "aad-admin"},
        "conversation": {"isGroup": True, "conversationType": "channel", "tenantId": "tenant-1", "id": CHANNEL},
        "recipient": {"id": BOT_ID, "name": "Referent"},
        "membersAdded": [{"id": BOT_ID}],
        "channelData": {
            "eventType": "teamMemberAdded",
            "team": {"id": "19:team@thread.tacv2", "name": "Ledelse"},
            "tenant": {"id": "tenant-1"},
        },  # fmt: skip
    }

    assert client.post("/api/messages", json=update).status_code == 200

    [stored] = recorded.conversations
    assert stored["platform"] == "teams" and stored["channel_id"] == CHANNEL
    assert stored["team_id"] == "19:team@thread.tacv2" and stored["tenant_id"] == "tenant-1"
    assert stored["service_url"] == connector.url
    assert stored["reference"]["conversation"]["id"] == CHANNEL
    assert stored["reference"]["bot"]["id"] == BOT_ID
    assert connector.posted == []


def test_teams_first_mention_stores_reference_once(client, connector, recorded) -> None:
    for _ in range(2):
        client.post("/api/messages", json=channel_message(connector.url, "hvad blev besluttet om adgangskontrol?"))
    assert [c["channel_id"] for c in recorded.conversations] == [CHANNEL]


@pytest.mark.parametrize("header", [None, "Bearer not-a-jwt", "Basic dXNlcjpwdw=="])
def test_teams_rejects_requests_without_valid_token(connector, recorded, header, monkeypatch) -> None:
    # The SDK's own environment switch must not open the door either.
    monkeypatch.setenv("DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS", "true")
    credentials = TeamsCredentials("referent-app-id", "secret", "tenant-1")
    headers = {"Authorization": header} if header else {}
    with _client(recorded, credentials) as test_client:
        response = test_client.post("/api/messages", headers=headers,
                                    json=personal_message(connector.url, "Hvad blev besluttet om ID-kort?"))  # fmt: skip
    assert response.status_code == 401
    assert connector.posted == [] and recorded.questions == [] and recorded.conversations == []


def test_teams_requires_credentials_outside_tests(recorded) -> None:
    with pytest.raises(ValueError):
        _client(recorded, None)


def block_text(block: dict) -> str:
    """What a TextBlock or a RichTextBlock shows."""
    if block["type"] == "RichTextBlock":
        return "".join(run["text"] for run in block["inlines"])
    return block["text"]


def test_teams_no_answer_card_is_danish(client, connector) -> None:
    client.post("/api/messages", json=personal_message(connector.url, "Hvad blev besluttet om flyvemaskiner?"))

    card = _card(connector.messages()[0].activity)
    texts = [block_text(block) for block in card["body"]]
    assert texts[0] == "Jeg fandt ikke noget om flyvemaskiner i referaterne."
    assert "Prøv med andre ord" in texts[1]
    assert block_text(no_answer_card()["body"][0]) == "Jeg fandt ikke noget svar i referaterne."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", EMPTY),
        ("👍🎉", EMPTY),
        ("x" * 2_001, TOO_LONG),
        ("What was decided about the new access control?", ENGLISH),
    ],
)
def test_teams_polite_danish_replies(client, connector, recorded, text, expected) -> None:
    client.post("/api/messages", json=channel_message(connector.url, text))

    [reply] = connector.messages()
    assert reply.activity["text"] == expected and "attachments" not in reply.activity
    assert recorded.questions == []


def test_teams_rate_limit_per_user(connector, recorded) -> None:
    with _client(recorded, rate_limiter=RateLimiter(limit=2), _unauthenticated_for_tests=True) as client:
        for user in ("aad-a", "aad-a", "aad-a", "aad-b"):
            client.post("/api/messages", json=channel_message(connector.url, "hvad med budgettet?", user=user))
    texts = [p.activity.get("text") for p in connector.messages()]
    assert texts[2] == RATE_LIMITED and texts[3] != RATE_LIMITED  # per person, not per channel
    assert len(recorded.questions) == 3


def test_teams_failure_gives_danish_apology_not_a_trace(connector, recorded) -> None:
    def broken(question: str, fora: Access | None) -> Answer:
        raise RuntimeError("database is locked")

    with _client(recorded, answer_fn=broken, _unauthenticated_for_tests=True) as client:
        response = client.post("/api/messages", json=personal_message(connector.url, "Hvad med ID-kort?"))
    assert response.status_code == 200
    [reply] = connector.messages()
    assert reply.activity["text"] == FAILED


def test_teams_card_stays_within_size_limit() -> None:
    answer = fake_answer("adgangskontrol", None)
    answer.answers[0].quotes = [Quote(f"Afsnit {n}", "Lang tekst med mange ord. " * 2_000) for n in range(6)]
    card = answer_card(answer, question="adgangskontrol")
    assert card_bytes(card) <= CARD_BYTES
    quote_text = block_text(card["body"][3]["items"][1])
    assert quote_text.endswith(".") or quote_text.endswith("…")


def test_teams_proactive_post_to_stored_reference(client, connector, recorded) -> None:
    client.post("/api/messages", json=channel_message(connector.url, "hvad blev besluttet om adgangskontrol?"))
    stored = recorded.conversations[0]
    card = no_answer_card()

    activity_id = send_proactive(stored, card, credentials=None, _token_for_tests="digest-token")

    posted = connector.messages()[-1]
    assert activity_id.startswith("fake-")
    assert posted.conversation_id == CHANNEL  # a new thread in the channel, not a reply
    token = posted.headers["Authorization"].removeprefix("Bearer ")
    assert jwt.decode(token, options={"verify_signature": False})["sub"] == "digest-token"
    assert _card(posted.activity) == card


def test_teams_credentials_from_env() -> None:
    env = {"CLIENT_ID": "id", "CLIENT_SECRET": "s3cret", "TENANT_ID": "t"}
    assert teams_credentials_from_env(env) == TeamsCredentials("id", "s3cret", "t")
    assert teams_credentials_from_env({**env, "TENANT_ID": ""}) is None
    assert "s3cret" not in repr(teams_credentials_from_env(env))


def test_teams_rejects_malformed_bodies(client, connector) -> None:
    assert (
        client.post("/api/messages", content=b"{not json", headers={"Content-Type": "application/json"}).status_code
        == 400
    )
    assert client.post("/api/messages", json=["a", "list"]).status_code == 400
    assert connector.posted == []


def test_teams_manifest_and_icons() -> None:
    folder = Path(__file__).resolve().parents[1] / "config" / "teams"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["bots"][0]["botId"] == manifest["id"]
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "team"}
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    for name, size in (("color", 192), ("outline", 32)):
        data = (folder / manifest["icons"][name]).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24]) == (size, size)
