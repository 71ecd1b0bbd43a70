"""Danish analysis: the one function that turns text into index terms, for minutes and questions alike.

Steps: NFC + lower case; aa/ae/oe folded to å/æ/ø (so "sygefravaer" meets "sygefravær"); tokens that
keep case numbers, dates and amounts whole; stopwords dropped; Snowball Danish stems with an override
list; compound words split against the corpus's own vocabulary (kept apart, in a lower-weighted column).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import Stemmer

from index.config import CONFIG_DIR

ANALYZER_VERSION = "1"

# Order matters: the specific shapes first, so "00.01.00-A00-3-17" is one token, not five.
_TOKEN = re.compile(
    r"""
    (?P<case>\d{2}\.\d{2}\.\d{2}-[a-zæøå0-9]\d{2}-\d+-\d{2}   # KLE case number
        |[a-zæøå]{2,6}-\d{4}-\d{3,8}                        # EMN-2025-003383
        |\d{2}/\d{3,7}(?![\d/]))                            # 12/14237
    |(?P<date>\d{1,2}[-.]\d{1,2}[-.]\d{4}|\d{4}-\d{2}-\d{2})
    |(?P<num>\d+(?:[.,]\d+)*)
    |(?P<word>[^\W\d_]+(?:[-'’][^\W\d_]+)*)
    """,
    re.VERBOSE,
)
# "aa" is written for "å" in old spellings and by people without a Danish keyboard ("Aarhus",
# "paa raadhuset"), so it is folded everywhere. "ae"/"oe" are folded only in questions and only when
# the corpus knows the folded word: "temaer" must stay "temaer", while "sygefravaer" means "sygefravær".
_RESPELL = (("ae", "æ"), ("oe", "ø"))
MIN_COMPOUND = 8  # shorter words are rarely compounds worth splitting
_LONG = re.compile(rf"(?<![^\W\d_])[^\W\d_]{{{MIN_COMPOUND},}}(?![^\W\d_])")
MIN_PART = 3
# Endings and prefixes that look like words to a vocabulary but only inflect or derive: splitting
# "efterfølgende" into "efterfølg" + "ende" or "samtidig" into "sam" + "tidig" would add noise.
_NOT_TAILS = frozenset(
    "ende erne ernes ene ere erer ret rede lig lige ligt ligere ligst hed heden heder ning ninger else elsen ing inger "
    "isk iske tig tige est este ens ets ers let lede ner nere nes dig dige som somme bar bare".split()
)
_NOT_HEADS = frozenset("sam all and ant ind und over under gen for fore mod med til ud op ned be".split())


def fold(word: str) -> str:
    return word.replace("aa", "å") if "aa" in word else word


def normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def _read_list(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


class Analyzer:
    """Holds the stopwords, stem overrides, synonyms and abbreviations from config/ and a Snowball stemmer."""

    def __init__(self, config_dir: Path | str | None = None):
        cdir = Path(config_dir or CONFIG_DIR)
        self.config_dir = str(cdir)  # what a worker process builds the same analyser from (index/prepare.py)
        self.stopwords = frozenset(fold(normalize(w)) for w in _read_list(cdir / "stopwords.txt"))
        self.overrides: dict[str, str] = {}
        for line in _read_list(cdir / "stem-overrides.txt"):
            parts = line.split()
            if len(parts) == 2:
                self.overrides[fold(normalize(parts[0]))] = fold(normalize(parts[1]))
        self._stemmer = Stemmer.Stemmer("danish")
        self._stem = lru_cache(maxsize=200_000)(self._stem_uncached)
        self._token_cache: dict[str, tuple[str, ...]] = {}
        self.synonyms: dict[str, frozenset[str]] = {}
        for line in _read_list(cdir / "synonyms.txt"):
            # Only one-word entries: "covid-pas" would otherwise make "covid" and "pas" synonyms of "coronapas".
            analysed = [self.terms(w) for w in line.split(",")]
            group = frozenset(terms[0] for terms in analysed if len(terms) == 1)
            for term in group:
                self.synonyms[term] = self.synonyms.get(term, frozenset()) | group
        # "kvt = kvartal" (index/abbreviations.py reads them; question time only, so not in the fingerprint)
        self.abbreviations: list[tuple[str, str]] = []
        for line in _read_list(cdir / "abbreviations.txt"):
            short, sep, long = line.partition("=")
            if sep and short.strip():
                self.abbreviations.append((short.strip(), long.strip()))
        self.fingerprint = hashlib.sha256(
            "\n".join(
                [
                    ANALYZER_VERSION,
                    *sorted(self.stopwords),
                    *(f"{k} {v}" for k, v in sorted(self.overrides.items())),
                ]
            ).encode()
        ).hexdigest()[:16]

    def _stem_uncached(self, word: str) -> str:
        return self.overrides.get(word) or self._stemmer.stemWord(word)

    def stem(self, word: str) -> str:
        return self._stem(word)

    def words(self, text: str) -> Iterable[tuple[str, str]]:
        """(kind, normalised token) pairs; words are folded, hyphenated words yield their parts."""
        for m in _TOKEN.finditer(normalize(text)):
            kind = m.lastgroup or "word"
            token = m.group(0)
            if kind != "word":
                yield kind, token
                continue
            for part in re.split(r"[-'’]", token):
                if part:
                    yield "word", fold(part)

    def terms(self, text: str, known: Callable[[str], bool] | None = None) -> list[str]:
        """Index terms of `text`, in order, stopwords removed. Used for minutes and questions alike;
        questions pass `known` (is this stem in the corpus?) so ASCII spellings find Danish words."""
        if known is None:
            # The hot path (indexing, reranking): a token's terms never change, so they are cached.
            out: list[str] = []
            cache = self._token_cache
            for m in _TOKEN.finditer(normalize(text)):
                token = m.group(0)
                found = cache.get(token)
                if found is None:
                    found = self._token_terms(m.lastgroup or "word", token)
                    if len(cache) < 400_000:
                        cache[token] = found
                out.extend(found)
            return out
        out = []
        for kind, token in self.words(text):
            if kind != "word":
                out.append(token)
                continue
            if known is not None:
                token = self.respell(token, known)
            if token not in self.stopwords and len(token) > 1:
                out.append(self._stem(token))
        return out

    def _token_terms(self, kind: str, token: str) -> tuple[str, ...]:
        if kind != "word":
            return (token,)
        parts = re.split(r"[-'’]", token) if ("-" in token or "'" in token or "’" in token) else [token]
        return tuple(self._stem(w) for w in (fold(p) for p in parts if p) if w not in self.stopwords and len(w) > 1)

    def terms_at(self, text: str) -> list[tuple[int, tuple[str, ...]]]:
        """(offset, terms) per token of `text`: one pass over a whole section, which the reranker then
        deals out to its passages by offset (the same terms as `terms` gives for each piece)."""
        out: list[tuple[int, tuple[str, ...]]] = []
        cache = self._token_cache
        for m in _TOKEN.finditer(normalize(text)):
            token = m.group(0)
            found = cache.get(token)
            if found is None:
                found = self._token_terms(m.lastgroup or "word", token)
                if len(cache) < 400_000:
                    cache[token] = found
            if found:
                out.append((m.start(), found))
        return out

    def respell(self, word: str, known: Callable[[str], bool], *, even_known: bool = False) -> str:
        """'foerste' -> 'første' when the corpus knows the Danish spelling and not the ASCII one (or, with
        `even_known`, also when the ASCII spelling occurs: "groenne" is a typo in a few items, "grønne" the
        word; the caller keeps both)."""
        if known(self._stem(word)) and not (even_known and any(a in word for a, _ in _RESPELL)):
            return word
        if not any(a in word for a, _ in _RESPELL):
            return self._respell_letters(word, known)
        # Each "ae"/"oe" may or may not stand for æ/ø ("netvaerkstemaer" -> "netværkstemaer").
        spots = [m.start() for m in re.finditer("ae|oe", word)][:4]
        for mask in range(1, 1 << len(spots)):
            chars = list(word)
            for bit, pos in enumerate(spots):
                if mask >> bit & 1:
                    chars[pos : pos + 2] = ["æ" if word[pos] == "a" else "ø", ""]
            candidate = "".join(chars)
            if known(self._stem(candidate)):
                return candidate
        letters = self._respell_letters(word, known)
        if letters != word or len(word) < 9:
            return letters
        # A long compound the corpus knows in neither spelling: the Danish one, so that its other forms
        # ("sygefravaersstatistikken" -> "sygefraværsstatistikken" -> "sygefraværstatistik") can be found.
        return re.sub("ae|oe", lambda m: "æ" if m.group(0) == "ae" else "ø", word)

    def _respell_letters(self, word: str, known: Callable[[str], bool]) -> str:
        """Keyboards without æ/ø/å also give a bare letter: 'korsel' -> 'kørsel', 'fravar' -> 'fravær'.
        Called by `respell` for a word the corpus does not know."""
        if len(word) < 4:
            return word
        spots = [(m.start(), m.group(0)) for m in re.finditer("[ao]", word)][:4]
        options = {"o": ("ø",), "a": ("æ", "å")}
        for pos, letter in spots:
            for repl in options[letter]:
                candidate = word[:pos] + repl + word[pos + 1 :]
                if known(self._stem(candidate)):
                    return candidate
        return word

    def long_words(self, text: str) -> set[str]:
        """The words of at least MIN_COMPOUND letters (folded), the ones worth splitting into parts."""
        return {fold(w) for w in _LONG.findall(normalize(text))}

    def split(self, word: str, known: Callable[[str], bool]) -> list[str]:
        """Parts (as stems) of a folded compound word whose parts the corpus knows, else [].

        Tries the longest known head first and allows a linking -s- or -e- ("adgang-s-kontrol").
        """
        return list(self._split(word, known, 0))

    def _known_part(self, part: str, known: Callable[[str], bool], *, tail: bool = False) -> str | None:
        if len(part) < MIN_PART or part in self.stopwords or part in (_NOT_TAILS if tail else _NOT_HEADS):
            return None
        stem = self._stem(part)
        if known(stem):
            return stem
        if not re.search("[æøå]", part):
            # typed without æ/ø/å: "repatrieringsstotten" is "repatrierings" + "støtten"
            danish = self._respell_letters(part, known)
            if danish != part:
                return self._stem(danish)
        return None

    def _split(self, word: str, known: Callable[[str], bool], depth: int) -> tuple[str, ...]:
        if len(word) < MIN_PART * 2 or depth > 3:
            return ()
        for i in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            head, tail = word[:i], word[i:]
            heads = [head] + ([head[:-1]] if head[-1] in "se" and len(head) > MIN_PART else [])
            for h in heads:
                head_stem = self._known_part(h, known)
                if head_stem is None:
                    continue
                tail_stem = self._known_part(tail, known, tail=True)
                tail_parts = (tail_stem,) if tail_stem else self._split(tail, known, depth + 1)
                if tail_parts:
                    head_parts = self._split(h, known, depth + 1) if len(h) >= MIN_COMPOUND else ()
                    return (head_stem, *head_parts, *tail_parts)
        return ()


_DEFAULT: dict[str, Analyzer] = {}


def get_analyzer(config_dir: Path | str | None = None) -> Analyzer:
    key = str(config_dir or CONFIG_DIR)
    if key not in _DEFAULT:
        _DEFAULT[key] = Analyzer(config_dir)
    return _DEFAULT[key]


def analyze(text: str) -> list[str]:
    """The index terms of `text` with the default configuration."""
    return get_analyzer().terms(text)
