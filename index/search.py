"""Candidate retrieval from FTS5 (BM25 with column weights), then a rerank of a few dozen items in Python.

The rerank scores passages with rank-bm25's BM25Plus (Okapi's IDF collapses on small candidate sets),
measures how much of the question each item covers (every concept, weighted by rarity), and adds the
title match, the FTS score and intent-specific evidence. Coverage also decides abstention.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from dataclasses import dataclass, field

from rank_bm25 import BM25Plus

from index.model import DECISION, Section
from index.passages import passages
from index.question import Query
from index.store import FTS_WEIGHTS, Store

CANDIDATES = 60
TITLE_WEIGHT = 1.0
DENSITY_WEIGHT = 1.0
PHRASE_CAP = 3000
RERANK = 10  # candidates whose passages are analysed
COMMON = 0.05  # a term in more than this share of items does not drive the OR retrieval ...
COMMON_FROM = 1000  # ... once the corpus is this large


@dataclass
class Passage:
    section: int  # index into Candidate.sections
    start: int
    end: int
    terms: list[str]
    score: float = 0.0  # BM25Plus against the question
    coverage: float = 0.0  # share of the question's concepts (weighted by rarity) found in this passage
    proximity: float = 0.0  # share of the question's word pairs found side by side


@dataclass
class Candidate:
    row: dict
    fts: float
    body: float = 0.0  # BM25 of the body column alone: how much the item discusses the question
    complete: bool = False  # found by the AND query: holds every known word of the question
    sections: list[Section] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    title_terms: set[str] = field(default_factory=set)
    terms: set[str] = field(default_factory=set)
    parts: set[str] = field(default_factory=set)
    credit: list[float] = field(default_factory=list)
    coverage: float = 0.0
    title_coverage: float = 0.0
    best_passage: float = 0.0
    proximity: float = 0.0
    density: float = 0.0
    score: float = 0.0

    @property
    def closed(self) -> bool:
        return bool(self.row["closed"])


def _match_expression(terms: list[str]) -> str:
    # Always an OR of quoted terms: nothing the user types can become FTS5 syntax.
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)


def retrieve(store: Store, query: Query, fora: frozenset[str] | None, k: int = CANDIDATES) -> list[Candidate]:
    where, params = [], []
    if query.date_from:
        where.append("i.date >= ?")
        params.append(query.date_from.isoformat())
    if query.date_to:
        where.append("i.date <= ?")
        params.append(query.date_to.isoformat())
    if fora is not None:
        where.append(f"i.forum IN ({','.join('?' * len(fora))})")
        params.extend(sorted(fora))
    if query.case_number:
        where.append("i.case_number = ?")
        params.append(query.case_number)
    terms = sorted(query.search_terms)
    if query.case_number:
        # A case number names its items: they are the candidates, whatever words the question adds.
        sql = f"SELECT i.* FROM items i WHERE {' AND '.join(where)} ORDER BY i.date DESC LIMIT ?"
        return [Candidate(dict(r), 1.0) for r in store.conn.execute(sql, [*params, k])]
    if not terms:
        return []
    total = max(store.item_count(), 1)
    df = store.doc_freq(terms)
    found: dict[int, Candidate] = {}
    w = ", ".join(str(x) for x in FTS_WEIGHTS)
    sql = (
        f"SELECT i.*, -bm25(items_fts, {w}) AS fts, -bm25(items_fts, 0, 0, 1, 0) AS body "
        "FROM items_fts JOIN items i ON i.rowid = items_fts.rowid "
        f"WHERE items_fts MATCH ? {''.join(' AND ' + c for c in where)} ORDER BY bm25(items_fts, {w}) LIMIT ?"
    )

    def run(expression: str, limit: int, *, complete: bool = False) -> None:
        for r in store.conn.execute(sql, [expression, *params, limit]):
            if r["rowid"] not in found:
                row = {key: r[key] for key in r.keys() if key not in ("fts", "body")}
                found[r["rowid"]] = Candidate(row, r["fts"], body=r["body"], complete=complete)

    # First the items that hold every word of the question the corpus knows: an AND of FTS5 doclists is
    # cheap, and those items are the likeliest answers. Then an OR of the rarer words fills up; very
    # common words would make FTS5 score a large share of the corpus, and the rerank sees them anyway.
    groups = [sorted(t for t in c.terms if df.get(t)) for c in query.concepts]
    groups = [g for g in groups if g]
    if len(groups) > 1:
        run(" AND ".join("(" + _match_expression(g) + ")" for g in groups), k, complete=True)
    if len(found) < k // 2:
        rare = [t for t in terms if 0 < df[t] <= COMMON * total] if total >= COMMON_FROM else []
        drive = rare or [t for t in terms if df[t] > 0]
        if drive:
            run(_match_expression(drive), k)
    return list(found.values())


_ANALYSED_MAX = 2000


def _analysed_item(store: Store, row: dict) -> tuple:
    """Sections and analysed passages of one item, cached per Store (one connection, one thread) until
    the database changes (the Store drops its memo when PRAGMA data_version moves)."""
    cache: OrderedDict = store._cached("analysed", OrderedDict)
    key = row["rowid"]
    hit = cache.get(key)
    if hit is not None:
        cache.move_to_end(key)
        return hit
    a = store.analyzer
    sections = store._sections(row["rowid"])
    if row["closed"]:
        sections = [s for s in sections if s.kind == DECISION]
    spans = []
    for si, section in enumerate(sections):
        tokens = a.terms_at(section.text)
        i = 0
        for start, end in passages(section.text):
            while i < len(tokens) and tokens[i][0] < start:
                i += 1
            terms: list[str] = []
            while i < len(tokens) and tokens[i][0] < end:
                terms.extend(tokens[i][1])
                i += 1
            spans.append((si, start, end, terms))
    title_terms = _title_terms(store, row)
    hit = (sections, spans, title_terms)
    cache[key] = hit
    if len(cache) > _ANALYSED_MAX:
        cache.popitem(last=False)
    return hit


def _analyse(store: Store, cand: Candidate, head_stems: set[str]) -> None:
    sections, spans, title_terms = _analysed_item(store, cand.row)
    cand.sections = sections
    cand.title_terms = set(title_terms)
    cand.terms = set(title_terms)
    cand.parts = set(cand.row["parts"].split())
    for si, start, end, terms in spans:
        terms = _with_heads(terms, head_stems)
        cand.passages.append(Passage(si, start, end, terms))
        cand.terms.update(terms)


def heads(query: Query) -> set[str]:
    """Stems long enough to be recognised as the head (last part) of a compound: "start" in "opstart"."""
    return {t for c in query.concepts for t in c.terms if len(t) >= 4 and not t[0].isdigit()}


def _with_heads(terms: list[str], stems: set[str]) -> list[str]:
    """Danish compounds put the head last, so "opstart" is a kind of "start": count it for the question's word."""
    if not stems:
        return list(terms)
    ends = tuple(stems)
    extra = [h for t in terms if len(t) > 4 and t.endswith(ends) for h in stems if t != h and t.endswith(h)]
    return terms + extra if extra else list(terms)


