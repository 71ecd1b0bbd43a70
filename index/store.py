"""The SQLite store: numbered migrations, one transaction per meeting, revisions, the FTS5 index.

Raw text lives in ordinary tables; `items_fts` is a contentless FTS5 table over analysed text (title,
decision, body, compound parts), so the index costs little beside the text. Rows leave the index
through FTS5's 'delete' command, which needs the analysed values that went in: they are recomputed
from the stored text and the stored compound parts, and the analyser's fingerprint is kept in `meta`
so a changed stopword list triggers a full rebuild instead of a silent mismatch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import sqlite3
import threading
import time
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from urllib.parse import quote

import sqlite_utils
from sqlite_utils import Migrations

from index.access import Access
from index.analyze import Analyzer, get_analyzer
from index.model import ATTACHMENTS, DECISION, Attachment, Item, Meeting, Section
from index.readers import closed as closed_rule
from index.salience import ABOUT_LENGTH, Analysis, about_document, analyse, load
from index.salience import FORMAT as PASSAGES_FORMAT
from index.scope_terms import TOKENS as SCOPE_TOKENS
from index.scope_terms import VOCABULARY_EXCLUDE, item_terms

log = logging.getLogger(__name__)
migrations = Migrations("referent")
FTS_TOKENIZE = "unicode61 remove_diacritics 0 tokenchars '-./,'"
FTS_WEIGHTS = (8.0, 3.0, 1.0, 0.4, 0.0)  # title, decision, body, compound parts, scope (index/scope_terms.py)
# `items_about` keeps no column sizes (m011): every about document is ABOUT_LENGTH tokens, so BM25's length
# factor is the same for all, and reading each row's size is most of what scoring a row costs (a common word
# strongly about 263k of 1M items: 250 ms with sizes, 71 ms without). Without sizes FTS5 counts a row
# as -1 token a column, so the length factor 1 - b + b * D / avgdl (b = 0.75, D = -3 for its three columns,
# avgdl = ABOUT_LENGTH + the scope column's SCOPE_TOKENS) is this constant; as the weight of the two text
# columns (the scope column weighs 0) it gives every row the very score it had with its sizes
# (tests/test_stages.py checks that against a table that keeps them).
ABOUT_WEIGHT = 1 - 0.75 - 0.75 * 3 / (ABOUT_LENGTH + SCOPE_TOKENS)
ABOUT_WEIGHTS = f",{ABOUT_WEIGHT},{ABOUT_WEIGHT},0"  # strong, weak, scope: for bm25(items_about ...)
REINDEX_NOTICE_ITEMS = 1000  # a rebuild of this many items or more is logged: it takes seconds to minutes
USER_SECRET_ENV = "REFERENT_USER_SECRET"  # key for hashing user ids; else one generated into `meta`


class StoreError(Exception):
    """A database Referent cannot use as it is; the message says why in one line."""


@migrations()
def m001_core(db: sqlite_utils.Database) -> None:
    db.executescript(
        f"""
        CREATE TABLE sources (
            path TEXT PRIMARY KEY, bytes_hash TEXT, size INTEGER, mtime REAL, meeting_id TEXT,
            status TEXT NOT NULL, error TEXT, seen_at TEXT NOT NULL
        );
        CREATE TABLE meetings (
            id TEXT PRIMARY KEY, forum TEXT NOT NULL, date TEXT NOT NULL, start_time TEXT, place TEXT,
            participants TEXT NOT NULL DEFAULT '[]', absentees TEXT NOT NULL DEFAULT '[]',
            kind TEXT NOT NULL, source_format TEXT, source_path TEXT, external_id TEXT,
            content_hash TEXT NOT NULL, revision INTEGER NOT NULL DEFAULT 0,
            ingested_at TEXT NOT NULL, changed_at TEXT NOT NULL, item_count INTEGER NOT NULL
        );
        CREATE INDEX meetings_date ON meetings(date);
        CREATE INDEX meetings_changed ON meetings(changed_at);
        CREATE TABLE items (
            rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, meeting_id TEXT NOT NULL REFERENCES meetings(id),
            number INTEGER NOT NULL, title TEXT NOT NULL, title_raw TEXT NOT NULL, case_number TEXT,
            closed INTEGER NOT NULL DEFAULT 0, external_id TEXT, forum TEXT NOT NULL, date TEXT NOT NULL,
            parts TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX items_meeting ON items(meeting_id, number);
        CREATE INDEX items_case ON items(case_number);
        CREATE TABLE sections (
            id INTEGER PRIMARY KEY, item_rowid INTEGER NOT NULL REFERENCES items(rowid), ord INTEGER NOT NULL,
            heading TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL
        );
        CREATE UNIQUE INDEX sections_item ON sections(item_rowid, ord);
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY, item_rowid INTEGER NOT NULL REFERENCES items(rowid), ord INTEGER NOT NULL,
            title TEXT NOT NULL, external_id TEXT
        );
        CREATE UNIQUE INDEX attachments_item ON attachments(item_rowid, ord);
        CREATE TABLE revisions (
            id INTEGER PRIMARY KEY, meeting_id TEXT NOT NULL, revision INTEGER NOT NULL, created_at TEXT NOT NULL,
            old_hash TEXT NOT NULL, new_hash TEXT NOT NULL, source_path TEXT, old_content TEXT NOT NULL
        );
        CREATE INDEX revisions_meeting ON revisions(meeting_id);
        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY, platform TEXT NOT NULL, question TEXT NOT NULL, item_ids TEXT NOT NULL,
            vote INTEGER NOT NULL, user_hash TEXT NOT NULL, created_at TEXT NOT NULL
        );
        CREATE TABLE conversations (
            platform TEXT NOT NULL, channel_id TEXT NOT NULL, reference TEXT NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (platform, channel_id)
        );
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE VIRTUAL TABLE items_fts USING fts5(
            title, decision, body, parts, content='', tokenize="{FTS_TOKENIZE}"
        );
        CREATE VIRTUAL TABLE items_vocab USING fts5vocab(items_fts, row);
        """
    )


@migrations()
def m002_digest(db: sqlite_utils.Database) -> None:
    # One statement at a time: executescript would commit the migration's own transaction early.
    for statement in (
        # A run is 'pending' while posting, 'posted' once marked, 'partial' when a split post broke
        # off; only pending and posted runs claim their period, so a partial one is retried.
        """CREATE TABLE digest_runs (
            id INTEGER PRIMARY KEY, platform TEXT NOT NULL, channel TEXT NOT NULL, period TEXT NOT NULL,
            status TEXT NOT NULL, since TEXT NOT NULL, started_at TEXT NOT NULL, posted_at TEXT,
            item_count INTEGER NOT NULL DEFAULT 0, parts TEXT NOT NULL DEFAULT '[]',
            message_ids TEXT NOT NULL DEFAULT '[]', error TEXT
        )""",
        """CREATE UNIQUE INDEX digest_runs_period ON digest_runs(platform, channel, period)
            WHERE status IN ('pending', 'posted')""",
        """CREATE TABLE digest_sent (
            platform TEXT NOT NULL, channel TEXT NOT NULL, item_id TEXT NOT NULL, revision INTEGER NOT NULL,
            meeting_id TEXT NOT NULL, fingerprint TEXT NOT NULL, run_id INTEGER NOT NULL, sent_at TEXT NOT NULL,
            PRIMARY KEY (platform, channel, item_id, revision)
        ) WITHOUT ROWID""",
        "CREATE INDEX digest_sent_meeting ON digest_sent(platform, channel, meeting_id)",
    ):
        db.execute(statement)


@migrations()
def m003_term_df(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE term_df (term TEXT PRIMARY KEY, doc INTEGER NOT NULL) WITHOUT ROWID")


@migrations()
def m004_closed_items_public_only(db: sqlite_utils.Database) -> None:
    """Databases written before index.readers.closed kept a closed item's case number and attachments,
    and revisions kept bodies of items later made closed. Cut every closed item, and every closed item
    inside a revision, down to what is public now; Store.__init__ then rebuilds the search index and
    checkpoints the WAL (the "purge" flag), so the removed text leaves the file too."""
    conn = db.conn
    changed = False
    for row in conn.execute("SELECT rowid, title, case_number FROM items WHERE closed = 1").fetchall():
        rowid = row[0]
        sections = [
            Section(heading=r[0], kind=r[1], text=r[2])
            for r in conn.execute(
                "SELECT heading, kind, text FROM sections WHERE item_rowid = ? ORDER BY ord", (rowid,)
            )
        ]
        public = closed_rule.public_sections(sections)
        has_attachments = conn.execute("SELECT 1 FROM attachments WHERE item_rowid = ?", (rowid,)).fetchone()
        if public == sections and row[2] is None and not has_attachments:
            continue
        changed = True
        conn.execute("DELETE FROM sections WHERE item_rowid = ?", (rowid,))
        conn.executemany(
            "INSERT INTO sections(item_rowid, ord, heading, kind, text) VALUES (?, ?, ?, ?, ?)",
            [(rowid, i, s.heading, s.kind, s.text) for i, s in enumerate(public)],
        )
        conn.execute("DELETE FROM attachments WHERE item_rowid = ?", (rowid,))
        conn.execute("UPDATE items SET case_number = NULL, title_raw = title WHERE rowid = ?", (rowid,))
    for rid, content in conn.execute("SELECT id, old_content FROM revisions").fetchall():
        old = json.loads(content or "{}")
        new = _public_revision(old)
        if new != old:
            changed = True
            conn.execute(
                "UPDATE revisions SET old_content = ? WHERE id = ?", (json.dumps(new, ensure_ascii=False), rid)
            )
    if changed:
        # The analysed values that went into the contentless index are gone with the text: rebuild it.
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('purge', 'reindex')")


@migrations()
def m005_ops(db: sqlite_utils.Database) -> None:
    for statement in (
        # One row per ingest, sync or fetch run and source: the status page's history and /metrics' counts.
        """CREATE TABLE ingest_runs (
            id INTEGER PRIMARY KEY, kind TEXT NOT NULL, source TEXT NOT NULL, started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL, added INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0, warnings INTEGER NOT NULL DEFAULT 0,
            items INTEGER NOT NULL DEFAULT 0, error TEXT
        )""",
        "CREATE INDEX ingest_runs_source ON ingest_runs(kind, source, finished_at)",
        # Who runs what among several server processes (the scheduler): a lease with an expiry, so a
        # dead holder's lease is taken over.
        "CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at REAL NOT NULL, acquired_at TEXT NOT NULL)",
        # /metrics counters summed over every server process: each adds its deltas every few seconds.
        "CREATE TABLE metric_counters (name TEXT NOT NULL, labels TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (name, labels)) WITHOUT ROWID",
    ):
        db.execute(statement)


@migrations()
def m006_municipality(db: sqlite_utils.Database) -> None:
    # A meeting belongs to a municipality ('' until a source or the config names it) and may come from a
    # portal (portal_url, for links); items carry the municipality as they carry forum and date, for filters.
    for statement in (
        "ALTER TABLE meetings ADD COLUMN municipality TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE meetings ADD COLUMN portal_url TEXT",
        "ALTER TABLE items ADD COLUMN municipality TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX meetings_identity ON meetings(forum, date)",
        "CREATE INDEX meetings_external ON meetings(external_id)",
        "CREATE INDEX sources_meeting ON sources(meeting_id)",
    ):
        db.execute(statement)


@migrations()
def m007_sources(db: sqlite_utils.Database) -> None:
    # visibility: 'public' for minutes a public portal published (every place may see them), 'access' for
    # minutes from a folder ([access] decides). fetch_state: what a connector last saw of each portal
    # meeting, so a fetch asks only for the listing when nothing changed and resumes after a crash.
    for statement in (
        "ALTER TABLE meetings ADD COLUMN visibility TEXT NOT NULL DEFAULT 'access'",
        """CREATE TABLE fetch_state (
            source TEXT NOT NULL, external_id TEXT NOT NULL, fingerprint TEXT NOT NULL, payload_hash TEXT,
            meeting_id TEXT, status TEXT NOT NULL, error TEXT, fetched_at TEXT NOT NULL,
            PRIMARY KEY (source, external_id)
        ) WITHOUT ROWID""",
    ):
        db.execute(statement)


@migrations()
def m008_about(db: sqlite_utils.Database) -> None:
    # What each item is about (index/salience.py); filled for the existing items when the Store opens.
    db.execute(f"CREATE VIRTUAL TABLE items_about USING fts5(strong, weak, content='', tokenize=\"{FTS_TOKENIZE}\")")
    # each item's passages, analysed once when stored (index/salience.py), for the answering core
    db.execute("CREATE TABLE item_passages (rowid INTEGER PRIMARY KEY, data BLOB NOT NULL)")
    db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('about', 'stale')")
    db.execute("CREATE INDEX items_date ON items(date, forum)")  # questions narrowed to a period


@migrations()
def m009_chat_context(db: sqlite_utils.Database) -> None:
    # The last question of each chat conversation (a web session, a Slack thread or DM, a Teams reply chain),
    # so a follow-up ("og i 2024?") is read with it by every server process; written by bot/conversation.py,
    # keyed by a keyed hash of the conversation and forgotten after a week.
    db.execute(
        "CREATE TABLE IF NOT EXISTS chat_context (key TEXT PRIMARY KEY, question TEXT NOT NULL, updated_at TEXT NOT NULL)"
        " WITHOUT ROWID"
    )
    db.execute("CREATE INDEX IF NOT EXISTS chat_context_age ON chat_context(updated_at)")


@migrations()
def m010_follow(db: sqlite_utils.Database) -> None:
    # "Følg sagen" (bot/follow.py, bot/notify.py): who follows what, where, and the ledger that sends each new
    # treatment once. `user_hash` is Store.user_hash of the chat user (never the id); `destination` is where the
    # notices go (a Slack channel or DM, a Teams conversation, or a web feed's token); `place_channel` and
    # `direct` are the place [access] is applied to when a notice is sent.
    for statement in (
        """CREATE TABLE follows (
            id INTEGER PRIMARY KEY, user_hash TEXT NOT NULL, platform TEXT NOT NULL, destination TEXT NOT NULL,
            place_channel TEXT, direct INTEGER NOT NULL DEFAULT 0, kind TEXT NOT NULL,
            case_numbers TEXT NOT NULL DEFAULT '[]', title TEXT NOT NULL DEFAULT '', subject TEXT NOT NULL DEFAULT '',
            topic TEXT NOT NULL DEFAULT '', item_id TEXT, fora TEXT, since TEXT NOT NULL, checked_at TEXT NOT NULL
        )""",
        "CREATE INDEX follows_destination ON follows(platform, destination)",
        # One row per follow, item and revision: 'baseline' (known when followed), 'seen' (nothing new to say),
        # 'pending' (claimed, being sent), 'sent' (marked with the platform's message id in the transaction
        # that records it), 'failed' (retried next run), 'withheld' (the place may no longer see it).
        """CREATE TABLE follow_sent (
            follow_id INTEGER NOT NULL, item_id TEXT NOT NULL, revision INTEGER NOT NULL, meeting_id TEXT NOT NULL,
            fingerprint TEXT NOT NULL, status TEXT NOT NULL, message_id TEXT, error TEXT,
            attempts INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL,
            PRIMARY KEY (follow_id, item_id, revision)
        ) WITHOUT ROWID""",
        "CREATE INDEX follow_sent_status ON follow_sent(status, follow_id)",
    ):
        db.execute(statement)


@migrations()
def m011_about_without_sizes(db: sqlite_utils.Database) -> None:
    # items_about without column sizes (see ABOUT_WEIGHT): the same scores, a row scored 3-6 times cheaper. The
    # table is contentless, so it is refilled from the stored passages when the Store opens (meta about = refill).
    db.execute("DROP TABLE IF EXISTS items_about")
    db.execute(
        f"CREATE VIRTUAL TABLE items_about USING fts5(strong, weak, content='', columnsize=0, "
        f'tokenize="{FTS_TOKENIZE}")'
    )
    db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('about', 'refill')")


@migrations()
def m012_strong_df(db: sqlite_utils.Database) -> None:
    # How many items are strongly about each term (the about index's strong column), beside its document count:
    # retrieval leaves a word out of the about probe when too many items are strongly about it (a quarter of a
    # 1M archive is strongly about "chefforum"), and counting that from the index walks the whole doclist.
    db.execute("ALTER TABLE term_df ADD COLUMN strong INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE VIRTUAL TABLE about_vocab USING fts5vocab(items_about, col)")
    db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('term_df', 'stale')")


@migrations()
def m013_scope_columns(db: sqlite_utils.Database) -> None:
    # Both FTS5 tables gain a `scope` column (index/scope_terms.py: year, month, body), so the probes of a
    # question narrowed to a body or a period read only the matches inside its scope. The tables are
    # contentless: the Store rebuilds them from the stored text when it opens (meta about = stale: a
    # reindex, once; 79 s at 100k items, 12 s for Greve).
    db.execute("DROP TABLE IF EXISTS items_about")
    db.execute(
        f"CREATE VIRTUAL TABLE items_about USING fts5(strong, weak, scope, content='', columnsize=0, "
        f'tokenize="{FTS_TOKENIZE}")'
    )
    db.execute("DROP TABLE IF EXISTS items_vocab")
    db.execute("DROP TABLE IF EXISTS items_fts")
    db.execute(
        "CREATE VIRTUAL TABLE items_fts USING fts5(title, decision, body, parts, scope, content='', "
        f'tokenize="{FTS_TOKENIZE}")'
    )
    db.execute("CREATE VIRTUAL TABLE items_vocab USING fts5vocab(items_fts, row)")
    db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('about', 'stale')")
    db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('term_df', 'stale')")


_ENDINGS = ("t", "et", "e", "r", "er", "s", "n", "en", "ning", "else", "ing", "ede", "ed", "de", "te")


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "moede"


def meeting_id(meeting: Meeting) -> str:
    """The id a meeting gets when no other meeting holds it: municipality, forum and date
    ('chefforum-2017-11-15', 'greve-byraad-2022-2025-2025-09-08'), whatever file it came from. A second meeting
    of that forum and day gets a suffix (see Store.ingest). URL-safe: ids are used in /m/<id> links."""
    forum = slug(meeting.forum)
    town = slug(meeting.municipality) if meeting.municipality else ""
    prefix = f"{town}-" if town and not forum.startswith(town) else ""
    return f"{prefix}{forum}-{meeting.date.isoformat()}"


# A stored meeting of the same forum and day is the same meeting (corrected minutes, or the minutes of an
# agenda) when at least this share of the item titles match; otherwise it is a second meeting that day.
SAME_AGENDA = 0.75


def same_agenda(items: list[tuple[int, str, bool]], other: list[tuple[int, str, bool]]) -> float:
    """Share (0..1, of the longer agenda) of items two meetings have in common, as (number, title, closed).

    An item matches the item of the same number when the titles are alike (a corrected typo) or either one
    is closed (a correction that closes an item replaces its title); titles also match by themselves when
    the items were renumbered."""
    if not items and not other:
        return 1.0
    by_number = {n: (_norm_title(t), c) for n, t, c in other}
    numbered = 0
    for n, title, closed in items:
        if n in by_number:
            theirs, their_closed = by_number[n]
            key = _norm_title(title)
            if closed or their_closed or key == theirs or SequenceMatcher(None, key, theirs).ratio() >= 0.8:
                numbered += 1
    right = [_norm_title(t) for _, t, _ in other]
    titled = 0
    for _, title, _ in items:
        if (key := _norm_title(title)) in right:
            right.remove(key)
            titled += 1
    return max(numbered, titled) / max(len(items), len(other))


def _norm_title(title: str) -> str:
    return " ".join(title.casefold().split())


def content_hash(meeting: Meeting) -> str:
    """Hash of what the minutes say, not of the file: the same minutes re-encoded or renamed hash alike."""
    data = meeting.to_dict()
    for key in ("source_format", "municipality", "portal_url"):  # where they came from, not what they say
        data.pop(key, None)
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _compatible(row: sqlite3.Row, meeting: Meeting) -> bool:
    """Could the stored row be the same meeting? Not when municipality, source id or start time differ."""
    if row["municipality"] and meeting.municipality and row["municipality"] != meeting.municipality:
        return False
    if row["external_id"] and meeting.external_id and row["external_id"] != meeting.external_id:
        return False
    return not (row["start_time"] and meeting.start_time and row["start_time"] != meeting.start_time)


def public_sections(item: Item) -> list[Section]:
    """Closed items keep only their public decision line (see index.readers.closed.public_sections): their
    discussion, and anything more the decision says, is never stored, indexed or shown."""
    return closed_rule.public_sections(item.sections) if item.closed else list(item.sections)


def _public_item_dict(item: dict) -> dict:
    """A closed item of a stored revision (Meeting.to_dict form) cut down to what is public."""
    sections = [Section(**s) for s in item.get("sections", [])]
    public = [dataclasses.asdict(s) for s in closed_rule.public_sections(sections)]
    return {**item, "title_raw": item.get("title", ""), "case_number": None, "sections": public, "attachments": []}


def _public_revision(old: dict) -> dict:
    items = old.get("items")
    if not isinstance(items, list):
        return old
    return {**old, "items": [_public_item_dict(i) if i.get("closed") else i for i in items]}


def _title_key(title: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", title.lower()).split())


def withhold(old: dict, new: Meeting) -> tuple[dict, bool]:
    """The old content of a meeting (Meeting.to_dict form) as a revision may keep it, given the new version.

    An item that the new version makes closed (same number, same title or same external id) keeps only
    what is public now: the new title and decision line, no case number, no body. When the new version
    has a closed item the old one did not have as such, text of that item may sit in any old item that
    changed (an older reader merged "Punkt 2. Lukket" into the item before it), so every old item whose
    text differs from the new version loses its sections and attachments too. Returns the content and
    whether anything was withheld.
    """
    items = old.get("items")
    if not isinstance(items, list):
        return old, False
    new_items = {i.number: i for i in new.items}
    closed_new = [i for i in new.items if i.closed]
    closed_titles = {_title_key(i.title) for i in closed_new}
    closed_ids = {i.external_id for i in closed_new if i.external_id}
    old_closed = {(i.get("number"), _title_key(i.get("title", ""))) for i in items if i.get("closed")}
    appeared = any((i.number, _title_key(i.title)) not in old_closed for i in closed_new)
    out, changed = [], False
    for item in items:
        counterpart = new_items.get(item.get("number"))
        closed_now = (
            (counterpart is not None and counterpart.closed)
            or _title_key(item.get("title", "")) in closed_titles
            or (item.get("external_id") in closed_ids and item.get("external_id"))
        )
        if closed_now:
            public = closed_rule.redact(counterpart) if counterpart is not None and counterpart.closed else None
            kept = {
                **_public_item_dict(item),
                "closed": True,
                "title": public.title if public else item.get("title", ""),
                "title_raw": public.title if public else item.get("title", ""),
                "sections": [dataclasses.asdict(s) for s in public.sections] if public else [],
            }
        elif appeared and (counterpart is None or _item_text(item) != _item_text(dataclasses.asdict(counterpart))):
            kept = {**item, "sections": [], "attachments": [], "withheld": True}
        else:
            kept = item
        changed = changed or kept != item
        out.append(kept)
    return {**old, "items": out}, changed


def _item_text(item: dict) -> list:
    return [item.get("sections", []), item.get("attachments", [])]


@dataclass
class IngestResult:
    status: str  # added, updated, unchanged
    meeting_id: str
    items: int
    revision: int = 0
    warnings: list[str] = dataclasses.field(default_factory=list)  # for the ingest report


def _is_readonly(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_READONLY


def error_line(exc: sqlite3.Error | StoreError, path: str) -> str:
    """One line for an operator about a database error: what happened and what to do."""
    if isinstance(exc, StoreError):
        return str(exc)
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        return (
            f"database {path}: the disk (or the database's size limit) is full ({exc}); what was being "
            "written was rolled back; free space and run the command again"
        )
    if code == sqlite3.SQLITE_READONLY:
        return f"database {path} is read-only ({exc}); this command writes, so it needs write access to the file and its folder"
    if code == sqlite3.SQLITE_CANTOPEN:
        return f"cannot open database {path} ({exc}); check that the folder exists and may be read"
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return f"database {path} is damaged or not a Referent database ({exc}); restore a backup (README, Backup and restore)"
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return f"database {path} is locked by another process ({exc}); try again when it has finished"
    return f"database {path}: {exc}"


class Store:
    """One SQLite database. Writers take one transaction per meeting; readers never see half a meeting."""

    def __init__(self, path: str | Path, *, analyzer: Analyzer | None = None, readonly: bool = False):
        self.path = str(path)
        self.analyzer = analyzer or get_analyzer()
        self._vocab: set[str] | None = None
        self._splits: dict[str, tuple[str, ...]] = {}
        self._touched: set[str] = set()  # terms indexed or removed since the last refresh_vocab()
        self._token = uuid.uuid4().hex
        self._memo: dict[str, object] = {}
        self._memo_version = -1
        self._readers: dict[int, sqlite3.Connection] = {}  # reader(): a read connection per thread
        self._readers_lock = threading.Lock()
        self._read_uri: str | None = None
        self.readonly = readonly
        if readonly:
            self.conn = self._connect_readonly()
        else:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.conn = self._connect(self.path)
            try:
                self._prepare()
            except sqlite3.OperationalError as exc:
                if not _is_readonly(exc) and exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_CANTOPEN:
                    raise
                # A file (or folder) we may not write (CANTOPEN: no -shm can be made beside a -wal):
                # serve reads from it instead of failing; _connect_readonly says why when it cannot.
                self.conn.close()
                self.readonly = True
                self.conn = self._connect_readonly()
        if self.readonly:
            self._check_readable()
        elif self.path != ":memory:":
            self._read_uri = f"file:{quote(str(Path(self.path).resolve()))}?mode=ro"
        self._file = self._file_id()

    def _connect(self, target: str, *, uri: bool = False) -> sqlite3.Connection:
        conn = sqlite3.connect(target, uri=uri, isolation_level=None, check_same_thread=False, timeout=30)
        conn.row_factory = sqlite3.Row
        self.db = sqlite_utils.Database(conn)
        return conn

    def _prepare(self) -> None:
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros, free pages included: text that a correction makes
        # closed must not stay readable in the file (see purge()).
        self.conn.execute("PRAGMA secure_delete=ON")
        pending = [m.name for m in migrations.pending(self.db)]
        migrations.apply(self.db)
        if pending:
            log.info("database %s: applied migration(s) %s", self.path, ", ".join(pending))
        if self.meta("analyzer") not in (None, self.analyzer.fingerprint) or self.meta("purge") == "reindex":
            self.reindex()
        if self.meta("analyzer") != self.analyzer.fingerprint:
            self.set_meta("analyzer", self.analyzer.fingerprint)
        if self.meta("about") == "stale" or self.meta("passages") != str(PASSAGES_FORMAT):
            self.reindex()  # m008, or passages stored in an older format: rewrite the about index and them
        if self.meta("about") == "refill":
            self._refill_about()  # m011: the about index's schema changed, the passages did not
        if self.meta("term_df") == "stale":
            self.refresh_vocab()  # m012, or a reindex: a full copy now rather than slow counts until an ingest
        if self.meta("purge"):  # a purge that a crash or the migration left to do
            self.purge()

    def _connect_readonly(self) -> sqlite3.Connection:
        target = Path(self.path).resolve()
        if not target.is_file():
            raise StoreError(f"database {self.path} does not exist")
        self._read_uri = f"file:{quote(str(target))}?mode=ro"
        conn = self._connect(self._read_uri, uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError as exc:
            # WAL readers need a -shm file beside the database; in a read-only folder without one,
            # SQLite can still read the file as immutable, which is right only when no writer has
            # left a -wal behind (its pages would be ignored).
            if not _is_readonly(exc) and exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_CANTOPEN:
                raise
            conn.close()
            if Path(f"{target}-wal").exists():
                raise StoreError(
                    f"database {self.path} is read-only and has unfinished writes in {target.name}-wal; "
                    "open it once with write access, or stop the process writing it"
                ) from None
            self._read_uri = f"file:{quote(str(target))}?mode=ro&immutable=1"
            return self._connect(self._read_uri, uri=True)

    def _check_readable(self) -> None:
        """A read-only database must not need what only a writer can do: migrations or a reindex."""
        if not migrations.applied(self.db):
            raise StoreError(f"database {self.path} is read-only and holds no Referent data")
        if migrations.pending(self.db):
            raise StoreError(
                f"database {self.path} is read-only and was made by an older Referent; "
                "open it once with write access to upgrade it"
            )
        if self.meta("analyzer") not in (None, self.analyzer.fingerprint):
            raise StoreError(
                f"database {self.path} is read-only and was indexed with other word lists; "
                "run `referent reindex` on a writable copy"
            )
        if self.meta("purge"):
            # closed text a correction removed may still be readable in the file until the purge runs
            raise StoreError(
                f"database {self.path} is read-only and has a purge of closed text left to do; "
                "open it once with write access"
            )

    def _file_id(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_dev, st.st_ino

    def file_problem(self) -> str | None:
        """'missing' or 'replaced' when the database file is no longer the one this Store opened.

        An open connection keeps reading a deleted or replaced file without any error, so a server
        would go on answering from data that no longer exists on disk.
        """
        if self.path == ":memory:" or self._file is None:
            return None
        now_id = self._file_id()
        if now_id is None:
            return "missing"
        return None if now_id == self._file else "replaced"

    def close(self) -> None:
        with self._readers_lock:
            readers, self._readers = list(self._readers.values()), {}
        for conn in readers:
            conn.close()
        self.conn.close()

    @property
    def parallel_reads(self) -> bool:
        """Can other threads read this database beside `conn` (reader())? Not an in-memory one."""
        return self._read_uri is not None

    def reader(self) -> sqlite3.Connection:
        """This thread's own read connection, for reads run side by side with other threads (retrieval's
        probes, index/retrieve.py): SQLite runs a query without Python's lock, so two connections use two
        cores. The main connection when the database cannot be shared (in memory)."""
        if self._read_uri is None:
            return self.conn
        ident = threading.get_ident()
        with self._readers_lock:
            conn = self._readers.get(ident)
            if conn is None:
                conn = sqlite3.connect(
                    self._read_uri, uri=True, isolation_level=None, check_same_thread=False, timeout=30
                )
                self._readers[ident] = conn
        return conn

    # ---- small helpers ------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            # SQLite has already rolled back after some errors (SQLITE_FULL, SQLITE_IOERR); a second
            # ROLLBACK would fail and hide the error that matters.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._memo = {}  # our own commits do not move PRAGMA data_version for this connection

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
        self._memo = {}

    def check_changes(self) -> None:
        """Drop the memo if another connection committed since the last check (one cheap PRAGMA; callers
        such as answer() run it once per request, not per look-up)."""
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._memo_version:
            self._memo, self._memo_version = {}, version

    def _cached(self, key: str, compute):
        """Per-connection memo of small corpus facts; see check_changes() for when it is dropped."""
        if self._memo_version == -1:
            self.check_changes()
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def _vocab_table(self) -> str:
        # term_df is a plain copy of the FTS vocabulary, refreshed after each ingest run: fts5vocab counts
        # documents by walking a term's whole doclist, term_df answers with one b-tree seek.
        return self._cached("vocab_table", lambda: "term_df" if self.meta("term_df") == "fresh" else "items_vocab")

    def refresh_vocab(self) -> None:
        """Bring term_df up to date: only the terms this Store indexed or removed when the table was fresh
        before (a few thousand look-ups), else a full copy of the FTS vocabulary (after a crash, or the
        first time)."""
        touched, self._touched = self._touched, set()
        incremental = self.meta("term_df") == f"pending:{self._token}" and len(touched) < 50_000
        strong = "SELECT doc FROM about_vocab WHERE term = ? AND col = 'strong'"
        with self.transaction():
            if incremental:
                for term in touched:
                    row = self.conn.execute("SELECT doc FROM items_vocab WHERE term = ?", (term,)).fetchone()
                    if row:
                        about = self.conn.execute(strong, (term,)).fetchone()
                        self.conn.execute(
                            "INSERT OR REPLACE INTO term_df(term, doc, strong) VALUES (?, ?, ?)",
                            (term, row[0], about[0] if about else 0),
                        )
                    else:
                        self.conn.execute("DELETE FROM term_df WHERE term = ?", (term,))
            else:
                self.conn.execute("DELETE FROM term_df")
                self.conn.execute(
                    "INSERT INTO term_df(term, doc) SELECT term, doc FROM items_vocab WHERE term NOT GLOB ?",
                    (VOCABULARY_EXCLUDE,),
                )
                self.conn.execute(
                    "UPDATE term_df SET strong = a.doc FROM (SELECT term, doc FROM about_vocab WHERE col = 'strong') a"
                    " WHERE a.term = term_df.term"
                )
            self.set_meta("term_df", "fresh")

    def about_counts_fresh(self) -> bool:
        """Are the counts of items strongly about each term (term_df's strong column) there to read?"""
        return self._vocab_table() == "term_df"

    def strong_doc_freq(self, terms: Iterable[str]) -> dict[str, int]:
        """Items strongly about each term (the about index's strong column, index/salience.py), from term_df;
        0 for every term while term_df is not fresh (a read-only copy of an older database): counting them
        from the index would walk each doclist."""
        if not self.about_counts_fresh():
            return dict.fromkeys(terms, 0)
        return self._term_counts("strong_df", "SELECT strong FROM term_df WHERE term = ?", terms)

    def known_term(self, term: str) -> bool:
        """Is `term` (an analysed term) anywhere in the index? Used for compound splits and respelling."""
        if self._vocab is not None:
            return term in self._vocab
        return self.doc_freq([term])[term] > 0

    def variants(self, stem: str) -> set[str]:
        """Known stems that differ from `stem` only by a short ending, either way: Snowball leaves
        "indført" and "indfør" apart, and the question may use either form."""
        # inflection and derivation endings only: "indført" ~ "indfør", "ombygning" ~ "ombygge";
        # cutting letters blindly would turn "coronapas" into "corona"
        shorter = [stem[: -len(end)] for end in _ENDINGS if stem.endswith(end)]
        # the shortened word is stemmed again: Snowball turns "tryghedsvagt" into "tryghedsvag"
        shorter += [self.analyzer.stem(s) for s in shorter]
        out = {s for s in shorter if len(s) >= 4 and self.known_term(s)}
        rows = self.conn.execute(
            f"SELECT term FROM {self._vocab_table()} WHERE term > ? AND term < ? LIMIT 20", (stem, stem + "\uffff")
        ).fetchall()
        out.update(r[0] for r in rows if len(r[0]) <= len(stem) + 2 and r[0].isalpha())
        return out

    def terms_with_prefix(self, prefix: str, limit: int = 5000) -> list[str]:
        """Indexed terms that start with `prefix` (for spelling correction)."""
        sql = f"SELECT term FROM {self._vocab_table()} WHERE term >= ? AND term < ? LIMIT ?"
        return [r[0] for r in self.conn.execute(sql, (prefix, prefix + "\uffff", limit))]

    def doc_freq(self, terms: Iterable[str]) -> dict[str, int]:
        return self._term_counts("doc_freq", f"SELECT doc FROM {self._vocab_table()} WHERE term = ?", terms)

    def _term_counts(self, key: str, sql: str, terms: Iterable[str]) -> dict[str, int]:
        """A count per term by `sql` (one term a look-up, 0 when absent), memoised per connection under `key`
        up to 200,000 terms: questions repeat their words."""
        memo: dict[str, int] = self._cached(key, dict)
        out = {}
        for term in set(terms):
            if term not in memo:
                row = self.conn.execute(sql, (term,)).fetchone()
                if len(memo) < 200_000:
                    memo[term] = row[0] if row else 0
                out[term] = row[0] if row else 0
            else:
                out[term] = memo[term]
        return out

    def items_in(self, access: Access) -> int:
        """Items the caller may see (`access`)."""
        where, args = access.sql()
        return self._cached(
            "items_in:" + access.key(),
            lambda: self.conn.execute(f"SELECT count(*) FROM items WHERE {where}", args).fetchone()[0],
        )

    def scoped_doc_freq(self, term: str, access: Access, *, limit: int | None = None) -> int:
        """Items the caller may see (`access`) holding `term` (at most `limit` counted)."""
        where, args = access.sql("i")
        sql = (
            "SELECT count(*) FROM (SELECT 1 FROM items_fts JOIN items i ON i.rowid = items_fts.rowid"
            f" WHERE items_fts MATCH ? AND {where} LIMIT ?)"
        )
        expr = '"' + term.replace('"', '""') + '"'
        return self.conn.execute(sql, [expr, *args, limit or -1]).fetchone()[0]

    def item_count(self) -> int:
        return self._cached("item_count", lambda: self.conn.execute("SELECT count(*) FROM items").fetchone()[0])

    # ---- indexing ---------------------------------------------------------------------------

    def _columns(
        self, title: str, case_number: str | None, sections: list[Section], attachments: list[str], analysis: Analysis
    ) -> tuple[str, str, str]:
        """The FTS5 title, decision and body columns, from the item's analysis (one pass over its text)."""
        a = self.analyzer
        decision: list[str] = []
        body: list[str] = []
        for i, s in enumerate(sections):
            # the analysis leaves the list of attachments out; its titles are searched in the body
            terms = a.terms(s.text) if s.kind == ATTACHMENTS else analysis.section_terms(i)
            (decision if s.kind == DECISION else body).extend(terms)
        for title_ in attachments:
            body.extend(a.terms(title_))
        return " ".join(a.terms(f"{title} {case_number or ''}")), " ".join(decision), " ".join(body)

    def _parts(self, analysis: Analysis) -> str:
        """Compound parts of the item's long words (the analysis holds them), split against the corpus
        vocabulary (which the item's own words join first)."""
        if self._vocab is None:
            self._vocab = {
                row[0]
                for row in self.conn.execute(
                    "SELECT term FROM items_vocab WHERE term NOT GLOB ?", (VOCABULARY_EXCLUDE,)
                )
            }
        words = analysis.long_words
        self._vocab.update(analysis.title)
        for span in analysis.spans:
            self._vocab.update(span.terms)
        parts: list[str] = []
        for word in sorted(words):
            # Memoised per store: a word split once stays split; the vocabulary only grows during a run.
            split = self._splits.get(word)
            if split is None:
                split = self._splits[word] = tuple(self.analyzer.split(word, self._vocab.__contains__))
            parts.extend(split)
        return " ".join(parts)

    def _index_item(
        self,
        rowid: int,
        title: str,
        case_number: str | None,
        sections,
        attachments,
        parts: str,
        *,
        scope: str,
        delete: bool = False,
        analysis: Analysis | None = None,
    ) -> None:
        """Write (or, with `delete`, remove) the item's rows in both FTS5 tables and its passages; `scope` is
        its scope_terms.item_terms, from the date and forum the caller has at hand."""
        analysis = analysis or analyse(self.analyzer, title, sections)
        t, d, b = self._columns(title, case_number, sections, attachments, analysis)
        for column in (t, d, b, parts):
            self._touched.update(column.split())
        about = analysis.about
        if delete:
            self.conn.execute(
                "INSERT INTO items_fts(items_fts, rowid, title, decision, body, parts, scope)"
                " VALUES('delete', ?, ?, ?, ?, ?, ?)",
                (rowid, t, d, b, parts, scope),
            )
            self.conn.execute(
                "INSERT INTO items_about(items_about, rowid, strong, weak, scope) VALUES('delete', ?, ?, ?, ?)",
                (rowid, *about, scope),
            )
            self.conn.execute("DELETE FROM item_passages WHERE rowid = ?", (rowid,))
        else:
            self.conn.execute(
                "INSERT INTO items_fts(rowid, title, decision, body, parts, scope) VALUES (?, ?, ?, ?, ?, ?)",
                (rowid, t, d, b, parts, scope),
            )
            self.conn.execute(
                "INSERT INTO items_about(rowid, strong, weak, scope) VALUES (?, ?, ?, ?)", (rowid, *about, scope)
            )
            self.conn.execute("INSERT OR REPLACE INTO item_passages(rowid, data) VALUES (?, ?)", (rowid, analysis.blob))

    # ---- writing meetings ---------------------------------------------------------------------

    # ---- meeting identity ---------------------------------------------------------------------

    def identify(self, meeting: Meeting, source_path: str = "") -> tuple[str | None, list[str]]:
        """The stored meeting `meeting` is a version of, or None for a new one; and notes for the report.

        Identity is (municipality, forum, date, start time or the source's own meeting id). The same meeting
        is: the same source meeting id; else the meeting the same file held, if it has this forum and day;
        else a meeting of this forum and day with the same agenda (corrected minutes, minutes of an agenda).
        Two meetings that differ in source id or start time are never the same."""
        notes: list[str] = []
        if meeting.external_id:
            row = self.conn.execute(
                "SELECT id FROM meetings WHERE external_id = ? AND municipality IN (?, '') AND ? IN (municipality, '')"
                " ORDER BY municipality DESC LIMIT 1",
                (meeting.external_id, meeting.municipality, meeting.municipality),
            ).fetchone()
            if row:
                return row["id"], notes
        rows = self.conn.execute(
            "SELECT id, municipality, external_id, start_time FROM meetings WHERE forum = ? AND date = ? ORDER BY id",
            (meeting.forum, meeting.date.isoformat()),
        ).fetchall()
        candidates = [r for r in rows if _compatible(r, meeting)]
        held = self.source(source_path) if source_path else None
        previous = held["meeting_id"] if held is not None else None
        if previous and any(r["id"] == previous for r in candidates):
            return previous, notes
        if previous and self.meeting_row(previous) is not None:
            notes.append(f"the file held meeting {previous} before; that meeting is kept, this one stored apart")
        agenda = [(it.number, it.title, it.closed) for it in meeting.items]
        for r in candidates:
            if bool(r["municipality"]) != bool(meeting.municipality):
                # minutes no source named are never taken for a named municipality's meeting by their agenda
                # alone (only as the same file or the same source id, above): they may be another municipality's
                notes.append(
                    f"{r['id']} has the same forum and date, but one of the two names no municipality: stored as"
                    " a separate meeting"
                )
                continue
            stored = [
                (t[0], t[1], bool(t[2]))
                for t in self.conn.execute("SELECT number, title, closed FROM items WHERE meeting_id = ?", (r["id"],))
            ]
            share = same_agenda(agenda, stored)
            if share >= SAME_AGENDA:
                if share < 1:
                    notes.append(f"stored as a new version of {r['id']}: {share:.0%} of the item titles are the same")
                return r["id"], notes
            notes.append(
                f"{r['id']} has the same forum and date but another agenda ({share:.0%} of the item titles in"
                " common): stored as a separate meeting"
            )
        return None, notes

    def _new_id(self, meeting: Meeting) -> str:
        """A free id: the base id, else with the start time ('-1715'), else numbered ('-2')."""
        base = meeting_id(meeting)
        tried = [base]
        if meeting.start_time:
            tried.append(f"{base}-{meeting.start_time.replace(':', '')}")
        for mid in tried:
            if self.meeting_row(mid) is None:
                return mid
        n = 2
        while self.meeting_row(f"{tried[-1]}-{n}") is not None:
            n += 1
        return f"{tried[-1]}-{n}"

    def ingest(
        self,
        meeting: Meeting,
        *,
        source_path: str = "",
        public: bool = False,
        analyses: list[Analysis] | None = None,
    ) -> IngestResult:
        """Store `meeting` in one transaction: added, unchanged (same content), or updated with a revision.

        A closed item is stored as index.readers.closed.redact leaves it, whatever the reader handed over.
        A correction that makes text closed also removes it from the meeting's revisions and then purges
        the file (purge()): the rare path that pays for an index merge and a WAL checkpoint.
        `analyses`: the items' analyses made elsewhere (index.prepare, by this store's analyser), one per item.
        """
        meeting = closed_rule.redact_meeting(meeting)
        known, notes = self.identify(meeting, source_path)
        digest = content_hash(meeting)
        row = None
        if known is not None:
            row = self.conn.execute(
                "SELECT content_hash, revision, municipality, portal_url, visibility FROM meetings WHERE id = ?",
                (known,),
            ).fetchone()
        if row and row["content_hash"] == digest:
            self._set_origin(known, meeting, row, public)
            return IngestResult("unchanged", known or "", len(meeting.items), row["revision"], notes)
        # Compound parts are computed before the transaction: it reads the vocabulary, and that read
        # must not hold the write lock longer than needed.
        if analyses is None or len(analyses) != len(meeting.items):
            analyses = [analyse(self.analyzer, it.title, public_sections(it)) for it in meeting.items]
        parts = [self._parts(an) for an in analyses]
        stamp = now()
        purge = False
        with self.transaction():
            # The id is chosen under the write lock, so two writers cannot take the same free id.
            mid = known if known is not None else self._new_id(meeting)
            revision = 0
            ingested_at = stamp
            if row:
                old = self.load_meeting(mid)
                old_content, purge = withhold(old.to_dict() if old else {}, meeting)
                if purge:
                    for earlier in self.revisions(mid):
                        content, changed = withhold(json.loads(earlier["old_content"] or "{}"), meeting)
                        if changed:
                            self.conn.execute(
                                "UPDATE revisions SET old_content = ? WHERE id = ?",
                                (json.dumps(content, ensure_ascii=False), earlier["id"]),
                            )
                revision = row["revision"] + 1
                ingested_at = self.conn.execute("SELECT ingested_at FROM meetings WHERE id = ?", (mid,)).fetchone()[0]
                self.conn.execute(
                    "INSERT INTO revisions(meeting_id, revision, created_at, old_hash, new_hash, source_path, old_content)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        mid,
                        revision,
                        stamp,
                        row["content_hash"],
                        digest,
                        source_path,
                        json.dumps(old_content, ensure_ascii=False),
                    ),
                )
                self._delete_items(mid)
            town = meeting.municipality or (row["municipality"] if row else "")
            if row:
                self.conn.execute("DELETE FROM meetings WHERE id = ?", (mid,))
            self.conn.execute(
                "INSERT INTO meetings(id, forum, date, start_time, place, participants, absentees, kind,"
                " source_format, source_path, external_id, content_hash, revision, ingested_at, changed_at, item_count,"
                " municipality, portal_url, visibility)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    mid,
                    meeting.forum,
                    meeting.date.isoformat(),
                    meeting.start_time,
                    meeting.place,
                    json.dumps(meeting.participants, ensure_ascii=False),
                    json.dumps(meeting.absentees, ensure_ascii=False),
                    meeting.kind,
                    meeting.source_format,
                    source_path,
                    meeting.external_id,
                    digest,
                    revision,
                    ingested_at,
                    stamp,
                    len(meeting.items),
                    town,
                    meeting.portal_url or (row["portal_url"] if row else None),
                    "public" if public else "access",  # the latest source decides; a folder copy restricts
                ),
            )
            for item, item_parts, analysis in zip(meeting.items, parts, analyses, strict=True):
                self._insert_item(mid, meeting, item, item_parts, town, analysis)
            # term_df lags until refresh_vocab(). "pending:<this store>" lets this store refresh only the
            # terms it touched; any other store (or a crash before the refresh) sees a state that forces a
            # full copy.
            mine = f"pending:{self._token}"
            self.set_meta("term_df", mine if self.meta("term_df") in ("fresh", mine) else "stale")
            if purge:
                self.set_meta("purge", "pending")  # done below; a crash in between leaves it to the next open
        warnings = list(notes)
        if purge:
            note = self.purge()
            warnings.append(
                "a correction made text closed: it was removed from the meeting's revisions and the database"
                + (f" ({note})" if note else "")
            )
        return IngestResult("updated" if row else "added", mid, len(meeting.items), revision, warnings)

    def purge(self) -> str | None:
        """Make text that was deleted unreadable in the database file and its WAL.

        secure_delete (on for every write) zeroes deleted rows and free pages; a contentless FTS5 index
        keeps a deleted row's terms in older segments until they are merged, so the indexes are merged into
        one segment ('optimize'), term_df drops the terms no item holds any more, and the WAL, which still
        holds old page images, is checkpointed and truncated. Returns a note when a reader kept the WAL
        from being truncated (it is retried at the next purge or open), else None.
        """
        with self.transaction():
            self.conn.execute("INSERT INTO items_fts(items_fts) VALUES('optimize')")
            self.conn.execute("INSERT INTO items_about(items_about) VALUES('optimize')")
        self.refresh_vocab()
        busy = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if busy:
            return "another connection was reading, so the WAL is truncated later"
        self.conn.execute("DELETE FROM meta WHERE key = 'purge'")
        # The delete itself went to the WAL: checkpoint once more so the file ends empty.
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._memo = {}
        return None

    def _set_origin(self, mid: str | None, meeting: Meeting, row: sqlite3.Row, public: bool) -> None:
        """Unchanged minutes whose municipality or portal became known (a folder named in config later), or
        that a public portal turns out to publish."""
        town = meeting.municipality or row["municipality"]
        portal = meeting.portal_url or row["portal_url"]
        visibility = "public" if public else row["visibility"]
        if mid and (town, portal, visibility) != (row["municipality"], row["portal_url"], row["visibility"]):
            with self.transaction():
                self.conn.execute(
                    "UPDATE meetings SET municipality = ?, portal_url = ?, visibility = ? WHERE id = ?",
                    (town, portal, visibility, mid),
                )
                self.conn.execute("UPDATE items SET municipality = ? WHERE meeting_id = ?", (town, mid))

    def _insert_item(
        self, mid: str, meeting: Meeting, item: Item, parts: str, municipality: str, analysis: Analysis
    ) -> None:
        sections = public_sections(item)
        cur = self.conn.execute(
            "INSERT INTO items(id, meeting_id, number, title, title_raw, case_number, closed, external_id, forum,"
            " date, parts, municipality) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                f"{mid}#{item.number}",
                mid,
                item.number,
                item.title,
                item.title if item.closed else item.title_raw,
                None if item.closed else item.case_number,
                int(item.closed),
                item.external_id,
                meeting.forum,
                meeting.date.isoformat(),
                parts,
                municipality,
            ),
        )
        rowid = cur.lastrowid
        assert rowid is not None
        self.conn.executemany(
            "INSERT INTO sections(item_rowid, ord, heading, kind, text) VALUES (?, ?, ?, ?, ?)",
            [(rowid, i, s.heading, s.kind, s.text) for i, s in enumerate(sections)],
        )
        attachments = [] if item.closed else item.attachments
        self.conn.executemany(
            "INSERT INTO attachments(item_rowid, ord, title, external_id) VALUES (?, ?, ?, ?)",
            [(rowid, i, a.title, a.external_id) for i, a in enumerate(attachments)],
        )
        case = None if item.closed else item.case_number
        self._index_item(
            rowid,
            item.title,
            case,
            sections,
            [a.title for a in attachments],
            parts,
            scope=item_terms(meeting.date.isoformat(), meeting.forum),
            analysis=analysis,
        )

    def _delete_items(self, mid: str) -> None:
        rows = self.conn.execute(
            "SELECT rowid, title, case_number, parts, date, forum FROM items WHERE meeting_id = ?", (mid,)
        )
        for row in rows:
            sections = self._sections(row["rowid"])
            attachments = [a.title for a in self._attachments(row["rowid"])]
            self._index_item(
                row["rowid"],
                row["title"],
                row["case_number"],
                sections,
                attachments,
                row["parts"],
                scope=item_terms(row["date"], row["forum"]),
                delete=True,
            )
        for table in ("sections", "attachments"):
            self.conn.execute(
                f"DELETE FROM {table} WHERE item_rowid IN (SELECT rowid FROM items WHERE meeting_id = ?)",
                (mid,),
            )
        self.conn.execute("DELETE FROM items WHERE meeting_id = ?", (mid,))

    def _refill_about(self) -> None:
        """Write every item's about document again from its stored passages (no text is analysed again)."""
        with self.transaction():
            self.conn.execute("INSERT INTO items_about(items_about) VALUES('delete-all')")
            rows = self.conn.execute(
                "SELECT i.rowid, i.title, i.date, i.forum, p.data FROM items i LEFT JOIN item_passages p ON p.rowid = i.rowid"
            )
            for rowid, title, date, forum, blob in rows:
                loaded = load(blob) if blob is not None else None
                if loaded is None:  # no passages stored in this format: analyse the text as storing it does
                    analysis = analyse(self.analyzer, title, self._sections(rowid))
                else:
                    spans, kinds, headings, _where = loaded
                    analysis = Analysis(spans, kinds, headings, frozenset(self.analyzer.terms(title)))
                self.conn.execute(
                    "INSERT INTO items_about(rowid, strong, weak, scope) VALUES (?, ?, ?, ?)",
                    (rowid, *about_document(analysis), item_terms(date, forum)),
                )
            self.set_meta("about", "fresh")
        log.info("database %s: the about index was refilled from the stored passages", self.path)

    def reindex(self) -> int:
        """Rebuild the FTS index from the stored text (after stopwords or stem overrides changed)."""
        self._vocab = None
        with self.transaction():
            self.conn.execute("INSERT INTO items_fts(items_fts) VALUES('delete-all')")
            self.conn.execute("INSERT INTO items_about(items_about) VALUES('delete-all')")
            self.conn.execute("DELETE FROM item_passages")
        rows = self.conn.execute("SELECT rowid, title, case_number, date, forum FROM items ORDER BY rowid").fetchall()
        started = time.perf_counter()
        if len(rows) >= REINDEX_NOTICE_ITEMS:
            # an upgrade or new word lists: the store is not ready until this ends, so say why it waits
            log.info(
                "database %s: rebuilding the search indexes from the stored text of %d items "
                "(about a minute per 100,000 items; answers wait until it ends)",
                self.path,
                len(rows),
            )
        with self.transaction():
            for row in rows:
                sections = self._sections(row["rowid"])
                attachments = [a.title for a in self._attachments(row["rowid"])]
                analysis = analyse(self.analyzer, row["title"], sections)
                parts = self._parts(analysis)
                self.conn.execute("UPDATE items SET parts = ? WHERE rowid = ?", (parts, row["rowid"]))
                self._index_item(
                    row["rowid"],
                    row["title"],
                    row["case_number"],
                    sections,
                    attachments,
                    parts,
                    scope=item_terms(row["date"], row["forum"]),
                    analysis=analysis,
                )
            self.set_meta("analyzer", self.analyzer.fingerprint)
            self.set_meta("about", "fresh")
            self.set_meta("passages", str(PASSAGES_FORMAT))
            self.set_meta("term_df", "stale")  # the terms changed wholesale: the next refresh copies them all
            if self.meta("purge") == "reindex":
                self.set_meta("purge", "pending")
        if len(rows) >= REINDEX_NOTICE_ITEMS:
            log.info("database %s: search indexes rebuilt in %.0f s", self.path, time.perf_counter() - started)
        return len(rows)

    # ---- sources ---------------------------------------------------------------------------

    def source(self, path: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM sources WHERE path = ?", (path,)).fetchone()

    def record_source(
        self,
        path: str,
        *,
        bytes_hash: str | None,
        size: int | None,
        mtime: float | None,
        meeting_id: str | None,
        status: str,
        error: str | None = None,
    ) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO sources(path, bytes_hash, size, mtime, meeting_id, status, error, seen_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (path, bytes_hash, size, mtime, meeting_id, status, error, now()),
        )

    def meeting_for_bytes(self, bytes_hash: str) -> str | None:
        row = self.conn.execute(
            "SELECT meeting_id FROM sources WHERE bytes_hash = ? AND status = 'ok' LIMIT 1", (bytes_hash,)
        ).fetchone()
        return row[0] if row else None

    # ---- reading ------------------------------------------------------------------------------

    def _sections(self, item_rowid: int) -> list[Section]:
        return [
            Section(heading=r["heading"], kind=r["kind"], text=r["text"])
            for r in self.conn.execute(
                "SELECT heading, kind, text FROM sections WHERE item_rowid = ? ORDER BY ord", (item_rowid,)
            )
        ]

    def _attachments(self, item_rowid: int) -> list[Attachment]:
        return [
            Attachment(title=r["title"], external_id=r["external_id"])
            for r in self.conn.execute(
                "SELECT title, external_id FROM attachments WHERE item_rowid = ? ORDER BY ord", (item_rowid,)
            )
        ]

    def items_by_rowid(self, rowids: list[int]) -> dict[int, dict]:
        """Item rows (as dicts) by rowid, for the answering stages."""
        out: dict[int, dict] = {}
        for i in range(0, len(rowids), 500):
            chunk = rowids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(f"SELECT * FROM items WHERE rowid IN ({marks})", chunk):
                out[r["rowid"]] = dict(r)
        return out

    def sections_of(self, rowids: list[int]) -> dict[int, tuple[Section, ...]]:
        """The stored sections of these items, in order, read in one query."""
        out: dict[int, list[Section]] = {r: [] for r in rowids}
        if rowids:
            marks = ",".join("?" * len(rowids))
            sql = f"SELECT item_rowid, heading, kind, text FROM sections WHERE item_rowid IN ({marks}) ORDER BY item_rowid, ord"
            for r in self.conn.execute(sql, rowids):
                out[r[0]].append(Section(heading=r[1], kind=r[2], text=r[3]))
        return {k: tuple(v) for k, v in out.items()}

    def passages_of(self, rowids: list[int]) -> dict[int, bytes]:
        """The stored passage analysis (index/salience.py) of these items."""
        marks = ",".join("?" * len(rowids))
        sql = f"SELECT rowid, data FROM item_passages WHERE rowid IN ({marks})"
        return {r[0]: r[1] for r in self.conn.execute(sql, rowids)} if rowids else {}

    def meeting_row(self, mid: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM meetings WHERE id = ?", (mid,)).fetchone()

    def item_from_row(self, row: sqlite3.Row) -> Item:
        return Item(
            number=row["number"],
            title=row["title"],
            title_raw=row["title_raw"],
            case_number=row["case_number"],
            closed=bool(row["closed"]),
            sections=self._sections(row["rowid"]),
            attachments=self._attachments(row["rowid"]),
            external_id=row["external_id"],
        )

    def load_meeting(self, mid: str) -> Meeting | None:
        row = self.meeting_row(mid)
        if row is None:
            return None
        items = [
            self.item_from_row(r)
            for r in self.conn.execute("SELECT * FROM items WHERE meeting_id = ? ORDER BY number", (mid,))
        ]
        return Meeting(
            forum=row["forum"],
            date=dt.date.fromisoformat(row["date"]),
            items=items,
            start_time=row["start_time"],
            place=row["place"],
            participants=json.loads(row["participants"]),
            absentees=json.loads(row["absentees"]),
            kind=row["kind"],
            source_format=row["source_format"] or "text",
            external_id=row["external_id"],
            municipality=row["municipality"],
            portal_url=row["portal_url"],
        )

    def meetings(self, access: Access | None = None) -> list[sqlite3.Row]:
        rows = self.conn.execute("SELECT * FROM meetings ORDER BY date, forum").fetchall()
        return [r for r in rows if access is None or access.allows(r["municipality"], r["forum"])]

    def public_bodies(self) -> Access:
        """Bodies (municipality, forum) every meeting of which a public portal published: every place may see
        them. A body that folder minutes hold too is left out, so a name two sources share never opens the
        folder's."""
        return self._cached(
            "public_bodies",
            lambda: Access.of(
                pairs=(
                    (r[0], r[1])
                    for r in self.conn.execute(
                        "SELECT municipality, forum FROM meetings GROUP BY municipality, forum"
                        " HAVING min(visibility = 'public') = 1"
                    )
                )
            ),
        )

    def bodies(self) -> list[tuple[str, str]]:
        """Every stored (municipality, forum)."""
        return self._cached(
            "bodies",
            lambda: [
                (r[0], r[1])
                for r in self.conn.execute("SELECT DISTINCT municipality, forum FROM meetings ORDER BY 2, 1")
            ],
        )

    def visible_municipalities(self, access: Access | None) -> list[str]:
        """The named municipalities the caller may see some meeting of (answers name the municipality only
        when there are several)."""
        if access is None:
            return self.municipalities()
        return sorted({m for m, f in self.bodies() if m and access.allows(m, f)})

    # ---- fetch state (index.sources) ------------------------------------------------------------

    def fetch_state(self, source: str) -> dict[str, sqlite3.Row]:
        rows = self.conn.execute("SELECT * FROM fetch_state WHERE source = ?", (source,)).fetchall()
        return {r["external_id"]: r for r in rows}

    def record_fetch(
        self,
        source: str,
        external_id: str,
        *,
        fingerprint: str,
        status: str,
        payload_hash: str | None = None,
        meeting_id: str | None = None,
        error: str | None = None,
    ) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO fetch_state(source, external_id, fingerprint, payload_hash, meeting_id, status,"
            " error, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (source, external_id, fingerprint, payload_hash, meeting_id, status, error, now()),
        )

    def municipalities(self) -> list[str]:
        """The municipalities named by stored meetings ('' left out), for question filters and display."""
        return self._cached(
            "municipalities",
            lambda: [
                r[0]
                for r in self.conn.execute(
                    "SELECT DISTINCT municipality FROM meetings WHERE municipality != '' ORDER BY 1"
                )
            ],
        )

    def has_agendas(self) -> bool:
        """Does the store hold an agenda (a meeting without decisions yet)?"""
        return self._cached(
            "has_agendas",
            lambda: self.conn.execute("SELECT 1 FROM meetings WHERE kind = 'dagsorden' LIMIT 1").fetchone() is not None,
        )

    def fora(self) -> list[str]:
        return self._cached(
            "fora", lambda: [r[0] for r in self.conn.execute("SELECT DISTINCT forum FROM meetings ORDER BY forum")]
        )

    def revisions(self, mid: str) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM revisions WHERE meeting_id = ? ORDER BY revision", (mid,)).fetchall()

    # ---- feedback and conversations (written by the chat adapters) -----------------------------

    def add_feedback(
        self,
        platform: str,
        question: str,
        item_ids: list[str],
        vote: int,
        user_id: str,
        created_at: str | None = None,
    ) -> None:
        """Store a vote; the user id is kept only as `user_hash(user_id)`."""
        self.conn.execute(
            "INSERT INTO feedback(platform, question, item_ids, vote, user_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (platform, question, json.dumps(item_ids), int(vote), self.user_hash(user_id), created_at or now()),
        )

    def user_hash(self, user_id: str) -> str:
        """HMAC-SHA256 of a chat user id under this installation's secret.

        A bare hash of a Slack or Teams id can be reversed by hashing every id of the workspace; with
        a key the stored hashes mean nothing without it. The key is REFERENT_USER_SECRET when set
        (then a copy of the database alone cannot be matched), else one generated into `meta` once.
        """
        key = os.environ.get(USER_SECRET_ENV) or self._user_secret()
        return hmac.new(key.encode("utf-8"), user_id.encode("utf-8"), hashlib.sha256).hexdigest()

    def _user_secret(self) -> str:
        secret = self.meta("user_secret")
        if secret is None:
            # OR IGNORE: two connections generating at once both end up with the first one's key.
            self.conn.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('user_secret', ?)", (secrets.token_hex(32),)
            )
            secret = self.meta("user_secret")
        assert secret is not None
        return secret

    def save_conversation(self, platform: str, channel_id: str, reference: dict) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO conversations(platform, channel_id, reference, updated_at) VALUES (?, ?, ?, ?)",
            (platform, channel_id, json.dumps(reference, ensure_ascii=False), now()),
        )

    def conversations(self, platform: str) -> dict[str, dict]:
        return {
            r["channel_id"]: json.loads(r["reference"])
            for r in self.conn.execute("SELECT * FROM conversations WHERE platform = ?", (platform,))
        }
