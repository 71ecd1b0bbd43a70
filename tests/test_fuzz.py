"""Hostile input: fuzzed readers, the size limit, the question cap and FTS5 MATCH syntax.

Every fuzzer is bounded and derandomized, so CI runs the same cases each time and never stalls: the
point is that nothing but the project's own ReaderError (with a one-line reason) comes out of a
reader, and that nothing a user types reaches FTS5 as syntax.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index import retrieve
from index.answer import answer
from index.config import Config
from index.ingest import ingest_file
from index.messages import TOO_LONG
from index.model import Meeting
from index.question import MAX_QUESTION
from index.readers import DEFAULT_MAX_BYTES, ReaderError, read_bytes, read_file, read_limited
from index.store import Store
from tests.conftest import ADGANG, EVT, LUKKET, REAL, VAGT, minutes
from tests.test_readers_html import PAGE
from tests.test_readers_pdf import MINUTES, make_pdf

REAL_PDF = REAL / "aarhus-byraad-2025-08-27.pdf"
REAL_HTML = REAL / "aarhus-teknisk-udvalg-2025-10-01.html"
CFG = Config(public_url="http://referent.test")

# Same cases on every run; no per-case deadline (a slow CI box is not a bug); shrinking off, since a
# failure already prints its input and shrinking a PDF mutation can take minutes.
BOUNDED = settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    database=None,
    phases=["explicit", "generate"],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)


def bounded(cases: int) -> settings:
    return settings(BOUNDED, max_examples=cases)


def check_reader(data: bytes, name: str = "") -> Meeting | ReaderError:
    """read_bytes may return a meeting or raise ReaderError with a usable reason; nothing else."""
    try:
        meeting = read_bytes(data, name)
    except ReaderError as exc:
        assert exc.reason and exc.reason.strip(), "ReaderError without a reason"
        assert "\n" not in exc.reason and len(exc.reason) <= 300, exc.reason
        return exc
    assert isinstance(meeting, Meeting)
    assert meeting.items, "a meeting without items should have been a ReaderError"
    assert isinstance(meeting.date, dt.date) and meeting.forum.strip()
    return meeting


# ---- text: random lines, many of them shaped like the structure the parser looks for -----------

STRUCTURE_LINES = [
    "REFERAT Chefforum d. 01-02-2020",
    "REFERAT  d. 31-02-2020",
    "REFERAT X d. 99-99-9999",
    "DAGSORDEN Økonomiudvalget d. 15-11-2017",
    "Punkt 1: Budget",
    "Punkt 1:",
    "Punkt 0: Nul",
    "Punkt 99999999999999999999: Stort",
    "Punkt 2: Lukket: Personalesag",
    "Lukket punkt",
    "Beslutning",
    "Beslutning:",
    "Beslutninger",
    "Sagsfremstilling",
    "Indstilling",
    "Anledning",
    "Bilag",
    "Bilag 1: Notat",
    "Indholdsfortegnelse",
    "Budget.....\t3",
    "Mødedato Mandag d. 1. februar 2020 kl. 09:00",
    "Mødedato d. 32. smarch 2020 kl. 25:61",
    "Mødested Mødelokale 1",
    "Mødedeltagere Anne Holm, Bo Berg (Fravær)",
    "00.01.00-A00-41-17",
    "Side 1 af 3",
    "# Punkt 1: Markdown",
    "**Beslutning**",
    "[link](http://x)",
    "",
    "\f",
    "\t",
]
LINE = st.one_of(st.sampled_from(STRUCTURE_LINES), st.text(max_size=80), st.from_regex(r"Punkt \d{1,4}: .{0,30}"))
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]
NAMES = ["", "referat.txt", "referat.md", "side.html", "referat.pdf", "x"]


@functools.cache
def _sink() -> Store:
    # One in-memory store for every text case: a meeting a reader accepts must also be storable.
    return Store(":memory:")


@bounded(200)
@given(lines=st.lists(LINE, max_size=40), encoding=st.sampled_from(ENCODINGS), name=st.sampled_from(NAMES))
def test_text_reader_fuzz(lines: list[str], encoding: str, name: str) -> None:
    data = "\n".join(lines).encode(encoding, errors="replace")
    result = check_reader(data, name)
    if isinstance(result, Meeting):
        _sink().ingest(result)


@bounded(60)
@given(st.binary(max_size=2000), st.sampled_from(NAMES))
def test_random_bytes(data: bytes, name: str) -> None:
    check_reader(data, name)


def test_real_structure_with_hostile_insertions() -> None:
    """Not random: the shapes most likely to trip the parser, inside otherwise valid minutes."""
    base = minutes("Chefforum", "15-11-2017", [ADGANG, VAGT, LUKKET, EVT])
    for insert in ["Punkt 1: Punkt 1: Punkt 1:", "REFERAT Chefforum d. 31-02-2017", "Beslutning\n" * 500,
                   "(" * 5000, "\x00" * 10, "Punkt 3:" + "x" * 100_000, "\u202e\u200b\ufeff"]:  # fmt: skip
        for where in (0, len(base) // 2, len(base)):
            check_reader((base[:where] + insert + base[where:]).encode("utf-8"), "referat.txt")


# ---- byte mutations of the real PDF and web page (or small built-in ones) ----------------------

PDF_TOKENS = [b"0", b"-1", b"99999999999", b"<<", b">>", b"obj", b"endobj", b" R ", b"/Length 0", b"stream",
              b"endstream", b"xref", b"trailer", b"%%EOF", b"(", b"[", b"\\", b"\x00", b"/Filter /FlateDecode"]  # fmt: skip
HTML_TOKENS = [b"<table>", b'<tr class="punktrow" id="punktrow_x">', b"</td>", b"<!--", b"&#x", b"&#99999999;",
               b"<script>", b"<h3>Beslutning</h3>", b'<span class="udvalg">', b"</", b"<", b"\x00", b"\xff\xfe"]  # fmt: skip


def mutate(base: bytes, edits: list[tuple[str, float, int, bytes]], tokens: list[bytes]) -> bytes:
    """Apply edits at fractional positions: flip, delete, insert, duplicate, token, truncate."""
    data = bytearray(base)
    for kind, where, size, extra in edits:
        if not data:
            break
        at = min(int(where * len(data)), len(data) - 1)
        if kind == "flip":
            for i in range(at, min(at + size, len(data))):
                data[i] ^= 0xFF if not extra else extra[0] or 1
        elif kind == "delete":
            del data[at : at + size * 16]
        elif kind == "insert":
            data[at:at] = extra * max(1, size // 4)
        elif kind == "duplicate":
            data[at:at] = data[at : at + size * 16]
        elif kind == "token":
            data[at:at] = tokens[size % len(tokens)]
        elif kind == "truncate":
            del data[max(at, 1) :]
    return bytes(data)


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["flip", "flip", "delete", "insert", "duplicate", "token", "token", "truncate"]),
        st.floats(0, 1),
        st.integers(1, 64),
        st.binary(max_size=8),
    ),
    min_size=1,
    max_size=6,
)


@functools.cache
def real_pdf() -> bytes:
    return REAL_PDF.read_bytes() if REAL_PDF.is_file() else make_pdf(MINUTES)


@functools.cache
def small_real_pdf() -> bytes:
    """The real PDF's first pages, rewritten: its fonts and compressed streams, at a tenth of the parse time."""
    if not REAL_PDF.is_file():
        return make_pdf(MINUTES)
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(real_pdf()))
    writer = pypdf.PdfWriter()
    for page in reader.pages[:3]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@functools.cache
