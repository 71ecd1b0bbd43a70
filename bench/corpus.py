"""What the benchmark mixes into the haystack: the real minutes in ../shared (when present) and the demo
minutes, their question sets with gold items resolved to item ids, and the plain item texts the peers index."""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

from index.evaluate import load_questions
from index.readers import read_bytes
from index.store import Store, meeting_id

ROOT = Path(__file__).resolve().parents[1]
DEMO_MINUTES = ROOT / "demo" / "minutes"
DEMO_QUESTIONS = ROOT / "demo" / "questions.jsonl"


def find_shared(explicit: str | Path | None = None) -> Path | None:
    """../shared beside the repository (or REFERENT_SHARED); None when absent: the benchmark then runs on the
    haystack and the demo minutes alone."""
    for cand in (explicit, os.environ.get("REFERENT_SHARED"), ROOT.parent / "shared"):
        if cand and (Path(cand) / "corpus" / "seeds").is_dir():
            return Path(cand)
    return None


@dataclass
class Mixed:
    """The real and demo minutes that go into the same database as the haystack."""

    paths: list[Path] = field(default_factory=list)  # folders and files to ingest
    reserved: set[tuple[str, str]] = field(default_factory=set)  # (forum, ISO date) the generator must not use
    vocab_texts: list[str] = field(default_factory=list)
    pdf: Path | None = None
    quality: dict[str, list[dict]] = field(default_factory=dict)  # set name -> questions with "gold_ids"


def mixed(shared: Path | None) -> Mixed:
    out = Mixed()
    sources: dict[str, list[Path]] = {"demo": sorted(DEMO_MINUTES.iterdir())}
    if shared is not None:
        sources["dev"] = sorted((shared / "corpus" / "seeds").iterdir()) + sorted(
            (shared / "corpus" / "real").iterdir()
        )
        pdfs = [p for p in sources["dev"] if p.suffix.lower() == ".pdf"]
        out.pdf = pdfs[0] if pdfs else None
    meetings: dict[str, dict[str, str]] = {}  # set name -> ISO date -> meeting id
    for name, files in sources.items():
        for path in files:
            data = path.read_bytes()
            meeting = read_bytes(data, path.name)
            out.reserved.add((meeting.forum, meeting.date.isoformat()))
            meetings.setdefault(name, {})[meeting.date.isoformat()] = meeting_id(meeting)
            if path.suffix.lower() in (".txt", ".md"):
                out.vocab_texts.append(data.decode("utf-8", errors="replace"))
        out.paths.extend(files)
    question_files = {"demo": DEMO_QUESTIONS}
    if shared is not None and (shared / "eval" / "dev.jsonl").exists():
        question_files["dev"] = shared / "eval" / "dev.jsonl"
    for name, qfile in question_files.items():
        qs = load_questions(qfile)
        for q in qs:
            q["gold_ids"] = [f"{meetings[name][g['date']]}#{int(g['item'])}" for g in q.get("gold") or []
                             if g["date"] in meetings.get(name, {})]  # fmt: skip
            q["set"] = name
        out.quality[name] = qs
    return out


def latency_set(
    generated: Path, quality: dict[str, list[dict]], total: int, warmup: int, seed: int
) -> tuple[list[dict], list[dict]]:
    """A fixed question set: every quality question plus generated ones up to `total`; and a separate
    warm-up set of generated questions."""
    gen = [json.loads(line) for line in generated.read_text(encoding="utf-8").splitlines() if line.strip()]
    for q in gen:
        q["set"] = "generated"
    rng = random.Random(seed)
    rng.shuffle(gen)
    fixed = [q for qs in quality.values() for q in qs]
    need = max(0, total - len(fixed))
    return fixed + gen[:need], gen[need : need + warmup]


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
            "SELECT rowid, id, title, case_number FROM items ORDER BY rowid"
        ):
            text = "\n".join([title, case or "", *sections.get(rowid, [])])
            fh.write(json.dumps({"id": item_id, "text": text}, ensure_ascii=False) + "\n")
            n += 1
    return n


def raw_text_bytes(store: Store) -> int:
    """UTF-8 bytes of the stored raw text (titles, sections, attachment titles): the yardstick for the database."""
    q = "SELECT coalesce(sum(length(CAST({c} AS BLOB))), 0) FROM {t}"
    conn = store.conn
    return sum(
        conn.execute(q.format(c=c, t=t)).fetchone()[0]
        for c, t in (("title_raw", "items"), ("text", "sections"), ("title", "attachments"))
    )


def input_text_bytes(store: Store, haystack_bytes: int, paths: list[Path]) -> int:
    """The published text: the haystack files and the mixed-in text files as they are, and for PDFs and web
    pages the text their readers extracted (their files are mostly layout)."""
    text_files = sum(p.stat().st_size for p in paths if p.suffix.lower() in (".txt", ".md", ".markdown"))
    q = (
        "SELECT coalesce(sum(length(CAST(s.text AS BLOB))), 0) FROM sections s JOIN items i ON i.rowid = s.item_rowid "
        "JOIN meetings m ON m.id = i.meeting_id WHERE lower(m.source_path) LIKE '%.pdf' OR lower(m.source_path) LIKE '%.htm%'"
    )
    return haystack_bytes + text_files + store.conn.execute(q).fetchone()[0]
