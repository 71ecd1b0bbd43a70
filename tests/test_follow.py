"""Følg sagen end to end: follow from an answer in Slack and Teams (through the real SDKs, against the local
fakes), ingest later minutes, and see exactly one notice per new treatment; plus the pieces it is made of."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot import notify
from bot.asker import Asker, Place, chat_asker
from bot.digest import TeamsPoster
from bot.follow import Follows, Where, all_follows, parse_command
from bot.render.follow import UNFOLLOW
from bot.render.slack import FOLLOW
from bot.service import Service
from bot.slack import create_slack_app, mount_slack, slack_client_from_env
from bot.teams import create_teams_bot, mount_teams
from index import treatments
from index.access import Access
from index.answer import answering
from index.config import Config
from index.ingest import ingest_paths
from index.store import Store
from tests.conftest import ADGANG, VAGT, minutes
from tests.release_db import sql_dump
from tests.slack_fake import FakeSlack
from tests.teams_fake import FakeConnector

SECRET = "test-signing-secret"
NOW = dt.datetime(2024, 10, 20, 8, 0, tzinfo=dt.UTC)
CASE = "02.34.02-P19-1-24"
QUIET = 0.15

SKATE_TMU = f"""Punkt 3: Skatepark ved Egelund Station

{CASE}

Sagsfremstilling

Forvaltningen har undersøgt tre placeringer til en skatepark ved Egelund Station.

Beslutning

Udvalget godkendte placering A på grønningen nord for Egelund Station."""

SKATE_OEU = f"""Punkt 3: Skatepark ved Egelund Station - anlægsbevilling

{CASE}

Sagsfremstilling

Teknik- og Miljøudvalget har godkendt placeringen af skateparken. Anlægget koster 1,2 mio. kr.

Beslutning

Økonomiudvalget anbefaler over for Byrådet, at der gives en anlægsbevilling på 1,2 mio. kr. til skateparken."""

SKATE_BR = f"""Punkt 5: Skatepark ved Egelund Station - anlægsbevilling

{CASE}

Beslutning

Byrådet godkendte anlægsbevillingen på 1,2 mio. kr. til skateparken ved Egelund Station."""

# The same case number on an unrelated item: municipalities reuse numbers.
REUSED = f"""Punkt 4: Vejbelysning på Strandvej

{CASE}

Sagsfremstilling

Belysningen på Strandvej er forældet og bruger meget strøm.

Beslutning

Udvalget godkendte udskiftningen af vejbelysningen på Strandvej."""

BUDGET = """Punkt 6: Budgetopfølgning for anlæg

00.30.00-Ø00-1-24

Beslutning

