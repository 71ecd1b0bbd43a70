"""Microsoft Teams adapter, built on the Teams SDK for Python (microsoft-teams-apps).

The SDK's `App` does the Teams protocol: it validates the Bot Connector's JWT on every incoming
activity, parses and routes it, and sends replies to the activity's serviceUrl. Our own FastAPI
server owns HTTP, so the `App` gets an adapter that merely captures the route the SDK wants to
register; `mount_teams` puts that handler on the server's app.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from microsoft_teams.api import (  # type: ignore[attr-defined]  # re-exported via __all__.extend
    Account,
    AdaptiveCardActionMessageResponse,
    AdaptiveCardInvokeActivity,
    Attachment,
    ConversationAccount,
    ConversationReference,
    ConversationUpdateActivity,
    InstalledActivity,
    InvokeResponse,
    MessageActivity,
    MessageActivityInput,
)
from microsoft_teams.api.activities.utils import StripMentionsTextOptions, strip_mentions_text
from microsoft_teams.apps import ActivityContext, App
from microsoft_teams.apps.http.adapter import HttpRequest, HttpResponse, HttpRouteHandler
from microsoft_teams.common import ClientOptions

from bot import texts
from bot.asker import Asker, Place
from bot.follow import Follows, Where
from bot.limits import read_body
from bot.render.follow import UNFOLLOW_VERB
from bot.render.teams import FOLLOW_VERB, VOTE_VERB, answer_card

log = logging.getLogger(__name__)

MAX_BODY = 256 * 1024  # Teams activities are a few KB; anything this big is not from Teams
HTTP_TIMEOUT = 15.0  # the SDK's default is no timeout at all, which could hang a reply forever
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
_TEST_KEY = "referent-tests-only-never-a-real-secret"


@dataclass(frozen=True)
class TeamsCredentials:
    client_id: str
    client_secret: str = field(repr=False)
    tenant_id: str


def teams_credentials_from_env(environ: Mapping[str, str] | None = None) -> TeamsCredentials | None:
    """CLIENT_ID, CLIENT_SECRET and TENANT_ID, or None unless all three are set."""
    env = os.environ if environ is None else environ
    values = [env.get(k, "").strip() for k in ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID")]
    return TeamsCredentials(*values) if all(values) else None


# ---- reading questions ---------------------------------------------------------------------

_AT = re.compile(r"<at\b[^>]*>(.*?)</at>", re.S | re.I)
_LEADING_AT = re.compile(r"^\s*<at\b[^>]*>.*?</at>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def question_text(activity: MessageActivity) -> str:
    """The user's question without the bot's @mention; other people's mentions keep their names."""
    raw = activity.text or ""
    text = strip_mentions_text(activity, StripMentionsTextOptions(account_id=activity.recipient.id)) or ""
    if text == raw.strip() and not _is_personal(activity):
        # Teams sometimes leaves out the mention entity; the bot's tag then leads the text.
        text = _LEADING_AT.sub("", text)
    text = html.unescape(_TAG.sub(" ", _AT.sub(r"\1", text)))
    return " ".join(text.split())


def user_id(account: Account) -> str:
    """The person behind a Teams account: the Entra object id, else the Teams id."""
    return account.aad_object_id or account.id


def _is_personal(activity: Any) -> bool:
    return activity.conversation.conversation_type == "personal"


# ---- conversation references ---------------------------------------------------------------


def place_id(activity: Any) -> str:
    """The channel (or chat) id without ';messageid=…', as config/referent.toml's [access.teams] uses it."""
    data = activity.channel_data
    channel = data.channel.id if data and data.channel else None
    return channel or activity.conversation.id.split(";")[0]


def conversation_payload(activity: Any) -> dict:
    """What conversation_fn stores so the digest can later post to this channel or chat."""
    data = activity.channel_data
    # The bare channel id: a proactive post then starts a new thread instead of landing in an old one.
    conversation_id = place_id(activity)
    tenant = activity.conversation.tenant_id or (data.tenant.id if data and data.tenant else None)
    reference = ConversationReference(
        service_url=activity.service_url,
        channel_id="msteams",
        bot=Account(id=activity.recipient.id, name=activity.recipient.name),
        conversation=ConversationAccount(
            id=conversation_id,
            tenant_id=tenant,
            conversation_type=activity.conversation.conversation_type,
            is_group=activity.conversation.is_group,
        ),
    )
    return {
        "platform": "teams",
        "channel_id": conversation_id,
        "team_id": data.team.id if data and data.team else None,
        "service_url": activity.service_url,
        "tenant_id": tenant,
        "reference": reference.model_dump(mode="json", exclude_none=True),
    }


def card_message(card: dict, **fields: Any) -> MessageActivityInput:
    # The card stays a plain dict: round-tripping it through the SDK's card model could drop fields.
    return MessageActivityInput(**fields).add_attachments(Attachment(content_type=CARD_TYPE, content=card))


# ---- the bot -------------------------------------------------------------------------------


