"""Ingest files and folders into the store: one meeting per file, one transaction per meeting.

A file that cannot be read is reported with a one-line reason and never stops the run; the files
around it are stored as usual.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from index.model import Meeting
from index.prepare import Prepared, prepare, read_meeting, watch_parent
from index.readers import DEFAULT_MAX_BYTES, SUFFIXES, ReaderError, read_limited
from index.store import Store


@dataclass
class FileResult:
    path: str
    status: str  # added, updated, unchanged, duplicate, failed, skipped (not a minutes format; not an error)
    meeting_id: str | None = None
    items: int = 0
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)  # the reader's doubts about a file it did read
    items_without_text: int = 0  # public items that came out with no text at all


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def warned(self) -> list[FileResult]:
        return [f for f in self.files if f.warnings]

    @property
    def skipped(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "skipped"]

    @property
    def items_stored(self) -> int:
        return sum(f.items for f in self.files if f.status in ("added", "updated"))

    @property
    def items_without_text(self) -> int:
        return sum(f.items_without_text for f in self.files if f.status in ("added", "updated"))

    def summary(self) -> dict:
        return {
            "added": self.count("added"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged") + self.count("duplicate"),
            "failed": len(self.failed),
            "skipped": len(self.skipped),
            "warnings": sum(len(f.warnings) for f in self.files),
            "items_stored": self.items_stored,
            "items_without_text": self.items_without_text,
            "files": [f.__dict__ for f in self.files],
        }


def skipped_files(paths: Iterable[str | Path]) -> list[FileResult]:
    """Files inside the folders that are not in a minutes format (by suffix): listed, never read, no error."""
    known = ", ".join(sorted(SUFFIXES))
    out: list[FileResult] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            continue
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files):
                suffix = Path(name).suffix.lower()
                if suffix not in SUFFIXES:
                    what = f"'{suffix}'" if suffix else "no suffix"
                    reason = f"not a minutes format ({what}; read: {known})"
                    out.append(FileResult(str(Path(root) / name), "skipped", reason=reason))
    return out


def text_warnings(meeting: Meeting) -> tuple[int, list[str]]:
    """Public items without any text, counted and explained ("2 of 34 items have no text (…): punkt 3, 9")."""
    empty = [it for it in meeting.items if not it.closed and not any(s.text.strip() for s in it.sections)]
    if not empty:
        return 0, []
    groups: dict[str, list[int]] = {}
    for it in empty:
        if it.attachments:
            why = "their text is only in attachments, which are not read"
        elif meeting.kind == "dagsorden":
            why = "the agenda publishes no case text for them"
        else:
            why = "layout not recognised"
        groups.setdefault(why, []).append(it.number)
    lines = []
    for why, numbers in groups.items():
        shown = ", ".join(str(n) for n in numbers[:10]) + (" …" if len(numbers) > 10 else "")
        lines.append(f"{len(numbers)} of {len(meeting.items)} items have no text ({why}): punkt {shown}")
    return len(empty), lines


def discover(paths: Iterable[str | Path], errors: list[FileResult]) -> list[Path]:
    """Files named directly, and files with a minutes suffix found recursively in folders (sorted).

    Inside a folder a symbolic link is followed only to a file within that folder (a second name for
    minutes already there, stored once as a duplicate); a link leading out of it, or to a folder, is
    reported and skipped, so a folder ingest reads nothing but that folder. A path named directly is
    the caller's choice and is followed. Either way only regular files are read (read_limited).
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            top = path.resolve()

            def onerror(exc: OSError) -> None:
                errors.append(FileResult(str(exc.filename), "failed", reason=f"cannot read folder: {exc.strerror}"))

            for root, dirs, files in os.walk(path, onerror=onerror):
                links = [d for d in dirs if (Path(root) / d).is_symlink()]
                errors.extend(
                    FileResult(str(Path(root) / d), "failed", reason="symbolic link to a folder; not followed")
                    for d in sorted(links)
                )
                dirs[:] = sorted(d for d in dirs if d not in links)
                for name in sorted(files):
                    file = Path(root) / name
                    if file.suffix.lower() not in SUFFIXES:
                        continue
                    outside = file.is_symlink() and not file.resolve().is_relative_to(top)
                    if outside:
                        reason = f"symbolic link to {file.resolve()}, outside the folder; skipped"
                        errors.append(FileResult(str(file), "failed", reason=reason))
                    else:
                        found.append(file)
        elif path.exists():
            found.append(path)
        else:
            errors.append(FileResult(str(path), "failed", reason="no such file or folder"))
    return found