def _credit(query: Query, cand: Candidate) -> list[float]:
    out = []
    for c in query.concepts:
        if c.terms & cand.terms:
            out.append(1.0)
        elif c.terms & cand.parts:
            out.append(0.8)  # the question's word is part of a compound in the item ("kontrol" in "adgangskontrol")
        elif c.parts and any(all(p in set(ps.terms) for p in c.parts) for ps in cand.passages):
            out.append(0.5)  # the question's compound appears split up ("svømmehal" vs "svøm ... hal")
        else:
            out.append(0.0)
    return out


def _passage_credit(concept, found: set[str]) -> float:
    """1 for the word itself; for a compound, half credit in proportion to its parts present in the passage
    (as words or as the start or end of a longer word: "velfærd" in "velfærdsuddannelser")."""
    if concept.terms & found:
        return 1.0
    if not concept.parts:
        return 0.0
    present = sum(1 for part in concept.parts if any(t.startswith(part) or t.endswith(part) for t in found))
    return 0.5 * present / len(concept.parts)


def preselect(store: Store, query: Query, cands: list[Candidate], keep: int = RERANK) -> list[Candidate]:
    """Cheap first cut before passages are analysed: which concepts each candidate holds (known for the
    AND results, asked of the FTS index for the others), the question as a phrase, title and FTS score."""
    if len(cands) <= keep or not query.concepts:
        return cands[:keep]
    rowids = [c.row["rowid"] for c in cands]
    total_w = sum(c.weight for c in query.concepts) or 1.0
    found: dict[int, float] = dict.fromkeys(rowids, 0.0)
    partial = [c.row["rowid"] for c in cands if not c.complete]
    for c in cands:
        if c.complete:
            found[c.row["rowid"]] = sum(x.weight for x in query.concepts if x.known)
    if partial:
        marks = ",".join("?" * len(partial))
        df = store.doc_freq([t for c in query.concepts for t in c.terms])
        for concept in query.concepts:
            expr = _match_expression(sorted(concept.terms))
            if sum(df[t] for t in concept.terms) <= PHRASE_CAP:
                # a rare word's whole doclist is cheaper to read than a rowid list is to probe
                doclist = {
                    r[0] for r in store.conn.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ?", (expr,))
                }
                hits = doclist & set(partial)
            else:
                sql = f"SELECT rowid FROM items_fts WHERE items_fts MATCH ? AND rowid IN ({marks})"
                hits = {r[0] for r in store.conn.execute(sql, [expr, *partial])}
            for rowid in hits:
                found[rowid] += concept.weight
    # The question's words in the question's order ("tager bagvagten i uge 29") as FTS5 phrases, whole
    # and pair by pair (stopwords are gone on both sides, so positions line up). Phrase queries cost a few
    # milliseconds each at 100k items, so only the whole phrase and the two rarest pairs are asked.
    stems = [c.stem for c in query.concepts if c.stem]
    by_rarity = {c.stem: c.weight for c in query.concepts}
    pairs = sorted(zip(stems, stems[1:], strict=False), key=lambda p: -(by_rarity[p[0]] + by_rarity[p[1]]))
    phrases = [(stems, 1.5)] if len(stems) > 2 else []
    phrases += [(list(p), 1.0 / len(pairs)) for p in pairs[:2]]
    # Asked of the whole index and intersected here: FTS5 answers a phrase far faster without a rowid
    # list; a phrase common enough to hit the cap is no evidence anyway.
    for words, bonus in phrases:
        expr = '"' + " ".join(w.replace('"', '""') for w in words) + '"'
        cursor = store.conn.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ? LIMIT ?", (expr, PHRASE_CAP))
        rows = [r[0] for r in cursor]
        if len(rows) < PHRASE_CAP:
            for rowid in found.keys() & set(rows):
                found[rowid] += bonus * total_w / 3.0
    top_fts = max(c.fts for c in cands) or 1.0
    top_body = max(c.body for c in cands) or 1.0
    for c in cands:
        title = _title_terms(store, c.row)
        title_w = sum(x.weight for x in query.concepts if x.terms & title)
        c.score = (
            3.0 * found[c.row["rowid"]] / total_w + title_w / total_w + 0.5 * c.fts / top_fts + 0.5 * c.body / top_body
        )
    return sorted(cands, key=lambda c: -c.score)[:keep]


