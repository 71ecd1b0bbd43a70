"""An item analysed once, when it is stored: its passages' terms, and what it is about.

Two things come out of one pass over the item's public text:

- `Analysis.blob`: every passage's offsets and analysed terms, compressed, kept in `item_passages`. The
  answering core reads it instead of analysing the text again for every question (that was most of an
  answer's time).
- `Analysis.about`: the `items_about` document. An item is about a word when its title or a sub-heading
  names it, or when several of its passages use it; a word met once in passing is not what the item is
  about. Each such term is repeated by how strongly the item is about it, so FTS5's BM25 over
  `items_about` ranks items by aboutness, and its doclists stay short however common a word is: a word in a
  third of all items is the topic of few of them (a champion list in the IR textbook's sense, kept inside
  FTS5 so it is written in the same transaction as the item).
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from index.analyze import Analyzer
from index.model import ATTACHMENTS, Section
from index.passages import passages

ABOUT_MIN_PASSAGES = 2  # a body word counts once it is in this many passages
TITLE_BOOST = 2  # a word in the title (or a sub-heading) adds this many repetitions
ABOUT_LENGTH = 200  # every about document has exactly this many tokens (see about_document)
PAD = "zzpad"  # filler token; no analysed Danish word has this form
MAX_HEADING = 80  # a sub-heading is a short line of its own without closing punctuation
FORMAT = 5  # version of the stored passage blob (and of the passage cutting: 5 keeps "matr.nr. 18ih" whole)


def is_subheading(line: str) -> bool:
    """A free-text heading inside a section ("Adgangskontrol på Rådhuset", "ID-kort eller brik")."""
    text = line.strip().strip("*#").strip()
    return 0 < len(text) <= MAX_HEADING and text[-1] not in ".:;,!?)" and len(text.split()) <= 10


def subheadings(text: str) -> list[str]:
    """The lines of `text` that head a paragraph: a short line of its own that starts a paragraph and is
    followed by a longer one ("Adgangskontrol på Rådhuset" above its discussion). Lines of a list or a
    roster ("Uge 29: Marie Guldborg") follow each other and head nothing."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        if not is_subheading(line) or (i > 0 and lines[i - 1].strip()):
            continue
        following = next((x.strip() for x in lines[i + 1 : i + 3] if x.strip()), "")
        if len(following) > len(line.strip()) and (following[-1] in ".!?:" or len(following.split()) >= 8):
            out.append(line)
    return out


class Span(NamedTuple):
    """One passage of an item: a sentence or a list line, by offsets into its section's text."""

    section: int
    start: int
    end: int
    terms: tuple[str, ...]  # analysed, in order, repeats kept


@dataclass(frozen=True)
class Analysis:
    spans: tuple[Span, ...]
    kinds: tuple[str, ...]  # each section's kind, in order
    headings: frozenset[str]  # terms of sub-headings
    title: frozenset[str]
    long_words: frozenset[str] = frozenset()  # the title's and sections' words worth splitting (Store._parts)

    # blob, about and the sections' terms are cached on the value (functools.cached_property writes the
    # instance's __dict__, which a frozen dataclass allows): a worker process that prepares an item for
    # storing computes them once, and they travel with it (index/prepare.py)
    @cached_property
    def blob(self) -> bytes:
        data = {
            "v": FORMAT,
            "k": list(self.kinds),
            "h": sorted(self.headings),
            "p": [[s.section, s.start, s.end, " ".join(s.terms)] for s in self.spans],
        }
        return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), 9)

    @property
    def where(self) -> dict[str, list[int]]:
        return term_index(self.spans)

    def section_terms(self, section: int) -> list[str]:
        """The analysed terms of one section, in order (what the FTS5 columns index)."""
        return list(self.terms_by_section.get(section, ()))

    @cached_property
    def terms_by_section(self) -> dict[int, tuple[str, ...]]:
        out: dict[int, list[str]] = {}
        for span in self.spans:
            out.setdefault(span.section, []).extend(span.terms)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def about(self) -> tuple[str, str]:
        return about_document(self)

    def ready(self) -> Analysis:
        """The analysis with everything storing it needs computed (see above)."""
        _ = (self.blob, self.about, self.terms_by_section)
        return self


