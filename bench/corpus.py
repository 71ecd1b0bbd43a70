"""What a benchmark database holds and how the figures read it: the shared folder, which meetings are real
(read from a set's own sources, never the haystack), gold item ids, the plain item texts the peers index,
and the byte counts the size figures divide."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from index.evaluate import is_gold
from index.store import Store

ROOT = Path(__file__).resolve().parents[1]
TEXT_SUFFIXES = (".txt", ".md", ".markdown")


def find_shared(explicit: str | Path | None = None) -> Path | None:
    """../shared beside the repository (or REFERENT_SHARED); None when absent."""
    for cand in (explicit, os.environ.get("REFERENT_SHARED"), ROOT.parent / "shared"):
        if cand and (Path(cand) / "corpus" / "seeds").is_dir():
            return Path(cand).resolve()
    return None


def _inside(path: Path, folders: tuple[Path, ...]) -> bool:
    return any(path == f or f in path.parents for f in folders)


def real_meetings(store: Store, sources: tuple[Path, ...]) -> set[str]:
    """Ids of the meetings read from a file in `sources` (files or folders, resolved)."""
    out = set()
    for mid, source in store.conn.execute("SELECT id, source_path FROM meetings WHERE source_path IS NOT NULL"):
        if _inside(Path(source).resolve(), sources):
            out.add(mid)
    return out


def gold_ids(store: Store, question: dict, real: set[str]) -> list[str]:
    """The item ids a question's gold names, among the real meetings only (the peers' yardstick; Referent's
    rows come from index.evaluate with the same `is_gold`)."""
    dates = sorted({g["date"] for g in question.get("gold") or []})
    if not dates:
        return []
    marks = ",".join("?" * len(dates))
    rows = store.conn.execute(
        f"SELECT id, meeting_id, number, forum, date FROM items WHERE date IN ({marks}) ORDER BY rowid", dates
    )
    return [r[0] for r in rows if r[1] in real and is_gold(question, r[4], r[2], r[3])]


def item_labels(store: Store, ids: set[str]) -> dict[str, str]:
    """'forum date #n' for item ids, as index.evaluate labels Referent's first answer."""
    out = {}
    ordered = sorted(ids)
    for i in range(0, len(ordered), 500):
        chunk = ordered[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for r in store.conn.execute(f"SELECT id, forum, date, number FROM items WHERE id IN ({marks})", chunk):
            out[r[0]] = f"{r[1]} {r[2]} #{r[3]}"
    return out


def warmup_questions(store: Store, n: int, seed: int) -> list[str]:
    """Questions about random item titles, to warm the caches before anything is timed."""
    if n <= 0 or not store.item_count():
        return []
    rng = random.Random(seed)
    low, high = store.conn.execute("SELECT min(rowid), max(rowid) FROM items").fetchone()
    sql = "SELECT title_raw FROM items WHERE rowid >= ? ORDER BY rowid LIMIT 1"
    titles = [store.conn.execute(sql, (rng.randint(low, high),)).fetchone()[0] for _ in range(n)]
    return [f"hvad blev besluttet om {t}" for t in titles]


def dump_items(store: Store, path: Path) -> int:
    """Each stored item as one plain text (title, case number, section headings and text, attachment titles):
    exactly what the peers index."""
    conn = store.conn
    sections: dict[int, list[str]] = {}
    for row in conn.execute("SELECT item_rowid, heading, text FROM sections ORDER BY item_rowid, ord"):
        sections.setdefault(row[0], []).append(f"{row[1]}\n{row[2]}" if row[1] else row[2])
    for row in conn.execute("SELECT item_rowid, title FROM attachments ORDER BY item_rowid, ord"):
        sections.setdefault(row[0], []).append(row[1])
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for rowid, item_id, title, case in conn.execute(
            "SELECT rowid, id, title_raw, case_number FROM items ORDER BY rowid"
        ):
            text = "\n".join([title, case or "", *sections.get(rowid, [])])
            fh.write(json.dumps({"id": item_id, "text": text}, ensure_ascii=False) + "\n")
            n += 1
    return n


def raw_text_bytes(store: Store) -> int:
    """UTF-8 bytes of the stored raw text (titles, sections, attachment titles): the stricter yardstick."""
    q = "SELECT coalesce(sum(length(CAST({c} AS BLOB))), 0) FROM {t}"
    conn = store.conn
    return sum(
        conn.execute(q.format(c=c, t=t)).fetchone()[0]
        for c, t in (("title_raw", "items"), ("text", "sections"), ("title", "attachments"))
    )


def text_file_bytes(paths: list[Path]) -> int:
    """Bytes of the plain-text minutes among `paths` (files, or folders searched recursively)."""
    total = 0
    for p in paths:
        files = [p] if p.is_file() else [f for f in p.rglob("*") if f.is_file()]
        total += sum(f.stat().st_size for f in files if f.suffix.lower() in TEXT_SUFFIXES and f.name != "README.md")
    return total


def published_text_bytes(store: Store, text_bytes: int) -> int:
    """The published text: text minutes as they are (`text_bytes`); for PDFs, web pages and First Agenda JSON
    the text their readers extracted (titles, sections, attachment titles), since those files are mostly
    layout or markup."""
    conn = store.conn
    other = "SELECT rowid FROM items WHERE meeting_id IN (SELECT id FROM meetings WHERE source_format NOT IN ('text', 'markdown'))"
    parts = (
        f"SELECT coalesce(sum(length(CAST(title_raw AS BLOB))), 0) FROM items WHERE rowid IN ({other})",
        f"SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) FROM sections WHERE item_rowid IN ({other})",
        f"SELECT coalesce(sum(length(CAST(title AS BLOB))), 0) FROM attachments WHERE item_rowid IN ({other})",
    )
    return text_bytes + sum(conn.execute(q).fetchone()[0] for q in parts)
