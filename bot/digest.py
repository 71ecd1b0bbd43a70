"""Post a channel's digest exactly once: select, render, claim the period, post, mark.

Order matters. The period is claimed by a pending run before anything is posted; every platform
reply id is recorded as it arrives; marking the items and closing the run is one transaction after
the last message. A post that fails before any message went out leaves nothing marked and releases
the period, so the next run simply tries again (index.digest.finish_run has the details).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.decisions import Selection, select
from bot.render import digest as render
from index import digest as ledger
from index.access import Access
from index.config import Config
from index.digest import Digest, ItemKey
from index.store import Store

log = logging.getLogger(__name__)

PLATFORMS = ("slack", "teams")
POST_MODES = ("slack", "teams", "stdout")
WEBHOOK_TIMEOUT = 15.0


@dataclass(frozen=True)
class Target:
    """A place that gets a digest: ('slack', 'C0123'), ('teams', '19:…@thread.tacv2') or ('cli', 'stdout')."""

    platform: str
    channel: str

    @classmethod
    def parse(cls, spec: str, platform: str | None = None) -> Target:
        """'slack:C0123' or 'teams:19:…'; a bare id needs `platform`."""
        head, sep, rest = spec.partition(":")
        if sep and head in PLATFORMS and rest:
            return cls(head, rest)
        if platform in PLATFORMS:
            return cls(platform, spec)
        raise ValueError(f"channel {spec!r}: write slack:<channel id> or teams:<conversation id>")

    def __str__(self) -> str:
        return f"{self.platform}:{self.channel}"


CLI_TARGET = Target("cli", "stdout")


def configured_targets(cfg: Config) -> list[Target]:
    return [Target.parse(str(spec)) for spec in cfg.digest.get("channels", [])]


# ---- posting -------------------------------------------------------------------------------


class Poster(Protocol):
    def send(self, payload: Any) -> str:
        """Post one message; return the platform's id for it, or raise."""
        ...


@dataclass
class SlackPoster:
    client: Any  # slack_sdk.WebClient
    channel: str

    def send(self, payload: dict) -> str:
        # SlackApiError (ok: false) raises, so a refused message never counts as posted.
        response = self.client.chat_postMessage(
            channel=self.channel, text=payload["text"], blocks=payload["blocks"], unfurl_links=False, unfurl_media=False
        )
        return str(response["ts"])


@dataclass
class TeamsPoster:
    reference: Mapping[str, Any]
    credentials: Any  # bot.teams.TeamsCredentials | None
    token_for_tests: str | None = None

    def send(self, payload: dict) -> str:
        from bot.teams import send_proactive

        return send_proactive(self.reference, payload, credentials=self.credentials,
                              _token_for_tests=self.token_for_tests)  # fmt: skip


@dataclass
class WebhookPoster:
    """A Teams Workflows webhook: it answers 202 without a message id, so the run id stands in."""

    url: str

    def send(self, payload: dict) -> str:
        import httpx

        response = httpx.post(self.url, json=render.workflow_message(payload), timeout=WEBHOOK_TIMEOUT)
        response.raise_for_status()
        return response.headers.get("x-ms-workflow-run-id") or f"webhook:{response.status_code}"


@dataclass
class StdoutPoster:
    write: Callable[[str], None] = print

    def send(self, payload: str) -> str:
        self.write(payload)
        return "stdout"


def poster_for(
    store: Store, mode: str, target: Target, *, environ: Mapping[str, str] | None = None
) -> SlackPoster | TeamsPoster | WebhookPoster | StdoutPoster:
    """The poster `referent digest` and the scheduler use; raises RuntimeError when one is not set up."""
    env = os.environ if environ is None else environ
    if mode == "stdout":
        return StdoutPoster()
    if mode == "slack":
        from bot.slack import slack_client_from_env

        return SlackPoster(slack_client_from_env(), target.channel)
    from bot.teams import teams_credentials_from_env

    reference = store.conversations("teams").get(target.channel)
    if reference is not None:
        credentials = teams_credentials_from_env(env)
        if credentials is None:
            raise RuntimeError("Teams needs CLIENT_ID, CLIENT_SECRET and TENANT_ID to post")
        return TeamsPoster(reference, credentials)
    if env.get("TEAMS_WEBHOOK_URL"):
        return WebhookPoster(env["TEAMS_WEBHOOK_URL"])
    raise RuntimeError(
        f"no stored Teams conversation for {target.channel} (add the bot to the channel first) "
        "and TEAMS_WEBHOOK_URL is not set"
    )


def messages_for(sel: Selection, mode: str) -> list[render.Message]:
    if mode == "slack":
        return render.slack_messages(sel)
    if mode == "teams":
        return render.teams_cards(sel)
    return [(render.text(sel), [item.id for item in sel.items])]


# ---- one run -------------------------------------------------------------------------------


@dataclass
class RunResult:
    target: Target
    mode: str
    period: str
    status: str  # posted, already, empty, busy, failed, partial, dry-run
    note: str  # one line for the CLI and the log
    digest: Digest | None = None
    selection: Selection | None = None  # what the digest shows of it (bot.decisions)
    payloads: list[Any] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status not in ("failed", "partial")

    def to_dict(self) -> dict:
        return {
            "channel": str(self.target),
            "post": self.mode,
            "period": self.period,
            "status": self.status,
            "note": self.note,
            "message_ids": self.message_ids,
            "digest": self.digest.to_dict() if self.digest else None,
            "listed": [item.id for item in self.selection.items] if self.selection else [],
            "standing": self.selection.standing if self.selection else {},
            "messages": self.payloads,
        }


