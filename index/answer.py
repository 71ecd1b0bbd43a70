"""Question -> Answer: filters, intent, retrieval, quotes, case history, abstention, precedent."""

from __future__ import annotations

import datetime as dt
import math

from index.config import Config, load_config
from index.history import case_history
from index.links import item_url, meeting_url
from index.model import DECISION, Answer, Hit, ItemRef, MeetingRef
from index.question import MAX_QUESTION, Query, parse
from index.quotes import choose_quotes
from index.search import Candidate, rerank, retrieve
from index.store import Store

MIN_COVERAGE = 0.55
SPECIFIC_IDF = 2.2  # a word in at most ~10 % of the items
FACT_INTENTS = frozenset({"who", "when", "amount", "where", "fact"})

NO_ANSWER = "Jeg fandt ikke noget i referaterne, der svarer på det."
NO_ANSWER_SUGGEST = "Jeg fandt ikke noget, der svarer præcist. Måske er et af disse punkter relevant:"
EMPTY_QUESTION = "Skriv et spørgsmål om referaterne, fx: hvad blev besluttet om adgangskontrol?"
TOO_LONG = "Dit spørgsmål er for langt. Skriv det gerne kortere, så finder jeg svaret."


def answer(
    store: Store,
    question: str,
    *,
    fora: frozenset[str] | None = None,
    limit: int = 4,
    cfg: Config | None = None,
    today: dt.date | None = None,
) -> Answer:
    """Answer `question` from the minutes the caller may see (`fora`, None = all)."""
    cfg = cfg or load_config()
    if not question.strip():
        return Answer(question=question, no_answer=True, message=EMPTY_QUESTION)
    if len(question) > MAX_QUESTION:
        return Answer(question=question[:200], no_answer=True, message=TOO_LONG)
    store.check_changes()
    visible = [f for f in store.fora() if fora is None or f in fora]
    total = store.item_count()
    for relaxed in (False, True):
        query = parse(
            question, store.analyzer, known=store.known_term, doc_freq=store.doc_freq, total=total,
            fora=visible, today=today, variants=store.variants, relaxed=relaxed,
        )  # fmt: skip
        scope = fora
        if query.fora is not None:
            scope = query.fora if fora is None else query.fora & fora
        ranked = rerank(store, query, retrieve(store, query, scope))
        good = [c for c in ranked if _answers(query, c, total)]
        if good or not query.guessed:
            break
    ans = Answer(question=question, no_answer=False, message="", intent=query.intent, filters=query.filters)
    if not good:
        ans.no_answer = True
        ans.suggestions = [_hit(store, cfg, c, query, fora, quotes=False) for c in ranked[:3]]
        ans.message = NO_ANSWER_SUGGEST if ans.suggestions else NO_ANSWER
        return ans
    if query.intent == "precedent":
        good.sort(key=lambda c: c.row["date"], reverse=True)
        ans.answers = [_hit(store, cfg, c, query, fora) for c in good[: max(limit, 6)]]
        ans.message = f"Sagen er behandlet på {len({c.row['meeting_id'] for c in good})} møde(r); nyeste først."
    else:
        top = _hit(store, cfg, good[0], query, fora)
        # Items already named in the top answer's case history are not repeated as "other results".
        seen = {(c.meeting_id, c.item_number) for c in top.case_history}
        rest = [c for c in good[1:] if (c.row["meeting_id"], c.row["number"]) not in seen]
        ans.answers = [top, *(_hit(store, cfg, c, query, fora) for c in rest[: limit - 1])]
        ans.message = _message(ans.answers[0])
    return ans