def real_html() -> bytes:
    return REAL_HTML.read_bytes() if REAL_HTML.is_file() else PAGE.encode("utf-8")


def test_unmutated_documents_read() -> None:
    """The fuzzers start from documents that do read, or they would only ever test the error path."""
    for data, name in [(small_real_pdf(), "x.pdf"), (real_html(), "x.html")]:
        assert isinstance(check_reader(data, name), Meeting)


@bounded(60)
@given(EDITS)
def test_mutated_pdf(edits: list) -> None:
    check_reader(mutate(small_real_pdf(), edits, PDF_TOKENS), "referat.pdf")


@bounded(6)
@given(EDITS)
def test_mutated_full_real_pdf(edits: list) -> None:
    # The whole 28-page PDF parses in about half a second, so only a handful of cases.
    check_reader(mutate(real_pdf(), edits, PDF_TOKENS), "referat.pdf")


@bounded(120)
@given(EDITS)
def test_mutated_html(edits: list) -> None:
    check_reader(mutate(real_html(), edits, HTML_TOKENS), "side.html")


@bounded(40)
@given(EDITS)
def test_mutated_html_without_a_name(edits: list) -> None:
    # Without the .html name the reader is picked by content: a mutated doctype may land in the text reader.
    check_reader(mutate(real_html(), edits, HTML_TOKENS))


