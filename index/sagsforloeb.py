"""The entries of an item's Sagsforløb ("Sagens forløb"): which body treated the case, when, and what it
did, as offsets into the section's text so that what is shown of them stays verbatim.

First Agenda writes an entry in one of two ways:

- "Udvalg: Magistraten / Dato: 12-08-2025 / Punktnummer: 4 / <what that body did>" (Aarhus), one block per
  treatment;
- "02/06/2025 Sundheds- og Omsorgsudvalget" or "15-03-2023 Kultur- og Fritidsudvalget 2022" on a line of its
  own, then what the body did (Greve and most First Agenda municipalities), without the item's number.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_BLOCK = re.compile(
    r"Udvalg:\s*(?P<forum>[^\n]+?)\s*\n\s*Dato:\s*(?P<date>\d{1,2}-\d{1,2}-\d{4})\s*\n"
    r"\s*Punktnummer:\s*(?P<number>\d+)[ \t]*(?P<text>.*?)(?=\n\s*Udvalg:|\Z)",
    re.DOTALL,
)
# A date and a body's name alone on a line; the name starts with a capital letter, is short and is no sentence.
_HEAD = re.compile(
    r"^[ \t]*(?P<date>\d{1,2}[-/.]\d{1,2}[-/.]\d{4})[ \t]+(?P<forum>[A-ZÆØÅ][^\n.:;]{2,80}?)[ \t]*$", re.MULTILINE
)
# "Kultur- og Fritidsudvalget 2022", "Byråd 2022-2025", "Økonomiudvalget (slettet 10-01-2022)": the body's
# term or a note, not its name
_TERM = re.compile(r"\s+(?:\((?:slettet|nedlagt)[^)]*\)|(?:19|20)\d\d(?:\s*-\s*(?:19|20)\d\d)?)$", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    date: dt.date
    forum: str
    number: int | None  # the item's number at that meeting, when the entry gives it
    head: int  # offset of the entry's first line (its date and body) in the section text
    start: int  # offset of what the body did
    end: int


def entries(text: str) -> list[Entry]:
    """The treatments a Sagsforløb lists, in the order written; entries with an impossible date are left
    out (they cannot be placed in time)."""
    out = []
    for m in _BLOCK.finditer(text):
        day = _date(m["date"])
        if day is not None:
            out.append(Entry(day, m["forum"].strip(), int(m["number"]), m.start(), m.start("text"), m.end("text")))
    if out:
        return out
    heads = list(_HEAD.finditer(text))
    for i, m in enumerate(heads):
        day = _date(m["date"])
        if day is None:
            continue
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        out.append(Entry(day, m["forum"].strip(), None, m.start(), m.end(), end))
    return out


def body_key(name: str) -> str:
    """One spelling for one body: "Byråd 2022-2025", "Byrådet" and "byråd" are the same body, as are
    "Kultur- og Fritidsudvalget 2022" and "Kultur- og Fritidsudvalget"."""
    key = name.strip().casefold()
    while (bare := _TERM.sub("", key)) != key:
        key = bare
    return re.sub(r"(?<=[a-zæøå]{3})et$", "", re.sub(r"\s+", " ", key))


def _date(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(re.sub(r"[/.]", "-", text), "%d-%m-%Y").date()
    except ValueError:
        return None
