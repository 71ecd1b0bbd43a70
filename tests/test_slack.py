"""The Slack app over real HTTP on loopback, against a local fake of the Slack Web API."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from slack_sdk import WebClient

from bot.asker import Asker
from bot.conversation import Conversations
from bot.limits import RateLimiter
from bot.render.slack import MAX_BLOCKS, SECTION_LIMIT, answer_blocks
from bot.service import Service
from bot.slack import create_slack_app, mount_slack, slack_client_from_env
from bot.texts import EMPTY, ENGLISH, NO_ANSWER_HINT, RATE_LIMITED, TOO_LONG
from index.access import Access
from index.config import Config
from index.model import Answer, CaseRef, Hit, ItemRef, MeetingRef, Quote
from index.store import Store
from tests.slack_fake import FakeSlack

SECRET = "test-signing-secret"
QUOTE = "Chefforum besluttede at der benyttes ID-kort i forbindelse med implementering af ny adgangskontrol."
URL = "http://127.0.0.1:8000/m/chefforum-2017-11-15#punkt-6-beslutning"
QUIET = 0.15  # how long "nothing more happens" is watched for


def hit(forum: str = "Chefforum", date: str = "2017-11-15", number: int = 6, quote: str = QUOTE) -> Hit:
    meeting_id = f"{forum.lower()}-{date}"
    return Hit(
        meeting=MeetingRef(meeting_id, forum, date, f"Referat {forum} {date}", f"http://127.0.0.1:8000/m/{meeting_id}"),
        item=ItemRef(
            number,
            "Adgangskontrol og ID-kort",
            "17/1234",
            f"http://127.0.0.1:8000/m/{meeting_id}#punkt-{number}-beslutning",
        ),
        quotes=[Quote(section="Beslutning", text=quote, kind="beslutning")],
        score=3.2,
        case_history=[
            CaseRef(
                "chefforum-2017-09-20", "2017-09-20", forum, 4, "Adgangskontrol", "http://127.0.0.1:8000/m/x#punkt-4"
            )
        ],
    )


def sample_answer(question: str, fora: Access | None = None) -> Answer:
    return Answer(question=question, no_answer=False, message="", answers=[hit(), hit("Chefforum", "2018-01-10", 3)])


@dataclass
class Bot:
    fake: FakeSlack
    http: httpx.Client
    asked: list[tuple[str, Access | None]] = field(default_factory=list)
    votes: list[dict] = field(default_factory=list)

    def send(self, body: str, content_type: str, secret: str = SECRET, headers: dict | None = None) -> httpx.Response:
        ts = str(int(time.time()))
        signature = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
            **(headers or {}),
        }
        return self.http.post("/slack/events", content=body, headers=all_headers)

    def event(self, event: dict, event_id: str = "Ev1", **kw) -> httpx.Response:
        body = {"type": "event_callback", "team_id": "T1", "event_id": event_id, "event": event}
        return self.send(json.dumps(body), "application/json", **kw)

    def command(self, text: str) -> httpx.Response:
        form = {
            "command": "/referat",
            "text": text,
            "user_id": "U1",
            "channel_id": "C1",
            "team_id": "T1",
            "response_url": self.fake.response_url("cmd"),
            "trigger_id": "1.2.3",
        }
        return self.send(urlencode(form), "application/x-www-form-urlencoded")

    def click(self, action: dict) -> httpx.Response:
        payload = {
            "type": "block_actions",
            "team": {"id": "T1"},
            "user": {"id": "U1"},
            "channel": {"id": "C1"},
            "response_url": self.fake.response_url("vote"),
            "trigger_id": "1.2.3",
            "actions": [action],
        }
        return self.send(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def mention(text: str, ts: str = "1699999999.000100", **extra) -> dict:
    return {"type": "app_mention", "user": "U1", "text": text, "ts": ts, "channel": "C1", **extra}


def dm(text: str, ts: str = "1699999999.000200", **extra) -> dict:
    return {"type": "message", "channel_type": "im", "user": "U1", "text": text, "ts": ts, "channel": "D1", **extra}


class Swap:
    """One loopback server for the module; each test swaps in its own FastAPI app (uvicorn stops slowly)."""

    app: FastAPI | None = None

    async def __call__(self, scope, receive, send) -> None:
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def loopback() -> Iterator[tuple[Swap, int]]:
    swap = Swap()
    server = uvicorn.Server(uvicorn.Config(swap, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.005)
    yield swap, server.servers[0].sockets[0].getsockname()[1]
    server.should_exit = True
    thread.join(5)


@pytest.fixture
def make_bot(loopback: tuple[Swap, int], monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator:
    swap, port = loopback
    cleanup: list = []

    def make(answer_fn=sample_answer, cfg: Config | None = None, questions_per_minute: int = 10,
             examples=None) -> Bot:  # fmt: skip
        fake = FakeSlack().start()
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_API_URL", fake.api_url)
        bot = Bot(fake=fake, http=httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5))
        cleanup.append(bot)

        def answer(question: str, fora: Access | None) -> Answer:
            bot.asked.append((question, fora))
            return answer_fn(question, fora)

        service = Service(Store(tmp_path / f"slack-{len(cleanup)}.db"), cfg or Config())
        asker = Asker(
            answer, service.cfg, conversations=Conversations(service), limiter=RateLimiter(questions_per_minute),
            feedback_fn=bot.votes.append,
        )  # fmt: skip
        bolt = create_slack_app(asker, slack_client_from_env(), examples=examples, signing_secret=SECRET)
        swap.app = FastAPI()
        mount_slack(swap.app, bolt)
        return bot

    yield make
    for bot in cleanup:
        bot.http.close()
        bot.fake.close()


def all_text(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


# ---- over HTTP -----------------------------------------------------------------------------


def test_mention_replies_once_in_thread_with_quote_and_link(make_bot) -> None:
    bot = make_bot()
    assert bot.event(mention("<@UBOT> hvad blev besluttet om adgangskontrol?")).status_code == 200
    (post,) = bot.fake.wait_for("chat.postMessage")
    assert post["channel"] == "C1" and post["thread_ts"] == "1699999999.000100"
    blocks = all_text(post["blocks"])
    assert QUOTE in blocks and URL in blocks and "Beslutning" in blocks
    assert post["text"]
    assert bot.asked == [("hvad blev besluttet om adgangskontrol?", None)]
    time.sleep(QUIET)
    assert len(bot.fake.calls_to("chat.postMessage")) == 1


def test_follow_up_in_thread_is_read_with_first_question(make_bot) -> None:
    bot = make_bot()
    bot.event(mention("<@UBOT> Hvad blev besluttet om adgangskontrol?"), event_id="Ev1")
    bot.fake.wait_for("chat.postMessage")
    follow = mention("<@UBOT> og i 2021?", ts="1700000001.000100", thread_ts="1699999999.000100")
    bot.event(follow, event_id="Ev2")
    posts = bot.fake.wait_for("chat.postMessage", 2)
    assert bot.asked[1][0] == "Hvad blev besluttet om adgangskontrol i 2021?"
    assert posts[1]["thread_ts"] == "1699999999.000100"
    assert "Læst som: Hvad blev besluttet om adgangskontrol i 2021?" in all_text(posts[1]["blocks"])


def thread_reply(text: str, ts: str, root: str = "1699999999.000100", **extra) -> dict:
    """A message in a channel thread, as message.channels delivers it (no mention of Referent)."""
    return {"type": "message", "channel_type": "channel", "user": "U2", "text": text, "ts": ts, "channel": "C1",
            "thread_ts": root, **extra}  # fmt: skip


def test_thread_follow_up_without_mention_in_a_thread_referent_answered(make_bot) -> None:
    bot = make_bot()
    bot.event(mention("<@UBOT> Hvad blev besluttet om adgangskontrol?"), event_id="Ev1")
    bot.fake.wait_for("chat.postMessage")
    bot.event(thread_reply("hvem foreslog det?", "1700000001.000100"), event_id="Ev2")
    posts = bot.fake.wait_for("chat.postMessage", 2)
    assert posts[1]["thread_ts"] == "1699999999.000100" and posts[1]["channel"] == "C1"
    assert bot.asked[1][0] == "hvem foreslog det om adgangskontrol?"
    # A new topic in the same thread starts fresh; chatter that asks nothing gets no reply.
    bot.event(thread_reply("Hvem tager bagvagten i uge 30?", "1700000002.000100"), event_id="Ev3")
    bot.event(thread_reply("super, tak", "1700000003.000100"), event_id="Ev4")
    bot.fake.wait_for("chat.postMessage", 3)
    time.sleep(QUIET)
    assert len(bot.fake.calls_to("chat.postMessage")) == 3
    assert [q for q, _ in bot.asked] == [
        "Hvad blev besluttet om adgangskontrol?", "hvem foreslog det om adgangskontrol?", "Hvem tager bagvagten i uge 30?"
    ]  # fmt: skip


def test_unmentioned_thread_messages_elsewhere_are_left_alone(make_bot) -> None:
    bot = make_bot()
    bot.event(thread_reply("og i 2021?", "1700000001.000100", root="1600000000.000100"), event_id="Ev1")
    bot.event({**thread_reply("og i 2021?", "1700000002.000100"), "thread_ts": None}, event_id="Ev2")  # top level
    time.sleep(QUIET)
    assert not bot.fake.calls_to("chat.postMessage") and not bot.asked


def test_a_mention_in_a_thread_is_answered_once_though_it_comes_as_two_events(make_bot) -> None:
    bot = make_bot()
    bot.event(mention("<@UBOT> Hvad blev besluttet om adgangskontrol?"), event_id="Ev1")
    bot.fake.wait_for("chat.postMessage")
    text = "<@UBOT> og i 2021?"
    bot.event(thread_reply(text, "1700000001.000100"), event_id="Ev2")  # message.channels
    bot.event(mention(text, ts="1700000001.000100", thread_ts="1699999999.000100"), event_id="Ev3")
    bot.fake.wait_for("chat.postMessage", 2)
    time.sleep(QUIET)
    assert len(bot.fake.calls_to("chat.postMessage")) == 2 and len(bot.asked) == 2


def test_direct_messages_are_one_conversation(make_bot) -> None:
    bot = make_bot()
    bot.event(dm("Hvad blev besluttet om adgangskontrol?"), event_id="Ev1")
    (first,) = bot.fake.wait_for("chat.postMessage")
    bot.event(dm("og i 2021?", ts="1699999999.000300"), event_id="Ev2")
    posts = bot.fake.wait_for("chat.postMessage", 2)
    assert bot.asked[1][0] == "Hvad blev besluttet om adgangskontrol i 2021?" and "thread_ts" not in posts[1]
    # A thread started on Referent's first answer (the fake numbers its posts from 1700000000.000001)
    # continues the conversation there, in that thread.
    bot.event(dm("hvem foreslog det?", ts="1699999999.000400", thread_ts="1700000000.000001"), event_id="Ev3")
    posts = bot.fake.wait_for("chat.postMessage", 3)
    assert bot.asked[2][0] == "hvem foreslog det om adgangskontrol?"
    assert posts[2]["thread_ts"] == "1700000000.000001"
    assert first["channel"] == "D1"


def assistant_started(channel: str = "D9", root: str = "1700000100.000100") -> dict:
    return {"type": "assistant_thread_started", "event_ts": "1700000100.000200",
            "assistant_thread": {"user_id": "U1", "channel_id": channel, "thread_ts": root, "context": {}}}  # fmt: skip


def test_assistant_thread_gets_a_greeting_and_prompts_the_minutes_answer(make_bot) -> None:
    seen: list = []

    def examples(fora):
        seen.append(fora)
        return ["Hvad blev besluttet om adgangskontrol?", "Hvad blev besluttet om " + "en meget lang sag " * 10 + "?"]

    bot = make_bot(cfg=Config(dm_fora=["Chefforum"]), examples=examples)
    assert bot.event(assistant_started(), event_id="Ev1").status_code == 200
    (prompts,) = bot.fake.wait_for("assistant.threads.setSuggestedPrompts")
    (greeting,) = bot.fake.wait_for("chat.postMessage")
    assert greeting["channel"] == "D9" and greeting["thread_ts"] == "1700000100.000100" and "Hej" in greeting["text"]
    shown = json.loads(prompts["prompts"]) if isinstance(prompts["prompts"], str) else prompts["prompts"]
    assert shown[0] == {
        "title": "Hvad blev besluttet om adgangskontrol?",
        "message": "Hvad blev besluttet om adgangskontrol?",
    }
    assert len(shown[1]["title"]) <= 75 and shown[1]["message"].endswith("?")
    assert prompts["channel_id"] == "D9" and prompts["thread_ts"] == "1700000100.000100"
    assert seen == [Access.of({"Chefforum"})]  # the prompts come from the minutes a DM may see


def test_assistant_message_shows_a_status_then_answers_in_its_thread(make_bot) -> None:
    bot = make_bot()
    bot.event(assistant_started(), event_id="Ev1")
    bot.fake.wait_for("chat.postMessage")
    question = dm("Hvad blev besluttet om adgangskontrol?", ts="1700000101.000100", channel="D9",
                  thread_ts="1700000100.000100")  # fmt: skip
    bot.event(question, event_id="Ev2")
    posts = bot.fake.wait_for("chat.postMessage", 2)
    (status,) = bot.fake.calls_to("assistant.threads.setStatus")
    assert status["thread_ts"] == "1700000100.000100" and status["status"]
    methods = [m for m, _ in bot.fake.calls if m in ("assistant.threads.setStatus", "chat.postMessage")]
    assert methods == ["chat.postMessage", "assistant.threads.setStatus", "chat.postMessage"]  # status first
    assert posts[1]["thread_ts"] == "1700000100.000100" and QUOTE in all_text(posts[1]["blocks"])
    bot.event({**question, "text": "og i 2021?", "ts": "1700000102.000100"}, event_id="Ev3")
    bot.fake.wait_for("chat.postMessage", 3)
    assert bot.asked[-1][0] == "Hvad blev besluttet om adgangskontrol i 2021?"


def test_slash_command_is_private_unless_shared(make_bot) -> None:
    bot = make_bot()
    response = bot.command("adgangskontrol")
    assert response.status_code == 200
    (private,) = bot.fake.wait_for("response:cmd")
    assert private["response_type"] == "ephemeral" and QUOTE in all_text(private["blocks"])
    bot.command("del adgangskontrol")
    shared = bot.fake.wait_for("response:cmd", 2)[1]
    assert shared["response_type"] == "in_channel"
    assert [q for q, _ in bot.asked] == ["adgangskontrol", "adgangskontrol"]
    assert not bot.fake.calls_to("chat.postMessage")


def test_bad_signature_is_refused_and_nothing_posted(make_bot) -> None:
    bot = make_bot()
    assert bot.event(mention("<@UBOT> adgangskontrol"), secret="wrong").status_code == 401
    time.sleep(QUIET)
    assert not bot.fake.calls_to("chat.postMessage") and not bot.asked


def test_retried_event_posts_once(make_bot) -> None:
    bot = make_bot()
    bot.event(mention("<@UBOT> adgangskontrol"), event_id="EvSame")
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert bot.event(mention("<@UBOT> adgangskontrol"), event_id="EvSame", headers=retry).status_code == 200
    bot.fake.wait_for("chat.postMessage")
    time.sleep(QUIET)
    assert len(bot.fake.calls_to("chat.postMessage")) == 1 and len(bot.asked) == 1


def test_vote_is_handed_to_the_store_with_the_user_and_thanked(make_bot) -> None:
    bot = make_bot()
    bot.event(mention("<@UBOT> adgangskontrol"))
    (post,) = bot.fake.wait_for("chat.postMessage")
    (actions,) = [b for b in post["blocks"] if b["type"] == "actions"]
    down = next(e for e in actions["elements"] if e["text"]["text"] == "👎")
    assert bot.click({**down, "block_id": actions["block_id"], "type": "button"}).status_code == 200
    (thanks,) = bot.fake.wait_for("response:vote")
    assert "Tak" in thanks["text"] and thanks["response_type"] == "ephemeral"
    (vote,) = bot.votes
    assert vote["vote"] == -1 and vote["platform"] == "slack" and vote["question"] == "adgangskontrol"
    assert vote["item_ids"] == ["chefforum-2017-11-15#6", "chefforum-2018-01-10#3"]
    # The store keeps only its keyed hash of the id (tests/test_privacy.py, test_store.py).
    assert vote["user_id"] == "U1" and vote["created_at"]


@pytest.mark.parametrize("text", ["<@UBOT>", "<@UBOT> :tada: 🎉"])
def test_empty_mention_gets_danish_prompt(make_bot, text: str) -> None:
    bot = make_bot()
    bot.event(mention(text))
    (post,) = bot.fake.wait_for("chat.postMessage")
    assert post["text"] == EMPTY and not bot.asked


def test_too_long_question_is_not_answered(make_bot) -> None:
    bot = make_bot()
    bot.event(mention("<@UBOT> " + "adgangskontrol " * 700))
    (post,) = bot.fake.wait_for("chat.postMessage")
    assert post["text"] == TOO_LONG and not bot.asked


def test_answer_error_gets_danish_apology_not_a_trace(make_bot) -> None:
    def broken(question: str, fora: Access | None) -> Answer:
        raise RuntimeError("database is locked")

    bot = make_bot(answer_fn=broken)
    bot.event(mention("<@UBOT> adgangskontrol"))
    (post,) = bot.fake.wait_for("chat.postMessage")
    assert "Beklager" in post["text"] and "database" not in all_text(post)


def test_rate_limited_post_is_retried_after_retry_after(make_bot) -> None:
    bot = make_bot()
    bot.fake.fail_next("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
    bot.event(mention("<@UBOT> adgangskontrol"))
    posts = bot.fake.wait_for("chat.postMessage", 2)
    time.sleep(QUIET)
    assert len(bot.fake.calls_to("chat.postMessage")) == 2 == len(posts)  # one refused, one posted
    assert QUOTE in all_text(posts[1]["blocks"])


def test_channel_not_found_is_logged_and_the_app_carries_on(make_bot) -> None:
    bot = make_bot()
    bot.fake.fail_next("chat.postMessage", 200, {"ok": False, "error": "channel_not_found"})
    bot.event(mention("<@UBOT> adgangskontrol"), event_id="Ev1")
    bot.fake.wait_for("chat.postMessage")
    bot.event(mention("<@UBOT> ID-kort", ts="1700000002.000100"), event_id="Ev2")
    assert len(bot.fake.wait_for("chat.postMessage", 2)) == 2


def test_user_asking_too_often_is_asked_to_wait(make_bot) -> None:
    bot = make_bot(questions_per_minute=2)
    for n in range(3):
        bot.event(mention(f"<@UBOT> spørgsmål {n}", ts=f"1700000000.00010{n}"), event_id=f"Ev{n}")
    posts = bot.fake.wait_for("chat.postMessage", 3)
    assert [p["text"] for p in posts].count(RATE_LIMITED) == 1 and len(bot.asked) == 2


def test_channel_only_sees_its_fora(make_bot) -> None:
    bot = make_bot(cfg=Config(channel_fora={"slack": {"C1": ["Økonomiudvalget"]}}))
    bot.event(mention("<@UBOT> adgangskontrol"))  # the fake answerer ignores fora; the app must not
    (post,) = bot.fake.wait_for("chat.postMessage")
    assert bot.asked[0][1] == Access.of({"Økonomiudvalget"})
    assert QUOTE not in all_text(post["blocks"]) and NO_ANSWER_HINT in post["text"]


def test_client_from_env_aims_at_slack_api_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    client = slack_client_from_env()
    assert isinstance(client, WebClient) and client.base_url == "http://127.0.0.1:9/api/"


def test_http_mode_refuses_to_run_without_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    client = WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/")
    bolt = create_slack_app(Asker(sample_answer, Config()), client)
    with pytest.raises(ValueError):
        mount_slack(FastAPI(), bolt)


# ---- rendering -----------------------------------------------------------------------------


def test_no_answer_is_danish_with_suggestions() -> None:
    answer = Answer("parkering?", no_answer=True, message="Jeg fandt ikke et sikkert svar.", suggestions=[hit()])
    text, blocks = answer_blocks(answer, question="parkering?")
    shown = all_text(blocks)
    assert "Jeg fandt ikke et sikkert svar." in text and NO_ANSWER_HINT in shown
    assert "Chefforum, 15. november 2017, punkt 6" in shown and URL in shown
    assert not [b for b in blocks if b["type"] == "actions"]


def test_english_question_gets_danish_reply(make_bot) -> None:
    bot = make_bot()
    bot.event(mention("<@UBOT> what was decided about parking?"))
    (post,) = bot.fake.wait_for("chat.postMessage")
    assert post["text"] == ENGLISH and "på dansk" in post["text"] and not bot.asked


def test_markup_is_escaped() -> None:
    answer = sample_answer("x")
    answer.answers[0].quotes[0].text = "Brug <script>alert(1)</script> & andet"
    answer.answers[0].item.title = "A<b> & C"
    text, blocks = answer_blocks(answer, question="x")
    shown = "".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; andet" in shown and "<script>" not in shown
    assert "A&lt;b&gt; &amp; C" in shown and "<script>" not in text and "&amp;" in text


def test_long_quote_is_cut_within_slack_limits() -> None:
    answer = sample_answer("x")
    sentence = "Chefforum besluttede at der benyttes ID-kort & adgangskort. "
    answer.answers[0].quotes = [Quote("Beslutning", sentence * 170)] * 6  # ~10,000 characters each
    answer.answers[0].case_history *= 40
    text, blocks = answer_blocks(answer, question="x")
    assert len(blocks) <= MAX_BLOCKS and len(text) <= SECTION_LIMIT
    for block in blocks:
        for piece in [block.get("text")] + block.get("elements", []):
            if piece and "text" in piece and isinstance(piece["text"], str):
                assert len(piece["text"]) <= SECTION_LIMIT
    quote = next(b["text"]["text"] for b in blocks if "Beslutning" in b.get("text", {}).get("text", ""))
    assert quote.split("\n_")[0].endswith("adgangskort.")  # cut at a sentence, not mid-word


def test_manifest_subscribes_to_what_the_app_listens_to_with_the_scopes_it_needs() -> None:
    yaml = pytest.importorskip("yaml")
    manifest = yaml.safe_load((Path(__file__).resolve().parents[1] / "config" / "slack-manifest.yml").read_text())
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needs = {"app_mention": "app_mentions:read", "message.im": "im:history", "message.channels": "channels:history",
             "message.groups": "groups:history", "assistant_thread_started": "assistant:write",
             "assistant_thread_context_changed": "assistant:write"}  # fmt: skip
    assert set(needs) <= events
    assert {needs[e] for e in events} <= scopes and {"chat:write", "commands"} <= scopes
    assert manifest["features"]["assistant_view"]["assistant_description"]
    assert manifest["features"]["slash_commands"][0]["command"] == "/referat"
