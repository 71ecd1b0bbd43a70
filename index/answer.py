"""Question -> Answer, in visible stages:

    parse (index/question.py) -> retrieve (index/retrieve.py) -> evidence (index/evidence.py)
    -> rank (index/rank.py) -> abstain (index/abstain.py) -> quotes (index/quotes.py) -> history

Every stage takes and returns typed, frozen values; `explain()` shows them for `referent ask --explain`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from index.abstain import Verdict, decide, decide_ranked
from index.access import Access
from index.cases import same_case
from index.config import Config, load_config
from index.evidence import Evidence, gather, needs_text, prefetch, public_texts, with_text
from index.history import case_history
from index.links import item_url, meeting_url
from index.messages import EMPTY_QUESTION, NO_ANSWER, NO_ANSWER_SUGGEST, TOO_LONG
from index.model import DECISION, Answer, Hit, ItemRef, MeetingRef
from index.params import DEFAULT, Params
from index.question import MAX_QUESTION, Query, parse
from index.quotes import choose_quotes
from index.rank import Scored, names_as_fully, rank
from index.retrieve import Candidate, Scope, retrieve
from index.store import Store
from index.vocabulary import Vocabulary


@dataclass(frozen=True)
class Trace:
    """What each stage saw and decided, for --explain and the benchmark's candidate recall."""

    query: Query
    candidates: tuple[Candidate, ...]
    ranked: tuple[Scored, ...]
    verdicts: tuple[Verdict, ...]  # one per ranked item


def trace(
    store: Store,
    question: str,
    *,
    access: Access | None = None,
    today: dt.date | None = None,
    params: Params = DEFAULT,
) -> Trace:
    """Run the stages up to the abstention decision (no quotes, no history)."""
    store.check_changes()
    vocab = Vocabulary(store, access)
    result: Trace | None = None
    narrowed: list[Candidate] = []
    for relaxed in (False, True):
        query, scope = _reading(store, question, vocab, access, today, relaxed=relaxed)
        cands = retrieve(store, query, scope, vocab.total(), params)
        if relaxed:
            # the items the narrowed reading found stay candidates: "… tilsendt? (CF 25/11-21)" names the
            # meeting, whose item may lose among a large archive's matches of the date's words read as words
            seen = {c.rowid for c in cands}
            cands += [c for c in narrowed if c.rowid not in seen]
        narrowed = list(cands)
        rows = store.items_by_rowid([c.rowid for c in cands])
        prefetch(store, list(rows.values()))
        texts = public_texts(store, list(rows.values())) if needs_text(query) else {}
        evidence = [
            gather(store, query, rows[c.rowid], texts.get(c.rowid, ()), params) for c in cands if c.rowid in rows
        ]
        ranked = rank(query, evidence, store.analyzer, params)
        verdicts = decide_ranked(query, ranked, params)
        result = Trace(query, tuple(cands), tuple(ranked), verdicts)
        if any(v.answers for v in verdicts) or not query.guessed:
            break
    assert result is not None
    return result


def answering(
    store: Store,
    question: str,
    rows: list[dict],
    *,
    access: Access | None = None,
    today: dt.date | None = None,
    params: Params = DEFAULT,
    prominent: bool = False,
) -> list[dict]:
    """The rows among `rows` (items rows chosen by the caller, e.g. minutes that arrived since a topic was
    followed) that answer `question` for a caller who may see `access`: the same reading, evidence and
    abstention as answer(), without retrieval. Rows outside `access` or outside the question's own filters (a forum, a
    period, a municipality it names) never answer. A case number in the question answers for every item
    holding it (abstain.decide), so callers that must tell reused numbers apart match cases themselves.

    `prominent`: also require the question's most specific word in the item's title, a sub-heading or its
    decision. An answer is ranked among others and read on demand; a notice nobody asked for at that moment
    must be about the topic, not an item that mentions it in two passages of its case text."""
    store.check_changes()
    vocab = Vocabulary(store, access)
    found: list[dict] = []
    for relaxed in (False, True):
        query, scope = _reading(store, question, vocab, access, today, relaxed=relaxed)
        inside = [r for r in rows if _in_scope(r, scope)]
        prefetch(store, inside)
        texts = public_texts(store, inside) if needs_text(query) else {}
        found = []
        for r in inside:
            ev = gather(store, query, r, texts.get(r["rowid"], ()), params)
            if decide(query, ev, params).answers and (not prominent or _prominent(query, ev)):
                found.append(r)
        if found or not query.guessed:
            break
    return found


