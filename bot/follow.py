"""Følg sagen: who follows which case or topic, where; and the commands that start, list and stop a follow.

A follow stores who (Store.user_hash of the chat user, never the id), where (the destination notices go to: a
Slack channel or DM, a Teams conversation, a web feed's token; and the place [access] is applied to), what
(the followed item's case number and title with its analysed subject, or the topic question), the grants the
place could see when it was made, and since when. What is already known of the case when it is followed is
recorded as the follow's baseline, so only later treatments (or corrections that change a decision) are news.
Sending the notices is bot/notify.py's; this module never posts anything.

One destination follows a case or a topic once: a second person following it in the same channel is told the
channel follows it already. Anyone at the destination may stop a follow there (its notices are the place's).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import index.store as db
from bot import texts
from bot.asker import Asker, Place
from bot.render.common import danish_date
from bot.service import Service
from index import treatments
from index.access import Access
from index.cases import same_subject, subject
from index.digest import TIMEZONE
from index.store import Store

MAX_PER_DESTINATION = 50  # follows one channel, chat or feed may hold
MAX_TOPIC = 300  # characters of a followed topic

_COMMAND = re.compile(r"^\s*(?:/?referat\s+)?(?P<verb>følg|folg|foelg|mine|stop)\b[\s:]*(?P<rest>.*)$", re.I | re.S)
# A token that looks like a case number: digits and letters joined by - . / with at least two groups of digits.
_NUMBERLIKE = re.compile(r"^(?=[\w./-]*\d[\w]*[-./][\w./-]*\d)[\w./-]+$")


@dataclass(frozen=True)
class Where:
    """The place a command comes from (for [access]) and the destination its notices go to."""

    place: Place
    destination: str

    @classmethod
    def web(cls) -> Where:
        """A new web feed: its token is the destination and the capability that reads or stops it."""
        return cls(Place("web"), secrets.token_urlsafe(18))


@dataclass(frozen=True)
class Follow:
    id: int
    user_hash: str
    platform: str
    destination: str
    place_channel: str | None
    direct: bool
    kind: str  # case or topic
    case_numbers: tuple[str, ...]
    title: str  # the followed item's title (a case)
    subject: str  # its analysed subject words, space-separated
    topic: str  # the followed question (a topic)
    item_id: str | None
    access: Access | None  # what the place could see when the follow was made (None: everything)
    since: str
    checked_at: str  # arrivals at or after this are still to be matched

    @property
    def place(self) -> Place:
        return Place(self.platform, self.place_channel, direct=self.direct)

    @property
    def label(self) -> str:
        if self.kind == "topic":
            return texts.topic_label(self.topic)
        return texts.case_label(self.title, self.case_numbers[0] if self.case_numbers else None)

    @classmethod
    def from_row(cls, row: dict) -> Follow:
        grants = json.loads(row["fora"]) if row["fora"] is not None else None
        return cls(
            id=row["id"], user_hash=row["user_hash"], platform=row["platform"], destination=row["destination"],
            place_channel=row["place_channel"], direct=bool(row["direct"]), kind=row["kind"],
            case_numbers=tuple(json.loads(row["case_numbers"])), title=row["title"], subject=row["subject"],
            topic=row["topic"], item_id=row["item_id"], access=Access.from_data(grants) if grants is not None else None,
            since=row["since"], checked_at=row["checked_at"],
        )  # fmt: skip


def parse_command(text: str) -> tuple[str, str] | None:
    """('follow', what), ('mine', ''), ('stop', n) for a follow command, else None (a question). "mine" counts
    only alone: "mine medarbejderes ferie?" is a question."""
    m = _COMMAND.match(text or "")
    if not m:
        return None
    verb, rest = m["verb"].lower(), " ".join(m["rest"].split())
    if verb == "mine":
        return ("mine", "") if not rest else None
    return ("stop", rest) if verb == "stop" else ("follow", rest)


# ---- state (also read by bot.notify and the web) ---------------------------------------------------


def all_follows(store: Store) -> list[Follow]:
    return [Follow.from_row(dict(r)) for r in store.conn.execute("SELECT * FROM follows ORDER BY id")]


def follows_at(store: Store, platform: str, destination: str) -> list[Follow]:
    rows = store.conn.execute(
        "SELECT * FROM follows WHERE platform = ? AND destination = ? ORDER BY id", (platform, destination)
    )
    return [Follow.from_row(dict(r)) for r in rows]


def delete(store: Store, follow_id: int) -> None:
    with store.transaction():
        store.conn.execute("DELETE FROM follow_sent WHERE follow_id = ?", (follow_id,))
        store.conn.execute("DELETE FROM follows WHERE id = ?", (follow_id,))


def local_date(stamp: str) -> str:
    return danish_date(dt.datetime.fromisoformat(stamp).astimezone(ZoneInfo(TIMEZONE)).date())


# ---- the commands ----------------------------------------------------------------------------------


class Follows:
    """Start, list and stop follows for every channel; replies are Danish texts (bot.texts)."""

    def __init__(self, service: Service, asker: Asker) -> None:
        self.service, self.asker = service, asker

    def handle(self, text: str, where: Where, user: str) -> str | None:
        """The reply to a follow command in `text`, or None when it is no follow command (then it is a question)."""
        command = parse_command(text)
        if command is None:
            return None
        verb, rest = command
        if verb == "mine":
            return self.mine(where, user)
        if verb == "stop":
            if not rest.isdigit():
                return texts.STOP_USAGE
            return self.stop(int(rest), where)
        return self.follow_text(rest, where, user)

    def follow_item(self, item_id: str, where: Where, user: str) -> tuple[str, Follow | None]:
        """Follow the case of the item an answer showed ("Følg sagen"); the reply and the follow."""
        access = self.asker.access(where.place)
        row = self.service.read(lambda s: treatments.item_row(s, item_id))
        if row is None or (access is not None and not access.allows(row["municipality"], row["forum"])):
            return texts.FOLLOW_GONE, None
        if row["closed"]:
            return texts.FOLLOW_CLOSED, None
        numbers = [row["case_number"]] if row["case_number"] else []
        return self._case(where, user, numbers, row["title"], row["id"], access)

    def follow_text(self, what: str, where: Where, user: str) -> str:
        """`følg <case number | topic>`: a number the visible minutes hold follows that case (the words after it
        choose among cases that share the number); anything else follows a topic."""
        what = " ".join(what.split())[:MAX_TOPIC]
        if not what:
            return texts.FOLLOW_USAGE
        access = self.asker.access(where.place)
        words = what.split()
        for i, word in enumerate(words):
            token = word.strip(".,;:!?()")
            if not _NUMBERLIKE.match(token):
                continue
            with self.service.lock:
                rows = treatments.with_case_number(self.service.store, token, access)
                groups = treatments.group_cases(self.service.store, rows)
            if not rows:
                continue
            rest = " ".join(words[:i] + words[i + 1 :])
            if rest and len(groups) > 1:
                analyzer = self.service.store.analyzer
                groups = [g for g in groups if any(same_subject(analyzer, rest, r["title"]) for r in g)] or groups
            if len(groups) > 1:
                return texts.ambiguous_case(token, [g[-1]["title"] for g in groups])
            latest = groups[0][-1]
            return self._case(where, user, [token], latest["title"], latest["id"], access)[0]
        if len(words) == 1 and _NUMBERLIKE.match(words[0].strip(".,;:!?()")):
            # a bare number no visible item holds: as a topic it would match any later item that holds it,
            # whatever its subject
            return texts.unknown_case(words[0])
        return self._topic(what, where, user, access)

    def mine(self, where: Where, user: str) -> str:
        """The follows this person made at this destination (a channel shows no one else's, nor other places')."""
        me = self.service.read(lambda s: s.user_hash(user))
        mine = [f for f in self.service.read(lambda s: follows_at(s, where.place.platform, where.destination))
                if f.user_hash == me]  # fmt: skip
        return texts.mine([texts.mine_line(f.id, f.label, local_date(f.since)) for f in mine], where.place.platform)

    def stop(self, follow_id: int, where: Where) -> str:
        """End follow `follow_id` when it sends to this destination."""
        found = [f for f in self.service.read(lambda s: follows_at(s, where.place.platform, where.destination))
                 if f.id == follow_id]  # fmt: skip
        if not found:
            return texts.stop_unknown(follow_id)
        self.service.read(lambda s: delete(s, follow_id))
        return texts.stopped(found[0].label)

    # ---- making a follow

    def _case(
        self, where: Where, user: str, numbers: list[str], title: str, item_id: str, access: Access | None
    ) -> tuple[str, Follow | None]:
        town = self.service.read(lambda s: treatments.municipality_of(s, item_id))

        def known(store: Store) -> list[dict]:
            if numbers:
                rows = treatments.with_case_number(store, numbers[0], access)
            else:
                rows = [r for r in [treatments.item_row(store, item_id)] if r]
            return [r for r in rows if treatments.belongs(store, r, numbers, title, town)]

        def same(f: Follow) -> bool:
            if f.kind != "case" or list(f.case_numbers) != numbers or not self._same_subject(f.title, title):
                return False
            other = self.service.read(lambda s: treatments.municipality_of(s, f.item_id))
            return not (town and other and town != other)  # one number and title in two municipalities: two cases

        words = " ".join(sorted(subject(self.service.store.analyzer, title)))
        record = {"kind": "case", "case_numbers": numbers, "title": title, "subject": words, "item_id": item_id}
        return self._create(where, user, record, same, known, access, topic=False)

    def _topic(self, topic: str, where: Where, user: str, access: Access | None) -> str:
        # Through the Asker like any question: validated, rate-limited, answered with the place's access. What
        # answers it now is the baseline; only later minutes are news.
        reply = self.asker.ask(topic, where.place, user=user)
        if reply.answer is None:
            return reply.notice
        case = reply.answer.filters.get("case_number")
        if case:  # a case number alone would match every item holding it, whatever its subject
            return texts.unknown_case(case)
        answered = [f"{h.meeting.id}#{h.item.number}" for h in reply.answer.answers]

        def known(store: Store) -> list[dict]:
            return [r for r in (treatments.item_row(store, i) for i in answered) if r]

        def same(f: Follow) -> bool:
            return f.kind == "topic" and f.topic.casefold() == topic.casefold()

        record = {"kind": "topic", "topic": topic}
        return self._create(where, user, record, same, known, access, topic=True)[0]

    def _same_subject(self, title: str, other: str) -> bool:
        return same_subject(self.service.store.analyzer, title, other)

    def _create(
        self,
        where: Where,
        user: str,
        record: dict,
        same: Callable[[Follow], bool],
        known: Callable[[Store], list[dict]],
        access: Access | None,
        *,
        topic: bool,
    ) -> tuple[str, Follow | None]:
        """Store a new follow with what is known of it now as its baseline, unless this destination follows it
        already or holds too many."""
        platform, destination = where.place.platform, where.destination
        direct = where.place.direct or platform == "web"
        with self.service.lock:
            store = self.service.store
            here = follows_at(store, platform, destination)
            for f in here:
                if same(f):
                    return texts.already_following(f.label, f.id, direct), f
            if len(here) >= MAX_PER_DESTINATION:
                return texts.follow_limit(len(here)), None
            baseline = [treatments.treatment(store, self.service.cfg, r) for r in known(store)]
            stamp = db.now()
            with store.transaction():
                cur = store.conn.execute(
                    "INSERT INTO follows(user_hash, platform, destination, place_channel, direct, kind, case_numbers,"
                    " title, subject, topic, item_id, fora, since, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    " ?, ?, ?)",
                    (
                        store.user_hash(user), platform, destination, where.place.channel, int(where.place.direct),
                        record["kind"], json.dumps(record.get("case_numbers", [])), record.get("title", ""),
                        record.get("subject", ""), record.get("topic", ""), record.get("item_id"),
                        json.dumps(access.to_data()) if access is not None else None, stamp, stamp,
                    ),
                )  # fmt: skip
                follow_id = cur.lastrowid
                store.conn.executemany(
                    "INSERT OR IGNORE INTO follow_sent(follow_id, item_id, revision, meeting_id, fingerprint, status,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, 'baseline', ?)",
                    [(follow_id, t.item_id, t.revision, t.meeting_id, t.fingerprint, stamp) for t in baseline],
                )
            row = store.conn.execute("SELECT * FROM follows WHERE id = ?", (follow_id,)).fetchone()
        follow = Follow.from_row(dict(row))
        return texts.following(follow.label, platform, direct, follow.id, topic=topic), follow