def _title_terms(store: Store, row: dict) -> frozenset[str]:
    """An item's title (and case number) analysed, kept per connection: the preselection asks for some
    sixty titles a question, mostly the same ones for questions on one topic."""
    cache: dict = store._cached("title_terms", dict)
    key = row["rowid"]
    found = cache.get(key)
    if found is None:
        if len(cache) >= _TITLES_MAX:
            cache.clear()
        found = cache[key] = frozenset(store.analyzer.terms(f"{row['title']} {row['case_number'] or ''}"))
    return found


_TITLES_MAX = 50_000


def rerank(store: Store, query: Query, cands: list[Candidate]) -> list[Candidate]:
    if not cands:
        return []
    cands = preselect(store, query, cands)
    head_stems = heads(query)
    for cand in cands:
        _analyse(store, cand, head_stems)
    # Short words the corpus never uses cannot be found by anything; they do not count as evidence.
    counted = [c.known or c.required for c in query.concepts]
    total_w = sum(c.weight for c, k in zip(query.concepts, counted, strict=True) if k) or 1.0
    pairs = _pairs(query)
    wanted = {t for c in query.concepts for t in c.terms}
    for cand in cands:
        cand.credit = _credit(query, cand)
        for p in cand.passages:
            found = set(p.terms)
            p.coverage = sum(c.weight * _passage_credit(c, found) for c in query.concepts) / total_w
            # word pairs need the words themselves; most passages hold none of them
            p.proximity = _adjacent(pairs, p.terms) if found & wanted else 0.0
        cand.coverage = (
            sum(c.weight * cr for c, cr, k in zip(query.concepts, cand.credit, counted, strict=True) if k) / total_w
        )
        title_hits = [c.weight for c in query.concepts if c.terms & cand.title_terms]
        cand.title_coverage = sum(title_hits) / total_w
        title_terms = store.analyzer.terms(f"{cand.row['title']}")
        cand.proximity = max([_adjacent(pairs, title_terms)] + [0.7 * p.proximity for p in cand.passages])
        # How much of the item is about the question: an item that discusses "adgangskontrol" in ten
        # passages is more likely the treatment of it than one that names it once.
        cand.density = (
            sum(
                c.weight * math.log1p(sum(1 for p in cand.passages if c.terms & set(p.terms)))
                for c, k in zip(query.concepts, counted, strict=True)
                if k
            )
            / total_w
        )
    # Passage scores over every passage of every candidate: BM25Plus keeps a positive IDF on small sets.
    corpus = [p.terms or ["\u2205"] for cand in cands for p in cand.passages]
    if corpus and query.concepts:
        tokens = [t for c in query.concepts for t in sorted(c.terms) for _ in (0, 1)]
        tokens += [p for c in query.concepts for p in c.parts]
        scores = BM25Plus(corpus).get_scores(tokens)
        i = 0
        for cand in cands:
            for p in cand.passages:
                p.score = float(scores[i])
                i += 1
            cand.best_passage = max((p.score for p in cand.passages), default=0.0)
    top_passage = max((c.best_passage for c in cands), default=0.0) or 1.0
    top_density = max((c.density for c in cands), default=0.0) or 1.0
    top_fts = max((c.fts for c in cands), default=0.0) or 1.0
    for cand in cands:
        cand.score = (
            3.0 * cand.coverage
            + TITLE_WEIGHT * cand.title_coverage
            + DENSITY_WEIGHT * cand.density / top_density
            + 1.0 * cand.best_passage / top_passage
            + 0.5 * cand.fts / top_fts
            + 0.5 * cand.proximity
            + 1.0 * _answer_type(query, cand)
        )
    if query.intent == "status":
        _prefer_recent(cands)
    elif query.intent in ("topic", "decision"):
        _prefer_latest_in_case(cands)
    cands.sort(key=lambda c: (-c.score, c.row["date"]))
    return cands


