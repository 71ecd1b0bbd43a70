"""The Slack app: mentions, direct messages, /referat and 👍/👎 votes, over Socket Mode or HTTP.

Everything Slack-specific stays here and in bot.render.slack; the app only needs an answering
function and a `WebClient`, so tests hand it a fake answerer and a client aimed at a local fake API.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.limits import RateLimiter, read_body
from bot.metrics import observe_rate_limited
from bot.render import slack as render
from bot.render.common import EMPTY, TOO_LONG, restrict
from index.model import AnswerFn

log = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"
COMMAND = "/referat"
MAX_QUESTION = 2000
QUESTIONS_PER_MINUTE = 10
REMEMBERED = 2000  # threads and event ids kept in memory; old ones are forgotten first
MAX_BODY = 1024 * 1024  # Slack's events and commands are a few KB; nothing larger is read at all

Fora = frozenset[str] | None
ForaFn = Callable[[str, bool], Fora]
FeedbackFn = Callable[[dict], None]


# ---- clients and runners -------------------------------------------------------------------


def _with_rate_limit_retry(client: WebClient) -> WebClient:
    # Slack answers 429 with Retry-After; the handler sleeps that long and tries again.
    if not any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers):
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    return client


def slack_client_from_env() -> WebClient:
    """A WebClient from SLACK_BOT_TOKEN, aimed at SLACK_API_URL (default Slack's own)."""
    token = os.environ.get("SLACK_BOT_TOKEN")
    if not token:
        raise RuntimeError("SLACK_BOT_TOKEN is not set")
    base_url = os.environ.get("SLACK_API_URL") or SLACK_API_URL
    return _with_rate_limit_retry(WebClient(token=token, base_url=base_url.rstrip("/") + "/"))


def mount_slack(fastapi_app: Any, bolt_app: App, path: str = "/slack/events") -> None:
    """Add `POST {path}` (events, /referat, button clicks) to a FastAPI app; bolt checks signatures."""
    from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response

    # An empty secret would make every forged signature "valid"; bolt itself does not refuse it.
    if not getattr(bolt_app, "_signing_secret", ""):
        raise ValueError("HTTP mode needs a signing secret (SLACK_SIGNING_SECRET)")

    async def slack_events(request: Request) -> Response:
        body = await read_body(request, MAX_BODY)
        if body is None:
            # Refused before bolt sees it: an unsigned megabyte must not cost a signature check, and
            # neither the body nor its headers are logged.
            log.warning("refused a Slack request body over %d bytes", MAX_BODY)
            return Response(status_code=413)
        # dispatch is blocking (its first call runs auth.test), so keep it off the event loop.
        bolt_response = await run_in_threadpool(bolt_app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    # A plain Starlette route: bolt reads the raw body itself, FastAPI must not parse or validate it.
    fastapi_app.add_route(path, slack_events, methods=["POST"], include_in_schema=False)


def run_socket_mode(bolt_app: App, app_token: str) -> None:
    """Connect out to Slack over a websocket and serve until interrupted; no public URL needed."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    SocketModeHandler(bolt_app, app_token, web_client=bolt_app.client).start()


# ---- small in-memory state -----------------------------------------------------------------


class _Recent:
    """A bounded map, oldest entry forgotten first; safe across bolt's worker threads."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def first_time(self, *keys: Any) -> bool:
        """True once per key set: checking and marking is one step, so concurrent retries lose."""
        with self._lock:
            if any(k in self._data for k in keys if k):
                return False
            for k in keys:
                if k:
                    self._put(k, True)
            return True

    def get(self, key: Any) -> Any:
        with self._lock:
            return self._data.get(key)

    def setdefault(self, key: Any, value: Any) -> None:
        with self._lock:
            if key not in self._data:
                self._put(key, value)

    def update(self, key: Any, fn: Callable[[Any], tuple[Any, Any]]) -> Any:
        """Store fn(old)[0] under key and return fn(old)[1], as one step."""
        with self._lock:
            value, result = fn(self._data.get(key))
            self._put(key, value)
            return result

    def _put(self, key: Any, value: Any) -> None:
        self._data[key] = value
        while len(self._data) > self._size:
            self._data.popitem(last=False)


# ---- question text -------------------------------------------------------------------------

_USER_MENTION = re.compile(r"<[@!][^<>]*>")
_LABELLED = re.compile(r"<[^<>|]+\|([^<>]*)>")
_BARE = re.compile(r"<([^<>]*)>")
_EMOJI = re.compile(r":[a-z0-9_+'\-]+:")
_SHARE = re.compile(r"^\s*del\b[\s,:]*", re.IGNORECASE)


def clean_question(text: str) -> str:
    """Slack markup -> the words the user typed: mentions dropped, links to their labels."""
    text = _USER_MENTION.sub(" ", text or "")
    text = _LABELLED.sub(r"\1", text)
    text = _BARE.sub(r"\1", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in _EMOJI.sub("", text))


def split_share(text: str) -> tuple[bool, str]:
    """'/referat del …' shares the answer with the channel.

    Only a leading "del" counts: a question may well end in "… hvilken del", and sharing by mistake
    is worse than answering privately by mistake.
    """
    stripped = _SHARE.sub("", text).strip()
    return stripped != text.strip(), stripped


def create_slack_app(
    answer_fn: AnswerFn,
    client: WebClient,
    *,
    feedback_fn: FeedbackFn,
    fora_for: ForaFn,
    signing_secret: str | None = None,
    questions_per_minute: int = QUESTIONS_PER_MINUTE,
    clock: Callable[[], float] = time.monotonic,
) -> App:
    """The bolt app. `signing_secret` is needed for HTTP only (None reads SLACK_SIGNING_SECRET)."""
    app = App(
        client=_with_rate_limit_retry(client),
        signing_secret=signing_secret,
        # No network at construction: auth.test runs on the first event instead.
        token_verification_enabled=False,
    )
    seen = _Recent()
    threads = _Recent()  # (channel, thread ts) -> the thread's first question
    limiter = RateLimiter(questions_per_minute, clock=clock)

    def reply(text: str, user: str | None, fora: Fora, prior: str | None) -> tuple[str, list[dict], str | None]:
        """(fallback, blocks, question asked or None when no question was asked)."""
        if not has_words(text):
            return (*render.message(EMPTY), None)
        if len(text) > MAX_QUESTION:
            return (*render.message(TOO_LONG), None)
        if not limiter.allow(user):
            observe_rate_limited("slack")
            return (*render.message(render.RATE_LIMITED), None)
        question = f"{prior} {text}" if prior else text
        try:
            answer = restrict(answer_fn(question, fora), fora)
            return (*render.answer_blocks(answer, question=question), question)
        except Exception:
            # The user gets a Danish apology; the stack trace goes to the log only.
            log.exception("answering a question of %d characters failed", len(question))
            return (*render.message(render.ERROR), None)

    def post(**kwargs: Any) -> dict | None:
        try:
            return client.chat_postMessage(**kwargs).data  # type: ignore[return-value]
        except SlackApiError as err:
            log.warning("chat.postMessage failed: %s", err.response.get("error"))
        except Exception:
            log.exception("chat.postMessage failed")
        return None

    def answer_message(event: dict, body: dict, *, direct: bool) -> None:
        channel, ts = event.get("channel", ""), event.get("ts", "")
        if not seen.first_time(body.get("event_id"), (channel, ts)):
            return  # a Slack retry, or the same message delivered as two event types
        thread = event.get("thread_ts")
        reply_in = thread if direct else thread or ts
        prior = threads.get((channel, thread)) if thread else None
        fora = fora_for(channel, direct)
        text, blocks, question = reply(clean_question(event.get("text", "")), event.get("user"), fora, prior)
        posted = post(channel=channel, thread_ts=reply_in, text=text, blocks=blocks, unfurl_links=False)
        if posted and question:
            base = prior or question  # follow-ups keep reading against the thread's first question
            for key in (reply_in, ts, posted.get("ts")):
                if key:
                    threads.setdefault((channel, key), base)

    @app.event("app_mention")
    def on_mention(event: dict, body: dict) -> None:
        if event.get("bot_id") or event.get("channel_type") == "im":
            return  # other bots could loop us; DMs arrive as message.im as well
        answer_message(event, body, direct=False)

    @app.event("message")
    def on_message(event: dict, body: dict) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return  # edits, deletions, joins and bot posts are not questions
        answer_message(event, body, direct=True)

    @app.command(COMMAND)
    def on_command(ack: Callable, command: dict, respond: Callable) -> None:
        ack()  # within Slack's 3 seconds; the answer follows through response_url
        share, text = split_share(command.get("text", ""))
        channel = command.get("channel_id", "")
        direct = channel.startswith("D") or command.get("channel_name") == "directmessage"
        fallback, blocks, _ = reply(clean_question(text), command.get("user_id"), fora_for(channel, direct), None)
        try:
            respond(text=fallback, blocks=blocks, response_type="in_channel" if share else "ephemeral")
        except Exception:
            log.exception("responding to %s failed", COMMAND)

    def on_vote(ack: Callable, body: dict, action: dict, respond: Callable) -> None:
        ack()
        question, item_ids = render.parse_vote_value(action.get("value", ""))
        user = (body.get("user") or {}).get("id", "")
        record = {
            "platform": "slack",
            "question": question,
            "item_ids": item_ids,
            "vote": 1 if action.get("action_id") == render.VOTE_UP else -1,
            "user_id": user,  # hashed by the store with the installation's secret; never stored as is
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        thanks = render.THANKS
        try:
            feedback_fn(record)
        except Exception:
            log.exception("storing a vote failed")
            thanks = render.VOTE_FAILED
        try:
            if body.get("response_url"):
                respond(text=thanks, response_type="ephemeral", replace_original=False)
            else:
                client.chat_postEphemeral(channel=(body.get("channel") or {}).get("id", ""), user=user, text=thanks)
        except Exception:
            log.exception("thanking for a vote failed")

    app.action(render.VOTE_UP)(on_vote)
    app.action(render.VOTE_DOWN)(on_vote)

    @app.error
    def on_error(error: Exception, body: dict) -> None:
        # Bolt would log and answer 500; never let an error reach the channel as text.
        log.error("slack listener failed: %s", error, exc_info=error)

    return app