def test_deeply_nested_input_is_a_reader_error_or_a_meeting() -> None:
    for data, name in [
        (b"<div>" * 100_000, "x.html"),
        (b"%PDF-1.4\n1 0 obj " + b"[" * 50_000 + b"\n%%EOF\n", "x.pdf"),
        (b"%PDF-1.4\n1 0 obj " + b"<<" * 50_000 + b"\n%%EOF\n", "x.pdf"),
    ]:
        check_reader(data, name)


# ---- the size limit ----------------------------------------------------------------------------


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as fh:
        fh.truncate(size)  # no blocks on disk: a "huge" file costs nothing
    return path


def test_file_above_the_limit_is_refused_without_reading_it(tmp_path: Path, monkeypatch) -> None:
    big = _sparse(tmp_path / "huge.pdf", DEFAULT_MAX_BYTES + 5_000_000)

    def no_reading(self: Path) -> bytes:
        raise AssertionError(f"{self} was read although it is above the limit")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(ReaderError) as exc:
        read_limited(big)
    assert re.search(r"file is [\d.]+ MB, above the limit of \d+ MB", exc.value.reason), exc.value.reason
    with pytest.raises(ReaderError, match="above the limit"):
        read_file(big)


def test_the_limit_is_configurable_and_the_run_goes_on(tmp_path: Path, tiny_minutes: str) -> None:
    store = Store(tmp_path / "r.db")
    big = _sparse(tmp_path / "big.txt", 3 * 1024 * 1024)
    small = tmp_path / "cf.txt"
    small.write_text(tiny_minutes, encoding="utf-8")
    failed = ingest_file(store, big, max_bytes=2 * 1024 * 1024)
    assert failed.status == "failed" and "above the limit" in (failed.reason or "")
    assert ingest_file(store, small, max_bytes=2 * 1024 * 1024).status == "added"
    assert store.source(str(big))["status"] == "error"
    store.close()


def test_the_limit_is_reported_as_configured(tmp_path: Path) -> None:
    big = _sparse(tmp_path / "huge.pdf", DEFAULT_MAX_BYTES + 1)
    with pytest.raises(ReaderError, match="limit of 100 MB"):
        read_limited(big)


# ---- questions: the length cap and MATCH syntax -------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("fuzz-corpus")
    path = folder / "cf.txt"
    path.write_text(minutes("Chefforum", "15-11-2017", [ADGANG, VAGT, LUKKET, EVT]), encoding="utf-8")
    store = Store(folder / "a.db")
    assert ingest_file(store, path).status == "added"
    yield store
    store.close()


def ask(store: Store, question: str, **kw):
    return answer(store, question, cfg=CFG, today=dt.date(2021, 6, 1), **kw)


class _NoQueries:
    """Stands in for the connection: a capped question must be refused before any SQL runs."""

    def execute(self, *args, **kwargs):
        raise AssertionError("an over-long question reached the database")


