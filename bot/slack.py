"""The Slack app: mentions, direct messages, thread replies, the assistant panel, /referat and 👍/👎
votes, over Socket Mode or HTTP.

Everything Slack-specific stays here and in bot.render.slack; questions go to a `bot.asker.Asker`, so
tests hand the app an Asker over a fake answerer and a client aimed at a local fake API. A thread is a
conversation: a reply in a thread Referent answered in is read as a follow-up, mention or not.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from slack_bolt import App, Assistant, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot import texts
from bot.asker import Asker, Place, Reply
from bot.follow import Follows, Where
from bot.followup import looks_like_question
from bot.limits import read_body
from bot.render import slack as render
from bot.render.common import cut
from bot.render.follow import UNFOLLOW
from index.access import Access

log = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"
COMMAND = "/referat"
REMEMBERED = 2000  # event ids kept in memory against Slack's retries; old ones are forgotten first
MAX_BODY = 1024 * 1024  # Slack's events and commands are a few KB; nothing larger is read at all
MAX_PROMPTS = 4  # Slack shows at most four suggested prompts
PROMPT_TITLE = 75


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

    def _put(self, key: Any, value: Any) -> None:
        self._data[key] = value
        while len(self._data) > self._size:
            self._data.popitem(last=False)


# ---- question text -------------------------------------------------------------------------

_USER_MENTION = re.compile(r"<[@!][^<>]*>")
_LABELLED = re.compile(r"<[^<>|]+\|([^<>]*)>")
_BARE = re.compile(r"<([^<>]*)>")
_SHARE = re.compile(r"^\s*del\b[\s,:]*", re.IGNORECASE)


def clean_question(text: str) -> str:
    """Slack markup -> the words the user typed: mentions dropped, links to their labels."""
    text = _USER_MENTION.sub(" ", text or "")
    text = _LABELLED.sub(r"\1", text)
    text = _BARE.sub(r"\1", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def split_share(text: str) -> tuple[bool, str]:
    """'/referat del …' shares the answer with the channel.

    Only a leading "del" counts: a question may well end in "… hvilken del", and sharing by mistake
    is worse than answering privately by mistake.
    """
    stripped = _SHARE.sub("", text).strip()
    return stripped != text.strip(), stripped


def _post(client: WebClient, **kwargs: Any) -> dict | None:
    try:
        return client.chat_postMessage(**kwargs).data  # type: ignore[return-value]
    except SlackApiError as err:
        log.warning("chat.postMessage failed: %s", err.response.get("error"))
    except Exception:
        log.exception("chat.postMessage failed")
    return None


def render_reply(reply: Reply) -> tuple[str, list[dict]]:
    """(fallback text, blocks) for an answer or a notice."""
    if reply.answer is None:
        return render.message(reply.notice)
    return render.answer_blocks(reply.answer, read_as=reply.question if reply.follow_up else "")


def _prompts(questions: list[str]) -> list[dict[str, str]]:
    # A prompt's title is what the panel shows; the message is what it sends when clicked.
    return [{"title": cut(q, PROMPT_TITLE), "message": q} for q in questions]


def create_slack_app(
    asker: Asker,
    client: WebClient,
    *,
    examples: Callable[[Access | None], list[str]] | None = None,
    signing_secret: str | None = None,
    follows: Follows | None = None,
) -> App:
    """The bolt app over `asker` (bot.asker), which validates, limits, applies access and keeps each
    thread's conversation. `examples(access)` gives the assistant panel's suggested prompts; `follows`
    (bot.follow) takes "følg", "mine" and "stop" and the "Følg sagen" and stop buttons.
    `signing_secret` is needed for HTTP only (None reads SLACK_SIGNING_SECRET)."""
    app = App(
        client=_with_rate_limit_retry(client),
        signing_secret=signing_secret,
        # No network at construction: auth.test runs on the first event instead.
        token_verification_enabled=False,
    )
    seen = _Recent()

    def answer(event: dict, body: dict, *, place: Place, thread: str, reply_in: str | None) -> None:
        """Ask, post the reply (in `reply_in`, a thread ts, or at the top of a DM) and remember the thread."""
        channel, ts = event.get("channel", ""), event.get("ts", "")
        if not seen.first_time(body.get("event_id"), (channel, ts)):
            return  # a Slack retry, or the same message delivered as two event types
        question, user = clean_question(event.get("text", "")), event.get("user") or ""
        command = follows.handle(question, Where(place, channel), user) if follows else None
        if command is not None:
            _post(client, channel=channel, thread_ts=reply_in, text=command, blocks=render.message(command)[1])
            return
        reply = asker.ask(question, place, user=user or None, thread=thread)
        text, blocks = render_reply(reply)
        posted = _post(client, channel=channel, thread_ts=reply_in, text=text, blocks=blocks, unfurl_links=False)
        if posted and not reply_in:
            # A top-level DM answer: a thread started on the question or the answer continues the DM.
            asker.carry("slack", thread, *(f"{channel}:{t}" for t in (ts, posted.get("ts")) if t))

    @app.event("app_mention")
    def on_mention(event: dict, body: dict) -> None:
        if event.get("bot_id") or event.get("channel_type") == "im":
            return  # other bots could loop us; DMs arrive as message.im as well
        channel, root = event.get("channel", ""), event.get("thread_ts") or event.get("ts", "")
        answer(event, body, place=Place("slack", channel), thread=f"{channel}:{root}", reply_in=root)

    @app.event("message")
    def on_message(event: dict, body: dict, context: BoltContext) -> None:
        if event.get("subtype") or event.get("bot_id"):
            return  # edits, deletions, joins and bot posts are not questions
        channel, root = event.get("channel", ""), event.get("thread_ts")
        if event.get("channel_type") == "im":
            # A direct message is one conversation (threads in a DM go to the assistant handler below).
            answer(event, body, place=Place("slack", channel, direct=True), thread=channel, reply_in=root)
            return
        text = event.get("text", "")
        bot_user = context.bot_user_id or ""
        if not root or (bot_user and f"<@{bot_user}>" in text):
            return  # only thread replies; a mention of Referent arrives as app_mention
        thread = f"{channel}:{root}"
        # Unaddressed, Referent speaks only where it answered already, and only to a question.
        if looks_like_question(clean_question(text)) and asker.answered_in("slack", thread):
            answer(event, body, place=Place("slack", channel), thread=thread, reply_in=root)

    assistant = Assistant()

    @assistant.thread_started
    def on_assistant_started(event: dict, set_suggested_prompts: Callable) -> None:
        thread = event.get("assistant_thread") or {}
        channel, root = thread.get("channel_id", ""), thread.get("thread_ts", "")
        _post(client, channel=channel, thread_ts=root, text=texts.ASSISTANT_GREETING)
        questions = examples(asker.access(Place("slack", channel, direct=True))) if examples else []
        if questions:
            try:
                set_suggested_prompts(prompts=_prompts(questions[:MAX_PROMPTS]))
            except Exception:
                log.exception("setting the assistant's suggested prompts failed")

    @assistant.thread_context_changed
    def on_assistant_context(ack: Callable) -> None:
        ack()  # which channel the user looks at does not change which minutes they may see

    @assistant.user_message
    def on_assistant_message(event: dict, body: dict, set_status: Callable) -> None:
        channel, root = event.get("channel", ""), event.get("thread_ts", "")
        try:
            set_status(status=texts.ASSISTANT_STATUS)  # Slack clears it when the reply is posted
        except Exception:
            log.warning("assistant.threads.setStatus failed")
        # The assistant panel's threads, and any thread in a DM, are conversations of their own.
        answer(event, body, place=Place("slack", channel, direct=True), thread=f"{channel}:{root}", reply_in=root)

    app.assistant(assistant)

    @app.command(COMMAND)
    def on_command(ack: Callable, command: dict, respond: Callable) -> None:
        ack()  # within Slack's 3 seconds; the answer follows through response_url
        share, text = split_share(command.get("text", ""))
        channel = command.get("channel_id", "")
        direct = channel.startswith("D") or command.get("channel_name") == "directmessage"
        place = Place("slack", channel, direct=direct)
        followed = follows.handle(clean_question(text), Where(place, channel), command.get("user_id") or "") if (
            follows and not share) else None  # fmt: skip
        if followed is not None:
            try:
                respond(text=followed, blocks=render.message(followed)[1], response_type="ephemeral")
            except Exception:
                log.exception("responding to %s failed", COMMAND)
            return
        # Each /referat stands alone: its answer is private, there is no thread to continue.
        reply = asker.ask(clean_question(text), place, user=command.get("user_id"))
        fallback, blocks = render_reply(reply)
        try:
            respond(text=fallback, blocks=blocks, response_type="in_channel" if share else "ephemeral")
        except Exception:
            log.exception("responding to %s failed", COMMAND)

    def on_vote(ack: Callable, body: dict, action: dict, respond: Callable) -> None:
        ack()
        question, item_ids = render.parse_vote_value(action.get("value", ""))
        user = (body.get("user") or {}).get("id", "")
        up = action.get("action_id") == render.VOTE_UP
        thanks = texts.THANKS if asker.vote("slack", question, item_ids, 1 if up else -1, user) else texts.VOTE_FAILED
        tell(body, respond, thanks, failing="thanking for a vote")

    app.action(render.VOTE_UP)(on_vote)
    app.action(render.VOTE_DOWN)(on_vote)

    def tell(body: dict, respond: Callable, text: str, *, failing: str = "answering a button click") -> None:
        """An ephemeral note to the person who clicked, under the message they clicked in."""
        user = (body.get("user") or {}).get("id", "")
        try:
            if body.get("response_url"):
                respond(text=text, response_type="ephemeral", replace_original=False)
            else:
                client.chat_postEphemeral(channel=(body.get("channel") or {}).get("id", ""), user=user, text=text)
        except Exception:
            log.exception("%s failed", failing)

    def clicked_at(body: dict) -> Where:
        channel = (body.get("channel") or {}).get("id", "")
        return Where(Place("slack", channel, direct=channel.startswith("D")), channel)

    @app.action(render.FOLLOW)
    def on_follow(ack: Callable, body: dict, action: dict, respond: Callable) -> None:
        ack()
        if follows is None:
            tell(body, respond, texts.UNKNOWN_ACTION)
            return
        user = (body.get("user") or {}).get("id", "")
        tell(body, respond, follows.follow_item(str(action.get("value", "")), clicked_at(body), user)[0])

    @app.action(UNFOLLOW)
    def on_unfollow(ack: Callable, body: dict, action: dict, respond: Callable) -> None:
        ack()
        value = str(action.get("value", ""))
        if follows is None or not value.isdigit():
            tell(body, respond, texts.UNKNOWN_ACTION)
            return
        tell(body, respond, follows.stop(int(value), clicked_at(body)))

    @app.error
    def on_error(error: Exception, body: dict) -> None:
        # Bolt would log and answer 500; never let an error reach the channel as text.
        log.error("slack listener failed: %s", error, exc_info=error)

    return app
