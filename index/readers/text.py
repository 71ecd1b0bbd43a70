"""Text and Markdown extracts of First Agenda minutes."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from index.model import Meeting
from index.readers.errors import ReaderError
from index.readers.structure import parse_lines

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")


def decode(data: bytes) -> str:
    """Decode minutes saved as UTF-8, UTF-16 (with or without BOM) or Windows-1252."""
    if not data.strip():
        raise ReaderError("empty file")
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    sample = data[:4000]
    if sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without a BOM: the zero bytes sit on the odd (LE) or even (BE) positions.
        odd_zeros = sample[1::2].count(b"\x00")
        return data.decode("utf-16-le" if odd_zeros > len(sample) // 4 else "utf-16-be", errors="replace")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    controls = sum(1 for c in text[:4000] if ord(c) < 32 and c not in "\t\n\r\f")
    if "\x00" in text or controls > 40:
        raise ReaderError("not a text file (binary content)")
    return text


def strip_markdown(line: str) -> str:
    line = _MD_HEADING.sub("", line)
    line = line.replace("**", "").replace("__", "")
    line = _MD_LINK.sub(r"\1", line)
    line = _MD_AUTOLINK.sub(r"\1", line)
    return _MD_ESCAPE.sub(r"\1", line)


def looks_like_markdown(lines: list[str]) -> bool:
    return sum(1 for line in lines[:200] if line.lstrip().startswith("#") or "**" in line) >= 3


def read_text(data: bytes, *, name: str = "") -> Meeting:
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines = text.split("\n")
    markdown = name.lower().endswith((".md", ".markdown")) or looks_like_markdown(lines)
    if markdown:
        lines = [strip_markdown(line) for line in lines]
    return parse_lines(lines, source_format="markdown" if markdown else "text")


def read_text_file(path: Path) -> Meeting:
    return read_text(path.read_bytes(), name=path.name)
