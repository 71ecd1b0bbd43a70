"""Scope terms: a few tokens per item in the `scope` column of both FTS5 tables (its year, its month and its
body), so that a question narrowed to a body or a period asks FTS5 for the matches inside it rather than
scoring every match in the archive and joining each one to `items` ("Hvad drøftede Chefforum i 2017 om …" at
100k items: the about probe 27 → 7 ms for the same rows; "… sygefraværet i maj 2021": the full-text OR of
its words matches 46k items, all joined to `items` to find the 51 of that month, 24 ms).

A scope token is a letter followed by a digit ('y2017', 'm201711', 'f0chefforum'): a shape no analysed term
has (index/analyze.py: a word is letters only, a number digits only, a case number starts with digits or
with letters and a hyphen), so a question's words never match one, and VOCABULARY_EXCLUDE keeps them out of
the vocabulary that respelling and compound splitting read.

The tokens only narrow what FTS5 reads. `Scope.sql()` (index/retrieve.py) still decides exactly what is in
scope, so two bodies whose names fold to one token cost time, never a wrong candidate, and a period the
tokens cannot say cheaply (one bound only, a day of any year, many years) is simply not narrowed by them.
An item's year, month and body never change once stored (other minutes are another meeting); its
municipality may (Store._set_origin), so it has no token: a stale one would hide the item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

TOKENS = 3  # every item has exactly this many, so BM25's length factor stays one constant (store.ABOUT_WEIGHT)
MAX_MONTHS = 3  # a period of at most this many months is asked by its months, a longer one by its years
MAX_YEARS = 12  # beyond this the years' doclists are most of the archive: nothing is gained


def _fold(name: str) -> str:
    """A name as one token of the FTS5 tokenizer: lower case, letters and digits only."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


# an SQL GLOB that matches every scope token and no analysed term
VOCABULARY_EXCLUDE = "[fmy][0-9]*"


def item_terms(date: str, forum: str) -> str:
    """The `scope` column of an item: 'y2017 m201711 f0chefforum'."""
    return f"y{date[:4]} m{date[:4]}{date[5:7]} f0{_fold(forum)}"


def _any(prefix: str, values: Iterable[str]) -> str:
    return "{scope} : (" + " OR ".join(f'"{prefix}{v}"' for v in sorted(set(values))) + ")"


def _months(start: dt.date, end: dt.date) -> list[str]:
    out: list[str] = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month) and len(out) <= MAX_MONTHS:
        out.append(f"{y:04d}{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def match_filter(
    fora: Iterable[str] | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> str:
    """An FTS5 expression for the rows (of either FTS5 table) that may be in this scope ('' when it narrows
    nothing), to be joined to a probe's expression with AND."""
    parts = []
    if fora:
        parts.append(_any("f0", (_fold(f) for f in fora)))
    if date_from and date_to and date_from <= date_to:
        months = _months(date_from, date_to)
        if len(months) <= MAX_MONTHS:
            parts.append(_any("m", months))
        elif date_to.year - date_from.year < MAX_YEARS:
            parts.append(_any("y", (str(y) for y in range(date_from.year, date_to.year + 1))))
    return " AND ".join(parts)
