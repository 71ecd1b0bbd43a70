"""Choose what to quote from an item: 1–3 sentences cut by offsets from the stored text (verbatim)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from index.evidence import Evidence, Passage
from index.model import DECISION, HISTORY, PROPOSAL, Quote, Section
from index.params import DEFAULT, Params
from index.passages import passages
from index.patterns import AMOUNT, DATE, FREQUENCY, MONEY, PERIOD, PLACE, WHO
from index.question import ASKS_WHEN, Query, answer_kind
from index.sagsforloeb import body_key, entries

MAX_QUOTE = 450
QUOTE_CONTINUE = 300  # continue a quote within its paragraph up to this length
# "1.-3. Godkendt.", "1. a.-d. Godkendt.": the points a verdict is on ...
_POINTS = (
    r"^\s*(?:(?:ad\s+)?(?:pkt\.\s*|punkt\s+)?\d{1,2}\.?(?:\s*[a-zæøå]\.?(?:\s*[-–]\s*[a-zæøå]\.?)?)?"
    r"(?:\s*[-–]\s*\d{1,2}\.?)?\s*[:.]?\s+)?"
)
# ... and an approval that says nothing of its own
_APPROVED = (
    r"(godkendt|tiltrådt|vedtaget|godkendes|tiltrædes|vedtages|indstillingen (blev )?(godkendt|tiltrådt|vedtaget)|"
    r"som indstillet|"
    r"anbefales|indstillingen anbefales)\.?\s*$"
)
BARE_APPROVAL = re.compile(_POINTS + _APPROVED, re.IGNORECASE)
# "1. Ikke godkendt" beside "2. Godkendt": a verdict on each point of the proposal, whose points say what was
# decided (a rejection with its reason, "Ikke godkendt, idet …", says something of its own)
_VERDICT = re.compile(_POINTS + r"(?:ikke\s+)?" + _APPROVED, re.IGNORECASE)
# "… har vedtaget Magistratens foranstående indstilling", "Udvalget tiltrådte indstillingen": the decision
# approves the proposal by reference, so the proposal says what was decided ...
BY_REFERENCE = re.compile(
    r"\b(vedtaget|vedtog|vedtage[rs]?|tiltr\w+|godkend\w*|anbefale[rs]?)\b[^.]{0,80}\bindstilling"
    r"|\bindstilling\w*\b[^.]{0,40}\b(vedtaget|godkendt|tiltrådt|anbefales)\b",
    re.IGNORECASE,
)
# ... unless the decision line itself says more: a split vote, an amendment, a reservation.
_QUALIFIED = re.compile(
    r"\b(flertal\w*|mindretal\w*|imod|stemte|undlod|ændring\w*|tilføjelse\w*|dog|forbehold)\b", re.I
)
# A vote changes nothing of what was adopted; an amendment or a reservation does.
_AMENDED = re.compile(r"\b(ændring\w*|tilføjelse\w*|dog|forbehold|bemærkning\w*)\b", re.I)
# "Chefforum tog orienteringen til efterretning.": a decision that only notes the item says nothing of its
# content, so the passage of the item that matches the question goes first.
NOTED = re.compile(
    r"^\s*([\w.-]+\s+){0,8}(tog|tager)\s+([\w.-]+\s+){1,6}til\s+efterretning\.?\s*$"
    r"|^\s*(?:\d{1,2}\.(?:\s*[-–]\s*\d{1,2}\.)?\s*)?([\w.-]+\s+){0,6}(?:(?:blev|er)\s+)?(?:taget|tages)\s+til\s+"
    r"efterretning\.?\s*$",
    re.IGNORECASE,
)
DECISIVE = re.compile(
    r"\b(besluttede|besluttet|beslutter|godkend\w*|vedt[ao]g\w*|tiltr(æder|ådte|ådt)|aftalt|skal|tog .* til efterretning|"
    r"udsat|udsætte|tilbagesendes|fremsendes|ansat|tager|anbefal\w*|afvist|afviste)\b",
    re.IGNORECASE,
)


# "… godkendte nyt indstillingspunkt om, at regionen har valgt at lukke tilbuddet ned", "… at administrationens
# indstilling godkendes, det præciseres, at der ikke skal udarbejdes en politik": after the reference the
# line says what was adopted
_GOES_ON = re.compile(r"(?:\bom,?|,)\s+at\s+(?:\S+\s+){4}", re.IGNORECASE)


def approves_by_reference(sentence: str) -> bool:
    """Does a decision line only approve what stands elsewhere ("Godkendt.", "… har vedtaget Magistratens
    indstilling"), without a vote, an amendment or a statement of its own? The answer then quotes what was
    adopted; the digest does the same."""
    if BARE_APPROVAL.match(sentence):
        return True
    ref = BY_REFERENCE.search(sentence)
    return bool(ref and not _QUALIFIED.search(sentence) and not _GOES_ON.search(sentence, ref.end()))


# a question about money: its answer is an amount in kroner, not a count or a duration
_MONEY_ASKED = re.compile(
    r"\b(?:pris\w*|kost\w*|beløb\w*|kr|kroner|penge\w*|betal\w*|gebyr\w*|tilskud\w*|bevill\w*|budget\w*)\b",
    re.IGNORECASE,
)
_CONTEXT_KINDS = {"anledning", "baggrund", "resume", "sagsfremstilling", "intro"}
_EVIDENCE = {
    "who": WHO, "when": PERIOD, "amount": AMOUNT, "fact": AMOUNT, "where": PLACE, "precedent-when": DATE,
    "often": FREQUENCY,
}  # fmt: skip


# Who was absent is written under many decisions ("Afbud: …", "Fraværende: …"); it is not the decision.
_ATTENDANCE = re.compile(r"^\s*(afbud|fraværende|fravær|forfald|ikke\s+til\s+stede)\b", re.IGNORECASE | re.MULTILINE)
SAYS_MORE = 10  # words of its own after an approval (beyond the vote) make a decision say more than it
WHOLE_DECISION = 900  # a decision this short is quoted whole: its substance often follows a formality
WHOLE_PROPOSAL = MAX_QUOTE  # a proposal that a bare "Godkendt." adopts is quoted whole up to this length


def _whole(cand: Evidence, section_index: int, limit: int, body: str | None = None) -> Quote | None:
    """A section whole (or its leading part `body`), trimmed, when at most `limit` characters; else None."""
    section = cand.sections[section_index]
    text = section.text
    body = text if body is None else body
    start = len(body) - len(body.lstrip())
    end = len(body.rstrip())
    if end <= start or end - start > limit:
        return None
    heading = section.heading.rstrip(":").strip()
    return Quote(section=heading or _label(section.kind), text=text[start:end], start=start, kind=section.kind)


def _whole_decision(cand: Evidence, section_index: int) -> Quote | None:
    """A short decision section, whole (up to the attendance lines), or None when it is longer."""
    return _whole(cand, section_index, WHOLE_DECISION, _decision_body(cand.sections[section_index].text))


def _whole_proposal(cand: Evidence, section_index: int) -> Quote | None:
    """A short proposal section whole (up to WHOLE_PROPOSAL characters), or None."""
    return _whole(cand, section_index, WHOLE_PROPOSAL)


def _window(cand: Evidence, anchor: Passage) -> Quote:
    """The anchor passage, extended over a lead-in colon, a very short sentence or a short paragraph, up to
    3 passages; a short decision whole."""
    if cand.sections[anchor.section].kind == DECISION and not cand.closed:
        whole = _whole_decision(cand, anchor.section)
        if whole is not None:
            return whole
    same = [p for p in cand.passages if p.section == anchor.section]
    i = same.index(anchor)
    chosen = [anchor]
    text = cand.sections[anchor.section].text
    if i > 0 and _LEANS_BACK.search(text[anchor.start : anchor.end]):
        before = same[i - 1]
        # "… udgør tilskuddet 241.558 kr. årligt. Driftstilskuddet er dermed reduceret med 50.000 kr.": a
        # sentence that follows from the one before means little without it
        if "\n" not in text[before.end : anchor.start] and anchor.end - before.start <= MAX_QUOTE:
            chosen, i = [before, anchor], i - 1
    # a lead-in ("... med følgende bemærkninger:") means nothing without what follows it
    while len(chosen) < 3 and i + len(chosen) < len(same):
        last = chosen[-1]
        span = text[chosen[0].start : last.end]
        nxt = same[i + len(chosen)]
        # a short sentence is continued by the next one of its paragraph ("… de sanktioner …. Der kommer
        # desuden skattesanktioner …"); a lead-in or a very short line by whatever follows
        same_paragraph = "\n" not in text[last.end : nxt.start]
        if (
            last.end - last.start < 60
            or text[last.start : last.end].rstrip().endswith((":", ","))
            or (same_paragraph and nxt.end - chosen[0].start <= QUOTE_CONTINUE)
        ):
            if nxt.end - chosen[0].start > MAX_QUOTE and len(span) > 40:
                break
            chosen.append(nxt)
        else:
            break
    section = cand.sections[anchor.section]
    start, end = chosen[0].start, chosen[-1].end
    heading = section.heading.rstrip(":").strip()
    return Quote(section=heading or _label(section.kind), text=text[start:end], start=start, kind=section.kind)


_LEANS_BACK = re.compile(
    r"^\W*(?:\S+\s+){0,5}?(?:dermed|derfor|heraf|hermed|således)\b|^\W*(?:dette|det betyder)\b", re.I
)


def _label(kind: str) -> str:
    return {DECISION: "Beslutning", PROPOSAL: "Indstilling", "intro": "Sagsfremstilling"}.get(kind, kind.capitalize())


def _best(
    cand: Evidence,
    allowed: set[int],
    query: Query,
    params: Params = DEFAULT,
    *,
    first_bonus: float = 0.0,
    decision_prior: float | None = None,
) -> Passage | None:
    """The passage of the allowed sections that answers best: how much of the question it holds (_matcher),
    the kind of answer asked for near the question's words, and the section's prior (`Params.quote_*`)."""
    pool = [p for p in cand.passages if p.section in allowed]
    if not pool:
        return None
    evidence = _EVIDENCE.get(_intent(query))
    if evidence is AMOUNT and _MONEY_ASKED.search(query.question):
        evidence = MONEY
    question_numbers = set(re.findall(r"\d+(?:[.,]\d+)?", query.question))
    wanted = {t for c in query.concepts for t in c.terms}
    matched = _matcher(cand, query)
    # The last decision section has the final word ("Beslutning:" after the discussion, or the latest body's
    # "Beslutning i ... den ..."); its opening sentence is the natural quote.
    last = max(pool, key=lambda p: p.section).section
    lead = next(p for p in pool if p.section == last)

    def value(p: Passage) -> float:
        text = cand.sections[p.section].text[p.start : p.end]
        v = matched(p)
        if evidence is not None:
            found = (
                _new_amounts(evidence, text, question_numbers)
                if query.intent in ("amount", "fact")
                else list(evidence.finditer(text))
            )
            # "hvor mange fredage": a number right before the asked word ("2 fredage") is the count asked for
            counted = query.intent == "amount" and _counts_asked(text, wanted)
            if found or counted:
                # the answer usually stands right next to the question's own words ("opstart den 1. december");
                # a name or an amount in a passage that holds nothing of the question is seldom it
                v += (0.5 if v > 0 else 0.2) + (0.3 if counted or _near(found, text, wanted) else 0.0)
        if evidence is None and DECISIVE.search(text):
            v += 0.25
        if text.rstrip().endswith(":"):
            v -= 0.2
        if p is lead and not text.rstrip().endswith(":"):
            v += first_bonus
        if cand.sections[p.section].kind == DECISION:
            v += params.quote_decision_prior if decision_prior is None else decision_prior
        elif cand.sections[p.section].kind == "resume":
            v += params.quote_resume_prior
        return v

    if query.intent == "amount" and evidence is not None:
        # "hvor meget …", "… pris": a passage without an amount cannot be the answer, however much of the
        # question it holds ("samarbejdsaftalen med Code of Care forlænges …" beside "… op til 191.000 kr.").
        # Measured 2026-12-02: +3 key phrases (Greve), none lost; the same for "hvem"/"hvor" moved nothing and
        # for "hvornår" lost 4 (a date is often the question's own context, not its answer).
        stating = [
            p
            for p in pool
            if matched(p) > 0
            and _new_amounts(evidence, cand.sections[p.section].text[p.start : p.end], question_numbers)
        ]
        if stating:
            return max(stating, key=value)
    return max(pool, key=value)


def _new_amounts(pattern: re.Pattern, text: str, question_numbers: set[str]) -> list[re.Match]:
    """The amounts in `text` that are not the question's own numbers ("code of care 2024-2028 pris")."""
    return [m for m in pattern.finditer(text) if re.sub(r"\D*$", "", m.group(0)) not in question_numbers]


def _states(cand: Evidence, p: Passage, pattern: re.Pattern) -> bool:
    """Does the passage hold a word of the question and an answer of the kind asked for (a name, a date, an
    amount), one that is not part of the item's title ("Lokalplan nr. 15.27", "Greve Museum")?"""
    if not cand.found_at(cand.passages.index(p)):
        return False
    text = cand.sections[p.section].text[p.start : p.end]
    title = cand.row["title"].casefold()
    return any(m.group(0).casefold() not in title for m in pattern.finditer(text))


# a count: a figure or a number word, then what is counted ("2 fredage", "syv medlemmer", "fire stk. hestebokse")
_COUNT = re.compile(
    r"\b(?:\d+|to|tre|fire|fem|seks|syv|otte|ni|ti|elleve|tolv|tyve)\s+(?:stk\.\s+)?([^\W\d_]{3,})", re.IGNORECASE
)


def _asked(wanted: set[str]) -> Callable[[str], bool]:
    """Is an analysed word the question's word, or a compound with it as head ("opstart", "hestebokse")?"""
    heads = tuple(w for w in wanted if len(w) >= 4 and w[0].isalpha())
    return lambda term: term in wanted or (len(term) > 6 and term.endswith(heads))


def _counts_asked(text: str, wanted: set[str]) -> bool:
    """Does a count stand right before a word of the question ("Bevillingsnævnet består af syv medlemmer" for
    "hvor mange medlemmer har nævnet")?"""
    from index.analyze import get_analyzer

    a = get_analyzer()
    asked = _asked(wanted)
    return any(asked((a.terms(m.group(1)) or [""])[0]) for m in _COUNT.finditer(text))


def _near(found: list[re.Match], text: str, wanted: set[str], reach: int = 30) -> bool:
    """Is one of the evidence matches within `reach` characters of a word of the question?"""
    from index.analyze import get_analyzer

    a = get_analyzer()
    asked = _asked(wanted)
    spots = [m.start() for m in re.finditer(r"\w+", text) if asked((a.terms(m.group(0)) or [""])[0])]
    return any(abs(s - m.start()) <= reach or abs(s - m.end()) <= reach for m in found for s in spots)


def choose_quotes(cand: Evidence, query: Query, params: Params = DEFAULT) -> list[Quote]:
    secs = cand.sections
    decision = {i for i, s in enumerate(secs) if s.kind == DECISION and s.text.strip()}
    if cand.closed:
        # Closed items: only the public decision line, never more.
        return [_window(cand, p) for p in cand.passages if p.section in decision][:1]
    proposal = {i for i, s in enumerate(secs) if s.kind == PROPOSAL}
    everything = set(range(len(secs))) - {i for i, s in enumerate(secs) if s.kind == HISTORY}
    in_decision = [p for p in cand.passages if p.section in decision]
    # the first passage that says something of the matter, not who took part ("… deltog som stedfortræder.")
    first_decision = next(
        (p for p in in_decision if not took_part(secs[p.section].text[p.start : p.end])),
        in_decision[0] if in_decision else None,
    )
    first_text = secs[first_decision.section].text[first_decision.start : first_decision.end] if first_decision else ""
    # "Godkendt." approves what stands elsewhere; "Godkendt\n\nValggruppe 1 indstiller Anne Marie Lyduch (V), som
    # blev valgt" says more, and what it says is quoted (what was adopted after it)
    lines = [line for i in sorted(decision) for line in _decision_lines(secs[i].text)]
    first_line = _first_line(secs[first_decision.section].text) if first_decision is not None else ""
    bare = first_decision is not None and (approves_by_reference(first_text) or bool(BARE_APPROVAL.match(first_line)))
    if (
        bare
        and BARE_APPROVAL.match(first_line)
        and any(not approves_by_reference(line) for line in lines[1:])
        and (
            any(_POINT.match(line) and not approves_by_reference(line) for line in lines[1:])
            or any(
                cand.found_at(i)
                for i, p in enumerate(cand.passages)
                if p.section in decision and p is not first_decision
            )
        )
    ):
        # "1.-2. Godkendt. 3. Godkendt med bemærkning om …", "1. Godkendt. 2. Udvalget fastholdt afslaget …":
        # the later points say what was decided (a remark after "1.-3. Godkendt." only when it holds the
        # question's words)
        bare = False
    # "Byrådet godkendte administrationens indstilling. Marc Genning (V) blev valgt til bestyrelsen.": the
    # approval goes on with something of its own, which is quoted first and what was adopted after it
    goes_on = bare and _says_more(cand, decision, first_decision, SAYS_MORE)
    bare = bare and not goes_on
    # "1. Ikke godkendt\n2. Godkendt": verdicts on the proposal's points, which are what was decided
    bare = bare or (bool(lines) and all(_VERDICT.match(line) for line in lines))
    # A decision that only notes the item ("Chefforum tog orienteringen til efterretning.") says nothing of
    # its content; one that notes it and goes on says something, unless what it says is about other things
    # than the question (an orientation of many matters, the question about one of them).
    noted = bool(decision) and all(_only_noted(secs[i].text) for i in decision)
    if not noted and decision and all(NOTED.match(_first_line(secs[i].text)) for i in decision):
        # "1. Orienteringen blev taget til efterretning. 2. Udvalget ønsker …": numbered points are decisions
        # each, not remarks on the orientation
        points = any(_POINT.match(line) for i in decision for line in _decision_lines(secs[i].text)[1:])
        noted = not points and _said_elsewhere(cand, decision, everything - proposal, query, params) is not None
    if bare and not noted:
        # "Godkendt." of a proposal that only has the orientation noted ("Administrationen indstiller, at
        # orienteringen tages til efterretning.") notes the item: its content is elsewhere
        adopted = adopted_recommendation(secs)
        proposed = [adopted.text] if adopted is not None else [secs[i].text for i in proposal]
        noted = bool(proposed) and all(_proposal_only_notes(t) for t in proposed)
    intent = _intent(query)
    quotes: list[Quote] = []
    stated = _decision_states(cand, decision, query, intent) if not noted else None
    if stated is not None:
        # a short decision that holds what a who/when/how-much question asks for is the answer
        quotes.append(stated)
    elif intent in _EVIDENCE or intent == "why":
        pool = everything
        if intent == "why":
            pool = {i for i in everything if secs[i].kind in _CONTEXT_KINDS} or everything
        elif intent == "precedent-when":
            pool = set(range(len(secs)))  # the Sagsforløb lists the earlier treatments with their dates
        # a decision that says something of its own most often holds what a who/when/what question asks
        prior = params.quote_decision_prior if bare or noted else params.quote_stating_decision_prior
        anchor = _best(cand, pool, query, params, decision_prior=prior)
        if bare and proposal and intent in _EVIDENCE:
            # "Godkendt." adopts the proposal: what it says is what was decided, so its passage that holds
            # the question and the kind of answer asked for is the answer
            in_proposal = _best(cand, proposal, query, params)
            if in_proposal is not None and _states(cand, in_proposal, _EVIDENCE[intent]):
                anchor = in_proposal
        if anchor:
            quotes.append(_window(cand, anchor))
    elif noted and everything - decision - proposal:
        anchor = _best(cand, everything - decision - proposal, query, params)
        if anchor:
            quotes.append(_window(cand, anchor))
    elif intent == "precedent":
        # "har teknikudvalget haft terrænsagen oppe før?": each earlier treatment is recognised by what it says
        # of the matter, so the passage that holds the question best goes first, the decision after it
        anchor = _best(cand, everything, query, params, decision_prior=0.0)
        if anchor:
            quotes.append(_window(cand, anchor))
    elif (
        intent == "topic"
        and not query.asked
        and not bare
        and not _engages(cand, decision)
        and (elsewhere := _said_elsewhere(cand, decision, everything, query, params)) is not None
    ):
        # search words the decision does not hold ("krav om besporing" under "Udvalget besluttede at
        # udsætte sagen"): the passage that holds them first, the decision after it
        quotes.append(_window(cand, elsewhere))
    elif decision and not bare:
        anchor = _best(cand, decision, query, params, first_bonus=0.3)
        if anchor:
            quotes.append(_window(cand, anchor))
        # "Med stemmerne 16 for og 4 imod godkendte Byrådet Økonomiudvalgets indstilling.": the vote first,
        # then what was adopted
        if quotes and (adopted := adopted_recommendation(secs)) is not None:
            quotes.append(adopted)
        elif (
            quotes
            and proposal
            and (goes_on or _adopting_sentence(secs) is not None)
            and (shown := _best(cand, proposal, query, params)) is not None
        ):
            # what the approval went on from, or a recommendation adopted that is not in the Sagsforløb (or whose
            # chain ends in "Anbefales."): the proposal as written is what was decided
            quotes.append(_whole_proposal(cand, shown.section) or _window(cand, shown))
    elif bare and (adopted := adopted_recommendation(secs)) is not None:
        # "Byrådet godkendte Økonomiudvalgets indstilling.": what that body recommended was decided
        quotes.append(adopted)
    elif bare and proposal:
        # "Godkendt." approves the proposal, so the proposal is what was decided: whole when it is short
        # ("1.-3. Godkendt." approves every point of it), else the passage that answers the question.
        anchor = _best(cand, proposal, query, params)
        if anchor:
            quotes.append(_whole_proposal(cand, anchor.section) or _window(cand, anchor))
    if not quotes:
        anchor = _best(cand, everything, query, params)
        if anchor:
            quotes.append(_window(cand, anchor))
    # Always show the decision too, when the first quote came from elsewhere.
    if decision and quotes and quotes[0].kind != DECISION:
        quotes.append(_window(cand, in_decision[0]))
    return quotes[:2]


# "… godkendte Økonomiudvalgets indstilling", "… at Sundheds- og Omsorgsudvalgets indstilling godkendes"
_BODYS_PROPOSAL = r"\w*s\s+(?:\w+\s+){0,2}indstilling"
_NUMBERED = re.compile(r"^\s*(?:(?:ad\s+)?\d+\.?(?:\s*-\s*\d+\.?)?\s*[:.]?\s+)+", re.IGNORECASE)
# what may stand under a decision that only adopts a recommendation: the vote, who was absent
_VOTE = re.compile(r"\b(stem\w*|undl\w+|imod|fraværende|afbud|forfald|til\s+stede|stedfortræder)\b", re.IGNORECASE)
# "Endvidere besluttede Byrådet med stemmerne 12 for og 7 imod, at …" is a decision of its own that was voted
# on; "Imod stemte (C) med bemærkning om …" and "(Ø) undlod at stemme." only record the vote
_BODY_DECIDES = re.compile(
    r"\b(besluttede|beslutter|godkendte|godkender|vedtog|afviste|tiltrådte|anbefaler|anbefalede)\b", re.IGNORECASE
)


def _vote_record(line: str) -> bool:
    """Does the line only record the vote or who was absent, not a decision voted on?"""
    if not _VOTE.search(line):
        return False
    return not _BODY_DECIDES.search(line) or approves_by_reference(line)


def _formality(text: str) -> bool:
    """Is the passage of a decision only its formalities: the approval by reference, the vote, who was
    absent or took part? What a decision says of its own is everything else."""
    return _vote_record(text) or approves_by_reference(text) or took_part(text)


def _adopting_sentence(sections: Sequence[Section]) -> str | None:
    """The decision's sentence that adopts a proposal or another body's recommendation as it stands ("Med
    stemmerne 20 for og 1 imod godkendte Byrådet Økonomiudvalgets indstilling."), when the rest of the
    decision only records the vote; else None."""
    lines = [line for s in sections if s.kind == DECISION for line in _decision_lines(s.text)]
    if not lines or not all(_vote_record(line) for line in lines[1:]):
        return None  # "Vedrørende punkt 3: … med en bemærkning om …" says more than the adoption
    spans = passages(lines[0])
    sentence = lines[0][spans[0][0] : spans[0][1]] if spans else ""
    adopts = BARE_APPROVAL.match(sentence) or (BY_REFERENCE.search(sentence) and not _AMENDED.search(sentence))
    return sentence if adopts else None


def adopted_recommendation(sections: Sequence[Section]) -> Quote | None:
    """The recommendation a decision adopts by naming the body that made it ("Byrådet godkendte
    Økonomiudvalgets indstilling."), from the item's Sagsforløb: the chain of recommendations by reference
    ("Økonomiudvalget anbefaler …, at Sundheds- og Omsorgsudvalgets indstilling godkendes.") is followed to
    the latest treatment that says something of its own ("Udvalget anbefaler model 3."), quoted with its
    date and body. None when the decision says more than that (beyond the vote), when the chain ends in a
    plain approval of the proposal ("Anbefales.") or is not in the Sagsforløb; "Magistratens foranstående
    indstilling" is the proposal written above. Answers and the digest both show what this returns."""
    sentence = _adopting_sentence(sections)
    if sentence is None or re.search(r"\bforanstående\b", sentence, re.IGNORECASE):
        return None
    listed = [(i, e) for i, s in enumerate(sections) if s.kind == HISTORY for e in entries(s.text)]
    while listed:
        folded = sentence.casefold()
        named = [(i, e) for i, e in listed if re.search(re.escape(body_key(e.forum)) + _BODYS_PROPOSAL, folded)]
        if not named:
            return None
        i, entry = max(named, key=lambda x: x[1].date)
        section = sections[i]
        said = _decision_body(section.text[entry.start : entry.end])
        spans = passages(said)
        if not spans:
            return None
        first = _NUMBERED.sub("", _first_line(said))  # "4.-5. Økonomiudvalget anbefaler …"
        if BY_REFERENCE.search(first) and not _QUALIFIED.search(first):
            sentence = first  # that body too adopted another's recommendation
            listed.remove((i, entry))
            continue
        if BARE_APPROVAL.match(first) or NOTED.match(first):
            return None  # it approved the proposal as written
        # the entry's date and body, and what the body said, up to its attendance lines
        fits = [stop for _, stop in spans if entry.start + stop - entry.head <= WHOLE_DECISION]
        end = entry.start + (fits[-1] if fits else spans[0][1])
        heading = section.heading.rstrip(":").strip()
        text = section.text[entry.head : end]
        return Quote(section=heading or _label(section.kind), text=text, start=entry.head, kind=HISTORY)
    return None


def _decision_body(text: str) -> str:
    """A decision section up to its attendance lines ("Afbud: …")."""
    cut = _ATTENDANCE.search(text)
    return text[: cut.start()] if cut else text


_POINT = re.compile(r"^\s*(?:ad\s+)?\d+\.(?:\s*-\s*\d+\.)?\s+\S", re.IGNORECASE)


def _decision_lines(text: str) -> list[str]:
    """The non-empty lines of a decision section, up to its attendance lines, without who took part."""
    return [line for line in _decision_body(text).strip().split("\n") if line.strip() and not took_part(line)]


def _first_line(text: str) -> str:
    """The first line that says something of the matter: "Dorthe Bøgh Madsen deltog som stedfortræder." before
    "Byrådet godkendte Økonomiudvalgets indstilling." only records who took part."""
    lines = [line for line in text.strip().split("\n") if line.strip()]
    return next((line for line in lines if not took_part(line)), lines[0] if lines else "")


# who took part in the decision: a substitute, a member who left or was (or was not) disqualified
_TOOK_PART = re.compile(
    r"^[^.]{0,80}\b(?:deltog|deltager)\s+(?:som\s+stedfortræder|ikke\s+i\s+(?:sagens\s+|punktets\s+)?behandling)"
    r"|^[^.]{0,80}\bforlod\s+mødet\b|\binhabil\b",
    re.IGNORECASE,
)


def took_part(line: str) -> bool:
    """Does a decision line only record who took part ("… deltog som stedfortræder.", "… var inhabil")?"""
    return _TOOK_PART.search(line) is not None


def _only_noted(text: str) -> bool:
    """Does the decision only note the item ("Chefforum tog orienteringen til efterretning."), every line of
    it, attendance aside? A note followed by what was said or decided is a decision with content."""
    lines = _decision_lines(text)
    return bool(lines) and all(NOTED.match(line) for line in lines)


_PROPOSAL_LEAD = re.compile(r"^\s*([\w.&-]+\s+){0,6}indstiller\s*[,:]?\s*(?:at\s+)?", re.IGNORECASE)
_TAKEN_NOTE = re.compile(r"^\s*(?:\d+\.\s*)?(?:at\s+)?.{0,160}?\btages\s+til\s+efterretning\.?\s*$", re.I)


def _proposal_only_notes(text: str) -> bool:
    """Does the proposal only ask that the orientation be noted ("Administrationen indstiller, at
    orienteringen om Hulemosegård tages til efterretning."), every point of it?"""
    lines = [_PROPOSAL_LEAD.sub("", line) for line in text.split("\n") if line.strip()]
    lines = [line for line in lines if line.strip()]
    return bool(lines) and all(_TAKEN_NOTE.match(line) for line in lines)


def _engages(cand: Evidence, decision: set[int]) -> bool:
    """Does the decision hold a word of the question (its title words too)?"""
    return any(cand.found_at(i) for i, p in enumerate(cand.passages) if p.section in decision)


def _said_elsewhere(
    cand: Evidence, decision: set[int], everything: set[int], query: Query, params: Params = DEFAULT
) -> Passage | None:
    """The passage outside the decision that holds the question's words, when the decision holds clearly
    less of them (the decision only refers the case on, postpones it, or names its subject by another word);
    else None."""
    # the title shows what the item is about; the words of the question it does not hold are the ones the
    # quote must show ("oprydning i SBSYS" names the item, "krav om besporing" asks for its content)
    untitled = {c for c, h in enumerate(cand.hits) if not h.title}
    if not decision or not untitled:
        return None
    matched = _matcher(cand, query, untitled)
    inside = max((matched(p) for p in cand.passages if p.section in decision), default=0.0)
    outside = [p for p in cand.passages if p.section in everything - decision]
    if not outside:
        return None
    best = max(outside, key=matched)
    held = matched(best)
    if held < 0.3 or held < params.quote_said_elsewhere * max(inside, 0.05):
        return None
    return _best(cand, everything - decision, query, params)


def _matcher(cand: Evidence, query: Query, only: set[int] | None = None) -> Callable[[Passage], float]:
    """How much of the question (or of its concepts `only`) one passage holds: each word weighs its share of
    the question times its rarity among the item's passages, and the neighbouring passages count at 0.3."""
    # Within the chosen item a word of its topic (in the title, in most passages) tells its passages apart
    # less than a word few passages hold ("arkæologiske undersøgelser" among the grants for "idrætsanlægget
    # i Lisbjerg").
    n = max(len(cand.passages), 1)
    share = [s * math.log(1 + n / (h.passages + h.title + 1)) for s, h in zip(query.shares, cand.hits, strict=True)]
    if only is not None:
        share = [s if c in only else 0.0 for c, s in enumerate(share)]
    total = sum(share) or 1.0
    share = [s / total for s in share]
    index = {id(p): i for i, p in enumerate(cand.passages)}
    found = cand.found_at

    def matched(p: Passage) -> float:
        i = index[id(p)]
        own = sum(share[c] for c in found(i))
        near = set().union(
            *(
                found(j)
                for j in range(max(0, i - 1), i + 2)
                if j < len(cand.passages) and cand.passages[j].section == p.section
            )
        )
        return own + 0.3 * sum(share[j] for j in near)

    return matched


def _decision_states(cand: Evidence, decision: set[int], query: Query, intent: str) -> Quote | None:
    """The last decision, whole, when it is short and holds the kind of answer the question asks for (a name,
    a date, an amount); else None. It need not repeat the question's words: "Ad 1) Liselott Blixt og Tina
    Rottbøll." answers who takes part in what the item is about."""
    pattern = _EVIDENCE.get(intent)
    if pattern is None or not decision:
        return None
    last = max(decision)
    whole = _whole_decision(cand, last)
    if whole is None:
        return None
    # what the decision says itself, not its vote ("For stemte: … Liselott Blixt (UP)") or its approval
    own = [text for start, end in passages(whole.text) if not _formality(text := whole.text[start:end])]
    return whole if any(pattern.search(text) for text in own) else None


def _intent(query: Query) -> str:
    """ "Hvornår har … tidligere behandlet …" asks for earlier treatments and for their dates; a fact
    question for the kind of fact its noun names, or for what the item says."""
    asks_when = ASKS_WHEN.search(query.question) is not None  # typed as "hvornaar" too
    if query.intent == "precedent" and asks_when:
        return "precedent-when"
    if query.intent == "status" and asks_when:
        return "when"  # "hvordan går det med handleplanen – hvornår kommer der en ny?": the date is the answer
    return answer_kind(query)


def _says_more(cand: Evidence, decision: set[int], first: Passage | None, words: int) -> bool:
    """Does the decision go on after its approval with something of its own ("… Marc Genning (V) blev valgt
    til bestyrelsen.", "Endvidere besluttede Byrådet …", "… med bemærkning om, at …"), beyond the vote and
    who was absent?"""
    said = 0
    for p in cand.passages:
        if p.section not in decision or p is first:
            continue
        section = cand.sections[p.section]
        if p.start >= len(_decision_body(section.text)):
            continue  # the attendance lines under a decision
        text = section.text[p.start : p.end]
        if _formality(text):
            continue
        said += len(text.split())
    return said >= words
