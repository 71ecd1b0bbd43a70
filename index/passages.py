"""Cut section text into passages (sentences, list lines) by offsets, so every quote is verbatim."""

from __future__ import annotations

import re

# A period after these does not end a sentence ("bl.a.", "kr.", "pr. medarbejder", "jf. bilag").
_ABBREVIATIONS = frozenset(
    "bl.a ca kr mio mia pr nr jf fx f.eks evt inkl ekskl ml mv m.m iht vedr kl d ang dvs osv tlf stk jan feb "
    "mar apr jun jul aug sep sept okt nov dec ref div etc hhv ift ifm mht vs matr pkt gl adm afd forv iflg pga "
    "mdr kap".split()
)
_END = re.compile(r"[.!?]+[\"”’)]*(?=\s+)")


def _sentence_ends(line: str) -> list[int]:
    """Offsets in `line` after which a sentence ends."""
    ends = []
    for m in _END.finditer(line):
        before = line[: m.start()].rsplit(None, 1)[-1].lower() if line[: m.start()].strip() else ""
        after = line[m.end() :].lstrip()
        if not after:
            continue
        word = before.rstrip(".")
        # "matr.nr. 18ih": the last part of a dotted abbreviation is what the period closes
        if word in _ABBREVIATIONS or word.rsplit(".", 1)[-1] in _ABBREVIATIONS or re.fullmatch(r"[a-zæøå]", word):
            continue
        # "1. at", "20. december": an ordinal, not a full stop; a year ("i 2012.") does end a sentence.
        if word.isdigit() and len(word) != 4:
            continue
        if not (after[0].isupper() or after[0] in "\"“”'-–•(" or after[0].isdigit()):
            continue
        ends.append(m.end())
    return ends


def passages(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of sentences; every line break also ends a passage (lists, bullets)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        cut = start + (len(line) - len(line.lstrip()))
        for end in _sentence_ends(line):
            spans.append((cut, start + end))
            rest = line[end:]
            cut = start + end + (len(rest) - len(rest.lstrip()))
        end = start + len(line.rstrip())
        if end > cut:
            spans.append((cut, end))
    return spans
