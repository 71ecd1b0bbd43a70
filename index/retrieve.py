"""Stage 1, candidates: a few cheap FTS5 probes whose union holds the answering item.

A single OR query over every word of the question would have to score every item holding any of them, and
in a large archive the common words are in a third of all items (100+ ms at 100k items). So each probe
looks at a short doclist or a small result set instead:

- about: the `items_about` index (index/salience.py) ranks the items that dwell on the question's words;
  its doclists hold only the items a word is a topic of, so they stay short however common the word is (a
  word that a tenth of all items are strongly about is left out: it tells none of them apart);
- all: items holding every concept (FTS5 AND: the intersection is small when the words are common);
- near: items where the question's words, two by two, stand within a sentence of each other (FTS5 NEAR);
- rare: every item holding a rare exact term (a name, a firm, a case number in the text);
- case: items with the case number the question names;
- small: when the question's words are all rare, one OR over the full text is cheap, so it is asked too.

In a large archive the probes of a question run side by side (`_ask_all`). Probe results are fused by
reciprocal rank (scale-free: ranks, not raw BM25 values, are compared), and the best `Params.analysed` go on
to the evidence stage. All probes apply the caller's scope and the question's filters inside SQL, so nothing
hidden is ever a candidate.
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from index.access import Access
from index.params import DEFAULT, Params
from index.question import Concept, Query
from index.scope_terms import match_filter
from index.store import ABOUT_WEIGHTS, FTS_WEIGHTS, Store

RRF_K = 10  # reciprocal-rank fusion constant: small, so a probe's first places count clearly more
# The probes of one question run side by side, each on its thread's own read connection (Store.reader()):
# SQLite scores a probe without holding Python's lock, so the question's probes share the machine's cores ...
PROBE_THREADS = min(4, os.cpu_count() or 1)
# ... in an archive this large. Below it a question's probes take a few milliseconds, and handing them to
# threads costs more than it saves (10k items, 2 cores: p50 11.4 → 13.7 ms, p95 22.6 → 29.3 ms); at 1M items
# the probes are most of an answer and p95 falls from about 260 to 170 ms.
PARALLEL_FROM_ITEMS = 250_000
_pool: tuple[int, ThreadPoolExecutor] | None = None


def _executor() -> ThreadPoolExecutor:
    """This process's probe threads: a process forked from one that had them has none of its own (an
    executor copied across fork would queue work for threads that are not there)."""
    global _pool
    if _pool is None or _pool[0] != os.getpid():
        _pool = (os.getpid(), ThreadPoolExecutor(max_workers=PROBE_THREADS, thread_name_prefix="referent-probe"))
    return _pool[1]


@dataclass(frozen=True)
class Scope:
    """What may be searched: what the caller may see (None = all), the fora and municipalities the question
    names and its period."""

    access: Access | None = None
    fora: frozenset[str] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    municipalities: frozenset[str] | None = None
    minutes_only: bool = False  # leave agendas out: an agenda never answers "hvad blev besluttet"
    day: str | None = None  # "10-01": meetings on that day of any year

    @property
    def broad(self) -> bool:
        """No forum, period or municipality named: most of what the caller may see is in scope."""
        return (
            self.fora is None
            and not self.date_from
            and not self.date_to
            and self.municipalities is None
            and not self.day
        )

    def sql(self, alias: str = "i") -> tuple[str, list]:
        clauses, args = [], []
        if self.minutes_only:
            clauses.append(f"{alias}.meeting_id NOT IN (SELECT id FROM meetings WHERE kind = 'dagsorden')")
        if self.access is not None:
            where, more = self.access.sql(alias)
            clauses.append(where)
            args += more
        if self.fora is not None:
            clauses.append(f"{alias}.forum IN ({','.join('?' * len(self.fora))})")
            args += sorted(self.fora)
        if self.date_from:
            clauses.append(f"{alias}.date >= ?")
            args.append(self.date_from.isoformat())
        if self.date_to:
            clauses.append(f"{alias}.date <= ?")
            args.append(self.date_to.isoformat())
        if self.municipalities is not None:
            clauses.append(f"{alias}.municipality IN ({','.join('?' * len(self.municipalities))})")
            args += sorted(self.municipalities)
        if self.day:
            clauses.append(f"substr({alias}.date, 6) = ?")
            args.append(self.day)
        return (" AND " + " AND ".join(clauses) if clauses else ""), args


@dataclass(frozen=True)
class Candidate:
    rowid: int
    fused: float  # reciprocal-rank fusion over the probes that found it
    probes: tuple[tuple[str, int], ...]  # (probe, rank within it)


def quote(term: str) -> str:
    """An FTS5 string: whatever the question held, it cannot change the MATCH syntax."""
    return '"' + term.replace('"', '""') + '"'


def _group(concept: Concept) -> str:
    return "(" + " OR ".join(quote(t) for t in sorted(concept.terms)) + ")"


def _match_expression(terms: list[str]) -> str:
    return " OR ".join(quote(t) for t in terms)


def _probe(store: Store, table: str, expr: str, scope: Scope, limit: int, weights: str = "") -> list[int]:
    """The best `limit` items of `table` for `expr` within `scope`, by BM25.

    Joining every match to `items` to test the scope costs about as much as ranking it, so a scope that
    leaves most items in (no forum, period or municipality named) is tested afterwards on twice the wanted
    rows; only when too few of those are in scope is the join asked. Both give the same rows."""
    conn = store.reader()
    where, args = scope.sql()
    match = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY bm25({table}{weights}) LIMIT ?"
    if not where:
        return [r[0] for r in conn.execute(match, [expr, limit])]
    if scope.broad:
        over = [r[0] for r in conn.execute(match, [expr, 2 * limit])]
        if not over:
            return []
        marks = ",".join("?" * len(over))
        inside = {
            r[0] for r in conn.execute(f"SELECT i.rowid FROM items i WHERE i.rowid IN ({marks}){where}", [*over, *args])
        }
        kept = [r for r in over if r in inside]
        if len(kept) >= limit or len(over) < 2 * limit:
            return kept[:limit]
    sql = (
        f"SELECT f.rowid FROM {table} f JOIN items i ON i.rowid = f.rowid WHERE {table} MATCH ?{where}"
        f" ORDER BY bm25({table}{weights}) LIMIT ?"
    )
    return [r[0] for r in conn.execute(sql, [expr, *args, limit])]


@dataclass(frozen=True)
class _Ask:
    """One probe to ask: its name in the fusion, and what `_probe` is given."""

    name: str
    table: str
    expr: str
    limit: int
    weights: str = ""


def _ask_all(store: Store, asks: list[_Ask], scope: Scope) -> dict[str, list[int]]:
    """Every probe's rows, by name (probes of one name, such as "split", in order), the probes side by side
    on the pool's threads when there are several."""

    def one(a: _Ask) -> list[int]:
        return _probe(store, a.table, a.expr, scope, a.limit, a.weights)

    if len(asks) > 1 and PROBE_THREADS > 1 and store.parallel_reads and store.item_count() >= PARALLEL_FROM_ITEMS:
        found = list(_executor().map(one, asks))
    else:
        found = [one(a) for a in asks]
    out: dict[str, list[int]] = {}
    for a, rows in zip(asks, found, strict=True):
        out.setdefault(a.name, []).extend(rows)
    return out