def _answer_type(query: Query, cand: Candidate) -> float:
    """For who/when/how-much/where questions: does a passage that matches the question hold a name, a date,
    an amount or a place? An item that only mentions the topic cannot answer them."""
    pattern = {"who": NAME, "when": DATE, "amount": AMOUNT, "where": PLACE}.get(query.intent)
    if pattern is None:
        return 0.0
    best = max((p.coverage for p in cand.passages), default=0.0)
    for p in cand.passages:
        if p.coverage >= max(0.5 * best, 0.01) and pattern.search(cand.sections[p.section].text[p.start : p.end]):
            return 1.0
    return 0.0


def _pairs(query: Query) -> list[tuple[frozenset[str], frozenset[str]]]:
    return [(a.terms, b.terms) for a, b in zip(query.concepts, query.concepts[1:], strict=False)]


def _adjacent(pairs: list[tuple[frozenset[str], frozenset[str]]], terms: list[str]) -> float:
    """How closely the question's words stand together here, in order: half the share of neighbouring
    pairs found side by side ("1. kvartal 2024"), half the longest run of them ("tager bagvagten i uge 29")."""
    if not pairs or len(terms) < 2:
        return 0.0
    bigrams = set(zip(terms, terms[1:], strict=False))
    hits = sum(1 for a, b in pairs if any((x, y) in bigrams for x in a for y in b))
    concepts = [pairs[0][0], *(b for _, b in pairs)]
    longest, previous = 0, [0] * len(concepts)
    for term in terms:
        current = [0] * len(concepts)
        for i, concept in enumerate(concepts):
            if term in concept:
                current[i] = 1 + (previous[i - 1] if i else 0)
        longest = max(longest, *current)
        previous = current
    return 0.5 * hits / len(pairs) + 0.5 * (longest - 1) / len(pairs) if longest > 1 else 0.5 * hits / len(pairs)


