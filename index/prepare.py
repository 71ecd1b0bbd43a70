"""A document read and analysed, ready to be stored: the part of an ingest that needs no store.

Reading a file into a meeting and analysing its items' passages (index/salience.py) is about half of an
ingest's time and depends on nothing but the bytes and the analyser's configuration, so a large ingest runs
it in worker processes while the main process stores what they hand back, in the files' order (see
index.ingest.ingest_paths). `prepare` never raises: a reader error comes back as a reason, like the serial
path reports it, so one broken file never stops a run.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from index.analyze import get_analyzer
from index.model import Meeting
from index.readers import NotMinutes, ReaderError, read_bytes
from index.readers import closed as closed_rule
from index.salience import Analysis, analyse


@dataclass
class Prepared:
    meeting: Meeting | None = None
    # one per item of `meeting` once its closed items are redacted; None when the worker's analyser is not
    # the store's (the store then analyses)
    analyses: list[Analysis] | None = None
    status: str = "ok"  # ok, skipped (not minutes), failed
    reason: str | None = None


def read_meeting(data: bytes, filename: str) -> Prepared:
    """The meeting in `data`, or why there is none (the reasons the ingest report gives)."""
    try:
        return Prepared(read_bytes(data, filename))
    except NotMinutes as exc:
        return Prepared(status="skipped", reason=exc.reason)
    except ReaderError as exc:
        return Prepared(status="failed", reason=exc.reason)
    except RecursionError:
        return Prepared(status="failed", reason="document structure too deeply nested")
    except Exception as exc:  # a reader bug must not stop the run; the reason still names the file
        return Prepared(status="failed", reason=f"could not parse ({type(exc).__name__}: {exc})")


def analyses_of(meeting: Meeting, config_dir: str | None = None) -> list[Analysis]:
    """Each item's analysis as Store.ingest makes it: of the public text, closed items redacted first."""
    from index.store import public_sections

    analyzer = get_analyzer(config_dir)
    items = closed_rule.redact_meeting(meeting).items
    return [analyse(analyzer, it.title, public_sections(it)).ready() for it in items]


def watch_parent(parent: int, every: float = 0.5) -> None:
    """Worker initializer: end this worker when the ingest that started it is gone (a SIGKILLed or
    OOM-killed `referent ingest` gives its workers no chance to be told, and an orphan would live on)."""

    def watch() -> None:
        while True:
            time.sleep(every)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def prepare(data: bytes, filename: str, config_dir: str | None, fingerprint: str) -> Prepared:
    """Worker entry: read `data` and analyse its items with the analyser of `config_dir`, whose
    fingerprint must be the store's (`fingerprint`); else the meeting comes back unanalysed."""
    prepared = read_meeting(data, Path(filename).name)
    if prepared.meeting is None:
        return prepared
    try:
        if get_analyzer(config_dir).fingerprint == fingerprint:
            prepared.analyses = analyses_of(prepared.meeting, config_dir)
    except Exception:  # the store analyses it again and reports what goes wrong there
        prepared.analyses = None
    return prepared
