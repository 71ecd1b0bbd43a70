"""Read a Danish question: what it asks for (intent), which filters it sets, and its content terms."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from index.abbreviations import expand
from index.analyze import Analyzer, fold, normalize
from index.patterns import MONTH_NAMES
from index.vocabulary import Vocabulary

MAX_QUESTION = 2000
# A concept weighs its IDF to this power: rarer words count more, but a phrasing word that happens to be
# rare in a small archive ("mente", "udfaldet" in 70 items) must not outweigh the topic.
WEIGHT_POWER = 0.5
# an abbreviation typed without its dot ("adm") is the minutes' own word only when they use it in at least
# this many items (and one in a thousand): a few "adm." in an archive are the same abbreviation
ABBREVIATION_AS_WORD = 5
# The question's main verb says how it asks ("Hvad mente udvalget om …", "Hvem kommer med i …"); the minutes
# rarely use it, so it weighs this much of an ordinary word, and an item may lack it.
PHRASING_WEIGHT = 0.5
_WH = frozenset("hvad hvem hvornår hvor hvordan hvorfor hvilke hvilken hvilket".split())
_AUXILIARY = frozenset("blev bliver er var har havde skal skulle kan kunne vil ville må bør gør gjorde".split())
MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, 1)}

# Intent patterns on the normalised question (lower case, aa folded). Order: the first match wins.
_INTENTS = [
    (
        "precedent",
        r"\b(tidligere|hvornår har vi (før|tidligere)|før i tiden|hvilke møder|har .* (før|tidligere) været"
        r"|har .* (været|blevet) behandlet .*før|historik(ken)?|hvor .* behandlet"
        # "socialkompas været oppe før i KFU?", "har vi haft det oppe før"
        r"|(været|haft\b.*) oppe .*f(ø|oe)r)\b"
        # "… oppe før?", "har vi snakket om IoT før": "før" that ends a clause is "before now"
        r"|\bf(ø|oe)r\s*([?.!,]|$)",
    ),
    (
        "status",
        r"\b(status|hvor langt|seneste nyt|sidste nyt|det seneste om|nyeste|hvordan går det|hvad sker der"
        # "… seneste beslutning", "den seneste behandling": the newest treatment, not "de seneste år"
        r"|seneste(?!\s+(?:år|måned\w*|uge\w*|periode\w*)\b)"
        r"|hvad er det sidste|sket noget|hvor står (?:det|sagen|vi|man)|hvordan står det til"
        r"|endelig[t]? (?:på plads|vedtaget|godkendt|besluttet))\b",
    ),
    ("who", r"\bhvem\b"),
    ("when", r"\b(hvornår|hvilken dato|hvilken dag|deadline|frist(en)?|tidsplan(en)?)\b"),
    # "hvor højt bliver tårnet", "hvor lang tid fik lejeren": a measure, not a place
    (
        "amount",
        r"\b(hvor meget|hvor mange|hvad koste[rt]?|beløb(et)?|pris(en)?|hvor stor[te]?"
        r"|hvor (?:høj|hoej|lang|dyr|bred|dyb|tung|gammel|gaml)[te]?(?: tid)?)\b",
    ),
    ("why", r"\b(hvorfor|begrundelse(n)?|baggrund(en)? for)\b"),
    (
        "where",
        r"^\s*hvor\b(?!\s+(meget|mange|stor|store|langt|tit|ofte|længe))|\b(placering(en)?|adresse(n)?|hvilken vej)\b",
    ),
    (
        "decision",
        r"\b(beslut\w*|vedt[ao]g\w*|godkend\w*|hvad sagde|konklu\w*|blev .* enige|aftalt|hvad (skete|sker) der|hvad gjorde"
        # what a body thought or asked for is its decision too
        r"|hvad (anbefal\w*|mente|mener|ønske\w*|bemærke\w*|drøftede|stemte)|hvordan stemte|hvad kom .* frem til"
        r"|hvad havde .* at sige|(hvilke|hvad for) (bemærkning|kommentar)\w*|udfald(et)?)\b",
    ),
    ("fact", r"^\s*(hvad|hvilke[tn]?|hvor)\b"),
]
# Words that only carry the question's intent; they are not searched for.
_INTENT_WORDS = frozenset(
    "beslut beslutning besluttet besluttede vedtag vedtaget vedtog godkend godkendt godkendte sagd sagde sagt sige ja "
    "status sidst tidliger tidligere behandl behandlet hvornår seneste nyeste historik referat referater møde møder mødet "
    "sag sagen punkt punktet spørgsmål konkluder konklusion aftalt nyt går sker skete sket før egentlig mon lige gerne "
    "venligst helst nogensinde overhovedet fortæl vide ved find haft oppe stadig vores jeres fremover"
    # light verbs: "hvor langt er vi med at lave et lokalplejehjem", "at gøre strandvejen til …"
    " lav lave laver lavet gør gøre gjort får fik fået".split()
)
# A question mark, or a question word or finite verb first ("Hvad …", "Skal …", "Har … været behandlet").
_ASKED = re.compile(
    r"\?\s*$|^\s*(hvad|hvem|hvor\w*|hvilke[nt]?|hvordan|hvorfor|hvornår|skal|må|kan|kunne|er|var|har|havde|"
    r"blev|bliver|får|fik|vil|ville|gik|går|ved|i hvilke[nt]?)\b",
    re.IGNORECASE,
)
_MONEY_HEADS = frozenset({"peng", "midl", "beløb", "kron"})  # stems of what money is called, as a compound's head
_AMOUNT_WORDS = re.compile(r"\b(penge(ne)?|kost(e|er|ede|et)|beløb(et)?|kroner|kr)\b")
_FACT_INTENTS = frozenset({"who", "when", "amount", "where", "fact"})
_CASE = re.compile(
    r"\b(\d{2}\.\d{2}\.\d{2}-[A-ZÆØÅa-zæøå0-9]\d{2}-\d+-\d{2}|[A-ZÆØÅa-zæøå]{2,6}-\d{4}-\d{3,8}|\d{2}/\d{3,7})\b"
)
_MONTHS = "|".join(MONTHS)
# "i foråret 2023", "sommeren 24": a season of a year (a fact question's too: "hvem stemte imod i foråret
# 2022" asks about a meeting then, where "hvor mange … i 2022" asks for a figure of that year)
_SEASON = re.compile(r"\b(forår|sommer|efterår|vinter)(?:et|en)?\s+((?:19|20)\d\d)\b(?!\s*[-/.]\s*\d)")
_SHORT_SEASON = re.compile(r"\b((?:forår|sommer|efterår|vinter)(?:et|en)?)\s+(\d\d)\b(?!\s*[-/.]\s*\d)")
# "hvornår", typed "hvornaar" or "hvornar" on a keyboard without å
ASKS_WHEN = re.compile(r"\bhvorn(?:å|aa?)r\b", re.IGNORECASE)


@dataclass(frozen=True)
class Concept:
    """One thing the question asks about, with the terms that count as finding it."""

    surface: str
    stem: str  # the question's own word, analysed (synonyms and variants are extra terms)
    terms: frozenset[str]  # any of these stems in an item means the concept is there
    parts: tuple[str, ...] = ()  # compound parts: all of them in one passage is partial evidence
    df: int = 0  # visible items holding any of `terms` (the commonest one's count)
    own_df: int = 0  # visible items holding the question's own word
    weight: float = 1.0  # IDF of `df` within the caller's scope
    known: bool = True  # do the visible minutes use this word at all?
    name: bool = False  # written as a name or an acronym in the question ("GDPR", "Hasselager")
    phrasing: bool = False  # the question's own verb ("Hvad mente …", "Hvem kommer med …"): how it asks
    follows: int = -1  # for a number: the concept right before it in the question ("uge" in "uge 31")
    topic_counts: tuple[int, int] = (0, 0)  # (items strongly about it, items holding it): Vocabulary.topic_counts
    apart: bool = False  # two words of the question read as the one compound the minutes know ("villa sitka")

    @property
    def required(self) -> bool:
        """Words the minutes never use can only be matched through their compound parts. A long unknown word
        (a topic such as "svømmehal" or "biograf") must be found for an answer to count; a short one
        ("gik", "luften") is more likely a paraphrase and is left out of the evidence, unless the question
        writes it as a name or an acronym ("GDPR")."""
        if self.phrasing:
            return False  # the question's own verb ("Hvem foreslog …") is how it asks, not what about
        return not self.known and (bool(self.parts) or len(self.surface) >= 7 or self.name)

    @property
    def counted(self) -> bool:
        """Does this concept count in the evidence? Short unknown words cannot be found by anything."""
        return self.known or self.required

    @property
    def number(self) -> bool:
        return self.stem[:1].isdigit()


@dataclass(frozen=True)
class Query:
    question: str
    intent: str = "topic"
    concepts: tuple[Concept, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    fora: frozenset[str] | None = None  # from the question ("i Teknisk Udvalg")
    municipalities: frozenset[str] | None = None  # from the question ("i Greve"), when several are stored
    case_number: str | None = None
    years: frozenset[int] = frozenset()  # years named without a filter phrase ("1. kvartal 2021")
    day: str | None = None  # a day and month without a year ("BR 1/10"): "10-01", in any year
    truncated: bool = False
    # A filter read from wording that may also be the topic ("udviklingen af Chefforum", "klar den 1. oktober
    # 2021"): when nothing answers under it, the question is read again without it.
    guessed: bool = False

    @functools.cached_property
    def counted(self) -> tuple[Concept, ...]:
        return tuple(c for c in self.concepts if c.counted)

    @functools.cached_property
    def total_weight(self) -> float:
        return sum(c.weight for c in self.counted) or 1.0

    @functools.cached_property
    def shares(self) -> tuple[float, ...]:
        """Each concept's share of the question's weight, in the question's order."""
        return tuple(self.share(c) for c in self.concepts)

    def share(self, concept: Concept) -> float:
        """The concept's share of the question's weight."""
        return concept.weight / self.total_weight if concept.counted else 0.0

    @property
    def asked(self) -> bool:
        """Is it put as a question ("Skal kommunen selv ansætte …?", "Hvad kom … frem til"), not as search
        words ("krav om besporing Kattrup")? A question asks what was decided or said; search words ask where
        the words stand."""
        return bool(_ASKED.search(self.question))

    @property
    def filters(self) -> dict:
        d: dict = {}
        if self.date_from:
            d["date_from"] = self.date_from.isoformat()
        if self.date_to:
            d["date_to"] = self.date_to.isoformat()
        if self.day:
            d["day"] = self.day
        if self.fora:
            d["fora"] = sorted(self.fora)
        if self.municipalities:
            d["municipalities"] = sorted(self.municipalities)
        if self.case_number:
            d["case_number"] = self.case_number
        return d


