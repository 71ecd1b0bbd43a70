"""What a question writes short, written out before it is read: abbreviations (config/abbreviations.txt),
the acronyms of the stored bodies ("PTU" for Plan- og Tryghedsudvalget, "CF" for Chefforum), and dates in
figures ("d. 21/11-19", "1. kvt 21"). Question time only: the minutes are never rewritten.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable

from index.analyze import fold, normalize
from index.patterns import MONTH_NAMES

# The head of a body's name, whose initial the acronym carries too: "Tryghedsudvalget" -> T, U.
_BODY_HEADS = (
    "udvalget", "udvalg", "rådet", "råd", "forummet", "forum", "bestyrelsen", "bestyrelse", "nævnet", "nævn",
    "komitéen", "komité", "komiteen", "komite", "direktionen", "direktion",
)  # fmt: skip
# "hvad sagde CF …": a body is what does these
_BODY_VERB = re.compile(
    r"^(sagde|mente|besluttede|vedtog|godkendte|anbefalede|drøftede|behandlede|gjorde|endte"
    # the subject right after the finite verb of a question: "har BR fået …", "skal ØU …"
    r"|har|havde|skal|skulle|vil|ville|kan|kunne|fik|får)$"
)
_SMALL_WORDS = frozenset("og i for af til om med".split())
# 21/11-19, 21.11.2019, 21/11/2019, 21-11-2019; not a case number ("05.01.00-G01-2-25")
_NUMERIC_DATE = re.compile(r"(?<![\w.,/-])(\d{1,2})[./](\d{1,2})[./-](\d{4}|\d{2})(?![\w]|[-./]\w)")
# "sept 2025", "d. 5. okt.": a month written short, next to a year or after a day
_MONTH_SHORT = {m[:3]: m for m in MONTH_NAMES} | {"sept": "september"}
_SHORT_MONTH = re.compile(
    rf"(?<![\w.])({'|'.join(sorted(_MONTH_SHORT, key=len, reverse=True))})\.?(?=\s+(?:\d{{4}}|\d{{2}})\b)"
    rf"|(?<=\d\.\s)({'|'.join(sorted(_MONTH_SHORT, key=len, reverse=True))})\b\.?",
    re.IGNORECASE,
)
# "partnerskabsaftale 25-27", "budget 24-27": a period of years written short after what spans it
_SHORT_PERIOD = re.compile(
    r"\b(\w*(?:budget|aftale|aftalen|plan|planen|periode|perioden|strategi|strategien|politik|politikken))"
    r"\s+(\d{2})\s*[-–]\s*(\d{2})\b(?![.,:/-]?\d)",
    re.IGNORECASE,
)
# "skoleudv.", "udv.": a committee's name cut after "udv."
_UDV = re.compile(r"(?<![\w.])(\w*)udv\.(?!\w)", re.IGNORECASE)
# "DIs", "BRs", "KL's": an acronym's genitive (the minutes write "DI's" or "DI’s", which the analyser reads
# as the acronym)
_GENITIVE = re.compile(r"\b([A-ZÆØÅ]{2,6})['’]?s\b")
# "BR 1/10", "d. 4/6": a day and month without a year, after a body's acronym or "d."/"den"/"mødet" (a bare
# "2/3" is a fraction)
_DAY_MONTH = re.compile(
    r"((?:(?-i:\b[A-ZÆØÅ]{2,5})|\bd\.|\bden|\bmødet|\bmøde)\s+)(\d{1,2})/(\d{1,2})(?![\w/.-]|[.,]\d)", re.IGNORECASE
)
_SHORT_YEAR = re.compile(rf"\b({'|'.join(MONTH_NAMES)}|kvartal)\s+(\d{{2}})\b(?![.,:/-]?\d)", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def acronyms(forum: str) -> frozenset[str]:
    """The acronyms a body goes by, from its name: "Plan- og Tryghedsudvalget" -> PTU, "Klima-, Teknik- og
    Miljøudvalget" -> KTMU and KTM, "Chefforum" -> CF, "Økonomiudvalget" -> ØU, "Byråd 2022-2025" -> BR."""
    letters = []
    for word in re.findall(r"[^\W\d_]+", forum.casefold()):
        if word in _SMALL_WORDS:
            continue
        letters.append(word[0])
        head = next((h for h in _BODY_HEADS if word.endswith(h) and len(word) > len(h) + 1), None)
        if head:
            letters.append(head[0])
    short = "".join(letters).upper()
    out = {short} if len(short) >= 2 else set()
    if len(short) >= 4 and short.endswith("U"):
        out.add(short[:-1])  # "KTM", "SBU": the committee's letters without "udvalg"
    return frozenset(out)


