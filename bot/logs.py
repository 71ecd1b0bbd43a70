"""One logging setup for every `referent` command and the server: timestamp, level, logger, message.

`--log-level` (or REFERENT_LOG_LEVEL) picks the level, REFERENT_LOG_FORMAT=json writes one JSON object
per line for log shippers. Everything goes to stderr, so a command's stdout stays its report.

Nothing secret reaches a log line. Our own code logs lengths and counts, never a question or a user id;
the platform SDKs (Slack, Teams, httpx) log request and response bodies at DEBUG and INFO, so they are
held at WARNING whatever the level; and a filter on the handler replaces, in every record, the values of
secret environment variables, token-shaped strings and chat user ids — a last line of defence for a
third-party warning that quotes a payload.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sys
from typing import Any, TextIO

LEVEL_ENV = "REFERENT_LOG_LEVEL"
FORMAT_ENV = "REFERENT_LOG_FORMAT"
LEVELS = ("debug", "info", "warning", "error")
FORMATS = ("text", "json")
DEFAULT_LEVEL = "info"
REDACTED = "[redacted]"
# Loggers whose DEBUG/INFO lines carry request bodies (questions, user ids) or headers.
QUIET = ("slack_sdk", "slack_bolt", "httpx", "httpcore", "urllib3", "microsoft_teams", "msal", "hpack")
_SECRET_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|KEY|WEBHOOK_URL)$")
_PATTERNS = [
    re.compile(r"\bxox[a-z]-[A-Za-z0-9-]{6,}"),  # Slack bot/user tokens
    re.compile(r"\bxapp-[A-Za-z0-9-]{6,}"),  # Slack app-level tokens
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"),  # Authorization header values
    re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*"),  # JWTs (Bot Connector)
    re.compile(r"\b[UW](?=[A-Z0-9]*\d)[A-Z0-9]{8,11}\b"),  # Slack user ids (a digit: not "UNDERSKRIFT")
    re.compile(r"\b29:[A-Za-z0-9_-]{10,}"),  # Teams user ids
]
# A payload quoted in a third-party warning: the question and the user fields lose their values.
_PAYLOAD_FIELD = re.compile(
    r'(?i)(["\']?(?:text|question|q|user|user_id|userid|aadobjectid)["\']?\s*[:=]\s*)(["\'])(?:(?!\2)[^\\]|\\.)*\2'
)


current = (DEFAULT_LEVEL, "text")  # the level and format setup() installed last


class Redact(logging.Filter):
    """Replaces secrets, token-shaped strings, user ids and quoted payload texts in a record."""

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        super().__init__()
        env = os.environ if environ is None else environ
        # Short values (a port, "1") would turn every log line into confetti; real secrets are long.
        self.secrets = sorted({v for k, v in env.items() if _SECRET_NAME.search(k) and len(v) >= 8}, key=len)[::-1]

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        for pattern in _PATTERNS:
            text = pattern.sub(REDACTED, text)
        return _PAYLOAD_FIELD.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}{m.group(2)}", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.scrub(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def _timestamp(record: logging.LogRecord) -> str:
    return dt.datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = f"{_timestamp(record)} {record.levelname:<7} {record.name}: {record.getMessage()}"
        if record.exc_text:
            line += "\n" + record.exc_text
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (click's test runner swaps it per command)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def resolve(level: str | None = None, fmt: str | None = None, *, default: str = DEFAULT_LEVEL) -> tuple[str, str]:
    """(level, format) from the options, else the environment, else `default`/text; ValueError when unknown."""
    level = (level or os.environ.get(LEVEL_ENV) or default).strip().lower()
    fmt = (fmt or os.environ.get(FORMAT_ENV) or "text").strip().lower()
    if level not in LEVELS:
        raise ValueError(f"log level {level!r}: use one of {', '.join(LEVELS)} ({LEVEL_ENV} or --log-level)")
    if fmt not in FORMATS:
        raise ValueError(f"log format {fmt!r}: use text or json ({FORMAT_ENV})")
    return level, fmt


def setup(
    level: str | None = None, fmt: str | None = None, *, default: str = DEFAULT_LEVEL, stream: TextIO | None = None
) -> logging.Handler:
    """Install the one handler on the root logger (replacing an earlier one of ours); returns it."""
    level, fmt = resolve(level, fmt, default=default)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_referent", False)]:
        root.removeHandler(old)
    handler: logging.Handler = logging.StreamHandler(stream) if stream is not None else _Stderr()
    handler._referent = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(Redact())
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    logging.captureWarnings(True)  # Python warnings get a timestamp and a logger like everything else
    global current
    current = (level, fmt)
    return handler


def worker_environ() -> dict[str, str]:
    """What a spawned server worker needs to log as this process does (it starts with a fresh interpreter)."""
    return {LEVEL_ENV: current[0], FORMAT_ENV: current[1]}


def ingest_outcome(log: logging.Logger, what: str, summary: dict) -> None:
    """One INFO line per ingest, sync or fetch, and a WARNING per failed or skipped file (path and reason)."""
    log.info(
        "%s: %d added, %d updated, %d unchanged, %d failed, %d skipped, %d warnings; %d items stored",
        what, summary.get("added", 0), summary.get("updated", 0), summary.get("unchanged", 0),
        summary.get("failed", 0), summary.get("skipped", 0), summary.get("warnings", 0),
        summary.get("items_stored", 0),
    )  # fmt: skip
    for f in summary.get("files", []):
        if f.get("status") in ("failed", "skipped"):
            log.warning("%s: %s %s: %s", what, f["status"], f.get("path"), f.get("reason"))