def _date_filter(text: str, today: dt.date, *, exact: bool = True) -> tuple[dt.date | None, dt.date | None, str, bool]:
    """Find a date range in the question; return it, the text with the phrase removed, and whether the
    range is a guess (a single day or a bare year, which may be a date the minutes talk about rather than the
    meeting's).
    A year after this one is a date the minutes talk about ("udledningen i 2030"), never a meeting date."""
    day = rf"\b(?:den|mødet|møde)\s+(\d{{1,2}})\.\s*({_MONTHS})\s+(\d{{4}})\b"
    if exact:
        m = re.search(day, text)
        if m:
            try:
                d = dt.date(int(m[3]), MONTHS[m[2]], int(m[1]))
            except ValueError:
                d = None
            if d is not None and d.year <= today.year:
                return d, d, text[: m.start()] + " " + text[m.end() :], True
    # "i januar 2023", and a month put aside in brackets: "(jan 23)" is when the meeting was
    month: tuple[str, Callable[[re.Match], tuple[dt.date | None, dt.date | None]]] = (
        rf"(?:\b(?:i|fra)\s+|\(\s*)({_MONTHS})\s+(\d{{4}})\b",
        lambda m: _month(int(m[2]), MONTHS[m[1]]),
    )
    rules: list[tuple[str, Callable[[re.Match], tuple[dt.date | None, dt.date | None]]]] = [
        (r"\b(?:mellem|fra)\s+(\d{4})\s+(?:og|til)\s+(\d{4})\b",
         lambda m: (dt.date(int(m[1]), 1, 1), dt.date(int(m[2]), 12, 31))),
        month,
        (r"\b(?:siden|efter)\s+(\d{4})\b", lambda m: (dt.date(int(m[1]), 1, 1), None)),
        (r"\b(?:før|inden)\s+(\d{4})\b", lambda m: (None, dt.date(int(m[1]) - 1, 12, 31))),
        (r"\bsidste år\b", lambda m: (dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31))),
        (r"\bi år\b", lambda m: (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))),
    ]  # fmt: skip
    # "i 2024" is the meeting's year or the year the minutes talk about ("indbrud anmeldt i 2024", discussed
    # in 2025): a guess, read again as a number the item must hold when nothing answers in that year.
    year = (
        r"\b(?:i|fra)\s+(?:året\s+)?(\d{4})\b(?!\s*[-/])",
        lambda m: (dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31)),
    )
    if exact:
        rules.append(year)
    # "ladestandere til elbiler juni 2022": a month and year among search words is likely the meeting's, but may
    # be a date the minutes talk about ("ny forpagter august 2024"), so it is a guess
    bare_month = (rf"\b({_MONTHS})\s+(\d{{4}})\b(?!\s*[-/])", _bare_month)
    # "i foråret 2023", "sommeren 24": the season's months; a guess, as the season may be when something
    # happens ("betalingsparkering i sommer 2024"), decided before it
    season = (_SEASON.pattern, _season)
    if exact:  # guesses, which the question read again drops
        rules += [bare_month, season]
    for pattern, make in rules:
        m = re.search(pattern, text)
        if m:
            try:
                lo, hi = make(m)
            except ValueError:
                continue
            if lo and lo.year > today.year:
                continue
            if _TARGET.search(text[: m.start()]):
                continue  # "målet er ... senest i 2022": a date the minutes talk about, not the meeting's
            rest = text[: m.start()] + " " + text[m.end() :]
            # "tilsynet i maj 25? SOU fik det i august": of two months named, either may be the meeting's
            other_month = pattern == month[0] and re.search(rf"\b{_MONTHS}\b", rest) is not None
            return lo, hi, rest, pattern in (year[0], bare_month[0], season[0]) or other_month
    return None, None, text, False


