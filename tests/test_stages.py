"""Unit tests of the answering stages, one group per module: question reading (index/question.py and
index/vocabulary.py), what an item is about (index/salience.py), retrieval (index/retrieve.py), evidence and
ranking (index/evidence.py, index/rank.py), abstention (index/abstain.py) and quotes (index/quotes.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import select
import signal
import sqlite3
from pathlib import Path

import pytest

from index import retrieve
from index.abstain import decide, decide_ranked, topical_coverage, topicality
from index.access import Access
from index.access import parse as parse_access
from index.answer import answer, trace
from index.config import Config
from index.evidence import gather, meeting_terms, with_text
from index.ingest import ingest_paths
from index.model import DECISION, Section
from index.params import DEFAULT
from index.question import _question_verb, answer_kind, parse
from index.quotes import _intent, choose_quotes
from index.rank import rank
from index.retrieve import Scope, _probe, _telling, fuse
from index.salience import ABOUT_LENGTH, PAD, about_document, analyse, is_subheading, subheadings
from index.scope_terms import item_terms, match_filter
from index.store import ABOUT_WEIGHTS, FTS_WEIGHTS, Store
from index.vocabulary import Vocabulary, edit_distance
from tests.conftest import agenda_item as item
from tests.conftest import minutes

CFG = Config()
TODAY = dt.date(2026, 1, 15)


def _stored(tmp_path: Path, docs: dict[str, str]) -> Store:
    """A store holding the text minutes `docs` (file name: text), every file ingested without a failure."""
    s = Store(tmp_path / "s.db")
    for name, text in docs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert not ingest_paths(s, [tmp_path / name for name in docs]).failed
    return s


@pytest.fixture
def store(tmp_path: Path) -> Store:
    docs = {
        "a.txt": minutes(
            "Chefforum",
            "10-03-2021",
            [
                item(
                    1,
                    "Sygefraværstatistik 1. kvartal 2021",
                    ("Sagsfremstilling", "Sygefraværet var 5,1 % i 1. kvartal 2021. Sygefraværet er faldet."),
                    ("Beslutning", "Chefforum tog orienteringen til efterretning."),
                ),
                item(
                    2,
                    "Renovering af Enebærhegnet",
                    ("Sagsfremstilling", "Renoveringen af Enebærhegnet koster i alt 4,2 mio. kr."),
                    ("Beslutning", "Godkendt."),
                ),
                item(
                    3,
                    "Tryghedsmålingen 2021",
                    ("Sagsfremstilling", "Tryghedsmålingen laves fremover på dansk og engelsk. Der laves en pjece."),
                    ("Beslutning", "Udvalget besluttede at målingen gentages i 2023."),
                ),
            ],
        ),  # fmt: skip
        "b.txt": minutes(
            "Byrådet",
            "24-06-2024",
            [
                item(
                    1,
                    "Anlægsbevilling til idrætsanlæg i Lisbjerg",
                    (
                        "Indstilling",
                        "At 1) der frigives 21,5 mio. kr. til idrætsanlægget i Lisbjerg.\n\n"
                        "At 2) der frigives 3,4 mio. kr. til arkæologiske undersøgelser i Lisbjerg.",
                    ),
                    ("Beslutning", "Indstillingen blev godkendt."),
                    case="24-001122",
                ),
                item(
                    2,
                    "Cykelsti langs Hovedgaden",
                    ("Sagsfremstilling", "Cykelstien anlægges i 2025."),
                    ("Beslutning", "Byrådet godkendte cykelstien."),
                    case="24-003344",
                ),
            ],
        ),  # fmt: skip
        "c.txt": minutes(
            "Byrådet",
            "02-12-2024",
            [
                item(
                    1,
                    "Cykelsti langs Hovedgaden - status",
                    ("Sagsfremstilling", "Cykelstien er udsat til 2026 på grund af ledningsarbejde."),
                    ("Beslutning", "Byrådet tog status på cykelstien til efterretning."),
                    case="24-003344",
                ),
            ],
        ),  # fmt: skip
    }
    s = _stored(tmp_path, docs)
    return s


def read(store: Store, question: str, access: Access | None = None):
    return parse(question, store.analyzer, Vocabulary(store, access), fora=store.fora(), today=TODAY)


def top(store: Store, question: str) -> tuple[str, str, int] | None:
    a = answer(store, question, cfg=CFG, today=TODAY)
    if a.no_answer:
        return None
    h = a.answers[0]
    return h.meeting.forum, h.meeting.date, h.item.number


# ---- question reading --------------------------------------------------------------------------


def test_edit_distance_counts_one_typo_and_stops_past_the_cutoff() -> None:
    assert edit_distance("enebærhegent", "enebærhegnet", 2) == 1  # two letters swapped
    assert edit_distance("sundhedhus", "sundhedshus", 1) == 1  # one letter missing
    assert edit_distance("abcdef", "uvwxyz", 2) == 3  # cut off: cutoff + 1


def test_linking_s_and_typos_find_the_minutes_spelling(store: Store) -> None:
    q = read(store, "sygefraværsstatistik")  # the minutes write "Sygefraværstatistik"
    assert q.concepts[0].known and top(store, "sygefraværsstatistik") == ("Chefforum", "2021-03-10", 1)
    q = read(store, "Hvad koster renoveringen af Enebærhegent?")
    assert any(c.known and "enebærhegn" in c.terms for c in q.concepts)  # the stem of "Enebærhegnet"


def test_a_compound_head_may_be_a_synonym(store: Store) -> None:
    q = read(store, "Hvilke sprog skal tryghedsundersøgelsen laves på?")
    assert any("tryghedsmåling" in c.terms for c in q.concepts)  # config/synonyms.txt: måling, undersøgelse


def test_the_question_verb_is_phrasing_and_weighs_less() -> None:
    assert _question_verb("Hvad mente udvalget om cykelstien?") == "mente"
    assert _question_verb("Hvilket vagtfirma leverer tryghedsvagterne?") == "leverer"
    assert _question_verb("Hvem blev valgt som formand?") == "valgt"  # after the auxiliary
    assert _question_verb("cykelsti Hovedgaden") is None
    # after a topic, the question's own clause; a pronoun subject before the verb; a yes/no question
    assert _question_verb("uddannelsesstrategien - hvad skal den bygges op efter?") == "bygges"
    assert _question_verb("har vi snakket om IoT før?") == "snakket"
    # the verb after the counted noun; after an auxiliary the participle is what is counted
    assert _question_verb("hvor mange cyklister ignorerer de røde signaler?") == "ignorerer"
    assert _question_verb("hvor mange børn bliver hjemmeundervist i kommunen?") is None


def test_a_clause_ending_in_foer_asks_for_earlier_treatments(store: Store) -> None:
    assert read(store, "har vi snakket om cykelstien før?").intent == "precedent"
    assert read(store, "har cheferne haft sygefraværet oppe foer? hvornaar").intent == "precedent"
    assert read(store, "oprydning før aflevering til arkivet").intent != "precedent"


def test_an_acronym_and_a_date_in_figures_filter_like_the_words(store: Store) -> None:
    q = read(store, "hvad sagde CF om sygefraværet d. 10/3-21?")
    assert q.fora == frozenset({"Chefforum"})
    assert (q.date_from, q.date_to) == (dt.date(2021, 3, 10), dt.date(2021, 3, 10))
    assert top(store, "hvad sagde CF om sygefraværet d. 10/3-21?") == ("Chefforum", "2021-03-10", 1)


def test_a_stopword_is_never_respelled(store: Store) -> None:
    q = read(store, "Hvornår havde tryghedsmålingen sprog på dansk?")
    assert all(c.stem != "hævd" for c in q.concepts)


def test_chat_fillers_are_not_searched_for(store: Store) -> None:
    # config/stopwords.txt: "ha" (spoken "have"), "bare", "så" say how the question is put, not what about
    q = read(store, "kunne vi ha fået et vagtværn, eller kan man bare så vente?")
    assert not {"ha", "bare", "så"} & {c.surface for c in q.concepts}
    assert "vagtværn" in {c.surface for c in q.concepts}


def test_a_year_filters_a_decision_but_is_the_facts_year_in_a_fact_question(store: Store) -> None:
    assert read(store, "Hvad besluttede byrådet om cykelstien i 2024?").date_from == dt.date(2024, 1, 1)
    fact = read(store, "Hvad var sygefraværet i 1. kvartal i 2021?")
    assert fact.date_from is None and any(c.stem == "2021" for c in fact.concepts)


def test_a_year_something_takes_effect_from_is_only_a_guess(store: Store) -> None:
    # "udsat fra 2026": when it takes effect, decided the year before; the year narrows first, then not
    status = read(store, "hvad er status på cykelstien, er den udsat fra 2026?")
    assert status.date_from == dt.date(2026, 1, 1) and status.guessed
    assert read(store, "status på cykelstien i 2024").guessed is False
    assert top(store, "hvad er status på cykelstien, er den udsat fra 2026?") == ("Byrådet", "2024-12-02", 1)


def test_a_body_named_first_as_a_label_or_before_its_verb_filters(store: Store) -> None:
    label = read(store, "Chefforum 2021 – hvor blev mødet holdt?")
    assert label.fora == frozenset({"Chefforum"}) and label.guessed
    held = read(store, "hvornår holdt Chefforum møde om sygefraværet?")
    assert held.fora == frozenset({"Chefforum"})
    assert read(store, "sygefraværet i Chefforum").fora == frozenset({"Chefforum"})
    assert read(store, "nye medlemmer chefforum").fora is None  # named in passing, not where to look
    # the subject after an auxiliary (Danish verb-second order) is the body that acted
    asked = read(store, "hvad ville Chefforum vide mere om sygefraværet?")
    assert asked.fora == frozenset({"Chefforum"}) and not asked.guessed
    # ... unless the body is all the question names: then it may be the topic, and the filter only a guess
    assert read(store, "hvad er Chefforum?").guessed
    assert read(store, "vil CF sætte mål for sygefraværet?").fora == frozenset({"Chefforum"})


def test_a_paragraphs_number_is_not_bound_to_the_word_before_it(store: Store) -> None:
    def follows(question: str, number: str) -> int:
        return next(c.follows for c in read(store, question).concepts if c.stem == number)

    assert follows("hvor ofte kan man søge §79-puljen", "79") == -1
    assert follows("hvad siger § 18 om puljen", "18") == -1
    assert follows("cykelsti uge 31", "31") >= 0  # "uge 31" must stand together


def test_what_happened_since_asks_for_status_and_a_plans_years_are_its_name(store: Store) -> None:
    q = read(store, "er der sket noget med cykelsti-planen 2021-2024? hvad er det sidste")
    assert q.intent == "status" and q.years == frozenset()
    assert read(store, "cykelstien 2024").years == frozenset({2024})


def test_the_latest_decision_asks_for_status_but_the_latest_years_do_not(store: Store) -> None:
    assert read(store, "er vi stadig med i cykelstien? seneste beslutning").intent == "status"
    assert read(store, "hvad har byrådet ment om cykelstien de seneste år").intent != "status"


def test_how_high_or_long_asks_for_a_measure_and_where_it_stands_for_status(store: Store) -> None:
    assert read(store, "hvor højt bliver det nye tårn ved cykelstien?").intent == "amount"
    assert read(store, "hvor hoejt bliver tårnet").intent == "amount"
    assert read(store, "hvor lang tid fik lejeren til at flytte?").intent == "amount"
    assert read(store, "hvor ligger cykelstien?").intent == "where"
    assert read(store, "hvor står sagen om cykelstien?").intent == "status"
    assert read(store, "er reglerne for cykelstien endeligt på plads?").intent == "status"


def test_durations_and_measures_are_amounts() -> None:
    from index.patterns import AMOUNT

    for text in ("fristen sættes til seks måneder", "en frist på 4 uger", "en højde på ca. 5,8 meter"):
        assert AMOUNT.search(text), text
    assert not AMOUNT.search("i 2025 år efter år")


def test_of_two_months_named_the_filter_is_a_guess(store: Store) -> None:
    # "tilsynet i maj 25? SOU fik det i august": the inspection's month or the meeting's
    one = read(store, "tryghedsmålingen i maj 2021")
    two = read(store, "tryghedsmålingen i maj 2021, som de fik i august")
    assert one.date_from == two.date_from == dt.date(2021, 5, 1)
    assert not one.guessed and two.guessed
    # a fact question takes the guessed month's year as the fact's, to rank by, not to filter
    fact = read(store, "hvad vurderede tilsynet i maj 2021? chefforum fik det i august")
    assert fact.date_from is None and fact.years == frozenset({2021})


def test_a_day_without_a_year_filters_on_that_day_of_any_year(store: Store) -> None:
    q = read(store, "hvad besluttede BR 2/12 om cykelstien")
    assert q.day == "12-02" and q.guessed and q.date_from is None
    assert top(store, "hvad besluttede BR 2/12 om cykelstien") == ("Byrådet", "2024-12-02", 1)
    assert top(store, "hvad besluttede BR 24/6 om cykelstien") == ("Byrådet", "2024-06-24", 2)
    assert read(store, "hvornår er fristen, den 1. oktober?").day is None  # a fact's date, not the meeting's


def test_a_month_in_brackets_is_the_meetings(store: Store) -> None:
    q = read(store, "kan de selv bestemme om cykelstien (jun 24)")
    assert (q.date_from, q.date_to) == (dt.date(2024, 6, 1), dt.date(2024, 6, 30))


def test_a_month_and_year_among_search_words_is_a_guessed_filter(store: Store) -> None:
    q = read(store, "cykelsti hovedgaden juni 2024")
    assert (q.date_from, q.date_to, q.guessed) == (dt.date(2024, 6, 1), dt.date(2024, 6, 30), True)
    assert top(store, "cykelsti hovedgaden juni 2024") == ("Byrådet", "2024-06-24", 2)
    assert top(store, "cykelsti hovedgaden") == ("Byrådet", "2024-12-02", 1)  # its newest treatment
    # a date the minutes talk about: a day, or a word for a deadline before it
    assert read(store, "cykelstien skal være færdig senest juni 2025").date_from is None
    assert read(store, "cykelstien åbner 1. juni 2025").date_from is None


def test_a_season_of_a_year_is_a_guessed_filter(store: Store) -> None:
    spring = read(store, "cykelstien i foråret 24")
    assert (spring.date_from, spring.date_to, spring.guessed) == (dt.date(2024, 3, 1), dt.date(2024, 5, 31), True)
    assert not any(c.number for c in spring.concepts)  # "24" is the year, no number the item must hold
    winter = read(store, "cykelstien vinteren 2024")
    assert (winter.date_from, winter.date_to) == (dt.date(2023, 12, 1), dt.date(2024, 2, 29))
    # a who-question's season is when the meeting was, not the year of a figure
    assert read(store, "hvem stemte imod cykelstien i sommeren 2024").date_from == dt.date(2024, 6, 1)
    assert top(store, "cykelstien langs hovedgaden i sommeren 2024") == ("Byrådet", "2024-06-24", 2)


def test_from_now_on_is_how_it_asks_not_what_about(store: Store) -> None:
    # "skal den høre til Nova fremover?": "fremover" asks about the future, the minutes seldom write it
    assert "fremover" not in {
        c.surface for c in read(store, "skal cykelstien ligge langs hovedgaden fremover?").concepts
    }


def test_when_typed_with_a_bare_a_asks_when(store: Store) -> None:
    q = read(store, "hvornar blev cykelstien anlagt?")
    assert q.intent == "when" and "hvornar" not in {c.surface for c in q.concepts}


def test_vocabulary_counts_only_what_the_caller_may_see(store: Store) -> None:
    everyone = Vocabulary(store)
    chefs_hidden = Vocabulary(store, Access.of({"Byrådet"}))
    assert everyone.known("sygefraværstatistik") and not chefs_hidden.known("sygefraværstatistik")
    assert chefs_hidden.total() == 3 and everyone.total() == 6


# ---- what an item is about ------------------------------------------------------------------------


def test_about_document_has_a_fixed_length_and_the_title_in_the_strong_column(store: Store) -> None:
    sections = [Section("Sagsfremstilling", "sagsfremstilling", "Cykelstien anlægges. Cykelstien er smal.\nPris")]
    strong, weak = about_document(analyse(store.analyzer, "Cykelsti langs Hovedgaden", sections))
    assert len((strong + " " + weak).split()) == ABOUT_LENGTH
    assert "hovedgad" in strong.split() and weak.split()[-1] == PAD
    assert "cykelsti" in (strong + weak).split()  # two passages hold it


def test_a_subheading_heads_a_paragraph_and_a_roster_heads_nothing() -> None:
    assert is_subheading("Adgangskontrol på Rådhuset") and not is_subheading("Det blev besluttet.")
    text = "Adgangskontrol på Rådhuset\n\nVores adgangskontrol er af ældre dato og skal udskiftes.\n\n"
    text += "Uge 29: Marie Guldborg\nUge 30: Mette Lund\nUge 31: Jens Hansen"
    assert subheadings(text) == ["Adgangskontrol på Rådhuset"]


# ---- retrieval ---------------------------------------------------------------------------------------


def test_fusion_ranks_an_item_found_by_several_probes_first() -> None:
    fused = fuse({"about": [1, 2, 3], "all": [3, 1], "rare": [3]})
    assert [c.rowid for c in fused][:2] == [3, 1]
    assert dict(fused[0].probes) == {"about": 3, "all": 1, "rare": 1}
    # the full-text probes are one voice: agreeing with each other does not outvote the about index
    text_only = fuse({"about": [7, 8], "all": [9], "near": [9], "near:a:b": [9]})
    assert [c.rowid for c in text_only][0] == 7


def test_the_about_indexs_first_places_are_read_in_full_beside_the_best_fused() -> None:
    from index.retrieve import read_in_full

    # items 1-30 found by the full-text probes and the about index, item 99 only by the about index (3rd)
    about = [1, 2, 99, *range(3, 30)]
    fused = fuse({"about": about, "all": list(range(1, 31)), "near": list(range(1, 31))})
    params = dataclasses.replace(DEFAULT, analysed=5, about_reserved=3)
    assert 99 not in [c.rowid for c in fused][:5]
    chosen = [c.rowid for c in read_in_full(fused, about, params)]
    assert chosen == [c.rowid for c in fused[:5]] + [99]
    assert 99 not in [c.rowid for c in read_in_full(fused, about, dataclasses.replace(params, about_reserved=0))]


def test_a_scope_no_larger_than_what_is_read_in_full_is_read_whole(store: Store) -> None:
    t = trace(store, "Hvad drøftede Chefforum i marts 2021 om det hele?")
    assert {p[0] for c in t.candidates for p in c.probes} == {"scope"}
    assert len(t.candidates) == 3  # the meeting's three items, whatever the question's words
    assert top(store, "Hvad besluttede Chefforum i marts 2021 om tryghedsmålingen?") == ("Chefforum", "2021-03-10", 3)


def test_the_about_index_without_sizes_scores_every_row_as_with_them(store: Store) -> None:
    # items_about keeps no column sizes (m011); ABOUT_WEIGHT must give the scores a table with sizes gives
    schema = store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'items_about'").fetchone()[0]
    assert "columnsize=0" in schema
    rows = store.conn.execute("SELECT rowid, title, date, forum FROM items ORDER BY rowid").fetchall()
    docs = [
        (
            r["rowid"],
            *about_document(analyse(store.analyzer, r["title"], store._sections(r["rowid"]))),
            item_terms(r["date"], r["forum"]),
        )
        for r in rows
    ]
    conn = sqlite3.connect(":memory:")
    for name, sizes in (("sized", ""), ("sizeless", ", columnsize=0")):
        conn.execute(f"CREATE VIRTUAL TABLE {name} USING fts5(strong, weak, scope, content=''{sizes})")
        conn.executemany(f"INSERT INTO {name}(rowid, strong, weak, scope) VALUES (?, ?, ?, ?)", docs)
    words = sorted({w for _, strong, weak, _scope in docs for w in (strong + " " + weak).split() if w != PAD})
    expr = "{strong} : (" + " OR ".join(f'"{w}"' for w in words[:6]) + ') OR {weak} : ("' + words[-1] + '")'
    sized = conn.execute(
        "SELECT rowid, bm25(sized, 1, 1, 0) FROM sized WHERE sized MATCH ? ORDER BY rowid", [expr]
    ).fetchall()
    sizeless = conn.execute(
        f"SELECT rowid, bm25(sizeless{ABOUT_WEIGHTS}) FROM sizeless WHERE sizeless MATCH ? ORDER BY rowid", [expr]
    ).fetchall()
    assert len(sized) >= 2 and [r[0] for r in sized] == [r[0] for r in sizeless]
    assert all(a[1] == pytest.approx(b[1], rel=1e-9) for a, b in zip(sized, sizeless, strict=True))


def test_a_narrowed_about_probe_scores_only_the_scope_s_items_and_finds_the_same(store: Store) -> None:
    # the scope column (index/scope_terms.py) narrows what FTS5 scores; the join to `items` still decides
    words = " OR ".join(f'"{t}"' for t in store.analyzer.terms("cykelsti"))
    expr = "{strong} : (" + words + ")"
    scope = Scope(fora=frozenset({"Byrådet"}), date_from=dt.date(2024, 6, 1), date_to=dt.date(2024, 6, 30))
    narrowed = match_filter(scope.fora, scope.date_from, scope.date_to)
    assert narrowed == '{scope} : ("f0byrådet") AND {scope} : ("m202406")'
    plain = _probe(store, "items_about", expr, scope, 10, ABOUT_WEIGHTS)
    assert plain == _probe(store, "items_about", f"({expr}) AND {narrowed}", scope, 10, ABOUT_WEIGHTS)
    assert len(plain) == 1
    everywhere = store.conn.execute("SELECT rowid FROM items_about WHERE items_about MATCH ?", [expr]).fetchall()
    inside = store.conn.execute(
        "SELECT rowid FROM items_about WHERE items_about MATCH ?", [f"({expr}) AND {narrowed}"]
    ).fetchall()
    assert len(everywhere) == 2 and [r[0] for r in inside] == plain  # June's Cykelsti item, not December's
    # the question that names the body and the month is answered from the same item as before
    assert top(store, "Hvad besluttede Byrådet i juni 2024 om cykelstien?") == ("Byrådet", "2024-06-24", 2)


def test_the_scope_filter_says_a_period_by_months_or_years_and_leaves_the_rest_to_sql() -> None:
    may = match_filter(None, dt.date(2021, 5, 1), dt.date(2021, 5, 31))
    assert may == '{scope} : ("m202105")'
    assert match_filter(None, dt.date(2021, 11, 1), dt.date(2022, 1, 31)) == (
        '{scope} : ("m202111" OR "m202112" OR "m202201")'
    )
    assert match_filter(None, dt.date(2017, 1, 1), dt.date(2018, 12, 31)) == '{scope} : ("y2017" OR "y2018")'
    assert match_filter(None, dt.date(2023, 3, 1), None) == ""  # one bound: the years are unknown here
    assert match_filter(None, dt.date(2000, 1, 1), dt.date(2025, 12, 31)) == ""  # most of any archive
    assert match_filter(["Byråd 2022-2025", "Økonomiudvalget"], None, None) == (
        '{scope} : ("f0byråd20222025" OR "f0økonomiudvalget")'
    )
    assert item_terms("2024-06-24", "Byråd 2022-2025") == "y2024 m202406 f0byråd20222025"


def test_a_narrowed_full_text_probe_finds_what_the_join_alone_finds(store: Store) -> None:
    # the full-text probes of a narrowed question carry the same filter (items_fts has the scope column too)
    words = " OR ".join(f'"{t}"' for t in store.analyzer.terms("cykelsti"))
    scope = Scope(fora=frozenset({"Byrådet"}), date_from=dt.date(2024, 6, 1), date_to=dt.date(2024, 6, 30))
    narrowed = match_filter(scope.fora, scope.date_from, scope.date_to)
    weights = "," + ",".join(str(w) for w in FTS_WEIGHTS)
    plain = _probe(store, "items_fts", words, scope, 10, weights)
    assert plain and plain == _probe(store, "items_fts", f"({words}) AND {narrowed}", scope, 10, weights)
    everywhere = store.conn.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ?", [words]).fetchall()
    inside = store.conn.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ?", [f"({words}) AND {narrowed}"])
    assert len(everywhere) > len(plain) and [r[0] for r in inside] == plain
    # NEAR and AND probes take the filter as well
    near = f'NEAR({words.split(" OR ")[0]} "{store.analyzer.terms("juni")[0]}", 30) AND {narrowed}'
    store.conn.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ?", [near]).fetchall()


def test_scope_tokens_are_not_words_of_the_vocabulary(store: Store) -> None:
    # respelling and compound splitting read the vocabulary: a body's or a month's token is none of its words
    store.refresh_vocab()
    indexed = {r[0] for r in store.conn.execute("SELECT term FROM items_vocab")}
    assert {"m202406", "y2024", "f0byrådet"} <= indexed
    kept = {r[0] for r in store.conn.execute("SELECT term FROM term_df")}
    assert not kept & {"m202406", "y2024", "f0byrådet"} and "cykelsti" in {t[:8] for t in kept}
    assert not store.known_term("f0byrådet") and store.terms_with_prefix("f0") == []


def test_two_words_the_minutes_seldom_join_are_also_searched_apart(tmp_path: Path) -> None:
    # one item writes "villasitka", so the question's "villa sitka" reads as that word; the item about Villa
    # Sitka writes it apart, as the question did, and must be found and count as holding it
    items = [
        item(1, "Villa Sitka, salg", ("Sagsfremstilling", "Villa Sitka sælges."), ("Beslutning", "Godkendt.")),
        item(2, "Kystsikring", ("Sagsfremstilling", "Se også villasitka på hjemmesiden."), ("Beslutning", "Godkendt.")),
        *(item(n, f"Vejbump nr. {n}", ("Beslutning", "Godkendt.")) for n in range(3, 8)),
    ]
    s = _stored(tmp_path, {"a.txt": minutes("Byrådet", "06-05-2024", items)})
    q = read(s, "villa sitka")
    assert [(c.stem, c.parts, c.apart) for c in q.concepts] == [("villasitka", ("villa", "sitka"), True)]
    few = dataclasses.replace(DEFAULT, analysed=3)  # fewer than the items stored: the probes are asked
    t = trace(s, "villa sitka", params=few, today=TODAY)
    best = t.ranked[0]
    assert best.row["title"] == "Villa Sitka, salg" and t.verdicts[0].answers
    held = best.evidence.hits[0]
    assert (held.credit, held.passages, held.title) == (1.0, 1, True)  # the words stand apart in title and text
    # where the joined word is common, its own probes find the items and the words are not searched apart
    joined = dataclasses.replace(few, rare_df=0)
    assert all(
        p[0] != "apart" for c in trace(s, "villa sitka", params=joined, today=TODAY).candidates for p in c.probes
    )


def test_a_common_word_is_searched_only_where_items_are_strongly_about_it(store: Store) -> None:
    few = dataclasses.replace(DEFAULT, analysed=3)  # fewer than the six items stored: the probes are asked
    everything_common = dataclasses.replace(
        few, common_min=0, common_share=0.0, rare_df=0, full_or_max_df=0, small_scope=0
    )
    q = "cykelstien"
    strict = trace(store, q, params=everything_common)
    normal = trace(store, q, params=dataclasses.replace(few, analysed=5))
    assert {c.rowid for c in strict.candidates} <= {c.rowid for c in normal.candidates}
    assert all(p[0] == "about" for c in strict.candidates for p in c.probes)


def test_a_word_too_many_items_are_strongly_about_is_left_out_of_the_about_probe(store: Store, tmp_path: Path) -> None:
    wide = dataclasses.replace(DEFAULT, about_common_share=0.2, about_common_min=1)  # two of six items: "cykelsti"
    assert store.strong_doc_freq(["cykelsti", "lisbjerg", "ukendt"]) == {"cykelsti": 2, "lisbjerg": 1, "ukendt": 0}
    assert _telling(store, ["cykelsti", "lisbjerg"], 6, wide) == ["lisbjerg"]
    assert _telling(store, ["cykelsti", "hovedgad"], 6, wide) == ["cykelsti", "hovedgad"]  # every word: all kept
    assert _telling(store, ["cykelsti", "lisbjerg"], 5, wide) == ["cykelsti", "lisbjerg"]  # global counts, hidden items
    floor = dataclasses.replace(wide, about_common_min=2)  # and more items than this
    assert _telling(store, ["cykelsti", "lisbjerg"], 6, floor) == ["cykelsti", "lisbjerg"]
    # an ingest keeps the counts up to date (only the terms it touched are counted again)
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "d.txt").write_text(
        minutes("Byrådet", "03-02-2025", [item(1, "Cykelsti ved skolen", ("Beslutning", "Godkendt."))]),
        encoding="utf-8",
    )
    assert not ingest_paths(store, [tmp_path / "more" / "d.txt"]).failed
    assert store.strong_doc_freq(["cykelsti", "skol"]) == {"cykelsti": 3, "skol": 1}


def test_a_broad_scope_tested_after_ranking_gives_the_rows_the_join_gives(store: Store) -> None:
    def joined(scope: Scope, limit: int) -> list[int]:
        where, args = scope.sql()
        sql = (
            "SELECT f.rowid FROM items_fts f JOIN items i ON i.rowid = f.rowid WHERE items_fts MATCH ?"
            f"{where} ORDER BY bm25(items_fts) LIMIT ?"
        )
        return [r[0] for r in store.conn.execute(sql, ["cykelsti OR kvartal OR lisbjerg", *args, limit])]

    everything = Scope()
    one_body = Scope(access=parse_access(["Chefforum"]))  # hides most of the best rows: the join is asked
    for scope in (everything, one_body):
        assert scope.broad
        for limit in (1, 2, 10):
            assert _probe(store, "items_fts", "cykelsti OR kvartal OR lisbjerg", scope, limit) == joined(scope, limit)
    assert _probe(store, "items_fts", "cykelsti", one_body, 5) == []


# ---- evidence and ranking --------------------------------------------------------------------------


def test_a_period_inside_an_abbreviation_ends_no_passage() -> None:
    from index.passages import passages

    text = "Ejerne af matr.nr. 18ih, Greve By, har jf. planen søgt om en lokalplan. Ansøger ønsker det."
    assert [text[a:b] for a, b in passages(text)] == [
        "Ejerne af matr.nr. 18ih, Greve By, har jf. planen søgt om en lokalplan.",
        "Ansøger ønsker det.",
    ]


def test_evidence_counts_passages_title_and_the_meetings_own_year(store: Store) -> None:
    t = trace(store, "Hvad var sygefraværet i 1. kvartal i 2021?", today=TODAY)
    ev = t.ranked[0].evidence
    by_stem = dict(zip((c.stem for c in t.query.concepts), ev.hits, strict=True))
    assert by_stem["sygefravær"].passages == 2 and by_stem["sygefravær"].title is False
    assert by_stem["2021"].found and ev.coverage > 0.95


def test_a_kind_of_the_asked_word_in_the_title_is_the_title_naming_it(store: Store) -> None:
    # "Anlægsbevilling til idrætsanlæg i Lisbjerg" names a kind of "bevilling" (its compound's head)
    t = trace(store, "hvor stor var bevillingen i Lisbjerg?", today=TODAY)
    ev = next(s.evidence for s in t.ranked if "Lisbjerg" in s.evidence.row["title"])
    by_stem = dict(zip((c.stem for c in t.query.concepts), ev.hits, strict=True))
    assert by_stem["bevilling"].title and by_stem["bevilling"].credit == 0.8


def test_a_span_of_years_ending_in_two_digits_is_read_in_full(store: Store) -> None:
    end = next(c for c in read(store, "affaldsplanen for 2023-34").concepts if c.stem == "2034")
    assert end.terms == {"2034", "34"}  # the minutes may write the span short too
    assert "2025" in {c.stem for c in read(store, "planen for 2024-25").concepts}
    assert "2019" not in {c.stem for c in read(store, "planen for 2024-19").concepts}  # no span backwards


def test_the_latest_treatment_of_a_case_goes_first(store: Store) -> None:
    assert top(store, "Hvad er status på cykelstien langs Hovedgaden?") == ("Byrådet", "2024-12-02", 1)


def test_a_status_question_gets_the_newest_item_on_its_subject_under_a_new_case_number(tmp_path: Path) -> None:
    first = item(
        1, "Tilpasning af aftale om boliganvisning i Askerød",
        ("Sagsfremstilling", "Aftalen om kommunal boliganvisning i Askerød tilpasses, så boliganvisning sker hver "
                             "måned. Boliganvisning i Askerød evalueres."),
        ("Beslutning", "Godkendt."), case="23-005072",
    )  # fmt: skip
    later = item(
        1, "Status på boliganvisning i Askerød",
        ("Sagsfremstilling", "Boliganvisning i Askerød fortsætter i 2026."), ("Beslutning", "Taget til efterretning."),
        case="25-010060",
    )  # fmt: skip
    docs = {"a.txt": minutes("Byrådet", "29-01-2024", [first]), "b.txt": minutes("Udvalget", "21-10-2025", [later])}
    s = _stored(tmp_path, docs)
    t = trace(s, "Hvad er status på boliganvisning i Askerød?", today=TODAY)
    assert [r.row["date"] for r in t.ranked] == ["2025-10-21", "2024-01-29"] and "newer" in t.ranked[0].parts
    assert t.verdicts[0].answers
    # the search words alone, and a question when the status comes: the best item stays first
    assert trace(s, "aftale om boliganvisning i Askerød", today=TODAY).ranked[0].row["date"] == "2024-01-29"
    when = trace(s, "Hvornår får byrådet status på boliganvisning i Askerød?", today=TODAY)
    assert "newer" not in when.ranked[0].parts
    # never further than the share of the best item's score
    strict = dataclasses.replace(DEFAULT, status_newer_share=1.0)
    kept = trace(s, "Hvad er status på boliganvisning i Askerød?", today=TODAY, params=strict)
    assert kept.ranked[0].row["date"] == "2024-01-29"
    # a question that asks for the newest by name goes by its own share, which may be wider
    asked = "Hvad er det nyeste om boliganvisning i Askerød?"
    assert "newer" in trace(s, asked, today=TODAY, params=strict).ranked[0].parts
    both = dataclasses.replace(strict, newest_asked_share=1.0)
    assert trace(s, asked, today=TODAY, params=both).ranked[0].row["date"] == "2024-01-29"


def test_rank_keeps_the_score_parts_that_sum_to_the_score(store: Store) -> None:
    t = trace(store, "arkæologiske undersøgelser Lisbjerg")
    query = t.query
    evidence = [s.evidence for s in t.ranked]
    for s in rank(query, evidence, store.analyzer):
        assert abs(sum(s.parts.values()) - s.score) < 1e-9


# ---- abstention ------------------------------------------------------------------------------------


def test_a_topic_word_the_minutes_never_use_refuses(store: Store) -> None:
    t = trace(store, "Hvad blev besluttet om den nye svømmehal ved Hovedgaden?")
    assert not any(v.answers for v in t.verdicts)
    assert answer(store, "Hvad blev besluttet om den nye svømmehal ved Hovedgaden?", cfg=CFG).no_answer


def test_nearly_all_the_question_with_half_of_it_in_the_title_answers(store: Store) -> None:
    t = trace(store, "anlægsbevilling til idrætsanlægget i Lisbjerg")
    query, ev = t.query, t.ranked[0].evidence
    # its most specific words only in passing (one passage each, not in the title or the decision)
    passing = tuple(dataclasses.replace(h, passages=1, title=False, decision=False, heading=False) for h in ev.hits)
    weak = dataclasses.replace(ev, hits=passing, coverage=0.95, title=0.5)
    assert decide(query, weak).answers
    assert not decide(query, dataclasses.replace(weak, title=0.3)).answers
    assert not decide(query, dataclasses.replace(weak, coverage=0.8)).answers


def test_an_ad_hoc_compound_finds_the_items_compound_and_its_head() -> None:
    from index.evidence import _modifier_of_compound
    from index.question import Concept

    terrain = Concept("terrænsagen", "terrænsag", frozenset({"terrænsag"}), parts=("terræn", "sag"), known=False)
    where = {"terrænregulering": [0], "sag": [3], "rørsangervej": [0]}
    lines = "\n" + "\n".join(sorted(where)) + "\n"
    assert _modifier_of_compound(terrain, where, lines)  # "terrænregulering" and "sag" in the item
    assert not _modifier_of_compound(terrain, {"terrænregulering": [0]}, "\nterrænregulering\n")  # no "sag"
    hearing = Concept("høreapparater", "høreapparat", frozenset({"høreapparat"}), parts=("hør", "apparat"), known=False)
    assert not _modifier_of_compound(hearing, {"høring": [0], "apparat": [1]}, "\napparat\nhøring\n")  # too short
    # a short first part counts where the item's compound with it stands in one passage with the head
    food = Concept("madudbuddet", "madudbud", frozenset({"madudbud"}), parts=("mad", "udbud"), known=False)
    same = {"madlever": [0], "udbud": [0, 4]}
    assert _modifier_of_compound(food, same, "\nmadlever\nudbud\n")
    apart = {"madlever": [2], "udbud": [0, 4]}
    assert not _modifier_of_compound(food, apart, "\nmadlever\nudbud\n")
    # the head is the compound's last part, not the first part's own parts ("hånd", "værk" of "håndværker")
    crafts = Concept(
        "håndværkeropgaver", "håndværkeropgav", frozenset({"håndværkeropgav"}),
        parts=("håndværk", "hånd", "værk", "opgav"), known=False,
    )  # fmt: skip
    held = {"håndværkerydels": [1], "opgav": [1, 3]}
    assert _modifier_of_compound(crafts, held, "\nhåndværkerydels\nopgav\n")


def test_a_word_no_item_holds_may_begin_an_items_compound() -> None:
    from index.evidence import _begins_compound
    from index.question import Concept

    clubhouse = Concept("klubhuset", "klubhus", frozenset({"klubhus"}), known=False)
    assert _begins_compound(clubhouse, "\nkunstgræsban\nklubhusfacilitet\n")
    assert not _begins_compound(clubhouse, "\nkunstgræsban\nklubhu\n")  # no compound that it begins
    short = Concept("hallen", "hal", frozenset({"hal"}), known=False)
    assert not _begins_compound(short, "\nhalvtag\n")  # three letters begin too many words


def test_money_for_something_is_about_what_it_is_for(tmp_path: Path) -> None:
    # "specialundervisningspengene": the minutes speak of the budgets for special education, not of "penge"
    text = minutes("Skoleudvalget", "04-02-2025", [
        item(1, "Ny model for fordeling af budgetter til specialundervisning",
             ("Sagsfremstilling", "Budgetterne til specialundervisning fordeles efter elevtal."),
             ("Beslutning", "Godkendt.")),
        item(2, "Lommepenge til elevrådet", ("Sagsfremstilling", "Elevrådet får penge til en tur."),
             ("Beslutning", "Godkendt.")),
    ])  # fmt: skip
    s = _stored(tmp_path, {"sk.txt": text})
    q = parse("fordelingen af specialundervisningspengene", s.analyzer, Vocabulary(s), fora=s.fora(), today=TODAY)
    c = next(c for c in q.concepts if c.surface == "specialundervisningspengene")
    assert c.parts[-1] == "peng" and "specialundervisning" in c.terms and c.known
    a = answer(s, "fordelingen af specialundervisningspengene", cfg=CFG, today=TODAY)
    assert not a.no_answer and a.answers[0].item.number == 1


def test_a_number_the_question_names_must_be_in_the_item(store: Store) -> None:
    t = trace(store, "Hvad var sygefraværet i 3. kvartal 2019?", today=TODAY)
    assert all(not v.answers for v in t.verdicts)


def test_a_missing_question_verb_does_not_refuse(store: Store) -> None:
    t = trace(store, "Hvad mente byrådet om cykelstien langs Hovedgaden?", today=TODAY)
    assert decide(t.query, t.ranked[0].evidence).answers
    # a verb the minutes never use is how the question asks, not a topic they lack
    t = trace(store, "Hvem foreslog cykelstien langs Hovedgaden?", today=TODAY)
    assert any(c.phrasing and not c.known for c in t.query.concepts)
    assert decide(t.query, t.ranked[0].evidence).answers


def test_a_word_only_in_hidden_minutes_changes_nothing(store: Store) -> None:
    """No existence oracle: a question is answered or refused the same whether its odd word is in minutes
    the caller may not see or nowhere."""
    web = Access.of({"Byrådet"})
    hidden = answer(store, "cykelsti pjece", access=web, cfg=CFG, today=TODAY)  # "pjece": Chefforum's minutes only
    nowhere = answer(store, "cykelsti pjuxe", access=web, cfg=CFG, today=TODAY)
    assert not nowhere.no_answer and hidden.no_answer == nowhere.no_answer
    assert [h.item.title for h in hidden.answers] == [h.item.title for h in nowhere.answers]


# ---- quotes ------------------------------------------------------------------------------------------


def test_the_quote_is_the_passage_the_question_tells_apart_verbatim(store: Store) -> None:
    t = trace(store, "Hvor meget afsættes til arkæologiske undersøgelser ved idrætsanlægget i Lisbjerg?")
    ev = with_text(store, t.ranked[0].evidence)
    quotes = choose_quotes(ev, t.query)
    assert "3,4 mio. kr." in quotes[0].text
    for q in quotes:
        assert q.text in ev.sections[[s.heading for s in ev.sections].index(q.section)].text


def test_when_is_read_in_a_precedent_or_status_question_typed_without_aa(store: Store) -> None:
    for typed in ("hvornår", "hvornaar"):
        assert _intent(read(store, f"{typed} har Chefforum tidligere behandlet cykelstien?")) == "precedent-when"
        assert _intent(read(store, f"hvordan går det med cykelstien – {typed} kommer den?")) == "when"


def test_which_firm_asks_for_a_name_also_as_the_head_of_a_compound(store: Store) -> None:
    assert _intent(read(store, "hvilken leverandør anlægger cykelstien?")) == "who"
    assert _intent(read(store, "hvilken privat anlægsleverandør fik cykelstien?")) == "who"
    assert _intent(read(store, "hvilken belægning får cykelstien?")) == "fact"
    # people by their role ask for names too; a name the item gives is what the item says, not a figure
    assert _intent(read(store, "hvilke politikere skal følge cykelstien?")) == "who"
    assert _intent(read(store, "hvad kommer cykelstien til at hedde?")) == "fact-open"


def test_an_earlier_treatment_is_quoted_by_what_it_says_of_the_matter_then_its_decision(store: Store) -> None:
    ans = answer(
        store, "Har Byrådet tidligere behandlet at cykelstien langs Hovedgaden anlægges?", cfg=CFG, today=TODAY
    )
    assert ans.intent == "precedent"
    first = next(h for h in ans.answers if h.item.title == "Cykelsti langs Hovedgaden")
    assert [q.text for q in first.quotes] == ["Cykelstien anlægges i 2025.", "Byrådet godkendte cykelstien."]


def test_the_quotes_weights_are_the_params(store: Store) -> None:
    # the section priors live in Params like the ranking's weights: a heavy decision prior quotes the decision
    t = trace(store, "Hvad var sygefraværet i 1. kvartal 2021?", today=TODAY)
    ev = with_text(store, t.ranked[0].evidence)
    assert choose_quotes(ev, t.query)[0].kind != DECISION
    heavy = dataclasses.replace(DEFAULT, quote_decision_prior=9.0, quote_stating_decision_prior=9.0)
    assert choose_quotes(ev, t.query, heavy)[0].kind == DECISION


def test_a_decision_that_only_takes_note_quotes_the_matching_passage(store: Store) -> None:
    a = answer(store, "Hvad blev besluttet om sygefraværet i 1. kvartal?", cfg=CFG, today=TODAY)
    assert "5,1 %" in a.answers[0].quotes[0].text
    assert any(q.kind == DECISION for q in a.answers[0].quotes)  # the decision line is shown too


def test_gather_and_with_text_leave_the_cached_analysis_alone(store: Store) -> None:
    t = trace(store, "Enebærhegnet")
    row = t.ranked[0].row
    first = gather(store, t.query, row)
    assert with_text(store, first).sections and not first.sections


def test_a_municipality_the_question_names_filters_when_several_are_stored(tmp_path: Path) -> None:
    s = Store(tmp_path / "m.db")
    for town, name in (("Greve", "g.txt"), ("Solrød", "s.txt")):
        block = item(1, "Cykelsti langs Hovedgaden", ("Beslutning", f"Byrådet i {town} godkendte cykelstien."))
        (tmp_path / name).write_text(minutes("Byrådet", "24-06-2024", [block]), encoding="utf-8")
    towns = {"g.txt": "Greve", "s.txt": "Solrød"}
    assert not ingest_paths(
        s, [tmp_path / "g.txt", tmp_path / "s.txt"], municipality_for=lambda p: towns[p.name]
    ).failed
    a = answer(s, "Hvad besluttede byrådet om cykelstien i Greve?", cfg=CFG, today=TODAY)
    assert a.filters["municipalities"] == ["Greve"]
    assert [h.quotes[0].text for h in a.answers] == ["Byrådet i Greve godkendte cykelstien."]
    both = answer(s, "Hvad besluttede byrådet om cykelstien?", cfg=CFG, today=TODAY)
    assert len(both.answers) == 2  # two meetings of one body on one day in two municipalities stay apart


def test_an_agenda_never_answers_what_was_decided(tmp_path: Path) -> None:
    block = item(2, "Lokalplan for datacenter ved Greve Centervej",
                 ("Indstilling", "Administrationen indstiller, at lokalplanen for datacentret sendes i høring."))  # fmt: skip
    agenda = minutes("Plan- og Tryghedsudvalget", "09-09-2025", [block]).replace("REFERAT", "DAGSORDEN", 1)
    s = _stored(tmp_path, {"dagsorden.txt": agenda})
    assert s.conn.execute("SELECT kind FROM meetings").fetchone()[0] == "dagsorden"
    decided = answer(s, "Hvad blev besluttet om lokalplanen for datacentret?", cfg=CFG, today=TODAY)
    assert decided.no_answer and not decided.answers
    # asked what is coming up, the agenda answers, and says it is an agenda
    coming = answer(s, "lokalplan datacenter Greve Centervej", cfg=CFG, today=TODAY)
    assert not coming.no_answer and coming.answers[0].meeting.title.startswith("Dagsorden ")


def test_a_number_and_its_word_side_by_side_in_the_title_stand_together(tmp_path: Path) -> None:
    # "Nørregade 41, Tune - dispensation …": the title holds the address, the text only the rest
    text = minutes("Teknikudvalget", "30-05-2024", [
        item(1, "Nørregade 41, Tune - dispensation til bortledning af overfladevand",
             ("Sagsfremstilling", "Ejeren søger dispensation til at lede overfladevand til vejen."),
             ("Beslutning", "Godkendt.")),
    ])  # fmt: skip
    s = _stored(tmp_path, {"n.txt": text})
    t = trace(s, "dispensation til overfladevand fra Nørregade 41", today=TODAY)
    number = next(h for c, h in zip(t.query.concepts, t.ranked[0].evidence.hits, strict=True) if c.surface == "41")
    assert number.bound and t.verdicts[0].answers


def test_a_slash_separates_words_that_are_never_joined(store: Store) -> None:
    # "spørgsmål/svar", "cykelsti/hovedgaden": two words, even where the corpus knows them joined
    assert [c.surface for c in read(store, "cykel/stien langs Hovedgaden").concepts][:2] == ["cykel", "stien"]
    assert "cykelstien" in [c.surface for c in read(store, "cykel stien langs Hovedgaden").concepts]


def test_a_said_yes_is_phrasing(store: Store) -> None:
    assert [c.surface for c in read(store, "har chefforum sagt ja til cykelstien").concepts] == ["cykelstien"]


def test_the_item_must_dwell_on_the_heaviest_words_it_holds(store: Store) -> None:
    # "den gamle Tune Skole-grund og plejehjem": the heaviest word lacking, the next in passing, the item
    # about the third: what it must be about are the heaviest words it holds
    t = trace(store, "ledningsarbejde pjece renovering cykelstien hovedgaden", today=TODAY)
    query, ev = t.query, t.ranked[0].evidence
    order = sorted(range(len(query.concepts)), key=lambda i: -query.concepts[i].weight)
    assert len(order) >= 4 and query.shares[order[0]] <= DEFAULT.max_missing_share
    passing = dict(credit=1.0, passages=1, title=False, decision=False, heading=False)
    hits = [dataclasses.replace(h, **passing) for h in ev.hits]
    hits[order[0]] = dataclasses.replace(hits[order[0]], credit=0.0, passages=0)
    held = dataclasses.replace(ev, hits=tuple(hits), coverage=0.75)
    assert not decide(query, held).answers  # every word it holds only in passing
    hits[order[2]] = dataclasses.replace(hits[order[2]], title=True)
    assert decide(query, dataclasses.replace(held, hits=tuple(hits))).answers
    hits[order[2]] = dataclasses.replace(hits[order[2]], title=False)
    hits[order[3]] = dataclasses.replace(hits[order[3]], title=True)
    assert not decide(query, dataclasses.replace(held, hits=tuple(hits))).answers  # not among the heaviest two


def test_every_word_of_a_narrowed_question_answers_though_only_in_passing(store: Store) -> None:
    # "hvem har rammeaftalen for aktivitetsparate og ressourceforløb, som BEU forlængede i jan 24?": inside
    # one body's month an item holding all of three words or more answers, however briefly it holds them
    t = trace(store, "ledningsarbejde pjece renovering cykelstien hovedgaden", today=TODAY)
    query, ev = t.query, t.ranked[0].evidence
    passing = dict(credit=1.0, passages=1, title=False, decision=False, heading=False)
    held = dataclasses.replace(ev, hits=tuple(dataclasses.replace(h, **passing) for h in ev.hits), coverage=1.0)
    held = dataclasses.replace(held, title=0.0, window=0.2)
    assert not decide(query, held).answers  # the whole archive: every word only in passing
    narrowed = dataclasses.replace(query, date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 1, 31))
    assert decide(narrowed, held).answers
    assert not decide(narrowed, dataclasses.replace(held, coverage=0.9)).answers  # a word missing
    few = dataclasses.replace(DEFAULT, narrowed_all_words=len(query.concepts) + 1)
    assert not decide(narrowed, held, few).answers  # too few words to tell the item apart


def test_a_question_naming_the_meeting_s_day_answers_with_less_of_its_words(store: Store) -> None:
    # "må skolerne selv bestemme om de lukker kantinen efter besparelsen? skoleudv. d. 4/6-24": the item
    # writes "nedlægge kantinen", "reducere midlerne"; the day says where the answer is, so an item that
    # holds the question's most specific words and is about them answers at a lower floor
    t = trace(store, "ledningsarbejde pjece renovering cykelstien hovedgaden", today=TODAY)
    query, ev = t.query, t.ranked[0].evidence
    heaviest = sorted(range(len(query.concepts)), key=lambda i: -query.concepts[i].weight)[:2]
    found = dict(credit=1.0, passages=3, title=False, decision=False, heading=False)  # about it, not its title
    missing = dict(credit=0.0, passages=0, title=False, decision=False, heading=False)
    hits = tuple(dataclasses.replace(h, **(found if i in heaviest else missing)) for i, h in enumerate(ev.hits))
    held_share = sum(query.share(query.concepts[i]) for i in heaviest)
    assert DEFAULT.day_min_coverage <= held_share < DEFAULT.min_coverage
    assert all(query.share(query.concepts[i]) <= DEFAULT.max_missing_share for i in range(len(hits)))
    held = dataclasses.replace(ev, hits=hits, coverage=held_share, title=0.0, window=0.2)
    assert not decide(query, held).answers  # the whole archive: too little of the question
    month = dataclasses.replace(query, date_from=dt.date(2024, 6, 1), date_to=dt.date(2024, 6, 30))
    assert not decide(month, held).answers  # a month is no meeting named
    day = dataclasses.replace(query, date_from=dt.date(2024, 6, 4), date_to=dt.date(2024, 6, 4))
    assert decide(day, held).answers
    # the most specific words are still required
    lacking = tuple(dataclasses.replace(h, **missing) if i == heaviest[0] else h for i, h in enumerate(hits))
    assert not decide(day, dataclasses.replace(held, hits=lacking)).answers


def test_the_newest_treatment_put_first_answers_when_the_one_before_it_does(store: Store) -> None:
    t = trace(store, "hvad er status på cykelstien langs hovedgaden", today=TODAY)
    newest, earlier = t.ranked[0], t.ranked[1]
    assert "latest" in newest.parts and newest.row["date"] > earlier.row["date"]
    # the newest step's own text holding too little of the question
    held = tuple(dataclasses.replace(h, credit=0.3) for h in newest.evidence.hits)
    weak = dataclasses.replace(newest.evidence, coverage=0.3, title=0.0, hits=held)
    thin = dataclasses.replace(newest, evidence=weak)
    assert not decide(t.query, weak).answers
    verdicts = decide_ranked(t.query, [thin, earlier])
    assert verdicts[0].answers and "newest treatment" in verdicts[0].reason
    # not lifted by the ranking: judged on its own
    plain = dataclasses.replace(thin, parts={k: v for k, v in thin.parts.items() if k != "latest"})
    assert not decide_ranked(t.query, [plain, earlier])[0].answers


def test_a_word_no_item_is_about_weighs_less_towards_the_floor(store: Store) -> None:
    t = trace(store, "cykelstien langs hovedgaden", today=TODAY)
    ev = t.ranked[0].evidence
    assert len(t.query.concepts) == 3
    # three words of equal weight: the item lacks the last and holds the second only as parts, which leaves
    # it under the floor (1 + 0.5 + 0 of 3) while no single missing word is heavy enough to refuse it
    concepts = tuple(dataclasses.replace(c, weight=1.0) for c in t.query.concepts)
    hits = (ev.hits[0], dataclasses.replace(ev.hits[1], credit=0.5), dataclasses.replace(ev.hits[2], credit=0.0))
    short = dataclasses.replace(ev, hits=hits, coverage=0.5)
    query = dataclasses.replace(t.query, concepts=concepts)
    assert decide(query, short).short  # no counts to go by: every word weighs as it is
    # the last word is met in 400 items and is the topic of none: how the question asks, not what about
    topics = [(60, 300), (80, 400), (0, 400)]
    topical = dataclasses.replace(
        query, concepts=tuple(dataclasses.replace(c, topic_counts=n) for c, n in zip(concepts, topics, strict=True))
    )
    kept = topicality(topical.concepts[2])
    assert kept == pytest.approx(0.3 + 0.7 * (1 / 410) / 0.1)
    assert topicality(topical.concepts[0]) == topicality(topical.concepts[1]) == 1.0
    assert topical_coverage(topical, short) == pytest.approx(1.5 / (kept + 2))
    assert decide(topical, short).answers
    # a rare word keeps most of its weight: its few items tell little of how the minutes use it
    assert topicality(dataclasses.replace(topical.concepts[2], topic_counts=(0, 3))) > 0.7
    # a number narrows the question, whatever items are about: it keeps its weight
    assert topicality(dataclasses.replace(topical.concepts[2], stem="2023")) == 1.0


def test_an_item_just_short_of_the_floor_answers_over_a_far_weaker_one_that_does(store: Store) -> None:
    t = trace(store, "cykelstien langs hovedgaden", today=TODAY)
    best, other = t.ranked[0], t.ranked[1]
    held = tuple(dataclasses.replace(h, credit=0.55) for h in best.evidence.hits)
    short = dataclasses.replace(best, evidence=dataclasses.replace(best.evidence, coverage=0.55, hits=held), parts={})
    weaker = dataclasses.replace(other, score=best.score - 1.0)
    assert decide(t.query, short.evidence).short and decide(t.query, weaker.evidence).answers
    verdicts = decide_ranked(t.query, [short, weaker])
    assert verdicts[0].answers and verdicts[1].answers
    # not when the one that answers scores about as well, nor when the first holds too little
    close = dataclasses.replace(other, score=best.score - 0.1)
    assert not decide_ranked(t.query, [short, close])[0].answers
    thin = dataclasses.replace(
        short,
        evidence=dataclasses.replace(
            best.evidence, coverage=0.3, hits=tuple(dataclasses.replace(h, credit=0.3) for h in best.evidence.hits)
        ),
    )
    assert not decide_ranked(t.query, [thin, weaker])[0].answers
    # nothing else answers: the floor holds
    assert not decide_ranked(t.query, [short])[0].answers


def test_a_forked_process_gets_probe_threads_of_its_own(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retrieve, "PARALLEL_FROM_ITEMS", 0)  # side by side at any size
    few = dataclasses.replace(DEFAULT, analysed=3)  # fewer than the items stored: the probes are asked
    assert trace(store, "cykelstien langs Hovedgaden", params=few).candidates
    assert retrieve._executor()._threads  # the probe threads exist in this process
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child asks the probes side by side too (a copied executor would never run them)
        try:
            os.write(write, b"1" if trace(store, "cykelstien langs Hovedgaden", params=few).candidates else b"0")
        finally:
            os._exit(0)
    os.close(write)
    ready, _, _ = select.select([read], [], [], 20)
    if not ready:
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    assert ready and os.read(read, 1) == b"1"


def test_a_firm_by_its_legal_form_answers_who() -> None:
    from index.patterns import WHO

    assert WHO.search("EPC III projektet var et energiprojekt, hvor der blev indgået kontrakt med Siemens A/S.")
    assert WHO.search("Administrationen indstiller, at KLAR Forsyning A/S vælges til at stå for udbuddet.")
    assert not WHO.search("Administrationen indstiller, at forsyningen vælges til at stå for udbuddet.")


def test_a_short_verbs_past_finds_the_verb_and_its_noun() -> None:
    from index.analyze import get_analyzer
    from index.question import _weak_past

    a = get_analyzer()
    known = {"lån", "men"}.__contains__
    assert _weak_past("lånt", a.stem("lånt"), a, known) == {"lån"}
    assert _weak_past("lånte", a.stem("lånte"), a, known) == {"lån"}
    assert _weak_past("mente", a.stem("mente"), a, known) == set()  # a stopword is never the verb
    assert _weak_past("rigtige", a.stem("rigtige"), a, {"rig"}.__contains__) == set()  # not a past form


def test_an_item_whose_title_names_only_other_years_is_not_of_the_asked_year() -> None:
    from index.question import Query
    from index.rank import _other_years

    asked = Query(question="led-pulje 2022 hvilke haller", years=frozenset({2022}))
    assert _other_years(asked, {"title": "Energibesparelsesprojekter, frigivelse af LED-pulje, 2023"})
    assert not _other_years(asked, {"title": "Frigivelse af LED-pulje, 2022"})
    assert not _other_years(asked, {"title": "Frigivelse af LED-pulje"})  # no year: the meeting's says it
    assert not _other_years(Query(question="led-pulje"), {"title": "Frigivelse af LED-pulje, 2023"})


def test_the_meeting_day_and_body_acronym_count_as_found_when_the_date_is_read_as_words(store: Store) -> None:
    # "(CF 10/3-21)" read again without its filters: the day, month and year are words, and so is "CF"
    q = parse(
        "koster renoveringen af enebærhegnet? (CF 10/3-21)", store.analyzer, Vocabulary(store),
        fora=store.fora(), today=TODAY, relaxed=True,
    )  # fmt: skip
    assert "10" in [c.surface for c in q.concepts]
    rows = {r["title"]: r for r in store.conn.execute("SELECT rowid, * FROM items")}
    that_day = gather(store, q, dict(rows["Renovering af Enebærhegnet"]))
    found = {c.surface: h for c, h in zip(q.concepts, that_day.hits, strict=True)}
    assert found["10"].meta and found["10"].credit == 1.0
    # where the minutes use "CF" as a word too, the question keeps it, and it names the meeting's body
    assert "cf" in meeting_terms(store, dict(rows["Renovering af Enebærhegnet"]))
    other_day = gather(store, q, dict(rows["Cykelsti langs Hovedgaden"]))
    assert not next(h for c, h in zip(q.concepts, other_day.hits, strict=True) if c.surface == "10").found


def test_a_number_alone_is_never_the_meeting_day(store: Store) -> None:
    q = read(store, "renovering 10")  # no month after it: a number the item must hold
    rows = {r["title"]: r for r in store.conn.execute("SELECT rowid, * FROM items")}
    ev = gather(store, q, dict(rows["Renovering af Enebærhegnet"]))
    assert not next(h for c, h in zip(q.concepts, ev.hits, strict=True) if c.surface == "10").found


def test_the_narrowed_readings_candidates_stay_when_the_question_is_read_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the day filter finds nothing that answers ("tilsendt" is in no item), so the question is read again with
    # the date as words; there a large archive's matches of "10", "marts", "2021" may crowd out the meeting's
    # item (here: the second reading retrieves nothing), which the first reading found and which answers now
    import index.answer as A

    calls: list[bool] = []

    def retrieve_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(True)
        return retrieve.retrieve(*args, **kwargs) if len(calls) == 1 else []

    monkeypatch.setattr(A, "retrieve", retrieve_once)
    t = trace(store, "enebærhegnet tilsendt (CF 10/3-21)", today=TODAY)
    assert len(calls) == 2 and t.query.date_from is None  # read again, without the day
    first = next(r for r, v in zip(t.ranked, t.verdicts, strict=True) if v.answers)
    assert first.row["title"] == "Renovering af Enebærhegnet"


def test_an_ad_hoc_compound_is_about_the_item_whose_compounds_it_begins(tmp_path: Path) -> None:
    # "repatrieringsstøtten" is no word of the minutes; the item is about "repatriering" (its title and
    # text say "Repatrieringsindsatsen", "repatrieringsloven") and holds "støtte", so it answers, though the
    # question's other word ("dækker") stands in one passage only
    text = minutes(
        "Plan- og Tryghedsudvalget",
        "29-04-2025",
        [
            item(
                2,
                "Repatrieringsindsatsen i Greve Kommune",
                ("Sagsfremstilling", "Repatriering er frivillig. I 2024 rejste 309 personer efter repatrieringsloven. "
                 "Repatrieringsindsatsen drives af jobcentret. Støtten dækker rejseudgifter og etableringshjælp."),
                ("Beslutning", "Orienteringen blev taget til efterretning."),
            ),
            item(3, "Trafiksikkerhedsplan", ("Sagsfremstilling", "Planen dækker alle veje i kommunen."),
                 ("Beslutning", "Godkendt.")),
        ],
    )  # fmt: skip
    s = _stored(tmp_path, {"r.txt": text})
    t = trace(s, "hvad dækker repatrieringsstøtten egentlig", today=TODAY)
    first = next(r for r, v in zip(t.ranked, t.verdicts, strict=True) if v.answers)
    assert first.row["title"] == "Repatrieringsindsatsen i Greve Kommune"
    hit = first.evidence.hits[[c.surface for c in t.query.concepts].index("repatrieringsstøtten")]
    assert hit.found and hit.about and hit.title


def test_the_most_specific_words_are_the_heaviest_by_their_topical_weight(store: Store) -> None:
    # "naboerne … tror tit at …": two words rare in the minutes because no item is about them ("tror", "tit")
    # outweigh the topic by plain weight; the words that say what the question is about are the specific ones
    t = trace(store, "cykelstien langs hovedgaden", today=TODAY)
    ev = t.ranked[0].evidence
    c = t.query.concepts
    topic = [
        dataclasses.replace(c[0], weight=1.0, topic_counts=(60, 300)),
        dataclasses.replace(c[1], weight=1.0, topic_counts=(80, 400)),
    ]
    phrasing = [
        dataclasses.replace(c[2], surface=w, stem=w, weight=1.2, topic_counts=(0, 400)) for w in ("tror", "tit")
    ]
    query = dataclasses.replace(t.query, concepts=(*topic, *phrasing))
    held = dataclasses.replace(ev.hits[0], credit=1.0, passages=3)
    hits = (held, held, dataclasses.replace(held, credit=0.0, passages=0, title=False, heading=False, decision=False))
    lacking = dataclasses.replace(ev, hits=(*hits, hits[2]), coverage=2 / 4.4)
    verdict = decide(query, lacking)
    assert verdict.answers and "most specific" in verdict.reason
    # where the heavy words are topics items are about, an item lacking them is refused
    topical = dataclasses.replace(
        query, concepts=(*topic, *(dataclasses.replace(p, topic_counts=(60, 300)) for p in phrasing))
    )
    assert not decide(topical, lacking).answers


def test_the_meetings_season_counts_as_found_when_the_season_is_read_as_a_word(store: Store) -> None:
    rows = {r["title"]: dict(r) for r in store.conn.execute("SELECT rowid, * FROM items")}
    # Chefforum met in March (spring), Byrådet in June (summer) and December (winter)
    assert "forår" in meeting_terms(store, rows["Renovering af Enebærhegnet"])
    assert "vint" in meeting_terms(store, rows["Cykelsti langs Hovedgaden - status"])
    q = parse("enebærhegnet foråret", store.analyzer, Vocabulary(store), fora=store.fora(), today=TODAY)
    ev = gather(store, q, rows["Renovering af Enebærhegnet"])
    season = next(h for c, h in zip(q.concepts, ev.hits, strict=True) if c.surface == "foråret")
    assert season.meta and season.found


def test_a_fact_question_whose_noun_names_a_firm_ranks_by_a_firms_name(tmp_path: Path) -> None:
    # "Hvilket firma …" asks who: the item that names a firm beside the question's words goes first, as for
    # "hvem …"; the other item holds the question's words as fully, but no firm
    docs = {
        "a.txt": minutes("Teknisk Udvalg", "02-06-2022", [item(
            1, "Udbud 2023",
            ("Sagsfremstilling", "Kontrakten om rottebekæmpelse sendes i udbud i år."),
            ("Beslutning", "Godkendt."))]),
        "b.txt": minutes("Teknisk Udvalg", "21-11-2024", [item(
            1, "Handlingsplan 2025-2027",
            ("Sagsfremstilling", "Kontrakten om rottebekæmpelse er indgået med Kiltin A/S."),
            ("Beslutning", "Godkendt."))]),
    }  # fmt: skip
    s = _stored(tmp_path, docs)
    t = trace(s, "hvilket firma har kontrakten om rottebekæmpelse?", today=TODAY)
    assert t.query.intent == "fact" and answer_kind(t.query) == "who"
    assert t.ranked[0].row["title"] == "Handlingsplan 2025-2027"
    assert t.ranked[0].parts.get("answer_type") and not t.ranked[1].parts.get("answer_type")


def test_a_long_question_is_not_refused_for_lacking_its_two_rarest_words(store: Store) -> None:
    t = trace(store, "cykelstien langs hovedgaden", today=TODAY)
    ev = t.ranked[0].evidence
    base = t.query.concepts[0]
    words = [dataclasses.replace(base, surface=w, stem=w, weight=1.0, topic_counts=(60, 300)) for w in "abcd"]
    rare = [dataclasses.replace(base, surface=w, stem=w, weight=1.3, topic_counts=(60, 300)) for w in "xy"]
    query = dataclasses.replace(t.query, concepts=(*words, *rare))
    held = dataclasses.replace(ev.hits[0], credit=1.0, passages=3)
    lacking = dataclasses.replace(held, credit=0.0, passages=0, title=False, heading=False, decision=False)
    most = dataclasses.replace(ev, hits=(held,) * 4 + (lacking,) * 2, coverage=4 / 6.6)
    assert decide(query, most).answers  # six words, 61 % of them held: the rarest two are a small share
    # a question shorter than `long_question_words` must hold its most specific words
    shorter = dataclasses.replace(DEFAULT, long_question_words=7)
    assert "most specific" in decide(query, most, shorter).reason


def test_a_question_of_one_unknown_compound_is_answered_by_the_item_that_writes_its_parts(tmp_path: Path) -> None:
    # "museumsbestyrelsen" is no word of the minutes; one item writes "bestyrelsen for Greve Museum" and begins
    # a compound with "museum", which finds the question's only word: that item answers, none else does
    text = minutes(
        "Kultur- og Fritidsudvalget",
        "04-06-2025",
        [
            item(
                3,
                "Dialogmøde med bestyrelsen for Greve Museum",
                ("Sagsfremstilling", "Udvalget mødes med bestyrelsen for Greve Museum om museumsdriften og "
                 "udstillingerne i 2026."),
                ("Beslutning", "Udvalget drøftede samarbejdet."),
            ),
            item(4, "Lokaletilskud 2025", ("Sagsfremstilling", "Tilskud til foreningernes lokaler."),
                 ("Beslutning", "Godkendt.")),
        ],
    )  # fmt: skip
    s = _stored(tmp_path, {"m.txt": text})
    t = trace(s, "hvornår har vi haft møde med museumsbestyrelsen?", today=TODAY)
    answering = [r.row["title"] for r, v in zip(t.ranked, t.verdicts, strict=True) if v.answers]
    assert answering == ["Dialogmøde med bestyrelsen for Greve Museum"]
    (concept,) = [c for c in t.query.concepts if c.surface == "museumsbestyrelsen"]
    assert not concept.known and concept.required


def test_a_two_digit_number_is_found_as_the_year_it_writes_short(tmp_path: Path) -> None:
    # "alliancen 24-25": the item says "2024 og 2025"; an item without those years is still refused for them
    text = minutes(
        "Byrådet",
        "26-06-2024",
        [
            item(26, "Køge Bugt Alliancen - aktiviteter i 2024 og 2025",
                 ("Sagsfremstilling", "Alliancen planlægger fælles aktiviteter om havmiljøet."),
                 ("Beslutning", "Byrådet besluttede at fortsætte samarbejdet i 2025.")),
            item(27, "Køge Bugt Alliancen - aktiviteter i 2022",
                 ("Sagsfremstilling", "Alliancen planlægger fælles aktiviteter om havmiljøet."),
                 ("Beslutning", "Godkendt.")),
        ],
    )  # fmt: skip
    s = _stored(tmp_path, {"y.txt": text})
    t = trace(s, "køge bugt alliancen 24-25", today=TODAY)
    verdicts = {r.row["title"]: v for r, v in zip(t.ranked, t.verdicts, strict=True)}
    assert verdicts["Køge Bugt Alliancen - aktiviteter i 2024 og 2025"].answers
    assert not verdicts["Køge Bugt Alliancen - aktiviteter i 2022"].answers


def test_a_two_digit_number_is_a_year_only_where_the_question_writes_one() -> None:
    from index.evidence import _short_year
    from index.question import Concept

    def year(question: str, number: str) -> str | None:
        return _short_year(Concept(number, number, frozenset({number})), question)

    assert year("køge bugt alliancen 24-25", "24") == "2024"
    assert year("sæson 24/25", "25") == "2025"
    assert year("hvad skete der med sagen i 23?", "23") == "2023"
    assert year("vejarbejdet i uge 24", "24") is None  # a week
    assert year("åbent i 24 timer", "24") is None  # a count


def test_a_short_year_beside_its_noun_stands_together_as_the_full_year(tmp_path: Path) -> None:
    # "skoleåret 22/23": the item writes "skoleåret 2022/2023", and "22" only in a date elsewhere; the
    # question's "skoleåret 22" stands together as a year does
    text = minutes(
        "Skole-, Børne- og Ungeudvalget",
        "13-09-2022",
        [
            item(6, "Orientering om nyt test- og evalueringssystem i folkeskolen",
                 ("Sagsfremstilling", "Aftalen af 22. maj betyder, at der fra skoleåret 2022/2023 er nye rammer "
                  "for test og evaluering. De nationale tests afskaffes."),
                 ("Beslutning", "Orienteringen blev taget til efterretning.")),
        ],
    )  # fmt: skip
    s = _stored(tmp_path, {"t.txt": text})
    t = trace(s, "nationale tests – hvad gælder fra skoleåret 22/23?", today=TODAY)
    assert t.verdicts[0].answers, t.verdicts[0].reason