def run_digest(
    store: Store,
    cfg: Config,
    target: Target,
    *,
    post: str | None = None,
    poster: Poster | None = None,
    since: dt.datetime | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> RunResult:
    """Select, render and (unless `dry_run`) post and mark one channel's digest.

    `post` is slack, teams or stdout (default: the target's own platform); `since` replaces the
    "since the last digest" clock and makes the run its own period; `now` is for tests.
    """
    now = now or dt.datetime.now(dt.UTC)
    mode = post or (target.platform if target.platform in PLATFORMS else "stdout")
    if mode not in POST_MODES:
        raise ValueError(f"unknown --post {mode!r}")
    if mode in PLATFORMS and target.platform != mode:
        raise ValueError(f"cannot post {target} to {mode}")
    settings = cfg.digest
    tz = settings.get("timezone", ledger.TIMEZONE)
    period = ledger.since_period(since) if since else ledger.period_key(now, tz, settings.get("period", "week"))
    # The sent-state is per destination: printing a Slack channel's digest marks nothing for Slack.
    key = (mode, target.channel)

    def result(status: str, note: str, **extra: Any) -> RunResult:
        return RunResult(target, mode, period, status, note, **extra)

    if not dry_run and not ledger.settle_pending(store, *key, now):
        return result("busy", f"{target}: another digest run for this channel is still posting; nothing posted")
    if ledger.posted_run(store, *key, period):
        return result("already", f"{target}: the digest for {period} was posted already; nothing posted")
    explicit = since is not None
    max_age = int(settings.get("max_age_days", ledger.MAX_AGE_DAYS))
    floor = since or ledger.default_since(store, *key, now, int(settings.get("first_days", ledger.FIRST_DAYS)))
    digest = ledger.collect(
        store, cfg, *key, access=_access(cfg, target), since=floor, period=period, now=now,
        max_age_days=None if explicit else max_age,
    )  # fmt: skip
    sel = select(store, digest)
    counted = sum(sel.standing.values())
    if not sel.meetings and not settings.get("post_empty", False):
        note = f"{target}: no new decisions since {digest.since_date}; nothing posted"
        if counted:
            note += f" ({counted} standing item(s) such as the agenda's approval are not news)"
        if not explicit and max_age:
            note += f" (meetings older than {max_age} days are left out; --days or --since includes them)"
        return result("empty", note, digest=digest, selection=sel)
    messages = messages_for(sel, mode)
    summary = f"{len(sel.items)} decision(s) from {len(sel.meetings)} meeting(s) in {len(messages)} message(s)"
    if counted:
        summary += f", {counted} standing item(s) counted in one line"
    payloads = [m[0] for m in messages]
    verb = "print" if mode == "stdout" else "post"  # stdout is not a channel: say what really happened
    if dry_run:
        return result("dry-run", f"{target}: would {verb} {summary}", digest=digest, selection=sel, payloads=payloads)
    try:
        poster = poster or poster_for(store, mode, target)
    except RuntimeError as exc:
        return result("failed", f"{target}: {exc}; nothing posted", digest=digest)
    run_id = ledger.begin_run(store, digest, _parts(digest, messages), now)
    if run_id is None:
        return result("busy", f"{target}: another run claimed {period} meanwhile; nothing posted")
    ids: list[str] = []
    for index, (payload, _) in enumerate(messages):
        try:
            ids.append(poster.send(payload))
        except Exception as exc:
            log.warning("digest for %s: message %d of %d failed: %s", target, index + 1, len(messages), exc)
            status = ledger.finish_run(store, run_id, now, error=f"{type(exc).__name__}: {exc}")
            if status == "partial":
                note = f"{target}: posting failed after {index} of {len(messages)} message(s) ({exc}); the rest is retried next run"
                return result("partial", note, digest=digest, payloads=payloads, message_ids=ids)
            return result("failed", f"{target}: posting failed ({exc}); nothing marked, retried next run",
                          digest=digest)  # fmt: skip
        ledger.record_message(store, run_id, index, ids[-1])
    ledger.finish_run(store, run_id, now)
    note = f"{target}: {verb}ed {summary} for {period}"
    return result("posted", note, digest=digest, selection=sel, payloads=payloads, message_ids=ids)


def _access(cfg: Config, target: Target) -> Access | None:
    return cfg.access_for(target.platform, None if target == CLI_TARGET else target.channel)


def _parts(digest: Digest, messages: list[render.Message]) -> list[list[ItemKey]]:
    """Each message's item keys; items shown nowhere ride with the last message."""
    by_id = {k.item_id: k for k in digest.keys}
    parts = [[by_id[i] for i in ids] for _, ids in messages]
    shown = {i for _, ids in messages for i in ids}
    parts[-1] += [k for k in digest.keys if k.item_id not in shown]
    return parts


def run_configured(
    store: Store,
    cfg: Config,
    *,
    now: dt.datetime | None = None,
    posters: Mapping[Target, Poster] | None = None,
) -> list[RunResult]:
    """The scheduled digest: every channel in [digest] channels, each on its own (one failing stops none)."""
    results = []
    for target in configured_targets(cfg):
        try:
            res = run_digest(store, cfg, target, now=now, poster=(posters or {}).get(target))
        except Exception as exc:  # a broken channel must not keep the others from their digest
            log.exception("digest for %s failed", target)
            res = RunResult(target, target.platform, "", "failed", f"{target}: {type(exc).__name__}: {exc}")
        (log.info if res.ok else log.warning)("%s", res.note)
        results.append(res)
    return results