def _prominent(query: Query, ev: Evidence) -> bool:
    """The question's most specific word (its heaviest known word that is not a number) is in the title, a
    sub-heading or the decision; a question that is all numbers or unknown words counts as prominent when it
    answers at all."""
    words = [(c, h) for c, h in zip(query.concepts, ev.hits, strict=True) if c.known and c.counted and not c.number]
    if not words:
        return True
    _, hit = max(words, key=lambda p: p[0].weight)
    return hit.title or hit.heading or hit.decision


def _in_scope(row: dict, scope: Scope) -> bool:
    return (
        (scope.access is None or scope.access.allows(row.get("municipality", ""), row["forum"]))
        and (scope.fora is None or row["forum"] in scope.fora)
        and (scope.date_from is None or row["date"] >= scope.date_from.isoformat())
        and (scope.date_to is None or row["date"] <= scope.date_to.isoformat())
        and (scope.municipalities is None or row.get("municipality", "") in scope.municipalities)
        and (scope.day is None or row["date"][5:] == scope.day)
    )


def _reading(
    store: Store,
    question: str,
    vocab: Vocabulary,
    access: Access | None,
    today: dt.date | None,
    *,
    relaxed: bool,
) -> tuple[Query, Scope]:
    """The question read against what the caller may see, and the scope it searches: what the caller may
    see, narrowed by a forum, a period or a municipality the question names. Only names of fora and
    municipalities the caller may see are read from the question."""
    visible = sorted({f for m, f in store.bodies() if access is None or access.allows(m, f)})
    towns = store.visible_municipalities(access)
    query = parse(
        question, store.analyzer, vocab, fora=visible, municipalities=towns, today=today, relaxed=relaxed
    )  # fmt: skip
    # an agenda holds proposals, not decisions: it never answers what was decided
    minutes_only = query.intent == "decision" and store.has_agendas()
    return query, Scope(
        access, query.fora, query.date_from, query.date_to, query.municipalities, minutes_only, day=query.day
    )


def answer(
    store: Store,
    question: str,
    *,
    access: Access | None = None,
    limit: int = 4,
    cfg: Config | None = None,
    today: dt.date | None = None,
    params: Params = DEFAULT,
) -> Answer:
    """Answer `question` from the minutes the caller may see (`access`, None = all; index.access)."""
    cfg = cfg or load_config()
    if not question.strip():
        return Answer(question=question, no_answer=True, message=EMPTY_QUESTION)
    if len(question) > MAX_QUESTION:
        return Answer(question=question[:200], no_answer=True, message=TOO_LONG)
    t = trace(store, question, access=access, today=today, params=params)
    query = t.query
    good = [s for s, v in zip(t.ranked, t.verdicts, strict=True) if v.answers]
    ans = Answer(question=question, no_answer=False, message="", intent=query.intent, filters=query.filters)
    if not good:
        ans.no_answer = True
        ans.suggestions = [_hit(store, cfg, s, query, access, quotes=False) for s in t.ranked[:3]]
        ans.message = NO_ANSWER_SUGGEST if ans.suggestions else NO_ANSWER
        return ans
    if query.intent == "precedent":
        # the treatments of the best answer's case (same number and subject), and items that answer as well
        # and name the question in their titles as fully ("Greve Bygade 66" is not a treatment of "… 64")
        best = good[0]
        treatments = [best] + [
            s
            for s in good[1:]
            if same_case(store.analyzer, best.row, s.row)
            or (s.score >= best.score - params.status_margin and names_as_fully(s, best))
        ]
        treatments.sort(key=lambda s: s.row["date"], reverse=True)
        ans.answers = [_hit(store, cfg, s, query, access, params=params) for s in treatments[: max(limit, 6)]]
        ans.message = f"Sagen er behandlet på {len({s.row['meeting_id'] for s in treatments})} møde(r); nyeste først."
    else:
        top = _hit(store, cfg, good[0], query, access, params=params)
        # Items already named in the top answer's case history are not repeated as "other results".
        seen = {(c.meeting_id, c.item_number) for c in top.case_history}
        rest = [s for s in good[1:] if (s.row["meeting_id"], s.row["number"]) not in seen]
        ans.answers = [top, *(_hit(store, cfg, s, query, access, params=params) for s in rest[: limit - 1])]
        ans.message = _message(ans.answers[0])
    return ans