def test_long_questions_are_refused_before_searching(corpus: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "conn", _NoQueries())
    long = "hvad blev besluttet om adgangskontrol " * (MAX_QUESTION // 10)
    ans = ask(corpus, long)
    assert ans.no_answer and ans.message == TOO_LONG and not ans.answers and not ans.suggestions
    assert len(ans.question) <= 200  # the answer does not carry the whole text on to renderers and logs


def test_a_question_at_the_cap_is_answered(corpus: Store) -> None:
    question = ("adgangskontrol " * MAX_QUESTION)[:MAX_QUESTION]
    assert ask(corpus, question).message != TOO_LONG


_QUOTED = re.compile(r'"(?:[^"]|"")+"')
# what is left of a MATCH expression once its quoted strings are taken out: only our own operators
_OPERATORS = re.compile(r"(?:Q|OR|AND|NEAR|\{strong\}|\{weak\}|:|\(|\)|,|\d+|\s)+")


def safe_match(expression: str) -> bool:
    rest = _QUOTED.sub("Q", expression)
    return "Q" in rest and bool(_OPERATORS.fullmatch(rest))


FTS_SYNTAX = [
    'title:adgangskontrol', "decision : id-kort", "{title decision}: adgang", "- body:adgang", "items_fts:adgang",
    "rank:1", 'NEAR(adgangskontrol id-kort, 0)', "NEAR(adgang", "adgang*", "^adgang", "adgang + kontrol",
    '"adgang" "kontrol"', '"""', '""', '"', "(adgang OR", "adgang OR ) (", "adgang AND NOT kontrol",
    "adgang NOT", "*", "* OR *", ":", "title:", "'; DROP TABLE items; --", "adgang\x00kontrol",
    'adgangskontrol") OR ("personalesag', "col:\"x\"", "adgang:kontrol:id-kort",
]  # fmt: skip


@pytest.fixture
def match_log(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = retrieve._probe

    def recording(store: Store, table: str, expr: str, *args: object, **kwargs: object) -> list[int]:
        seen.append(expr)
        return real(store, table, expr, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(retrieve, "_probe", recording)
    return seen


@pytest.mark.parametrize("question", FTS_SYNTAX)
def test_fts_syntax_is_never_passed_through(corpus: Store, match_log: list[str], question: str) -> None:
    ans = ask(corpus, question)
    assert isinstance(ans.no_answer, bool) and ans.message
    for expression in match_log:
        assert safe_match(expression), f"unquoted MATCH expression {expression!r} from {question!r}"
    assert corpus.conn.execute("SELECT count(*) FROM items").fetchone()[0] == 4


def test_column_filter_does_not_narrow_the_search(corpus: Store) -> None:
    """'title:' is read as words: 'advarsel' is not a title word, yet 'title:advarsel' finds no title-only
    hit and, above all, never the closed item's discussion."""
    for question in ["title:advarsel", "body:advarsel", "sections:Fortroligt", "{body}: medarbejderen"]:
        ans = ask(corpus, question)
        for hit in ans.answers + ans.suggestions:
            for quote in hit.quotes:
                assert "Fortroligt" not in quote.text and "advarsel" not in quote.text


QUESTION_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("\"*^():{}-+.,/\\'") + ["æ", "ø", "å", "\u0301", "\u200b", "\U0001f510"]),
    ),
    max_size=120,
)
WORDS = st.lists(
    st.one_of(QUESTION_TEXT, st.sampled_from(["adgangskontrol", "NEAR", "OR", "AND", "NOT", "title:", "*", '"'])),
    max_size=12,
).map(" ".join)


@bounded(150)
@given(question=st.one_of(QUESTION_TEXT, WORDS))
def test_any_question_is_answered_without_raising(corpus: Store, question: str) -> None:
    ans = ask(corpus, question)
    assert isinstance(ans.no_answer, bool) and ans.message
    for hit in ans.answers + ans.suggestions:
        for quote in hit.quotes:
            assert "Fortroligt" not in quote.text