def retrieve(store: Store, query: Query, scope: Scope, total: int, params: Params = DEFAULT) -> list[Candidate]:
    """The candidates for `query` within `scope` (`total`: items the caller may see), best fused rank first,
    at most `params.analysed`. A probe over the full text is asked only when one of its words is uncommon,
    so that every probe reads short doclists and its cost stays bounded as the archive grows."""
    weights = "," + ",".join(str(w) for w in FTS_WEIGHTS)
    size = scope_size(store, scope, total)
    if size <= params.analysed:
        # "Chefforum i november 2017": the question narrows the search to no more items than are read in full
        # anyway, so every one of them is a candidate (a probe would read the words' doclists for nothing)
        where, args = scope.sql()
        inside = [r[0] for r in store.conn.execute(f"SELECT i.rowid FROM items i WHERE 1{where}", args)]
        return [Candidate(rowid, 0.0, (("scope", 1),)) for rowid in inside]
    probes: dict[str, list[int]] = {}
    asks: list[_Ask] = []
    known = [c for c in query.concepts if c.known]
    by_weight = sorted(known, key=lambda c: -c.weight)
    common_df = max(params.common_min, params.common_share * total)

    def uncommon(c: Concept) -> bool:
        return c.df <= common_df

    if query.case_number:
        where, args = scope.sql()
        probes["case"] = [
            r[0]
            for r in store.conn.execute(
                f"SELECT i.rowid FROM items i WHERE i.case_number = ?{where} ORDER BY i.date DESC LIMIT 50",
                [query.case_number, *args],
            )
        ]
    terms = sorted({t for c in known for t in c.terms})
    parts = sorted({p for c in query.concepts if c.required for p in c.parts})
    if terms or parts:
        # every word where items are strongly about it; the uncommon ones also where they are merely about it
        weak = sorted({t for c in known if uncommon(c) for t in c.terms}) + parts
        expr = "{strong} : (" + _match_expression(_telling(store, terms, total, params) + parts) + ")"
        if weak:
            expr += " OR {weak} : (" + _match_expression(weak) + ")"
        asks.append(_Ask("about", "items_about", expr, params.about_candidates, ABOUT_WEIGHTS))
    if len(known) >= 2 and any(uncommon(c) for c in known):
        asks.append(_Ask("all", "items_fts", " AND ".join(_group(c) for c in known), params.all_candidates, weights))
        stems = [quote(c.stem) for c in known if c.stem in c.terms]
        if len(stems) == 2 and len(known) == 2:
            # with three words or more the pairs below ask it: NEAR over every word reads each word's positions
            # (the slowest probe of an answer when one of them is common) and found no item the pairs miss
            # (2026-12-02: the same first places in Greve, the real minutes, 1k, 10k and 100k haystacks; one
            # more at 100k; p95 at 100k 55 -> 51 ms)
            near = f"NEAR({' '.join(stems)}, {params.near_window})"
            asks.append(_Ask("near", "items_fts", near, params.near_candidates, weights))
    if len(known) >= 3:
        # a question word the item does not use must not hide it: the heaviest words pair by pair
        heavy = [c for c in by_weight[:3] if c.stem in c.terms]
        for i, a in enumerate(heavy):
            for b in heavy[i + 1 :]:
                if uncommon(a) or uncommon(b):
                    near = f"NEAR({quote(a.stem)} {quote(b.stem)}, {params.near_window})"
                    asks.append(
                        _Ask(f"near:{a.stem}:{b.stem}", "items_fts", near, params.near_candidates // 2, weights)
                    )
    rare = [t for c in known if c.df <= params.rare_df for t in c.terms]
    if rare:
        asks.append(_Ask("rare", "items_fts", _match_expression(sorted(rare)), 4 * params.rare_df, weights))
    for c in query.concepts:
        if (c.required or (c.apart and c.df <= params.rare_df)) and len(c.parts) > 1:
            # an unknown compound the minutes may write as separate words ("store oprydningsdag"), or two
            # words the question wrote apart that the minutes seldom join ("villa sitka": one item of Greve's
            # writes "villasitka"); where the joined word is common, its probes find the items already
            phrase = quote(" ".join(c.parts))
            asks.append(_Ask("apart" if c.apart else "split", "items_fts", phrase, 50, weights))
    if terms and (sum(c.df for c in known) <= params.full_or_max_df or size <= params.small_scope):
        asks.append(_Ask("small", "items_fts", _match_expression(terms + parts), 100, weights))
    if narrowed := match_filter(scope.fora, scope.date_from, scope.date_to):
        # only the matches inside the question's body or period are scored (index/scope_terms.py)
        asks = [replace(a, expr=f"({a.expr}) AND {narrowed}") for a in asks]
    probes.update(_ask_all(store, asks, scope))
    return read_in_full(fuse(probes), probes.get("about", []), params)


def _telling(store: Store, terms: list[str], total: int, params: Params) -> list[str]:
    """The terms worth asking the about index's strong column: not those that more than
    `params.about_common_share` of all items (and more than `about_common_min`) are strongly about, unless
    every term is. The counts are global, so they are used only for a caller who may see every item."""
    if total < store.item_count():
        return terms
    strong = store.strong_doc_freq(terms)
    common = max(params.about_common_min, params.about_common_share * total)
    kept = [t for t in terms if strong[t] <= common]
    return kept or terms


def read_in_full(fused: list[Candidate], about: list[int], params: Params) -> list[Candidate]:
    """The best `params.analysed` by fused rank, and the about index's first `params.about_reserved`
    beside them (in fused order): items that several full-text probes find must not crowd out an item
    most about the question that they miss ("er de nye regler for biblioteket endeligt på plads?": the
    item's title holds the words, its text other ones)."""
    keep = {c.rowid for c in fused[: params.analysed]} | set(about[: params.about_reserved])
    return [c for c in fused if c.rowid in keep]


def scope_size(store: Store, scope: Scope, total: int) -> int:
    """Items in the scope when the question narrows it by period (a count over the date index), else the
    items the caller may see (`total`)."""
    if not (scope.date_from or scope.date_to or scope.municipalities or scope.day):
        return total
    where, args = scope.sql()
    return store.conn.execute(f"SELECT count(*) FROM items i WHERE 1{where}", args).fetchone()[0]


# Probes over the full text ask much the same thing (do the words stand together?): they count as one voice
# in the fusion, through their best rank, so that two correlated probes do not outvote the about index.
_GROUPS = {"all": "text", "near": "text", "small": "text", "apart": "text"}


def fuse(probes: dict[str, list[int]]) -> list[Candidate]:
    """Reciprocal-rank fusion: each group of probes adds 1 / (k + rank) for the items it found, with the
    best rank among the group's probes."""
    best: dict[tuple[str, int], int] = {}
    found: dict[int, list[tuple[str, int]]] = {}
    for name, rowids in probes.items():
        group = _GROUPS.get(name.split(":")[0], name)
        for rank, rowid in enumerate(dict.fromkeys(rowids), start=1):
            key = (group, rowid)
            best[key] = min(best.get(key, rank), rank)
            found.setdefault(rowid, []).append((name, rank))
    scores: dict[int, float] = {}
    for (_group, rowid), rank in best.items():
        scores[rowid] = scores.get(rowid, 0.0) + 1.0 / (RRF_K + rank)
    order = sorted(scores, key=lambda r: -scores[r])
    return [Candidate(r, scores[r], tuple(found[r])) for r in order]