def _prefer_latest_in_case(cands: list[Candidate]) -> None:
    """Items of one case (same case number) that match about equally well: the latest treatment is the
    current decision, so it goes first; the others follow as case history."""
    groups: dict[str, list[Candidate]] = {}
    for c in cands:
        if c.row["case_number"]:
            groups.setdefault(c.row["case_number"], []).append(c)
    for group in groups.values():
        if len(group) < 2:
            continue
        best = max(c.score for c in group)
        close = [c for c in group if c.score >= best - 0.6 and len({x.row["meeting_id"] for x in group}) > 1]
        if len(close) > 1:
            newest = max(close, key=lambda c: c.row["date"])
            newest.score = best + 0.01


def _prefer_recent(cands: list[Candidate]) -> None:
    """'Status' questions want the newest treatment among the items that cover the question well."""
    best = max(c.coverage for c in cands)
    good = [c for c in cands if c.coverage >= best - 0.15]
    dates = sorted({c.row["date"] for c in good})
    for c in good:
        if len(dates) > 1:
            c.score += 1.5 * dates.index(c.row["date"]) / (len(dates) - 1)


# A person's name: two or more capitalised words, the later ones not words that make an institution
# ("Albertslund Kommune", "Teknisk Udvalg").
_INSTITUTION = (
    r"(?:Kommunes?|Byråd\w*|Udvalg\w*|Region\w*|Skole\w*|Forvaltning\w*|Afdeling\w*|Rådhus\w*|Center\w*|Centret|"
    r"Kommunalbestyrelse\w*|Magistrat\w*|Direktion\w*|Chefforum|Havn\w*|Plan\w*|Gruppe\w*|Forening\w*)\b"
)
NAME = re.compile(rf"\b[A-ZÆØÅ][a-zæøå]+(?:[ -](?!{_INSTITUTION})[A-ZÆØÅ][a-zæøå]+)+\b")
DATE = re.compile(
    r"\b\d{1,2}\.\s*(?:januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december)\b"
    r"|\b\d{1,2}[-./]\d{1,2}[-./]\d{2,4}\b|\buge\s+\d{1,2}\b|\b(?:primo|medio|ultimo)\s+\w+",
    re.IGNORECASE,
)
AMOUNT = re.compile(
    r"\b\d+(?:[.,]\d+)*\s*(?:mio\.?|mia\.?|kr\.?|%|procent|dage|timer|årsværk|tons|kroner)|\b\d+,\d+\b"
    r"|\b\d{1,3}(?:\.\d{3})+\b"  # 300.000
    r"|\b(?!(?:19|20)\d\d\b)\d{2,}\s+[a-zæøå]{3,}"  # a count: "1149 høringssvar"
)
PLACE = re.compile(
    r"\b[A-ZÆØÅ][a-zæøå]*(?:vej|gade|plads|allé|alle|vænge|torv|park|stræde|bakke|høj)\s+\d+\b"
    r"|\b(?:placering(?:en)?|beliggende|ved|på)\s+[A-ZÆØÅ][a-zæøå]+",
)
DECISIVE = re.compile(
    r"\b(besluttede|besluttet|beslutter|godkend\w*|vedt[ao]g\w*|tiltr(æder|ådte|ådt)|aftalt|skal|tog .* til efterretning|"
    r"udsat|udsætte|tilbagesendes|fremsendes|ansat|tager)\b",
    re.IGNORECASE,
)