def explain(t: Trace, top: int = 5) -> list[str]:
    """Lines for `referent ask --explain`: the reading of the question, then for the top candidates the
    score parts and why each answers or not (English: this is for developers and the secretariat)."""
    q = t.query
    lines = [f"intent: {q.intent}  filters: {q.filters or '-'}  years: {sorted(q.years) or '-'}"]
    for c in q.concepts:
        how = "known" if c.known else ("required, unknown" if c.required else "unknown, not counted")
        lines.append(
            f"  concept {c.surface!r}: terms {sorted(c.terms)} parts {list(c.parts)} df {c.df} "
            f"share {q.share(c):.2f} ({how})"
        )
    lines.append(f"candidates: {len(t.candidates)}")
    for s, v in list(zip(t.ranked, t.verdicts, strict=True))[:top]:
        ev = s.evidence
        lines.append(
            f"- {s.score:.2f} {ev.row['forum']} {ev.row['date']} punkt {ev.row['number']}: {ev.row['title'][:70]}"
        )
        lines.append("    " + "  ".join(f"{k} {v:.2f}" for k, v in s.parts.items()))
        hits = ", ".join(
            f"{c.surface}={h.credit:g}/{h.passages}{'T' if h.title else ''}{'D' if h.decision else ''}"
            for c, h in zip(q.concepts, ev.hits, strict=True)
        )
        lines.append(f"    found: {hits}")
        lines.append(f"    {'ANSWERS' if v.answers else 'refused'}: {v.reason}")
    return lines


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
    store: Store,
    cfg: Config,
    s: Scored,
    query: Query,
    access: Access | None,
    *,
    quotes: bool = True,
    params: Params = DEFAULT,
) -> Hit:
    """One answer; its case history shows every body the caller may see (`access`), not only the one the
    question named."""
    row = s.row
    ev = with_text(store, s.evidence)
    mrow = store.meeting_row(row["meeting_id"])
    kind = "Dagsorden" if mrow is not None and mrow["kind"] == "dagsorden" else "Referat"
    title = f"{kind} {row['forum']} {dt.date.fromisoformat(row['date']):%d-%m-%Y}"
    several = len(store.visible_municipalities(access)) > 1
    meeting = MeetingRef(
        id=row["meeting_id"], forum=row["forum"], date=row["date"], title=title,
        url=meeting_url(cfg, row["meeting_id"], row["forum"], row["date"], mrow["external_id"] if mrow else None,
                        portal_url=mrow["portal_url"] if mrow else None, municipality=row.get("municipality") or ""),
        municipality=row.get("municipality") or "", show_municipality=several,
    )  # fmt: skip
    item = ItemRef(
        number=row["number"], title=row["title"], case_number=row["case_number"], closed=bool(row["closed"]),
        url=item_url(cfg, row["meeting_id"], row["forum"], row["date"], row["number"],
                     meeting_external_id=mrow["external_id"] if mrow else None, item_external_id=row["external_id"],
                     portal_url=mrow["portal_url"] if mrow else None, municipality=row.get("municipality") or ""),
    )  # fmt: skip
    return Hit(
        meeting=meeting,
        item=item,
        quotes=choose_quotes(ev, query, params) if quotes else [],
        score=s.score,
        case_history=case_history(store, cfg, row, access, list(ev.sections)),
    )
