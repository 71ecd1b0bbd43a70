"""One module per input format; `read_file` picks the reader from the file's content and name."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from index.model import Meeting
from index.readers.errors import NotMinutes, ReaderError

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
SUFFIXES = {".txt", ".md", ".markdown", ".pdf", ".html", ".htm", ".json"}


def sniff(data: bytes, name: str) -> str:
    head = data[:1024].lstrip().lower()
    if data.startswith(b"%PDF") or name.lower().endswith(".pdf"):
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html")) or name.lower().endswith((".html", ".htm")):
        return "html"
    if name.lower().endswith(".json") or head.lstrip(b"\xef\xbb\xbf").startswith((b"{", b"[")):
        return "firstagenda"
    return "text"


def read_bytes(data: bytes, name: str = "") -> Meeting:
    """Parse one document; raises ReaderError with a one-line reason for anything unusable."""
    kind = sniff(data, name)
    if kind == "pdf":
        from index.readers.pdf import read_pdf  # pypdf is only imported when a PDF comes along

        return read_pdf(data)
    if kind == "html":
        from index.readers.html import read_html

        return read_html(data)
    if kind == "firstagenda":
        from index.readers.firstagenda import read_firstagenda

        return read_firstagenda(data)
    from index.readers.text import read_text

    return read_text(data, name=name)


def read_limited(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of `path` if it is a regular file of at most `max_bytes`; ReaderError otherwise.

    Devices and FIFOs are refused before they are opened (opening a FIFO waits for a writer, a device
    may never end); what the open file turns out to be is checked again, in case it was swapped. The
    limit holds for what is read, at most max_bytes + 1 bytes, whatever st_size claimed.
    """
    mb = 1024 * 1024  # the limit is configured in MB of 2**20 bytes (config max_file_mb)
    too_big = f"above the limit of {max_bytes / mb:.0f} MB"
    try:
        kind = _not_regular(os.stat(path).st_mode)
        if kind:
            raise ReaderError(f"not a regular file ({kind}); skipped", str(path))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            kind = _not_regular(st.st_mode)
            if kind:
                raise ReaderError(f"not a regular file ({kind}); skipped", str(path))
            if st.st_size > max_bytes:  # no need to read a file that says it is too big
                raise ReaderError(f"file is {st.st_size / mb:.1f} MB, {too_big}", str(path))
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise ReaderError(f"cannot read file: {exc.strerror or exc}", str(path)) from None
    if len(data) > max_bytes:  # st_size was wrong (a growing file, a special file system)
        raise ReaderError(f"file holds more than {max_bytes} bytes, {too_big}", str(path))
    return data


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):  # fmt: skip
        if test(mode):
            return name
    return "an unknown kind of file"


def read_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Meeting, bytes]:
    """Read and parse `path`; returns the meeting and the raw bytes (for hashing and provenance)."""
    data = read_limited(path, max_bytes)
    try:
        return read_bytes(data, path.name), data
    except ReaderError as exc:
        exc.path = str(path)
        raise
    except RecursionError:
        raise ReaderError("document structure too deeply nested", str(path)) from None


__all__ = ["NotMinutes", "ReaderError", "read_bytes", "read_file", "read_limited", "SUFFIXES", "DEFAULT_MAX_BYTES"]