def ingest_file(
    store: Store, path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, municipality: str | None = None
) -> FileResult:
    """Read and store one file; `municipality` (from config) overrides what the reader found."""
    name = str(path)
    try:
        data = read_limited(path, max_bytes)
        stat = path.stat()
    except ReaderError as exc:
        return _failed(store, name, exc.reason)
    except OSError as exc:
        return _failed(store, name, f"cannot read file: {exc.strerror or exc}")
    return ingest_bytes(store, name, data, size=stat.st_size, mtime=stat.st_mtime, municipality=municipality)


def ingest_bytes(
    store: Store,
    name: str,
    data: bytes,
    *,
    size: int | None = None,
    mtime: float | None = None,
    municipality: str | None = None,
    public: bool = False,
    prepared: Prepared | None = None,
) -> FileResult:
    """Store one document read from anywhere (a file, a portal response) under the source name `name`;
    `public`: a public portal published it (see index.config.Source); `prepared`: `data` already read and
    analysed by a worker (index.prepare)."""
    size = len(data) if size is None else size
    digest = hashlib.sha256(data).hexdigest()
    known = _unchanged(store, name, digest)
    if known is not None:
        return FileResult(name, "unchanged", known["meeting_id"])
    same = store.meeting_for_bytes(digest)
    if same is not None:
        store.record_source(name, bytes_hash=digest, size=size, mtime=mtime, meeting_id=same, status="ok")
        return FileResult(name, "duplicate", same, reason=f"same file as an ingested copy of {same}")
    if prepared is None or prepared.status == "ok" and prepared.meeting is None:
        prepared = read_meeting(data, Path(name).name)
    if prepared.status == "skipped":
        # a README or a note beside the minutes: listed with the reason, not an error of the run
        store.record_source(name, bytes_hash=digest, size=size, mtime=mtime, meeting_id=None, status="skipped",
                            error=prepared.reason)  # fmt: skip
        return FileResult(name, "skipped", reason=prepared.reason)
    if prepared.meeting is None:
        return _failed(store, name, prepared.reason or "could not parse", digest)
    meeting = prepared.meeting
    if municipality:
        meeting.municipality = municipality
    empty, empty_notes = text_warnings(meeting)
    result = store.ingest(meeting, source_path=name, public=public, analyses=prepared.analyses)
    store.record_source(name, bytes_hash=digest, size=size, mtime=mtime, meeting_id=result.meeting_id, status="ok")
    notes = [*meeting.warnings, *empty_notes, *result.warnings]
    return FileResult(name, result.status, result.meeting_id, result.items, warnings=notes, items_without_text=empty)


def _failed(store: Store, name: str, reason: str, digest: str | None = None) -> FileResult:
    store.record_source(name, bytes_hash=digest, size=None, mtime=None, meeting_id=None, status="error", error=reason)
    return FileResult(name, "failed", reason=reason)


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_file: Callable[[FileResult], None] | None = None,
    files: list[Path] | None = None,
    municipality_for: Callable[[Path], str | None] | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Ingest files and folders; `municipality_for(path)` names the municipality of a file (from config).

    From PARALLEL_MIN_FILES files on, `workers` processes (default: one fewer than the machine's cores, at
    most four) read and analyse the files ahead while this process stores them in their order, so the
    result is the serial run's; 0 reads them here."""
    report = IngestReport()
    errors: list[FileResult] = []
    if files is None:
        files = discover(paths, errors)
        errors.extend(skipped_files(paths))
    targets = files
    if workers is None:
        workers = default_workers()
    if len(targets) < PARALLEL_MIN_FILES:
        workers = 0
    for result in [*errors, *_each(store, targets, max_bytes, municipality_for, workers)]:
        report.files.append(result)
        if on_file:
            on_file(result)
    if report.count("added") or report.count("updated") or store.meta("term_df") != "fresh":
        store.refresh_vocab()
    return report


