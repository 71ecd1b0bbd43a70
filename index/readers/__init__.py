"""One module per input format; `read_file` picks the reader from the file's content and name."""

from __future__ import annotations

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
    """The bytes of `path`, refusing files above the size limit before reading them."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            mb = 1024 * 1024  # the limit is configured in MB of 2**20 bytes (config max_file_mb)
            raise ReaderError(f"file is {size / mb:.1f} MB, above the limit of {max_bytes / mb:.0f} MB", str(path))
        return path.read_bytes()
    except OSError as exc:
        raise ReaderError(f"cannot read file: {exc.strerror or exc}", str(path)) from None


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
