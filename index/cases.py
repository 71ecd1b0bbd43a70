"""When two agenda items are one case.

Municipalities reuse case numbers for unrelated items (Greve puts 23-011668 on eleven), so a shared number
makes one case only together with a shared subject: the titles must share most of their words. Items of one
case travel between bodies (committee -> Økonomiudvalget -> Byråd) under nearly the same title.
"""

from __future__ import annotations

from index.analyze import Analyzer

SAME_SUBJECT = 0.3  # share of the shorter title's words the other title must hold


def subject(analyzer: Analyzer, title: str) -> frozenset[str]:
    """A title's words without numbers ("Budgetopfølgning 1 (2025)" and "... 2 (2025)" share a subject)."""
    return frozenset(t for t in analyzer.terms(title) if not t[0].isdigit())


def same_subject(analyzer: Analyzer, title: str, other: str) -> bool:
    a, b = subject(analyzer, title), subject(analyzer, other)
    if not a or not b:
        return a == b
    return len(a & b) / min(len(a), len(b)) >= SAME_SUBJECT


def same_case(analyzer: Analyzer, row: dict, other: dict) -> bool:
    """One case: the same municipality, the same case number and the same subject; without case numbers, the
    same title. (Rows without a municipality, such as a follow's own record, match any.)"""
    towns = {row.get("municipality") or "", other.get("municipality") or ""} - {""}
    if len(towns) > 1:
        return False
    if row["case_number"] and other["case_number"]:
        return row["case_number"] == other["case_number"] and same_subject(analyzer, row["title"], other["title"])
    return subject(analyzer, row["title"]) == subject(analyzer, other["title"]) != frozenset()