log = logging.getLogger(__name__)
PARALLEL_MIN_FILES = 64  # fewer files are read here: starting worker processes costs about a second
_AHEAD = 8  # files read ahead per worker
_AHEAD_BYTES = 64 * 1024 * 1024


def default_workers() -> int:
    """Worker processes for a large ingest: the cores beside this process's own, at most four."""
    return max(0, min(4, (os.cpu_count() or 1) - 1))


def _each(
    store: Store,
    targets: list[Path],
    max_bytes: int,
    municipality_for: Callable[[Path], str | None] | None,
    workers: int = 0,
) -> Iterator[FileResult]:
    pool = None
    if workers > 0:
        try:
            pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=get_context("spawn"), initializer=watch_parent, initargs=(os.getpid(),)
            )
        except (OSError, ImportError, NotImplementedError) as exc:  # no process pools here (no sem_open)
            log.warning("no worker processes (%s); reading the files in this process", exc)
    if pool is None:
        for path in targets:
            town = municipality_for(path) if municipality_for else None
            yield ingest_file(store, path, max_bytes=max_bytes, municipality=town)
        return
    yield from _each_ahead(store, targets, max_bytes, municipality_for, pool, workers)


def _each_ahead(
    store: Store,
    targets: list[Path],
    max_bytes: int,
    municipality_for: Callable[[Path], str | None] | None,
    pool: ProcessPoolExecutor,
    workers: int,
) -> Iterator[FileResult]:
    """The files read and analysed by `workers` processes a few files ahead, stored here in their order. A
    file unchanged since the last run is not sent; if the workers fail (a worker crashed), the files still
    waiting are read here, as in a serial run."""
    analyzer = store.analyzer
    pending: deque[tuple[Path, bytes | None, os.stat_result | None, str | None, Future | None]] = deque()
    todo = iter(targets)
    broken: list[Exception] = []
    with pool:

        def fill() -> None:
            # a few files per worker, and never more than _AHEAD_BYTES held (large PDFs)
            while len(pending) < _AHEAD * workers and sum(len(p[1] or b"") for p in pending) < _AHEAD_BYTES:
                path = next(todo, None)
                if path is None:
                    return
                try:
                    data, stat, error = read_limited(path, max_bytes), path.stat(), None
                except ReaderError as exc:
                    data, stat, error = None, None, exc.reason
                except OSError as exc:
                    data, stat, error = None, None, f"cannot read file: {exc.strerror or exc}"
                future = None
                if (
                    data is not None
                    and not broken
                    and not _unchanged(store, str(path), hashlib.sha256(data).hexdigest())
                ):
                    try:
                        future = pool.submit(prepare, data, str(path), analyzer.config_dir, analyzer.fingerprint)
                    except Exception as exc:  # the workers could not start or died: the rest is read here
                        log.warning("ingest workers stopped (%s); reading the remaining files in this process", exc)
                        broken.append(exc)
                pending.append((path, data, stat, error, future))

        fill()
        while pending:
            path, data, stat, error, future = pending.popleft()
            fill()
            name = str(path)
            if data is None or stat is None:
                yield _failed(store, name, error or "cannot read file")
                continue
            prepared = None
            if future is not None:
                try:
                    prepared = future.result()
                except Exception:  # a worker died (BrokenProcessPool): this file is read here
                    prepared = None
            town = municipality_for(path) if municipality_for else None
            yield ingest_bytes(
                store, name, data, size=stat.st_size, mtime=stat.st_mtime, municipality=town, prepared=prepared
            )


def _unchanged(store: Store, name: str, digest: str) -> sqlite3.Row | None:
    """The source row of `name` when it was stored from exactly these bytes (`digest`), else None."""
    known = store.source(name)
    return known if known is not None and known["status"] == "ok" and known["bytes_hash"] == digest else None