def _day_of_year(text: str) -> tuple[str | None, str]:
    """ "hvad skete der i BR den 1. oktober": a meeting's day and month in whichever year ("10-01"), and the
    text without the phrase; a guess, like a single day (the caller says so)."""
    m = re.search(rf"\bden\s+(\d{{1,2}})\.\s*({_MONTHS})\b(?!\s*\d{{4}})", text)
    if not m:
        return None, text
    return f"{MONTHS[m[2]]:02d}-{int(m[1]):02d}", text[: m.start()] + " " + text[m.end() :]


# A period right after these words is a target or a deadline the minutes name ("senest i 2022", "frem til
# 2025"), not the time of the meeting.
# "affaldsplanen for 2023-34", "budget 2024-27": the span's end written with two digits, as the minutes write
# it in full ("Affaldsplan 2023-2034")
_SHORT_SPAN = re.compile(r"\b((?:19|20)(\d\d))\s*([-–/])\s*(\d\d)\b(?![\d.,])")


def _full_span(m: re.Match[str]) -> str:
    start, end = int(m[2]), int(m[4])
    return f"{m[1]}{m[3]}{m[1][:2]}{m[4]}" if end > start else m[0]


_FROM_YEAR = re.compile(r"\bfra\s+(?:året\s+)?\d{4}\b(?!\s*(?:[-/]|og|til))")
_TARGET = re.compile(r"\b(senest|inden|indtil|frem til|forventes|forventet|ventes|i løbet af|med udgangen af)\s*$")