def analyse(analyzer: Analyzer, title: str, sections: Iterable[Section]) -> Analysis:
    spans: list[Span] = []
    headings: set[str] = set()
    sections = list(sections)
    for si, section in enumerate(sections):
        if section.kind == ATTACHMENTS:
            continue
        for line in subheadings(section.text):
            headings.update(analyzer.terms(line))
        if len(section.heading.split()) > 2:
            # "Beslutning i Tværgående chefgruppe den 17-09-2012" names the body that decided
            headings.update(analyzer.terms(section.heading))
        tokens = analyzer.terms_at(section.text)
        j = 0
        for start, end in passages(section.text):
            while j < len(tokens) and tokens[j][0] < start:
                j += 1
            terms: list[str] = []
            while j < len(tokens) and tokens[j][0] < end:
                terms.extend(tokens[j][1])
                j += 1
            spans.append(Span(si, start, end, tuple(terms)))
    kinds = tuple(s.kind for s in sections)
    long_words = frozenset().union(analyzer.long_words(title), *(analyzer.long_words(s.text) for s in sections))
    return Analysis(tuple(spans), kinds, frozenset(headings), frozenset(analyzer.terms(title)), long_words)


def load(blob: bytes) -> tuple[tuple[Span, ...], tuple[str, ...], frozenset[str], dict[str, list[int]]] | None:
    """(spans, section kinds, heading terms, term -> passages) from a stored blob. The term index is rebuilt
    here rather than stored: storing it would double the blob for a saving of a fraction of a millisecond."""
    data = json.loads(zlib.decompress(blob))
    if data.get("v") != FORMAT:
        return None  # written by another version: the caller analyses the text (reindex rewrites it)
    spans = tuple(Span(si, start, end, tuple(terms.split())) for si, start, end, terms in data["p"])
    return spans, tuple(data["k"]), frozenset(data["h"]), term_index(spans)


def term_index(spans: tuple[Span, ...]) -> dict[str, list[int]]:
    """term -> the passages holding it, in order."""
    out: dict[str, list[int]] = {}
    for i, span in enumerate(spans):
        for term in set(span.terms):
            out.setdefault(term, []).append(i)
    return out


def _band(n: int) -> int:
    """Repetitions for a word held by `n` passages: 2 -> 1, 3-4 -> 2, 5+ -> 3."""
    return 0 if n < ABOUT_MIN_PASSAGES else 1 if n == 2 else 2 if n <= 4 else 3


def named_terms(analysis: Analysis) -> frozenset[str]:
    """Terms the title or a sub-heading names."""
    return analysis.title | analysis.headings


def about_terms(analysis: Analysis) -> Counter[str]:
    """term -> strength: passages holding it (banded), plus the title and sub-heading boost."""
    spread: Counter[str] = Counter()
    for span in analysis.spans:
        spread.update(set(span.terms))
    out: Counter[str] = Counter({t: _band(n) for t, n in spread.items() if _band(n)})
    for term in named_terms(analysis):
        out[term] += TITLE_BOOST
    return out


STRONG = 3  # band from which a term goes in the `strong` column (five passages or more); with the terms the
# title or a sub-heading names, such doclists stay short in any archive


def about_document(analysis: Analysis) -> tuple[str, str]:
    """The `items_about` columns (strong, weak): the strongest terms, each repeated by its strength, padded
    to a fixed length.

    FTS5's BM25 normalises by document length (b = 0.75, not settable), which would make a long item that
    is about many things lose to a short one that happens to name the word. With every about document
    exactly ABOUT_LENGTH tokens long, the length factor is the same for all and the ranking is by strength.
    The strong column lets a question search a very common word only where items are strongly about it.
    """
    strong: list[str] = []
    weak: list[str] = []
    named = named_terms(analysis)
    # among equally strong terms the longer ones go first: a long word is the more specific one
    for term, n in sorted(about_terms(analysis).items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0])):
        if len(strong) + len(weak) + n > ABOUT_LENGTH:
            break
        (strong if term in named or n >= STRONG else weak).extend([term] * n)
    weak += [PAD] * (ABOUT_LENGTH - len(strong) - len(weak))
    return " ".join(strong), " ".join(weak)