class _RouteCapture:
    """HttpServerAdapter that keeps the SDK's route handlers instead of serving them itself."""

    def __init__(self) -> None:
        self.routes: dict[str, HttpRouteHandler] = {}

    def register_route(self, method: str, path: str, handler: HttpRouteHandler) -> None:
        self.routes[path] = handler

    def serve_static(self, path: str, directory: str) -> None:
        raise NotImplementedError("Referent serves no Teams tabs")

    async def start(self, port: int) -> None:
        raise NotImplementedError("`referent serve` runs the web server")

    async def stop(self) -> None:
        return None


def _new_app(
    credentials: TeamsCredentials | None, adapter: _RouteCapture, *, test_token: str | None, **options: Any
) -> App:
    options.update(client=ClientOptions(timeout=HTTP_TIMEOUT), http_server_adapter=adapter)
    if test_token is None:
        if credentials is None:
            raise ValueError("Teams needs CLIENT_ID, CLIENT_SECRET and TENANT_ID")
        # Passed explicitly: otherwise the SDK reads DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS
        # from the environment, a switch a deployment could leave on by mistake.
        return App(client_id=credentials.client_id, client_secret=credentials.client_secret,
                   tenant_id=credentials.tenant_id, dangerously_allow_unauthenticated_requests=False,
                   **options)  # fmt: skip
    # Tests only: a fixed outbound token (no Entra call) and no inbound JWT check (no JWKS fetch).
    # The SDK parses outbound tokens as JWTs, so the test label travels as the `sub` claim.
    token = jwt.encode({"sub": test_token, "exp": int(time.time()) + 3600}, _TEST_KEY, algorithm="HS256")
    return App(client_id=credentials.client_id if credentials else "referent-test",
               token=lambda scope, tenant=None: token,
               dangerously_allow_unauthenticated_requests=True, **options)  # fmt: skip


class TeamsBot:
    """The SDK App with Referent's handlers; `mount_teams` serves it, `handle` feeds it."""

    def __init__(
        self,
        app: App,
        routes: _RouteCapture,
        asker: Asker,
        conversation_fn: Callable[[dict], None],
        follows: Follows | None = None,
    ) -> None:
        self.app, self._routes = app, routes
        self._asker, self._conversation_fn, self._follows = asker, conversation_fn, follows
        self._known: set[str] = set()
        self._initialized = False
        app.on_message(self._on_message)
        app.on_card_action(self._on_card_action)
        app.on_conversation_update(self._on_conversation_update)
        app.on_install_add(self._on_install)

    async def handle(self, body: dict, headers: Mapping[str, str]) -> HttpResponse:
        """Authenticate and process one Bot Connector POST; returns the SDK's status and body."""
        if not self._initialized:
            await self.app.initialize()  # registers the messaging route on our capturing adapter
            self._initialized = True
        endpoint = self._routes.routes[self.app.server.messaging_endpoint]
        return await endpoint(HttpRequest(body=body, headers=dict(headers)))

    async def _on_message(self, ctx: ActivityContext[MessageActivity]) -> None:
        activity = ctx.activity
        await self._remember(activity)
        try:
            reply: str | dict = await self._reply(activity)
        except Exception:
            log.exception("Teams question failed")
            reply = texts.ERROR
        fields = {"reply_to_id": activity.id}
        message = (
            MessageActivityInput(text=reply, **fields) if isinstance(reply, str) else card_message(reply, **fields)
        )
        try:
            await ctx.send(message)
        except Exception:
            log.exception("Teams reply could not be sent")

    async def _reply(self, activity: MessageActivity) -> str | dict:
        where = _where(activity)
        text, user = question_text(activity), user_id(activity.from_)
        if self._follows is not None:
            # "følg …", "mine" and "stop N" (Teams has no slash commands; "/referat følg …" is read the same)
            command = await asyncio.to_thread(self._follows.handle, text, where, user)
            if command is not None:
                return command
        # A channel's reply chain is its own conversation ("19:…;messageid=<root>"), a chat is one too.
        reply = await asyncio.to_thread(
            self._asker.ask, text, where.place, user=user, thread=activity.conversation.id
        )  # fmt: skip
        if reply.answer is None:
            return reply.notice
        return answer_card(reply.answer, read_as=reply.question if reply.follow_up else "")

    async def _on_card_action(self, ctx: ActivityContext[AdaptiveCardInvokeActivity]) -> InvokeResponse:
        action = ctx.activity.value.action
        data = action.data or {}
        if action.verb in (FOLLOW_VERB, UNFOLLOW_VERB):
            return await self._on_follow_action(ctx.activity, action.verb, data)
        vote = data.get("vote")
        if action.verb != VOTE_VERB or isinstance(vote, bool) or vote not in (1, -1):
            return _invoke_message(texts.UNKNOWN_ACTION)
        raw_ids = data.get("item_ids")
        ids = [i for i in raw_ids if isinstance(i, str)] if isinstance(raw_ids, list) else []
        stored = await asyncio.to_thread(
            self._asker.vote, "teams", str(data.get("question", "")), ids, int(vote), user_id(ctx.activity.from_)
        )
        return _invoke_message(texts.THANKS if stored else texts.VOTE_FAILED)

    async def _on_follow_action(self, activity: AdaptiveCardInvokeActivity, verb: str, data: dict) -> InvokeResponse:
        """ "Følg sagen" under an answer, or Stop under a notice; answered in place, like a vote."""
        follows = self._follows
        item, follow = data.get("item_id"), data.get("follow")
        if follows is None:
            return _invoke_message(texts.UNKNOWN_ACTION)
        await self._remember(activity)  # the notices are posted to this conversation later
        where = _where(activity)
        if verb == FOLLOW_VERB and isinstance(item, str):
            reply, _ = await asyncio.to_thread(follows.follow_item, item, where, user_id(activity.from_))
            return _invoke_message(reply)
        if verb == UNFOLLOW_VERB and isinstance(follow, int) and not isinstance(follow, bool):
            return _invoke_message(await asyncio.to_thread(follows.stop, follow, where))
        return _invoke_message(texts.UNKNOWN_ACTION)

    async def _on_conversation_update(self, ctx: ActivityContext[ConversationUpdateActivity]) -> None:
        bot_id = ctx.activity.recipient.id
        if any(member.id == bot_id for member in ctx.activity.members_added or []):
            await self._remember(ctx.activity, force=True)

    async def _on_install(self, ctx: ActivityContext[InstalledActivity]) -> None:
        await self._remember(ctx.activity, force=True)

    async def _remember(self, activity: Any, *, force: bool = False) -> None:
        """Store the conversation reference on install and on first contact (once per process)."""
        try:
            payload = conversation_payload(activity)
            if force or payload["channel_id"] not in self._known:
                await asyncio.to_thread(self._conversation_fn, payload)
                self._known.add(payload["channel_id"])
        except Exception:
            log.exception("Teams conversation reference could not be stored")


