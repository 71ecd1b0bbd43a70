"""The corpus's words as the caller may see them: which words exist and how many items hold them.

Whether a question is answered must not depend on words that occur only in minutes the caller may not see
(otherwise the answer/refusal is an oracle for hidden minutes). So every count that steers reading a
question or deciding an answer comes from a `Vocabulary` bound to the caller's scope: known-ness is exact
within the scope; document frequencies are exact for all but very common words, whose IDF is estimated
from their global count scaled to the scope (their weight is small either way, and the estimate is only
made for a word the scope is known to hold).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from index.access import Access
from index.store import Store

EXACT_DF = 5000  # up to this global count a scoped count is exact (one doclist read, a few ms at most)


class Vocabulary:
    def __init__(self, store: Store, access: Access | None = None):
        self.store = store
        # a scope that covers every stored body is no scope: the global counts are the scoped ones
        every = access is None or all(access.allows(m, f) for m, f in store.bodies())
        self.access: Access | None = None if every else access
        self._df: dict[str, int] = {}
        self._total: int | None = None

    @property
    def scoped(self) -> bool:
        return self.access is not None

    def total(self) -> int:
        """Items the caller may see."""
        if self._total is None:
            if self.access is None:
                self._total = self.store.item_count()
            else:
                self._total = self.store.items_in(self.access)
        return self._total

    def doc_freq(self, terms: Iterable[str]) -> dict[str, int]:
        wanted = [t for t in set(terms) if t not in self._df]
        if wanted:
            glob = self.store.doc_freq(wanted)
            for term in wanted:
                g = glob[term]
                if self.access is None or g == 0:
                    self._df[term] = g
                elif g <= EXACT_DF:
                    self._df[term] = self.store.scoped_doc_freq(term, self.access)
                else:
                    share = self.total() / max(self.store.item_count(), 1)
                    held = self.store.scoped_doc_freq(term, self.access, limit=1)
                    self._df[term] = max(1, round(g * share)) if held else 0
        return {t: self._df[t] for t in set(terms)}

    def known(self, term: str) -> bool:
        return self.doc_freq([term])[term] > 0

    def topic_counts(self, terms: Iterable[str]) -> tuple[int, int]:
        """(items strongly about it, items holding it) for the commonest of `terms`, over the whole archive:
        how the minutes use a word (a topic some items dwell on, or a word met only in passing), a property
        of the word like its stem, asked only for words the caller's scope holds. (0, 0) while the about
        counts are not fresh (a read-only copy of an older database): nothing is then known of it."""
        if not self.store.about_counts_fresh():
            return (0, 0)
        held = self.store.doc_freq(terms)
        word = max(held, key=lambda t: (held[t], t), default=None)  # ties by spelling: the same in every process
        if word is None or not held[word]:
            return (0, 0)
        return (self.store.strong_doc_freq([word])[word], held[word])

    def idf(self, df: int) -> float:
        """BM25's IDF, kept positive: log(1 + (N - df + 0.5) / (df + 0.5))."""
        n = max(self.total(), 1)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def corrections(self, stem: str) -> set[str]:
        """Known stems one typo away from an unknown `stem` (two for long words): a letter missing, added,
        changed or two swapped. Only words of six letters or more: shorter ones have too many neighbours."""
        if len(stem) < 6 or not stem.isalpha():
            return set()
        reach = 1 if len(stem) < 9 else 2
        found = [
            t
            for t in self.store.terms_with_prefix(stem[:2])
            if abs(len(t) - len(stem)) <= reach and t.isalpha() and edit_distance(t, stem, reach) <= reach
        ]
        found = [t for t in found if self.known(t)]
        if not found:
            return set()
        best = min(edit_distance(t, stem, reach) for t in found)
        return {t for t in found if edit_distance(t, stem, reach) == best}

    def variants(self, stem: str) -> set[str]:
        """Known stems that differ from `stem` only by an inflection ending (see Store.variants)."""
        return {v for v in self.store.variants(stem) if self.known(v)}


def edit_distance(a: str, b: str, cutoff: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, or cutoff + 1 once it exceeds `cutoff`."""
    if abs(len(a) - len(b)) > cutoff:
        return cutoff + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > cutoff:
            return cutoff + 1
        prev2, prev = prev, cur
    return prev[-1]