Økonomiudvalget tog budgetopfølgningen for anlæg til efterretning."""

OEU_QUOTE = (
    "Økonomiudvalget anbefaler over for Byrådet, at der gives en anlægsbevilling på 1,2 mio. kr. til skateparken."
)
BR_QUOTE = "Byrådet godkendte anlægsbevillingen på 1,2 mio. kr. til skateparken ved Egelund Station."


def run_notify(store: Store, config: Config, **kw) -> notify.Report:
    """A run some weeks after the test meetings (minutes of a meeting older than 90 days are not news)."""
    return notify.run(store, config, now=NOW, **kw)


def ingest(store: Store, folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    report = ingest_paths(store, [path])
    assert not report.failed, report.failed


def first_meeting(store: Store, folder: Path) -> None:
    ingest(store, folder, "tmu.txt", minutes("Teknik- og Miljøudvalget", "09-04-2024", [ADGANG, VAGT, SKATE_TMU]))


def oeu_meeting(store: Store, folder: Path, items: list[str] | None = None) -> None:
    ingest(store, folder, "oeu.txt", minutes("Økonomiudvalget", "27-08-2024", items or [SKATE_OEU, REUSED, BUDGET]))


def cfg(**kw) -> Config:
    return Config(public_url="http://referent.test", **kw)


# ---- Slack -----------------------------------------------------------------------------------------


class SlackRig:
    """The bolt app over a real Service and answering core, served in-process; Slack's API is the fake."""

    def __init__(self, store: Store, config: Config, fake: FakeSlack) -> None:
        self.store, self.cfg, self.fake = store, config, fake
        service = Service(store, config)
        asker = chat_asker(service)
        self.follows = Follows(service, asker)
        bolt = create_slack_app(asker, slack_client_from_env(), signing_secret=SECRET, follows=self.follows)
        app = FastAPI()
        mount_slack(app, bolt)
        self.http = TestClient(app)

    def _send(self, body: str, content_type: str) -> None:
        ts = str(int(time.time()))
        sig = "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}
        assert self.http.post("/slack/events", content=body, headers=headers).status_code == 200

    def mention(self, text: str, channel: str = "C1", ts: str = "1699999999.000100") -> dict:
        before = len(self.fake.calls_to("chat.postMessage"))
        event = {"type": "app_mention", "user": "U1", "text": f"<@UBOT> {text}", "ts": ts, "channel": channel}
        self._send(json.dumps({"type": "event_callback", "team_id": "T1", "event_id": f"Ev{ts}", "event": event}),
                   "application/json")  # fmt: skip
        return self.fake.wait_for("chat.postMessage", before + 1)[-1]

    def command(self, text: str, channel: str = "C1", user: str = "U1") -> dict:
        name = f"cmd-{time.monotonic_ns()}"
        form = {"command": "/referat", "text": text, "user_id": user, "channel_id": channel, "team_id": "T1",
                "response_url": self.fake.response_url(name), "trigger_id": "1.2.3"}  # fmt: skip
        self._send(urlencode(form), "application/x-www-form-urlencoded")
        return self.fake.wait_for(f"response:{name}")[0]

    def click(self, action: dict, channel: str = "C1", user: str = "U1") -> dict:
        name = f"click-{time.monotonic_ns()}"
        payload = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": user}, "channel": {"id": channel},
                   "response_url": self.fake.response_url(name), "trigger_id": "1.2.3", "actions": [action]}  # fmt: skip
        self._send(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
        return self.fake.wait_for(f"response:{name}")[0]

    def notices(self, channel: str = "C1") -> list[dict]:
        # the bot's own answers are thread replies; notices start a conversation of their own
        return [c for c in self.fake.calls_to("chat.postMessage") if c["channel"] == channel and not c.get("thread_ts")]

    def run(self) -> notify.Report:
        return run_notify(self.store, self.cfg)


def button(message: dict, action_id: str) -> dict:
    for block in message["blocks"]:
        for element in block.get("elements", []) + ([block["accessory"]] if "accessory" in block else []):
            if element.get("action_id") == action_id:
                return {**element, "block_id": block.get("block_id", "b"), "type": "button"}
    raise AssertionError(f"no {action_id} button in {message['blocks']}")


def test_slack_follow_from_an_answer_then_exactly_one_notice_per_new_treatment(tmp_path, store, slack) -> None:
    first_meeting(store, tmp_path)
    rig = SlackRig(store, cfg(), slack)
    answer = rig.mention("Hvad blev besluttet om skateparken ved Egelund Station?")
    assert "Udvalget godkendte placering A" in json.dumps(answer["blocks"], ensure_ascii=False)
    follow = button(answer, FOLLOW)
    assert follow["value"] == "teknik-og-miljoeudvalget-2024-04-09#3"

    reply = rig.click(follow)
    assert "Du følger nu sagen »Skatepark ved Egelund Station« (sag 02.34.02-P19-1-24)" in reply["text"]
    assert reply["response_type"] == "ephemeral"
    [made] = all_follows(store)
    assert (made.platform, made.destination, made.case_numbers) == ("slack", "C1", (CASE,))
    assert made.user_hash == store.user_hash("U1") and "U1" not in json.dumps(made.__dict__, default=str)
    assert "skatepark" in made.subject and made.access is None

    assert rig.run().sent == 0  # what the answer showed is known: nothing is news yet
    oeu_meeting(store, tmp_path)  # the case at Økonomiudvalget, and an unrelated item under the same number
    report = rig.run()
    assert (report.sent, report.failed) == (1, 0), report.line()
    [notice] = rig.notices()
    shown = json.dumps(notice["blocks"], ensure_ascii=False)
    assert OEU_QUOTE in shown and "Økonomiudvalget · 27. august 2024 · punkt 3" in shown
    assert "http://referent.test/m/oekonomiudvalget-2024-08-27#punkt-3-beslutning" in shown
    assert "Du følger denne sag" in shown and "/referat stop" in shown
    assert "Vejbelysning" not in shown and "budgetopfølgningen" not in shown

    assert rig.run().sent == 0  # a re-run sends nothing
    assert len(rig.notices()) == 1

    # A failed send is retried once on the next run, then never again.
    ingest(store, tmp_path, "br.txt", minutes("Byrådet", "10-09-2024", [SKATE_BR]))
    slack.fail_next("chat.postMessage", 200, {"ok": False, "error": "channel_not_found"})
    failed = rig.run()
    assert (failed.sent, failed.failed) == (0, 1)
    retried = rig.run()
    assert (retried.sent, retried.failed) == (1, 0)
    assert rig.run().sent == 0
    notices = rig.notices()
    assert len(notices) == 3  # ØU, the refused Byråd notice, and its retry
    assert BR_QUOTE in json.dumps(notices[-1]["blocks"], ensure_ascii=False)
    assert notices[-1]["blocks"] == notices[-2]["blocks"]

    # Stop ends it: the button under the notice, then later minutes send nothing.
    stopped = rig.click(button(notices[-1], UNFOLLOW))
    assert "Du følger ikke længere sagen »Skatepark ved Egelund Station«" in stopped["text"]
    assert all_follows(store) == []
    ingest(store, tmp_path, "br2.txt", minutes("Byrådet", "08-10-2024", [SKATE_BR.replace("Punkt 5", "Punkt 2")]))
    assert rig.run().sent == 0 and len(rig.notices()) == 3


def test_slack_unrelated_item_under_a_reused_case_number_sends_nothing(tmp_path, store, slack) -> None:
    first_meeting(store, tmp_path)
    rig = SlackRig(store, cfg(), slack)
    reply = rig.command(f"følg {CASE}")
    assert "Du følger nu sagen »Skatepark ved Egelund Station«" in reply["text"]
    oeu_meeting(store, tmp_path, [REUSED, BUDGET])  # the number again, on vejbelysning
    assert rig.run().sent == 0
    assert rig.notices() == []


def test_slack_channel_without_access_to_the_forum_gets_nothing(tmp_path, store, slack) -> None:
    first_meeting(store, tmp_path)
    access = cfg(
        public_fora=["Teknik- og Miljøudvalget"], channel_fora={"slack": {"CTMU": ["Teknik- og Miljøudvalget"]}}
    )
    rig = SlackRig(store, access, slack)
    assert "Du følger nu" in rig.command(f"følg {CASE}", channel="CTMU")["text"]
    oeu_meeting(store, tmp_path)  # Økonomiudvalget: CTMU may not see it
    report = rig.run()
    assert (report.sent, report.failed) == (0, 0)
    assert rig.notices("CTMU") == []
    # and access is applied again when a notice is sent: a notice claimed for a forum since taken away is withheld
    access.channel_fora["slack"]["CTMU"].append("Byrådet")
    ingest(store, tmp_path, "br.txt", minutes("Byrådet", "10-09-2024", [SKATE_BR]))
    slack.fail_next("chat.postMessage", 200, {"ok": False, "error": "ratelimited"})
    assert rig.run().failed == 1
    access.channel_fora["slack"]["CTMU"].remove("Byrådet")
    assert rig.run().withheld == 1 and rig.run().sent == 0
    assert len(rig.notices("CTMU")) == 1  # only the refused attempt


def test_slack_mine_and_stop_commands(tmp_path, store, slack) -> None:
    first_meeting(store, tmp_path)
    rig = SlackRig(store, cfg(), slack)
    assert "Du følger ingen" in rig.command("mine")["text"]
    rig.command(f"følg {CASE}")
    again = rig.command(f"følg {CASE}", user="U2")
    assert "Kanalen følger allerede sagen" in again["text"]  # one follow per place
    topic = rig.command("følg adgangskontrol")
    assert "Du følger nu emnet »adgangskontrol«" in topic["text"]
    [case, subject] = all_follows(store)
    listed = rig.command("mine")["text"]
    assert (
        f"{case.id}. sagen »Skatepark ved Egelund Station«" in listed
        and f"{subject.id}. emnet »adgangskontrol«" in listed
    )
    assert "Du følger ingen" in rig.command("mine", user="U2")["text"]  # mine is mine
    assert "Der er intet nr. 999" in rig.command("stop 999")["text"]
    elsewhere = rig.command(f"stop {case.id}", channel="C2")
    assert "Der er intet nr." in elsewhere["text"]  # a follow is stopped where it posts
    assert "Du følger ikke længere sagen" in rig.command(f"stop {case.id}")["text"]
    assert [f.id for f in all_follows(store)] == [subject.id]
    assert "Skriv nummeret" in rig.command("stop")["text"]
    assert "Skriv, hvad du vil følge" in rig.command("følg")["text"]


def test_slack_topic_follow_matches_with_the_answering_evidence(tmp_path, store, slack) -> None:
    first_meeting(store, tmp_path)
    rig = SlackRig(store, cfg(), slack)
    assert "Du følger nu emnet »skatepark«" in rig.command("følg skatepark")["text"]
    oeu_meeting(store, tmp_path, [REUSED, BUDGET])  # nothing about a skatepark: "anlæg" alone is no match
    assert rig.run().sent == 0
    ingest(store, tmp_path, "br.txt", minutes("Byrådet", "10-09-2024", [SKATE_BR]))
    assert rig.run().sent == 1
    [notice] = rig.notices()
    text = json.dumps(notice["blocks"], ensure_ascii=False)
    assert BR_QUOTE in text and "Nyt om »skatepark«" in text and "Du følger emnet »skatepark«" in text


# ---- Teams -----------------------------------------------------------------------------------------

BOT_ID = "28:referent-bot"
CHANNEL = "19:ledelse@thread.tacv2"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID", "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS"):
        monkeypatch.delenv(name, raising=False)
    real_connect = socket.socket.connect

    def guarded(sock: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if sock.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
            raise OSError(f"test tried to reach the network: {address}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield


def teams_activity(service_url: str, text: str, **extra) -> dict:
    return {
        "type": "message", "id": "1700000000001", "serviceUrl": service_url, "channelId": "msteams",
        "from": {"id": "29:mette", "name": "Mette Chef", "aadObjectId": "aad-mette"},
        "conversation": {"isGroup": True, "conversationType": "channel", "tenantId": "tenant-1",
                         "id": f"{CHANNEL};messageid=1700000000001"},
        "recipient": {"id": BOT_ID, "name": "Referent"}, "textFormat": "plain", "text": f"<at>Referent</at> {text}",
        "entities": [{"type": "mention", "text": "<at>Referent</at>", "mentioned": {"id": BOT_ID, "name": "Referent"}}],
        "channelData": {"channel": {"id": CHANNEL}, "team": {"id": "19:team@thread.tacv2"}, "tenant": {"id": "tenant-1"}},
        **extra,
    }  # fmt: skip


def invoke(service_url: str, action: dict) -> dict:
    activity = teams_activity(service_url, "")
    activity.update(type="invoke", name="adaptiveCard/action", id="f:1", text=None,
                    value={"action": {"type": "Action.Execute", "verb": action["verb"], "data": action["data"]},
                           "trigger": "manual"})  # fmt: skip
    return activity


def card_of(posted) -> dict:
    [attachment] = posted.activity["attachments"]
    return attachment["content"]


def teams_app(store: Store, config: Config) -> FastAPI:
    service = Service(store, config)
    asker = chat_asker(service)
    bot = create_teams_bot(asker, conversation_fn=service.conversation, credentials=None,
                           follows=Follows(service, asker), _unauthenticated_for_tests=True)  # fmt: skip
    app = FastAPI()
    mount_teams(app, bot)
    return app


def teams_sender(store: Store, *, dead: bool = False):
    """Proactive posts through the Teams SDK to the stored conversation (`dead`: a service URL nobody serves)."""

    def sender(f):
        reference = store.conversations("teams")[f.destination]
        if dead:
            reference = {**reference, "reference": {**reference["reference"], "serviceUrl": "http://127.0.0.1:9/"}}
        return TeamsPoster(reference, None, token_for_tests="follow-test")

    return sender


@pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning")
def test_teams_follow_from_an_answer_notice_once_and_stop(tmp_path, store, no_network) -> None:
    first_meeting(store, tmp_path)
    config = cfg()
    app = teams_app(store, config)
    sender = teams_sender(store)

    with FakeConnector() as connector, TestClient(app) as client:
        client.post("/api/messages", json=teams_activity(connector.url, "Hvad blev besluttet om skateparken?"))
        [answer] = connector.messages()
        follow = next(a for a in card_of(answer)["actions"] if a.get("verb") == "follow")
        assert follow["title"] == "Følg sagen" and follow["data"] == {
            "item_id": "teknik-og-miljoeudvalget-2024-04-09#3"
        }

        response = client.post("/api/messages", json=invoke(connector.url, follow))
        assert response.status_code == 200 and "Du følger nu sagen »Skatepark" in response.json()["value"]
        [made] = all_follows(store)
        assert (made.platform, made.destination, made.user_hash) == ("teams", CHANNEL, store.user_hash("aad-mette"))

        oeu_meeting(store, tmp_path)
        failed = run_notify(store, config, sender_for=teams_sender(store, dead=True))
        assert (failed.sent, failed.failed) == (0, 1) and len(connector.messages()) == 1
        assert run_notify(store, config, sender_for=sender).sent == 1  # the failed notice, retried once
        assert run_notify(store, config, sender_for=sender).sent == 0
        [_, notice] = connector.messages()
        assert notice.conversation_id == CHANNEL  # a new thread in the channel
        card = card_of(notice)
        shown = json.dumps(card, ensure_ascii=False)
        assert OEU_QUOTE in shown and "Du følger denne sag · stop" in shown and "Vejbelysning" not in shown
        assert {
            "type": "Action.OpenUrl",
            "title": "Åbn punktet",
            "url": "http://referent.test/m/oekonomiudvalget-2024-08-27#punkt-3-beslutning",
        } in card["actions"]
        stop = next(a for a in card["actions"] if a.get("verb") == "unfollow")

        response = client.post("/api/messages", json=invoke(connector.url, stop))
        assert "Du følger ikke længere sagen" in response.json()["value"]
        ingest(store, tmp_path, "br.txt", minutes("Byrådet", "10-09-2024", [SKATE_BR]))
        assert run_notify(store, config, sender_for=sender).sent == 0
        assert len(connector.messages()) == 2

        # typed commands work in Teams too (no slash commands there)
        client.post("/api/messages", json=teams_activity(connector.url, f"følg {CASE}"))
        ambiguous = connector.messages()[-1].activity["text"]  # the number is reused by now: which case?
        assert "bruges til flere forskellige sager" in ambiguous and "Vejbelysning på Strandvej" in ambiguous
        client.post("/api/messages", json=teams_activity(connector.url, f"følg {CASE} skatepark"))
        assert "Du følger nu sagen »Skatepark ved Egelund Station" in connector.messages()[-1].activity["text"]
        client.post("/api/messages", json=teams_activity(connector.url, "mine"))
        assert "Skatepark ved Egelund Station" in connector.messages()[-1].activity["text"]


@pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning")
def test_teams_channel_without_access_to_the_forum_gets_nothing(tmp_path, store, no_network) -> None:
    first_meeting(store, tmp_path)
    tmu = "Teknik- og Miljøudvalget"
    config = cfg(public_fora=[tmu], channel_fora={"teams": {CHANNEL: [tmu]}})
    with FakeConnector() as connector, TestClient(teams_app(store, config)) as client:
        client.post("/api/messages", json=teams_activity(connector.url, f"følg {CASE}"))
        assert "Du følger nu sagen" in connector.messages()[-1].activity["text"]
        oeu_meeting(store, tmp_path)  # Økonomiudvalget, which the channel may not see
        report = run_notify(store, config, sender_for=teams_sender(store))
        assert (report.sent, report.failed) == (0, 0) and len(connector.messages()) == 1


# ---- the pieces ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("følg 23-011668", ("follow", "23-011668")),
        ("/referat følg lokalplan 1221", ("follow", "lokalplan 1221")),
        ("Følg:  skatepark ", ("follow", "skatepark")),
        ("mine", ("mine", "")),
        ("stop 3", ("stop", "3")),
        ("mine medarbejderes ferie?", None),
        ("hvad blev besluttet om skateparken?", None),
        ("følgeskab til ældre", None),
    ],
)
def test_parse_command(text: str, expected) -> None:
    assert parse_command(text) == expected


def test_a_reused_number_is_another_case(tmp_path, store) -> None:
    first_meeting(store, tmp_path)
    oeu_meeting(store, tmp_path)
    rows = treatments.with_case_number(store, CASE)
    groups = treatments.group_cases(store, rows)
    assert [[r["title"] for r in g] for g in groups] == [
        ["Skatepark ved Egelund Station", "Skatepark ved Egelund Station - anlægsbevilling"],
        ["Vejbelysning på Strandvej"],
    ]
    assert not treatments.belongs(store, groups[1][0], [CASE], "Skatepark ved Egelund Station")
    assert not treatments.belongs(store, groups[0][1], ["99-999999"], "Skatepark ved Egelund Station")


def test_answering_judges_only_the_given_items_with_the_cores_evidence(tmp_path, store) -> None:
    first_meeting(store, tmp_path)
    oeu_meeting(store, tmp_path)
    rows = [r for r in treatments.arrived_since(store, "2000-01-01") if r["meeting_id"].startswith("oekonomi")]
    found = answering(store, "hvad blev besluttet om skateparken", rows)
    assert [r["title"] for r in found] == ["Skatepark ved Egelund Station - anlægsbevilling"]
    assert answering(store, "hvad blev besluttet om skateparken", rows, access=Access.of({"Byrådet"})) == []
    assert answering(store, "vejbelysning i Teknik- og Miljøudvalget", rows) == []  # the question names a forum


def test_a_correction_that_leaves_the_decision_is_not_news_one_that_changes_it_is(tmp_path, store) -> None:
    first_meeting(store, tmp_path)
    config = cfg()
    sent: list = []

    class Recorder:
        def send(self, payload) -> str:
            sent.append(payload)
            return f"m{len(sent)}"

    service = Service(store, config)
    follows = Follows(service, Asker(service.answerer(), config))
    follows.follow_text(CASE, Where(Place("slack", "C1"), "C1"), "U1")
    oeu_meeting(store, tmp_path)
    assert run_notify(store, config, sender_for=lambda f: Recorder()).sent == 1
    # corrected minutes: a typo fixed elsewhere in the meeting leaves this decision as it was
    oeu_meeting(store, tmp_path, [SKATE_OEU, REUSED, BUDGET.replace("for anlæg til", "for anlæg  til")])
    assert run_notify(store, config, sender_for=lambda f: Recorder()).sent == 0
    changed = SKATE_OEU.replace("anbefaler over for Byrådet", "anbefaler enstemmigt over for Byrådet")
    oeu_meeting(store, tmp_path, [changed, REUSED, BUDGET])
    assert run_notify(store, config, sender_for=lambda f: Recorder()).sent == 1
    text = json.dumps(sent[-1], ensure_ascii=False)
    assert "Rettet referat i en sag, du følger" in text and "anbefaler enstemmigt" in text


def test_a_platform_this_process_cannot_post_to_is_left_for_one_that_can(tmp_path, store, monkeypatch) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    first_meeting(store, tmp_path)
    config = cfg()
    service = Service(store, config)
    Follows(service, Asker(service.answerer(), config)).follow_text(CASE, Where(Place("slack", "C1"), "C1"), "U1")
    oeu_meeting(store, tmp_path)
    report = run_notify(store, config)
    assert report.sent == 0 and report.skipped and "SLACK_BOT_TOKEN" in report.skipped[0]
    assert store.conn.execute("SELECT count(*) FROM follow_sent WHERE status != 'baseline'").fetchone()[0] == 0
    got: list = []

    class Recorder:
        def send(self, payload) -> str:
            got.append(payload)
            return "ok"

    assert run_notify(store, config, sender_for=lambda f: Recorder()).sent == 1  # a process that can, later


def test_closed_item_answering_a_topic_shows_its_public_decision_line_only(tmp_path, store) -> None:
    first_meeting(store, tmp_path)
    config = cfg()
    service = Service(store, config)
    Follows(service, Asker(service.answerer(), config)).follow_text(
        "skatepark", Where(Place("slack", "C1"), "C1"), "U1"
    )
    closed = """Punkt 7: Lukket: Køb af grund til skatepark

Sagsfremstilling

Fortroligt: sælger kræver 2,4 mio. kr. for grunden.

Beslutning

Indstillingen blev godkendt.
Direktøren forhandler prisen ned til 2,1 mio. kr."""
    oeu_meeting(store, tmp_path, [closed, BUDGET])
    got: list = []

    class Recorder:
        def send(self, payload) -> str:
            got.append(payload)
            return "ok"

    run_notify(store, config, sender_for=lambda f: Recorder())
    text = json.dumps(got, ensure_ascii=False)
    # the closed item answers by its title; it shows nothing but its public line
    assert len(got) == 1 and "Indstillingen blev godkendt." in text and "lukket punkt" in text
    assert "2,4 mio" not in text and "2,1 mio" not in text and "Direktøren" not in text


def test_a_topic_is_not_matched_by_a_shared_common_word(tmp_path, store) -> None:
    first_meeting(store, tmp_path)
    bike = """Punkt 8: Cykelparkering ved Egelund Station

05.01.00-G01-3-24

Sagsfremstilling

Der mangler cykelparkering ved Egelund Station, og pendlerne stiller cyklerne på fortovet.

Beslutning

Udvalget godkendte 200 nye cykelpladser ved Egelund Station."""
    oeu_meeting(store, tmp_path, [bike, BUDGET, SKATE_OEU.replace("Punkt 3", "Punkt 9")])
    rows = [r for r in treatments.arrived_since(store, "2000-01-01") if r["meeting_id"].startswith("oekonomi")]
    found = answering(store, "skatepark ved Egelund Station", rows)
    assert [r["title"] for r in found] == ["Skatepark ved Egelund Station - anlægsbevilling"]


# ---- the web -----------------------------------------------------------------------------------------


def web(store: Store, config: Config | None = None) -> TestClient:
    from bot.web import create_app

    return TestClient(create_app(store, config or cfg(), token=None))


def test_web_follow_from_an_answer_card_then_its_feed_gets_the_new_treatment(tmp_path, store) -> None:
    first_meeting(store, tmp_path)
    client = web(store)
    page = client.get("/", params={"q": "Hvad blev besluttet om skateparken ved Egelund Station?"}).text
    assert 'action="/folg"' in page and 'value="teknik-og-miljoeudvalget-2024-04-09#3"' in page
    assert f'href="/sag/{CASE}?punkt=teknik-og-miljoeudvalget-2024-04-09%233"' in page
    made = client.post("/folg", data={"punkt": "teknik-og-miljoeudvalget-2024-04-09#3"}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].startswith("/abonnement/")
    token = made.headers["location"].rsplit("/", 1)[1]
    [follow] = all_follows(store)
    assert (follow.platform, follow.destination) == ("web", token)
    assert "Skatepark ved Egelund Station" in client.get(f"/abonnement/{token}").text

    oeu_meeting(store, tmp_path)
    assert run_notify(store, cfg()).sent == 1  # a web follow's "send" is its feed
    assert run_notify(store, cfg()).sent == 0
    feed = client.get(f"/feed/{token}")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert feed.text.count("<entry>") == 1 and OEU_QUOTE in feed.text and "Vejbelysning" not in feed.text
    assert "http://referent.test/m/oekonomiudvalget-2024-08-27#punkt-3-beslutning" in feed.text
    assert f"Du følger denne sag · stop: http://referent.test/abonnement/{token}" in feed.text
    assert OEU_QUOTE in client.get(f"/abonnement/{token}").text

    stopped = client.post(f"/abonnement/{token}/stop")
    assert "Du følger ikke længere" in stopped.text and all_follows(store) == []
    assert client.get(f"/feed/{token}").status_code == 404
    assert client.post("/folg", data={"punkt": "no-such-meeting#1"}).status_code == 404


def test_case_page_is_the_timeline_across_bodies_with_reused_numbers_apart(tmp_path, store) -> None:
    first_meeting(store, tmp_path)
    oeu_meeting(store, tmp_path)
    ingest(store, tmp_path, "br.txt", minutes("Byrådet", "10-09-2024", [SKATE_BR]))
    client = web(store)
    page = client.get(f"/sag/{CASE}").text
    assert "2 forskellige sager" in page
    order = [page.index(s) for s in ("Udvalget godkendte placering A", OEU_QUOTE, BR_QUOTE)]
    assert order == sorted(order)  # oldest first, across three bodies
    assert "Udvalget godkendte udskiftningen af vejbelysningen" in page  # the other case, in its own section
    one = client.get(f"/sag/{CASE}", params={"punkt": "byraadet-2024-09-10#5"}).text
    assert BR_QUOTE in one and "vejbelysningen" not in one
    feed = client.get(f"/feed/sag/{CASE}", params={"punkt": "byraadet-2024-09-10#5"}).text
    assert feed.count("<entry>") == 3 and feed.index(BR_QUOTE) < feed.index(OEU_QUOTE)
    assert client.get("/sag/99-999999").status_code == 404


def test_case_page_and_feed_show_only_what_the_web_may_see(tmp_path, store) -> None:
    first_meeting(store, tmp_path)
    oeu_meeting(store, tmp_path)
    client = web(store, cfg(web_fora=["Teknik- og Miljøudvalget"]))
    page = client.get(f"/sag/{CASE}").text
    assert "Udvalget godkendte placering A" in page and "Økonomiudvalget" not in page and "vejbelysning" not in page
    feed = client.get(f"/feed/sag/{CASE}").text
    assert feed.count("<entry>") == 1 and "Økonomiudvalget" not in feed
    # an item the web may not see cannot be followed from the web either
    assert client.post("/folg", data={"punkt": "oekonomiudvalget-2024-08-27#3"}).status_code == 404


def test_a_backfilled_old_meeting_is_not_news(tmp_path, store) -> None:
    first_meeting(store, tmp_path)
    config = cfg()
    service = Service(store, config)
    Follows(service, Asker(service.answerer(), config)).follow_text(CASE, Where(Place("slack", "C1"), "C1"), "U1")
    got: list = []

    class Recorder:
        def send(self, payload) -> str:
            got.append(payload)
            return "ok"

    oeu_meeting(store, tmp_path)  # 27 August 2024: stored now, but half a year old on this run's day
    later = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    assert notify.run(store, config, now=later, sender_for=lambda f: Recorder()).sent == 0
    assert notify.run(store, config, now=later, sender_for=lambda f: Recorder()).sent == 0 and got == []


def test_a_pushed_topic_notice_needs_the_topic_in_title_heading_or_decision(tmp_path, store) -> None:
    first_meeting(store, tmp_path)
    passing = """Punkt 8: Anlægsplan for fritidsområderne 2025

05.00.00-G01-4-24

Sagsfremstilling

Planen omfatter nye stier, en udvidet legeplads og en skatepark ved hallen.

Skateparken finansieres af puljen til byfornyelse, og stierne af vejbudgettet.

Beslutning

Udvalget godkendte anlægsplanen for fritidsområderne."""
    oeu_meeting(store, tmp_path, [passing, BUDGET, SKATE_OEU.replace("Punkt 3", "Punkt 9")])
    rows = [r for r in treatments.arrived_since(store, "2000-01-01") if r["meeting_id"].startswith("oekonomi")]
    asked = [r["title"] for r in answering(store, "skatepark", rows)]
    pushed = [r["title"] for r in answering(store, "skatepark", rows, prominent=True)]
    assert "Anlægsplan for fritidsområderne 2025" in asked  # an answer may name it among others
    assert pushed == ["Skatepark ved Egelund Station - anlægsbevilling"]  # a notice must be about it


def test_an_unknown_case_number_is_refused_not_followed_as_a_topic(tmp_path, store, slack) -> None:
    first_meeting(store, tmp_path)
    rig = SlackRig(store, cfg(), slack)
    for number in ("23-011668", "00.01.00-A00-99-19"):  # Greve's form, and one the question reader knows
        assert "Jeg kan ikke finde sag" in rig.command(f"følg {number}")["text"]
    assert "Jeg kan ikke finde sag 00.01.00-A00-99-19" in rig.command("følg budget 00.01.00-A00-99-19")["text"]
    assert all_follows(store) == []


def test_no_table_holds_the_raw_user_id(tmp_path, store, slack) -> None:
    first_meeting(store, tmp_path)
    rig = SlackRig(store, cfg(), slack)
    user = "U0FOLLOWER42"
    rig.command(f"følg {CASE}", channel="D0DM", user=user)
    rig.command("følg adgangskontrol", user=user)
    oeu_meeting(store, tmp_path)
    assert rig.run().sent == 1
    assert "Skatepark ved Egelund Station" in rig.command("mine", channel="D0DM", user=user)["text"]
    dump = sql_dump(store.conn)
    assert user not in dump and store.user_hash(user) in dump


def test_an_ingest_from_the_command_line_tells_the_follows(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from bot.cli import main

    db = tmp_path / "cli.db"
    store = Store(db)
    today = dt.date.today()  # the command notifies as of now: the meetings must be recent to be news
    first, later = today - dt.timedelta(days=20), today - dt.timedelta(days=2)
    ingest(store, tmp_path, "tmu.txt", minutes("Teknik- og Miljøudvalget", f"{first:%d-%m-%Y}", [ADGANG, SKATE_TMU]))
    made = web(store).post(
        "/folg", data={"punkt": f"teknik-og-miljoeudvalget-{first.isoformat()}#3"}, follow_redirects=False
    )
    assert made.status_code == 303
    token = made.headers["location"].rsplit("/", 1)[1]
    store.close()
    config = tmp_path / "referent.toml"
    config.write_text('public_url = "http://referent.test"\n', encoding="utf-8")
    monkeypatch.setenv("REFERENT_CONFIG", str(config))
    later_file = tmp_path / "oeu.txt"
    later_file.write_text(minutes("Økonomiudvalget", f"{later:%d-%m-%Y}", [SKATE_OEU]), encoding="utf-8")
    for _ in range(2):  # the second ingest stores nothing new and tells nothing again
        assert CliRunner().invoke(main, ["ingest", str(later_file), "--db", str(db)]).exit_code == 0
        feed = web(Store(db)).get(f"/feed/{token}").text
        assert feed.count("<entry>") == 1 and OEU_QUOTE in feed