def expand(
    text: str,
    abbreviations: Iterable[tuple[str, str]],
    fora: Iterable[str],
    known: Callable[[str], bool],
    today: dt.date,
    *,
    used: Callable[[str], bool] | None = None,
) -> str:
    """`text` with its abbreviations, the acronyms of `fora` and its figure dates written out. An
    abbreviation without a dot is written out only where the visible minutes do not use it as a word
    (`known` takes a folded word; `used`, when given, says whether the minutes use an abbreviation as a word
    of their own, e.g. more than a handful of times: "adm." written four times in an archive is the same
    abbreviation, not another word)."""
    used = used or known
    text = _GENITIVE.sub(r"\1", text)
    text = _NUMERIC_DATE.sub(lambda m: _written_date(m, today), text)
    text = _DAY_MONTH.sub(_written_day, text)
    text = _SHORT_MONTH.sub(lambda m: _MONTH_SHORT[(m[1] or m[2]).casefold()], text)
    text = _UDV.sub(lambda m: f"{m[1]}udvalget", text)
    text = _SHORT_PERIOD.sub(lambda m: _period(m, today), text)
    for short, long in abbreviations:
        dotted = short.endswith(".")
        pattern = rf"(?<![\w.]){re.escape(short)}" + (r"(?!\w)" if dotted else r"\.?(?![\w])")
        if not long:
            text = re.sub(pattern, " ", text, flags=re.IGNORECASE)
        elif dotted or not used(fold(normalize(short))):
            text = re.sub(pattern, long, text, flags=re.IGNORECASE)
    names = {a: forum for forum in fora for a in acronyms(forum)}
    if names:

        def body(m: re.Match) -> str:
            # "SHU" written in capitals is the committee even where its minutes use the acronym too, and so is
            # "CF" in "i CF" or "sagde CF"; otherwise a short or lower-case one only where the minutes do not
            # use it as a word ("forslag fra DF": DF is also a party)
            word = m.group(0)
            forum = names.get(word.upper())
            if not forum:
                return word
            before = re.findall(r"[^\W\d_]+", m.string[: m.start()].casefold())[-1:]
            pointed = word.isupper() and (
                len(word) >= 3 or before == ["i"] or bool(before and _BODY_VERB.match(before[0]))
            )
            return forum if pointed or not known(fold(normalize(word))) else word

        text = re.sub(r"\b[^\W\d_]{2,5}\b", body, text)
    return _SHORT_YEAR.sub(lambda m: f"{m[1]} {_century(int(m[2]), today)}", text)


def _period(m: re.Match, today: dt.date) -> str:
    first, last = int(m[2]), int(m[3])
    if not 0 < last - first <= 10:
        return m.group(0)
    start = _century(first, today)
    return f"{m[1]} {start}-{start + last - first}"  # a plan may end in years to come


def _century(year: int, today: dt.date) -> int:
    return 2000 + year if 2000 + year <= today.year else 1900 + year


def _written_day(m: re.Match) -> str:
    day, month = int(m[2]), int(m[3])
    try:
        dt.date(2000, month, day)  # a leap year: "29/2" is a day
    except ValueError:
        return m.group(0)
    lead = m[1] if not re.fullmatch(r"(?i)(d\.|den)\s+", m[1]) else ""
    return f"{lead}den {day}. {MONTH_NAMES[month - 1]}"


def _written_date(m: re.Match, today: dt.date) -> str:
    day, month, year = int(m[1]), int(m[2]), int(m[3])
    if len(m[3]) == 2:
        year = _century(year, today)
    try:
        dt.date(year, month, day)
    except ValueError:
        return m.group(0)
    return f"den {day}. {MONTH_NAMES[month - 1]} {year}"