def _season(m: re.Match) -> tuple[dt.date, dt.date]:
    """The months of a season of the year named ("sommeren 2024": June to August); the winter of a year is
    the one that ends in it (December before to February)."""
    year = int(m[2])
    first, last = {"forår": (3, 5), "sommer": (6, 8), "efterår": (9, 11), "vinter": (12, 2)}[m[1]]
    start = dt.date(year - 1 if first > last else year, first, 1)
    return start, _month(year, last)[1]


def _bare_month(m: re.Match) -> tuple[dt.date, dt.date]:
    """The month of "juni 2022" among search words; ValueError when a date word or a day stands before it
    ("den 1. juni 2022", "til juni 2022"): a date the minutes talk about."""
    before = m.string[: m.start()].split()[-1:]
    if before and (before[0].rstrip(".").isdigit() or before[0].rstrip(".") in _DATE_WORDS):
        raise ValueError("a date, not the meeting's month")
    return _month(int(m[2]), MONTHS[m[1]])


# (a deadline's words, "senest juni 2025", are _TARGET's, which every period rule checks)
_DATE_WORDS = frozenset(
    {"den", "d", "pr", "til", "før", "efter", "siden", "fra", "i", "medio", "ultimo", "primo", "ca"}
)


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, 1), nxt - dt.timedelta(days=1)


_FORUM_PREPOSITIONS = frozenset("i fra hos på af til".split())
# what ends a label that names the body first: "SOU 2022 – …", "Chefforum: …"
_LABEL_END = re.compile(r"\s*(?:\d{4}\s*)?[-–—:,]")
_FORUM_VERB = re.compile(
    r"^(beslut\w*|sagde|siger|vedt[ao]g\w*|godkend\w*|behandl\w*|drøft\w*|ment?e|mener|anbefal\w*|konklu\w*|"
    r"orient\w*|har|havde|blev|holdt|holder|afhold\w*|valgte|vælger|bevilge\w*|ønske\w*|bad|udpeg\w*|pegede)$"
)


@functools.lru_cache(maxsize=4096)
def forum_stems(analyzer: Analyzer, forum: str) -> frozenset[str]:
    """A forum name's stems: asked for every forum on every question, so kept."""
    return frozenset(analyzer.terms(forum))


@functools.lru_cache(maxsize=4096)
def colloquial_names(forum: str) -> frozenset[str]:
    """What people call a committee by one of its fields: "skoleudvalget" for "Skole-, Børne- og
    Ungeudvalget", "teknikudvalget" and "miljøudvalget" for "Klima-, Teknik- og Miljøudvalget" (folded)."""
    words = re.findall(r"[^\W\d_]+", fold(normalize(forum)))
    if not words or not re.search(r"udvalg(et)?$", words[-1]) or len(words) < 2:
        return frozenset()
    fields = [w for w in words[:-1] if w not in ("og", "i", "for", "af")]
    last = re.sub(r"(et)?$", "", words[-1])  # "miljøudvalg" of "…Miljøudvalget"
    # "Teknisk Udvalg" ends in the bare word: "udvalget" alone names no committee
    own = [last, f"{last}et"] if last != "udvalg" else []
    return frozenset([f"{w}udvalg{end}" for w in fields for end in ("", "et")] + own)