def _where(activity: Any) -> Where:
    """The place [access] knows (a personal chat sees what `dm` allows) and the conversation notices go to."""
    personal = _is_personal(activity)
    return Where(Place("teams", None if personal else place_id(activity), direct=personal), place_id(activity))


def _invoke_message(text: str) -> InvokeResponse:
    return InvokeResponse(status=200, body=AdaptiveCardActionMessageResponse(value=text))


def create_teams_bot(
    asker: Asker,
    *,
    conversation_fn: Callable[[dict], None],
    credentials: TeamsCredentials | None,
    follows: Follows | None = None,
    _unauthenticated_for_tests: bool = False,
) -> TeamsBot:
    """The Teams bot over `asker` (bot.asker), which validates, limits, applies access and keeps each
    reply chain's conversation; `follows` (bot.follow) takes "følg", "mine", "stop" and their card buttons.
    `credentials` are required; only tests may pass `_unauthenticated_for_tests`."""
    routes = _RouteCapture()
    app = _new_app(credentials, routes, test_token="test-token" if _unauthenticated_for_tests else None)
    return TeamsBot(app, routes, asker, conversation_fn, follows)


def mount_teams(fastapi_app: FastAPI, bot: TeamsBot, path: str = "/api/messages") -> None:
    """Serve the bot's messaging endpoint on our FastAPI app."""

    @fastapi_app.post(path, include_in_schema=False)
    async def teams_messages(request: Request) -> Response:
        body = await _read_json(request)
        if body is None:
            return JSONResponse({"error": "Bad request"}, status_code=400)
        result = await bot.handle(body, request.headers)
        if result.get("body") is None:
            return Response(status_code=result["status"])
        return JSONResponse(result["body"], status_code=result["status"])


async def _read_json(request: Request) -> dict | None:
    raw = await read_body(request, MAX_BODY)
    if raw is None:
        return None
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


# ---- proactive posts (the digest) ----------------------------------------------------------


async def send_proactive_async(
    reference: Mapping[str, Any],
    card: dict,
    *,
    credentials: TeamsCredentials | None,
    _token_for_tests: str | None = None,
) -> str:
    """Post an Adaptive Card to a stored conversation; returns the new activity's id.

    `reference` is what conversation_fn received, or its "reference" part.
    """
    ref = ConversationReference.model_validate(reference.get("reference", reference))
    # A fresh App per post: the digest runs on its own event loop, and the SDK's HTTP clients
    # must not be shared between loops.
    app = _new_app(credentials, _RouteCapture(), test_token=_token_for_tests, service_url=ref.service_url)
    try:
        await app.initialize()
        sent = await app.send(ref.conversation.id, card_message(card), service_url=ref.service_url)
        return sent.id
    finally:
        await app.api.http.http.aclose()
        await app.http_client.http.aclose()


def send_proactive(
    reference: Mapping[str, Any],
    card: dict,
    *,
    credentials: TeamsCredentials | None,
    _token_for_tests: str | None = None,
) -> str:
    """Blocking `send_proactive_async` for the scheduler's worker thread (no running event loop)."""
    return asyncio.run(
        send_proactive_async(reference, card, credentials=credentials, _token_for_tests=_token_for_tests)
    )
