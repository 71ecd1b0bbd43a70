"""Reading a follow-up together with the conversation's previous question.

People continue a conversation in fragments: "og i 2024?", "hvad med vagtplanen?", "hvem foreslog det?",
"og før det?". None of them can be answered alone, so each is rewritten into a whole question from the
previous one, and that whole question is what the answering core reads (and what the user is shown as
"Læst som: …"). A question with a topic of its own starts fresh.

How a follow-up is recognised, from the words alone (no corpus, no model):
- it is short (at most MAX_WORDS words), and
- it starts with a continuation ("og", "men", "også", "hvad med", …), or it has no content word of its
  own (only question words, auxiliaries, decision verbs, pronouns, prepositions and dates), or it is a
  short question whose object points back ("det", "den", "sagen", … as the last word or before a
  function word: "hvornår blev det besluttet?", not "det nye rådhus").

How it is merged (`merge`), by kind:
- narrow  ("og i 2024?", "og i Økonomiudvalget?"): the previous question plus the fragment; a date in
          the fragment replaces the previous question's dates.
- swap    ("hvad med vagtplanen?"): the previous question with its topic (what follows "om") replaced.
- frame   ("hvem foreslog det?"): the fragment's own question about the previous question's topic.
- before  ("og før det?", "tidligere?"): the previous question asked for every earlier treatment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_WORDS = 8

_MONTHS = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
# Date phrases the answering core reads as filters; a new one replaces the old in a narrowed question.
_DATE = re.compile(
    rf"\b(?:(?:i|fra|siden|efter|før|inden|mellem)\s+(?:(?:{_MONTHS})\s+)?\d{{4}}(?:\s+(?:og|til)\s+\d{{4}})?"
    rf"|(?:den|mødet|møde)\s+\d{{1,2}}\.\s*(?:{_MONTHS})\s+\d{{4}}"
    rf"|(?:i\s+)?(?:sidste|forrige)\s+år|i\s+år|i\s+fjor"
    rf"|(?:i\s+)?uge\s+\d{{1,2}})\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[0-9A-Za-zÀ-ÿ][\w.\-/]*")
# Continuations at the start of a fragment, longest first; the swap ones ask the same about something else.
_LEADS = (
    "og hvad så med",
    "og hvad med",
    "hvad så med",
    "hvad med",
    "men hvad med",
    "og",
    "men",
    "også",
    "samt",
    "eller",
)
_SWAP_LEADS = frozenset({"og hvad så med", "og hvad med", "hvad så med", "hvad med", "men hvad med"})
_BEFORE = re.compile(r"\b(?:før|inden)\s+(?:det|da|dengang|den gang)\b|^\s*(?:og\s+)?tidligere\b", re.IGNORECASE)
_TOPIC_AFTER = re.compile(r"\b(?:om|vedrørende|angående|omkring)\s+", re.IGNORECASE)

QUESTION_WORDS = frozenset("hvad hvem hvornår hvor hvorfor hvordan hvilke hvilken hvilket hvorledes".split())
# Back-references: the thing the previous question was about.
_POINTERS = frozenset("det den dem dette denne disse sagen punktet beslutningen forslaget emnet indstillingen "
                      "projektet planen".split())  # fmt: skip
# Words that carry no topic: function words, auxiliaries, the verbs of asking about decisions, dates.
_FUNCTION = frozenset(
    """og i på til af med for om fra ved hos efter før inden siden under over mellem ad
    blev er var har havde bliver blive være været kan skal vil kunne skulle ville må få fik
    der som at en et de sig man så nu da også men eller ikke jo vel mon lige egentlig så nogen noget alle
    han hun hvad hvem hvornår hvor hvorfor hvordan hvilke hvilken hvilket meget mange
    besluttet besluttede beslutte beslutning vedtaget vedtog vedtage godkendt godkendte godkende
    foreslog foreslået foreslå forslag sagde sagt sige aftalt aftalte bevilget bevilgede koster kostede koste
    mente ønskede stemte behandlet behandlede drøftet drøftede sket skete sker status seneste nyeste
    tidligere senere dengang gang gange år måned uge dag sidste forrige næste dette fjor
    """.split()
    + _MONTHS.split("|")
)


@dataclass(frozen=True)
class Reading:
    """How a text was read: `question` is what to ask; `kind` is None for a question of its own."""

    question: str
    kind: str | None = None


def _words(text: str) -> list[str]:
    return [w.lower() for w in _TOKEN.findall(text)]


def _content(words: list[str]) -> list[str]:
    """Words that name a topic. A bare number ("2024", "30") is a date or a count, not a topic; a case
    number ("77.02.00-A00-9-21", "12/14237") is as specific a topic as there is."""
    return [w for w in words if w not in _FUNCTION and w not in _POINTERS and not re.fullmatch(r"\d+\.?", w)
            and len(w) > 1]  # fmt: skip


def _bare(text: str) -> str:
    return " ".join(text.split()).strip(" ?!.,;:")


def _lead(text: str) -> tuple[str | None, str]:
    """The continuation a fragment starts with (or None) and the rest of it."""
    lowered = text.lower()
    for lead in _LEADS:
        if lowered == lead or lowered.startswith(lead + " "):
            return lead, text[len(lead) :].strip(" ,")
    return None, text


def _points_back(words: list[str]) -> bool:
    """A pronoun as the object ("hvem foreslog det", "blev den godkendt"), not an article ("det nye rådhus")."""
    for i, word in enumerate(words):
        if word in _POINTERS:
            following = words[i + 1] if i + 1 < len(words) else None
            if following is None or following in _FUNCTION:
                return True
    return False


def kind_of(text: str) -> str | None:
    """narrow, swap, frame or before when `text` continues a conversation; None when it stands alone."""
    bare = _bare(text)
    words = _words(bare)
    if not words or len(words) > MAX_WORDS:
        return None
    lead, rest = _lead(bare)
    rest_words = _words(rest)
    content = _content(rest_words)
    if _BEFORE.search(bare) and not content:
        return "before"
    asks = bool(rest_words) and rest_words[0] in QUESTION_WORDS
    if lead in _SWAP_LEADS:
        return "swap" if content else "narrow"
    if lead is not None:
        return "frame" if asks else "narrow"
    if not content:
        return "frame" if asks else "narrow"
    if asks and len(content) <= 1 and _points_back(rest_words):
        return "frame"
    return None


def dates(text: str) -> list[str]:
    return [m.group(0) for m in _DATE.finditer(text)]


def _without_dates(text: str) -> str:
    return " ".join(_DATE.sub(" ", text).split())


def topic(question: str) -> tuple[str, bool]:
    """What a question is about, dates left out: the words after "om" (then True), else from its first
    content word on ("Hvem tager bagvagten" -> "tager bagvagten", False); "" when it has no topic."""
    text = _without_dates(_bare(question))
    found = _TOPIC_AFTER.search(text)
    if found and _content(_words(text[found.end() :])):
        return text[found.end() :].strip(), True
    for match in _TOKEN.finditer(text):
        if _content([match.group(0).lower()]):
            return text[match.start() :].strip(), False
    return "", False


def _as_date(fragment: str) -> str:
    """A bare year in a fragment ("hvad med 2023?") is the date filter the answering core knows: "i 2023"."""
    return f"i {fragment}" if re.fullmatch(r"(?:19|20)\d{2}", fragment) else fragment


def merge(previous: str | None, text: str) -> Reading:
    """The question to ask for `text`, said after `previous` (the conversation's last question, or None)."""
    kind = kind_of(text) if previous else None
    if kind is None or previous is None:
        return Reading(text)
    prev, bare = _bare(previous), _bare(text)
    rest = _as_date(_lead(bare)[1])
    subject, after_om = topic(prev)
    if not subject:  # the previous question had no topic either: nothing to carry over
        return Reading(text)
    if kind == "before":
        base = _without_dates(prev)
        if re.search(r"\btidligere\b", base, re.IGNORECASE):
            return Reading(base + "?", kind)
        return Reading(f"{base} tidligere?", kind)
    base = _without_dates(prev) if dates(rest) else prev
    if kind == "swap":
        found = _TOPIC_AFTER.search(base)
        if found:
            kept = " ".join(dates(base[found.end() :]))  # the previous dates stay unless the fragment has its own
            return Reading(_join(base[: found.end()], rest, kept), kind)
        kind = "narrow"  # no "om …" to replace: the best reading left is a narrower question
    if kind == "narrow":
        return Reading(_join(base, rest), kind)
    # frame: the fragment's own question, about the previous topic and within its dates
    carried = "" if dates(bare) else " ".join(dates(prev))
    found = _TOPIC_AFTER.search(rest)
    if found and not _content(_words(rest[found.end() :])):  # "hvad blev besluttet om det?"
        return Reading(_join(rest[: found.end()], subject, carried), kind)
    return Reading(_join(rest, "om" if after_om else "", subject, carried), kind)


def _join(*parts: str) -> str:
    return " ".join(" ".join(parts).split()) + "?"


def looks_like_question(text: str) -> bool:
    """A message worth answering without being addressed: it asks something ("…?", "hvem …", "hvad med …")."""
    bare = text.strip()
    words = _words(bare)
    return bool(words) and ("?" in bare or words[0] in QUESTION_WORDS)