def _forum_filter(
    text: str, fora: list[str], analyzer: Analyzer, known: Callable[[str], bool]
) -> tuple[frozenset[str] | None, str, bool]:
    """The fora the question points at, the text without their names, and whether that is a guess: a
    preposition other than "i" ("udviklingen af Chefforum") may make the name the topic instead."""
    stems_of = {forum: forum_stems(analyzer, forum) for forum in fora}
    names = {t for stems in stems_of.values() for t in stems}
    called: dict[str, set[str]] = {}
    for forum in fora:
        for name in colloquial_names(forum):
            called.setdefault(name, set()).add(forum)

    def known_or_forum(term: str) -> bool:
        return term in names or known(term)

    words = set(analyzer.terms(text, known_or_forum))
    tokens = list(re.finditer(r"\w+", text))
    hits = set()
    for forum, stems in stems_of.items():
        if stems and stems <= words:
            hits.add(forum)
        elif "byråd" in words and any(s in ("byråd", "kommunalbestyrels") for s in stems):
            hits.add(forum)
    hits |= {forum for m in tokens for forum in called.get(fold(m.group(0)), ())}
    if not hits:
        return None, text, False
    named = {t for forum in hits for t in stems_of[forum]} | {"byråd", "kommunalbestyrels"}
    at = [
        i
        for i, m in enumerate(tokens)
        if fold(m.group(0)) in called or (analyzer.terms(m.group(0), known_or_forum) or [""])[0] in named
    ]
    # A forum name limits the search only when the question points at the body: "i Chefforum",
    # "hvad besluttede byrådet", "Teknisk Udvalg vedtog". "medlemmer til kommunikationsgruppen" is a topic.
    before = tokens[at[0] - 1].group(0) if at and at[0] > 0 else ""
    after = tokens[at[-1] + 1].group(0) if at and at[-1] + 1 < len(tokens) else ""
    verb = bool(_FORUM_VERB.match(before) or _FORUM_VERB.match(after))
    # Danish puts the subject right after the finite verb, so a body named after an auxiliary is most often the
    # one that acts ("Hvad ville Social- og Handicapudvalget vide …", "vil SHU sætte måltal …"): a guess, since
    # it may also be the topic ("hvad er Chefforum?")
    subject = before in _AUXILIARY
    # a body named first, as a label ("SOU 2022 – hvor blev mødet holdt?"), is where to look: a guess
    label = bool(at) and at[0] == 0 and bool(_LABEL_END.match(text[tokens[at[-1]].end() :]))
    if not (before in _FORUM_PREPOSITIONS or verb or subject or label):
        return None, text, False
    for i in reversed(at):
        m = tokens[i]
        text = text[: m.start()] + " " + text[m.end() :]
    # a body that is all the question names ("hvad er Chefforum?") may be its topic: then the filter is a guess
    guess = not verb and before != "i"
    if subject and not verb:
        guess = not any(t not in _INTENT_WORDS for t in analyzer.terms(text, known))
    return frozenset(hits), text, guess