def _answers(query: Query, cand: Candidate, total: int) -> bool:
    """Enough evidence: the item covers most of the question, its most specific known word, and every
    long word the corpus does not know (a topic the minutes may simply not have)."""
    if query.case_number and cand.row["case_number"] == query.case_number:
        return True  # the case number names the item; the rest of the question is phrasing
    if not query.concepts:
        return bool(query.case_number)
    narrowed = query.fora is not None or query.date_from or query.date_to
    if (narrowed or len(query.concepts) > 1) and min(cand.coverage, cand.title_coverage) >= 0.99:
        return True  # the item's title says all that was asked (within the body or period asked about)
    if cand.coverage < MIN_COVERAGE:
        return False
    pairs = list(zip(query.concepts, cand.credit, strict=True))
    if any(c.stem.isdigit() and len(c.stem) >= 2 and cr < 0.8 for c, cr in pairs):
        return False  # "uge 40", "lokalplan 1221": a number the question names must be there
    # A topic word the minutes never use ("svømmehal") must be found (its parts together in one passage
    # count), unless it is one word of a longer question whose every other word the item holds ("private
    # telefoner" for "private enheder").
    missing = [c for c, cr in pairs if c.required and not (cr >= 0.8 or (cr >= 0.5 and _split_up(cand, c)))]
    if missing:
        found = [c for c, cr in pairs if c.known and cr >= 0.8]
        counted = [c for c in query.concepts if c.known or c.required]
        if len(missing) > 1 or len(found) < 3 or len(found) + 1 < len(counted):
            return False
    known = [(c, cr) for c, cr in pairs if c.known]
    if not known:
        return False
    # One of the two most specific words the corpus knows must be there: a single rare verb ("gik") may be
    # phrasing, but an item that holds none of the question's specific words is about something else.
    top = sorted(known, key=lambda pair: -pair[0].weight)[:2]
    if not any(cr >= 0.8 for _, cr in top):
        return False
    # At least one found word must be specific (rare in this corpus), and the item must be about it:
    # "What was decided about X" needs an item about X, not one that mentions X in passing.
    specific = min(SPECIFIC_IDF, 0.6 * math.log(1 + (max(total, 1) - 0.5) / 1.5))
    if query.intent in FACT_INTENTS and cand.coverage >= 0.8:
        # A fact (a figure, a name, a date) is often stated in passing; most of the question is there.
        return any(cr >= 0.8 and c.own_weight >= specific for c, cr in top)
    return any(_about(cand, c) for c, cr in top if cr >= 0.8 and c.own_weight >= specific)


def _split_up(cand: Candidate, concept) -> bool:
    """Does the item write the question's unknown compound as separate words, in order ("store
    oprydningsdag" for "storeoprydningsdag")? Parts merely near each other ("ledelse af Hårup Skole" for
    "skoleleder") do not count."""
    parts = list(concept.parts)
    n = len(parts)
    return n > 1 and any(p.terms[i : i + n] == parts for p in cand.passages for i in range(len(p.terms) - n + 1))


def _about(cand: Candidate, concept) -> bool:
    if concept.terms & cand.title_terms or concept.terms & cand.parts:
        return True
    in_decision = any(concept.terms & set(p.terms) for p in cand.passages if cand.sections[p.section].kind == DECISION)
    holding = [p for p in cand.passages if concept.terms & set(p.terms)]
    if in_decision or len(holding) >= 2 or len(holding) >= 0.2 * len(cand.passages):
        return True
    # a sub-heading inside a section ("Mine Apps - Kørsel og Fravær") names what the next lines are about
    return any(_subheading(cand.sections[p.section].text, p.start, p.end) for p in holding)


def _subheading(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end].strip()
    return 0 < len(line) <= 80 and line == text[start:end].strip() and line[-1] not in ".:;,!?" and line_end >= 0


def _message(hit: Hit) -> str:
    from_decision = hit.quotes and hit.quotes[0].kind == DECISION
    where = f"{hit.meeting.forum} {_danish_date(hit.meeting.date)}, punkt {hit.item.number}"
    return f"{'Beslutningen' if from_decision else 'Svaret'} står i {where}: {hit.item.title}"


def _danish_date(iso: str) -> str:
    months = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
              "november", "december"]  # fmt: skip
    d = dt.date.fromisoformat(iso)
    return f"{d.day}. {months[d.month - 1]} {d.year}"


def _hit(
    store: Store, cfg: Config, cand: Candidate, query: Query, fora: frozenset[str] | None, *, quotes: bool = True
) -> Hit:
    """One answer; its case history shows every body the caller may see (`fora`), not only the one the
    question named."""
    row = cand.row
    mrow = store.meeting_row(row["meeting_id"])
    title = f"Referat {row['forum']} {dt.date.fromisoformat(row['date']):%d-%m-%Y}"
    meeting = MeetingRef(
        id=row["meeting_id"], forum=row["forum"], date=row["date"], title=title,
        url=meeting_url(cfg, row["meeting_id"], row["forum"], row["date"], mrow["external_id"] if mrow else None),
    )  # fmt: skip
    item = ItemRef(
        number=row["number"], title=row["title"], case_number=row["case_number"], closed=bool(row["closed"]),
        url=item_url(cfg, row["meeting_id"], row["forum"], row["date"], row["number"],
                     meeting_external_id=mrow["external_id"] if mrow else None, item_external_id=row["external_id"]),
    )  # fmt: skip
    return Hit(
        meeting=meeting,
        item=item,
        quotes=choose_quotes(cand, query) if quotes else [],
        score=cand.score,
        case_history=case_history(store, cfg, row, fora, cand.sections or None),
    )