def parse(
    question: str,
    analyzer: Analyzer,
    vocab: Vocabulary,
    *,
    fora: list[str] | tuple[str, ...] = (),
    municipalities: list[str] | tuple[str, ...] = (),
    today: dt.date | None = None,
    relaxed: bool = False,
) -> Query:
    """Read `question` against what the caller may see (`vocab`; `fora`: the fora it may see, whose names
    the question may use as a filter). `relaxed` drops the filters that are guesses (forum names, single
    days), so their words count as the topic instead."""
    today = today or dt.date.today()
    known = vocab.known
    floor = max(ABBREVIATION_AS_WORD, vocab.total() // 1000)
    text = expand(
        question[:MAX_QUESTION], analyzer.abbreviations, fora, known, today,
        used=lambda w: vocab.doc_freq([w])[w] >= floor,
    )  # fmt: skip
    intent = "topic"
    norm = ASKS_WHEN.sub("hvornår", fold(normalize(text)))  # "hvornar": typed without å
    for name, pattern in _INTENTS:
        m = re.search(pattern, norm)
        if m:
            intent = name
            if name in ("amount", "status"):
                # "hvor meget koster", "hvor langt er man med": the words ask for an amount or the latest
                # state; they are not the topic
                norm = norm[: m.start()] + " " + norm[m.end() :]
            if name == "amount":
                # "hvor mange penge måtte sikringen koste": what an amount is called is the kind of answer
                # asked for (an amount in kroner), not the topic
                norm = _AMOUNT_WORDS.sub(" ", norm)
            break
    case_number = None
    case = _CASE.search(text)
    if case:
        case_number = case.group(1)
        norm = norm.replace(case.group(1).lower(), " ")
    spans = {f"{m[1][:2]}{m[4]}" for m in _SHORT_SPAN.finditer(norm) if int(m[4]) > int(m[2])}
    norm = _SHORT_SPAN.sub(_full_span, norm)
    norm = _SHORT_SEASON.sub(lambda m: f"{m[1]} 20{m[2]}", norm)  # "foråret 22": the spring of 2022
    before = norm
    date_from, date_to, norm, day = _date_filter(norm, today, exact=not relaxed)
    seasonal = _SEASON.search(before) is not None
    if day and date_from and date_from != date_to and intent in _FACT_INTENTS and not seasonal:
        # "hvor mange indbrud blev anmeldt i 2024": the year of the fact, reported at a meeting that year or
        # the next; it ranks and must be in the item (or be the meeting's year), but does not filter
        date_from, date_to, norm, day = None, None, before, False
    on_day = None
    if not (relaxed or date_from or date_to or intent in _FACT_INTENTS):
        on_day, norm = _day_of_year(norm)
        day = day or on_day is not None
    weak = False
    forum_filter = None
    if not relaxed:
        forum_filter, norm, weak = _forum_filter(norm, list(fora), analyzer, known)
    named = _municipalities(norm, municipalities)
    if len(municipalities) > 1 and named:
        # "i Greve", "Greve Byråd": a filter only where several municipalities are stored; with one, the
        # name is the meeting's own (index/evidence.py counts it as found)
        for name in named:
            norm = re.sub(rf"\b{re.escape(fold(normalize(name)))}\b", " ", norm)
    else:
        named = frozenset()
    if (
        day
        and date_from != date_to
        and (forum_filter or intent in ("decision", "precedent", "status"))
        and not _FROM_YEAR.search(before)
    ):
        # "hvad besluttede byrådet … i 2023": the meeting's year, so nothing in 2023 is nothing; but "tilskud
        # fra 2025" is more often when something takes effect, discussed the year before, so it stays a guess
        day = False
    years = frozenset(
        # a span of years ("spildevandsplanen 2023-2031") is a plan's period, not when it was discussed
        int(y)
        for y in re.findall(r"(?<![\d-])((?:19|20)\d\d)\b(?!\s*-\s*\d)", norm)
        if int(y) <= today.year and not (date_from or date_to)
    )
    drafts = _concepts(norm, analyzer, known)
    names = _names(text)
    verb = _question_verb(text)
    if case_number and not drafts:
        intent = "precedent"  # a bare case number asks for every treatment of the case
    units = _units(norm, analyzer, known, drafts)
    concepts = []
    for surface, stem, terms, parts, apart in drafts:
        if stem in spans:
            terms = terms | {stem[2:]}  # the span's end as the question wrote it: minutes write "2024-27" too
        if 2 <= len(stem) <= 4 and stem.isalpha() and known(stem + "s"):
            terms = terms | {stem + "s"}  # "KL's" in the question, "KLs" in the minutes
        if len(parts) >= 2 and parts[-1] in _MONEY_HEADS and known(parts[0]):
            # "specialundervisningspengene": money for special education, which the minutes call budgets or
            # resources; the topic is what the money is for
            terms = terms | {parts[0]}
        terms = terms | _weak_past(surface, stem, analyzer, known)
        if len(stem) >= 5 and not stem[0].isdigit():
            terms = (
                terms
                | vocab.variants(stem)
                | _linked(surface, analyzer, known)
                | _head_synonyms(surface, analyzer, known)
            )
            if not any(known(t) for t in terms):
                terms = terms | vocab.corrections(stem)  # a typo: "enebærhegent" for "enebærhegnet"
            if not any(known(t) for t in terms) and (word := fold(surface)) != stem:
                # the typo may be in the ending the stemmer cut: "årsberetnig" for "årsberetning"
                terms = terms | vocab.corrections(word)
        df = vocab.doc_freq([*terms, *parts])
        freq = max((df[t] for t in terms), default=0)
        is_known = freq > 0
        if freq == 0 and parts:
            freq = min(df[p] for p in parts)
        concepts.append(
            Concept(
                surface=surface,
                stem=stem,
                terms=frozenset(terms),
                parts=parts,
                df=freq,
                own_df=df.get(stem, 0),
                weight=vocab.idf(freq) ** WEIGHT_POWER * (PHRASING_WEIGHT if surface == verb else 1.0),
                known=is_known,
                name=surface in names,
                phrasing=surface == verb,
                follows=units.get(stem, -1),
                topic_counts=vocab.topic_counts(terms) if is_known else (0, 0),
                apart=apart,
            )
        )
    return Query(
        question=question, intent=intent, concepts=tuple(concepts), date_from=date_from, date_to=date_to,
        fora=forum_filter, case_number=case_number, years=years, truncated=len(question) > MAX_QUESTION,
        municipalities=named or None, day=on_day,
        guessed=day or weak,
    )  # fmt: skip


def _head_synonyms(word: str, analyzer: Analyzer, known: Callable[[str], bool]) -> set[str]:
    """A compound whose head has a synonym: "tryghedsundersøgelse" finds "tryghedsmåling" when the minutes
    use that (config/synonyms.txt lists "måling, undersøgelse")."""
    if len(word) < 9 or not word.isalpha():
        return set()
    out: set[str] = set()
    for i in range(3, len(word) - 3):
        head = analyzer.stem(word[i:])
        for other in analyzer.synonyms.get(head, ()):
            if other != head and other.isalpha():
                stem = analyzer.stem(word[:i] + other)
                if known(stem):
                    out.add(stem)
    return out


def _units(norm: str, analyzer: Analyzer, known: Callable[[str], bool], drafts: list) -> dict[str, int]:
    """number -> the index of the concept right before it in the question ("uge 31", "Lærkevej 12"): such a
    number is only found where the minutes write the two together. Years are left out: a year is the
    meeting's as often as the text's."""
    position = {stem: i for i, (_surface, stem, _terms, _parts, _apart) in enumerate(drafts)}
    # "§79-puljen", "§ 18": a paragraph's number, or one joined to the word after it, goes with that word
    free = set(re.findall(r"§\s*(\d+)", norm)) | set(re.findall(r"\b(\d+)-[^\W\d_]", norm))
    out: dict[str, int] = {}
    previous = -1
    words = list(analyzer.words(norm))
    for n, (kind, token) in enumerate(words):
        after = words[n + 1][1] if n + 1 < len(words) else ""
        # a day of a month ("pr. 30. september") is a date, not a number with a unit
        if (
            kind == "num"
            and previous >= 0
            and token not in free
            and not re.fullmatch(r"(19|20)\d\d", token)
            and after not in MONTHS
        ):
            out.setdefault(token, previous)
        previous = position.get(analyzer.stem(analyzer.respell(token, known)), -1) if kind == "word" else -1
    return out


def _municipalities(norm: str, names: list[str] | tuple[str, ...]) -> frozenset[str]:
    """The stored municipalities the question names."""
    return frozenset(n for n in names if n and re.search(rf"\b{re.escape(fold(normalize(n)))}\b", norm))


_PRONOUNS = frozenset("den det de man vi han hun jeg du der".split())


def _question_verb(text: str) -> str | None:
    """The main verb of a wh-question: the word after the question word (after its noun for "hvilke …", and
    after an auxiliary): "Hvad mente …" -> "mente", "Hvilket vagtfirma leverer …" -> "leverer". The question
    may follow a topic ("uddannelsesstrategien - hvad skal den bygges op efter"): the first clause that
    opens with a question word is read."""
    for clause in re.split(r"[-–—,:;.?!]\s+", text):
        verb = _clause_verb([fold(normalize(w)) for w in re.findall(r"[^\W\d_]+", clause)])
        if verb:
            return verb
    return None


def _clause_verb(words: list[str]) -> str | None:
    if len(words) >= 3 and words[0] in _AUXILIARY and words[1] in _PRONOUNS:
        return words[2]  # a yes/no question: "har vi snakket om …", "skal man søge …"
    if len(words) < 3 or words[0] not in _WH:
        return None
    if words[:2] == ["hvor", "mange"]:
        # "hvor mange cyklister ignorerer …": the verb follows the counted noun; after an auxiliary ("hvor
        # mange børn bliver hjemmeundervist") the participle is what is counted, the topic
        return words[3] if len(words) > 4 and words[3] not in _AUXILIARY else None
    i = 2 if words[0].startswith("hvilk") else 1
    auxiliary = i < len(words) and words[i] in _AUXILIARY
    while i < len(words) and words[i] in _AUXILIARY:
        i += 1
    if auxiliary and i < len(words) - 1 and words[i] in _PRONOUNS:
        return words[i + 1]  # "hvad skal den bygges op efter": the subject, then the verb
    if i >= len(words) - 1:
        return None
    # after an auxiliary comes the participle ("Hvem blev valgt", "… er udpeget") or the subject ("Hvad blev
    # forældrebetalingen fastsat til"): only a participle's -t is taken for the verb
    return words[i] if not auxiliary or words[i].endswith("t") else None


def _names(text: str) -> set[str]:
    """Words the question writes as names or acronyms: capitalised after the first word, or all capitals."""
    words = re.findall(r"[^\W\d_]+", text)
    return {
        fold(normalize(w))
        for i, w in enumerate(words)
        if (len(w) >= 2 and w.isupper()) or (i > 0 and w[0].isupper() and not w.isupper())
    }


def _weak_past(surface: str, stem: str, analyzer: Analyzer, known: Callable[[str], bool]) -> set[str]:
    """A short verb's past ("lånt", "lånte", "købt", "hørte"), which Snowball leaves apart from the verb and its
    noun ("lån", "køb", "hør"): longer stems get their endings through Vocabulary.variants."""
    base = stem[:-1]
    if len(stem) == 4 and stem.endswith("t") and fold(surface).endswith(("t", "te")) and known(base):
        return {base} if base not in analyzer.stopwords else set()  # "mente" is no "men"
    return set()


def _linked(word: str, analyzer: Analyzer, known: Callable[[str], bool]) -> set[str]:
    """Danish compounds with and without a linking -s-/-e-: "sygefraværsstatistik" finds
    "sygefraværstatistik" and the reverse, when the minutes use the other spelling."""
    if len(word) < 9 or not word.isalpha():
        return set()
    out: set[str] = set()
    for i in range(4, len(word) - 3):
        left, right = word[:i], word[i:]
        options = [left + right[1:]] if right[0] in "se" and len(right) > 4 else []
        if left[-1] not in "se":
            options += [left + "s" + right, left + "e" + right]
        for option in options:
            stem = analyzer.stem(option)
            if stem != analyzer.stem(word) and known(stem):
                out.add(stem)
    return out


def _concepts(
    text: str, analyzer: Analyzer, known: Callable[[str], bool]
) -> list[tuple[str, str, frozenset[str], tuple[str, ...], bool]]:
    """(surface, stem, terms, compound parts, written apart) for each content word of `text`, in order."""
    # "spørgsmål/svar-ordningen": a slash separates two words that are never one compound, so a word is
    # joined to the next one only within what stands between slashes
    tokens: list[tuple[str, str]] = []
    for piece in re.split(r"(?<=[^\W\d_])\s*/\s*(?=[^\W\d_])", text):
        tokens += [*analyzer.words(piece), ("break", "")]
    out: list[tuple[str, str, frozenset[str], tuple[str, ...], bool]] = []
    seen: set[str] = set()
    i = 0
    while i < len(tokens):
        kind, word = tokens[i]
        if kind == "break":
            i += 1
            continue
        if kind != "word":
            if word not in seen:
                seen.add(word)
                out.append((word, word, frozenset([word]), (), False))
            i += 1
            continue
        word = analyzer.respell(word, known)
        # "adgangs kontrol" -> "adgangskontrol" when the corpus knows the joined word
        if i + 1 < len(tokens) and tokens[i + 1][0] == "word":
            joined = _join(word, analyzer.respell(tokens[i + 1][1], known), analyzer, known)
            if joined:
                stem = analyzer.stem(joined)
                pair = (analyzer.stem(word), analyzer.stem(tokens[i + 1][1]))
                if stem not in seen:
                    seen.add(stem)
                    out.append((joined, stem, frozenset([stem]), pair, True))
                i += 2
                continue
        i += 1
        if tokens[i - 1][1] in analyzer.stopwords or word in analyzer.stopwords or len(word) < 2:
            continue  # a stopword is never respelled into a content word ("havde" is no "hævde")
        stem = analyzer.stem(word)
        if stem in _INTENT_WORDS or word in _INTENT_WORDS or stem in seen:
            continue
        seen.add(stem)
        terms = frozenset({stem} | set(analyzer.synonyms.get(stem, ())))
        danish = analyzer.respell(word, known, even_known=True)
        if danish != word:
            terms = terms | {analyzer.stem(danish)}
        parts: tuple[str, ...] = ()
        if len(word) >= 8:
            parts = tuple(analyzer.split(word, known))
        out.append((word, stem, terms, parts, False))
    return out


def _join(a: str, b: str, analyzer: Analyzer, known: Callable[[str], bool]) -> str | None:
    if a in analyzer.stopwords or b in analyzer.stopwords or len(a) < 3 or len(b) < 3:
        return None
    for candidate in (a + b, a + "s" + b, a + "e" + b):
        if known(analyzer.stem(candidate)):
            return candidate
    return None


# What a "hvad/hvilke …" question asks for: a figure unless its noun names another kind of fact ("Hvilket
# advokatfirma …" a name, "Hvilken dag …" a date) or its verb asks what a body wanted or what came of it
# ("Hvad ville udvalget have belyst?", "Hvad kom der ud af …"): that is what the item says, most often the
# decision. index/evidence.py looks for such an answer when it ranks (a firm's name for "Hvilket firma …"),
# index/quotes.py when it quotes.
FACT_KINDS = [
    # "hvor tit skal udvalget have orientering?": a frequency ("én gang årligt"), not a figure
    ("often", r"\bhvor\s+(?:tit|ofte|mange\s+gange)\b"),
    # a compound with such a head names one too ("hvilken privat hjemmeplejeleverandør")
    ("who", r"\bhvilke[nt]?\s+(?:\w+\s+)?(?:\w*(?:firma|leverandør|advokat|rådgiver|konsulent|virksomhed|"
            r"organisation|forening|formand)\w*|person\w*|partie?r?|politiker\w*|\w*medlem\w*|repræsentant\w*|kandidat\w*)\b"),
    ("when", r"\bhvilke[nt]?\s+(?:dag|dato|måned|uge|tidspunkt)\w*"),
    ("where", r"\bhvilke[nt]?\s+(?:sted|adresse|vej|placering|lokale)\w*"),
    ("fact-open", r"^\s*hvad\s+(?:ville|vil|skal|skulle|kom|mente|mener|ønske\w*|foreslog|bad|sagde)\b"
                  # "hvad har socialtilsynet sagt om …", "hvad vurderede styrelsen …": what a body found
                  r"|^\s*hvad\s+(?:har\s+(?:\S+\s+){1,3})?(?:sagt|siger|vurderede|vurderer|konkluderede|konkluderer)\b"
                  r"|\b(?:have\s+belyst|ske\s+med|ud\s+af)\b"
                  # "hvad kommer børnehaven til at hedde", "hvad blev vejen døbt": a name the item gives
                  r"|\b(?:hedde|hedder|døbt|døbes|navngiv\w*)\b"),
]  # fmt: skip


def answer_kind(query: Query) -> str:
    """The kind of answer a question asks for: for a fact question the kind its noun or verb names
    (FACT_KINDS), else its intent."""
    if query.intent == "fact":
        asked = query.question.casefold()
        return next((kind for kind, pattern in FACT_KINDS if re.search(pattern, asked)), "fact")
    return query.intent
