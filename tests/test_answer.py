import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from index.access import Access
from index.answer import answer
from index.config import Config
from index.evaluate import evaluate, load_questions
from index.ingest import ingest_paths
from index.readers import read_bytes
from index.store import Store
from tests.conftest import ADGANG, DEV, EVT, LUKKET, REAL, SEEDS, VAGT, minutes, needs_shared

CFG = Config(public_url="http://referent.test")

SKOLE = """Punkt 1: Ny skolestruktur

17.00.00-A00-1-19

Sagsfremstilling

Forvaltningen foreslår at samle to skoler. Det koster 4,2 mio. kr. at ombygge Nordskolen.

Indstilling

1. at skolerne samles fra august.

Beslutning

Godkendt."""

SKOLE_IGEN = """Punkt 2: Ny skolestruktur - status

17.00.00-A00-1-19

Sagsfremstilling

Ombygningen af Nordskolen er forsinket og afsluttes nu den 1. marts 2021.

Beslutning

Udvalget tog status på skolestrukturen til efterretning."""


@pytest.fixture
def corpus(tmp_path: Path) -> Store:
    store = Store(tmp_path / "a.db")
    docs = {
        "cf.txt": minutes("Chefforum", "15-11-2017", [ADGANG, VAGT, LUKKET, EVT]),
        "bsu1.txt": minutes("Børne- og Skoleudvalget", "05-03-2019", [SKOLE]),
        "bsu2.txt": minutes("Børne- og Skoleudvalget", "10-11-2020", [VAGT.replace("Punkt 2", "Punkt 1"), SKOLE_IGEN]),
    }
    for name, text in docs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert not ingest_paths(store, [tmp_path / n for n in docs]).failed
    return store


def ask(store: Store, q: str, **kw):
    return answer(store, q, cfg=CFG, today=dt.date(2021, 6, 1), **kw)


def test_decision_question_quotes_the_decision_verbatim(corpus: Store) -> None:
    a = ask(corpus, "hvad blev besluttet om adgangskontrol")
    assert not a.no_answer and a.intent == "decision"
    top = a.answers[0]
    assert (top.meeting.forum, top.meeting.date, top.item.number) == ("Chefforum", "2017-11-15", 1)
    assert top.quotes[0].section == "Beslutning"
    assert (
        top.quotes[0].text
        == "Chefforum besluttede at der benyttes ID-kort i forbindelse med implementering af ny adgangskontrol."
    )
    assert top.item.url == "http://referent.test/m/chefforum-2017-11-15#punkt-1-beslutning"
    assert top.meeting.url == "http://referent.test/m/chefforum-2017-11-15"


def test_intent_steers_the_quote(corpus: Store) -> None:
    who = ask(corpus, "Hvem tager bagvagten i uge 29?")
    assert who.intent == "who" and "Marie Guldborg" in who.answers[0].quotes[0].text
    amount = ask(corpus, "hvor meget koster ombygningen af Nordskolen")
    assert amount.intent == "amount" and "4,2 mio. kr." in amount.answers[0].quotes[0].text
    when = ask(corpus, "hvornår afsluttes ombygningen af Nordskolen")
    assert when.intent == "when" and "1. marts 2021" in when.answers[0].quotes[0].text


def test_bare_approval_quotes_the_approved_proposal(corpus: Store) -> None:
    a = ask(corpus, "hvad blev besluttet om at samle skolerne", limit=4)
    hit = next(h for h in a.answers if h.meeting.date == "2019-03-05")
    assert [q.section for q in hit.quotes] == ["Indstilling", "Beslutning"]
    assert hit.quotes[1].text == "Godkendt."


def test_filters_year_forum_and_case_number(corpus: Store) -> None:
    # a year in a question about a fact is the fact's year: it must be in the item or be the meeting's year
    a = ask(corpus, "Hvem tager bagvagten i uge 29 i 2020?")
    assert a.filters == {} and {h.meeting.date for h in a.answers} == {"2020-11-10"}
    # a year in a question about what a body did filters the meetings
    y = ask(corpus, "Hvad blev besluttet om bagvagten i 2020?")
    assert y.filters == {"date_from": "2020-01-01", "date_to": "2020-12-31"}
    assert {h.meeting.date for h in y.answers} == {"2020-11-10"}
    b = ask(corpus, "Hvem tager bagvagten i uge 29 i Chefforum?")
    assert b.filters["fora"] == ["Chefforum"] and {h.meeting.forum for h in b.answers} == {"Chefforum"}
    c = ask(corpus, "bagvagten siden 2019")
    assert c.filters["date_from"] == "2019-01-01" and all(h.meeting.date >= "2019" for h in c.answers)
    d = ask(corpus, "bagvagten sidste år")  # today is 2021-06-01 in these tests
    assert d.filters == {"date_from": "2020-01-01", "date_to": "2020-12-31"}
    e = ask(corpus, "i november 2020 bagvagt")
    assert e.filters == {"date_from": "2020-11-01", "date_to": "2020-11-30"}
    f = ask(corpus, "17.00.00-A00-1-19")
    assert f.filters["case_number"] == "17.00.00-A00-1-19" and len(f.answers) == 2


def test_scope_limits_what_is_seen(corpus: Store) -> None:
    a = ask(corpus, "Hvem tager bagvagten i uge 29?", access=Access.of({"Børne- og Skoleudvalget"}))
    assert {h.meeting.forum for h in a.answers} == {"Børne- og Skoleudvalget"}
    hidden = ask(corpus, "hvad blev besluttet om adgangskontrol", access=Access.of({"Børne- og Skoleudvalget"}))
    assert hidden.no_answer and not any(h.meeting.forum == "Chefforum" for h in hidden.suggestions)


def test_case_history_and_latest_first(corpus: Store) -> None:
    a = ask(corpus, "status på skolestrukturen")
    top = a.answers[0]
    assert top.meeting.date == "2020-11-10"  # the latest treatment of the case comes first
    assert [(c.date, c.item_number) for c in top.case_history] == [("2019-03-05", 1)]
    assert top.case_history[0].url == "http://referent.test/m/boerne-og-skoleudvalget-2019-03-05#punkt-1-beslutning"


def test_precedent_lists_decisions_newest_first(corpus: Store) -> None:
    a = ask(corpus, "hvornår har vi tidligere behandlet skolestrukturen")
    assert a.intent == "precedent"
    assert [h.meeting.date for h in a.answers] == ["2020-11-10", "2019-03-05"]


def test_precedent_leaves_out_a_neighbours_case_that_mentions_the_address(tmp_path: Path) -> None:
    from tests.conftest import agenda_item as item

    store = Store(tmp_path / "p.db")
    own = ("Sagsfremstilling", "Ejeren af Møllevej 64 søger dispensation til en carport. Møllevej 64 ligger i "
                               "landsbyen.")  # fmt: skip
    neighbour = ("Sagsfremstilling", "Ejeren af Møllevej 66 søger dispensation til et vinkelhus. Naboen på "
                                     "Møllevej 64 har gjort indsigelse. Møllevej 64 og Møllevej 66 ligger i landsbyen.")  # fmt: skip
    docs = {
        "a.txt": minutes("Teknikudvalget", "09-02-2023", [item(1, "Møllevej 64, dispensation", own,
                                                               ("Beslutning", "Sendt tilbage."), case="23-000164")]),
        "b.txt": minutes("Teknikudvalget", "20-03-2023", [item(1, "Møllevej 64, dispensation", own,
                                                               ("Beslutning", "Godkendt."), case="23-000164")]),
        "c.txt": minutes("Teknikudvalget", "17-08-2023", [item(1, "Møllevej 66, dispensation", neighbour,
                                                               ("Beslutning", "Godkendt."), case="23-000166")]),
    }  # fmt: skip
    for name, text in docs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert not ingest_paths(store, [tmp_path / n for n in docs]).failed
    a = ask(store, "har vi haft Møllevej 64 oppe før?")
    assert a.intent == "precedent"
    assert [h.meeting.date for h in a.answers] == ["2023-03-20", "2023-02-09"]


def test_misspellings_and_split_compounds(corpus: Store) -> None:
    a = ask(corpus, "adgangs kontrol paa raadhuset")
    assert not a.no_answer and a.answers[0].item.title == "Ny adgangskontrol på Rådhuset"
    b = ask(corpus, "hvem tager bagvagten i uge 29 i boerne og skoleudvalget")
    assert not b.no_answer


def test_abstains_when_the_minutes_have_no_answer(corpus: Store) -> None:
    for q in ["Hvad blev besluttet om den nye svømmehal?", "trampolinpark", "What was decided about parking?"]:
        a = ask(corpus, q)
        assert a.no_answer and a.answers == [], q
        assert a.message.startswith("Jeg fandt ikke")


def test_closed_items_are_never_quoted_beyond_the_decision(corpus: Store) -> None:
    a = ask(corpus, "personalesag")
    for hit in a.answers + a.suggestions:
        for q in hit.quotes:
            assert "Fortroligt" not in q.text and "advarsel" not in q.text
    if a.answers and a.answers[0].item.closed:
        assert [q.text for q in a.answers[0].quotes] == ["Indstillingen blev godkendt."]


@pytest.mark.parametrize(
    "question",
    ['"adgangskontrol', "adgang*", "NEAR(adgang kontrol)", "-adgangskontrol", "adgang AND OR NOT", "a:b",
     "x" * 10_000, "🔐🚪 adgangskontrol 🙂", "'; DROP TABLE items; --", "^*\"(", "   "],
)  # fmt: skip
def test_hostile_input_never_breaks_search(corpus: Store, question: str) -> None:
    a = ask(corpus, question)
    assert isinstance(a.no_answer, bool) and a.message
    assert corpus.conn.execute("SELECT count(*) FROM items").fetchone()[0] == 7


def test_every_quote_is_verbatim(corpus: Store) -> None:
    for q in ["hvad blev besluttet om adgangskontrol", "Hvem tager bagvagten i uge 29?", "skolestruktur",
              "hvor meget koster ombygningen", "Hvem er ansat som ny direktør?"]:  # fmt: skip
        for hit in ask(corpus, q).answers:
            meeting = corpus.load_meeting(hit.meeting.id)
            item = next(i for i in meeting.items if i.number == hit.item.number)
            texts = [s.text for s in item.sections]
            for quote in hit.quotes:
                assert any(quote.text in t for t in texts), quote.text


def test_json_contract_from_the_cli(corpus: Store) -> None:
    out = CliRunner().invoke(main, ["ask", "Hvem tager bagvagten i uge 29?", "--db", corpus.path, "--json"])
    data = json.loads(out.stdout)  # logs go to stderr; the contract is stdout
    assert set(data) >= {"question", "no_answer", "message", "answers"}
    hit = data["answers"][0]
    assert set(hit) == {"meeting", "item", "quotes", "score", "case_history"}
    assert set(hit["meeting"]) == {"id", "forum", "date", "title", "url", "municipality"}
    assert set(hit["item"]) == {"number", "title", "case_number", "url"}
    assert set(hit["quotes"][0]) == {"section", "text"}
    many = CliRunner().invoke(main, ["ask", "-", "--db", corpus.path, "--json"], input="bagvagt uge 29\nsvømmehal\n")
    lines = [json.loads(line) for line in many.stdout.splitlines()]
    assert [line["no_answer"] for line in lines] == [False, True]


def test_link_pattern_from_config(tmp_path: Path) -> None:
    store = Store(tmp_path / "l.db")
    store.ingest(read_bytes(minutes("Chefforum", "15-11-2017", [ADGANG]).encode(), "x.txt"))
    cfg = Config(links={"Chefforum": "https://kommune.dk/referat/{date}#p{item_number}"})
    a = answer(store, "adgangskontrol", cfg=cfg)
    assert a.answers[0].item.url == "https://kommune.dk/referat/2017-11-15#p1"
    cfg = Config(links={"*": "https://x.dk/{item_external_id}"})  # placeholder unknown: our own page
    assert (
        answer(store, "adgangskontrol", cfg=cfg)
        .answers[0]
        .item.url.endswith("/m/chefforum-2017-11-15#punkt-1-beslutning")
    )


@pytest.fixture(scope="module")
def real_store(tmp_path_factory) -> Store:
    if not SEEDS.is_dir():
        pytest.skip("../shared corpus not present")
    store = Store(tmp_path_factory.mktemp("real") / "r.db")
    assert not ingest_paths(store, [SEEDS, REAL]).failed
    return store


@needs_shared
@pytest.mark.corpus
def test_dev_questions_meet_the_bar(real_store: Store) -> None:
    m = evaluate(real_store, load_questions(DEV)).metrics()
    assert m["hit@1"] == 1.0
    assert m["key_in_first_quote"] * m["answerable"] >= 13
    assert m["abstention_accuracy"] == 1.0 and m["false_abstentions"] == 0


@needs_shared
@pytest.mark.corpus
@pytest.mark.parametrize("name, hit1", [("extra-1.jsonl", 0.95), ("extra-2.jsonl", 0.8)])
def test_extra_questions_hold_their_level(real_store: Store, name: str, hit1: float) -> None:
    # bench/questions: written without sight of the code; a regression guard, not a target to tune to
    questions = load_questions(Path(__file__).resolve().parents[1] / "bench" / "questions" / name)
    m = evaluate(real_store, questions).metrics()
    assert m["hit@1"] >= hit1
    assert m["abstention_accuracy"] == 1.0
    for q in questions:
        for hit in answer(real_store, q["q"]).answers:
            item = next(i for i in real_store.load_meeting(hit.meeting.id).items if i.number == hit.item.number)
            whole = "\n\n".join(s.text for s in item.sections)
            assert all(quote.text in whole for quote in hit.quotes)


@needs_shared
@pytest.mark.corpus
def test_dev_quotes_are_verbatim_substrings(real_store: Store) -> None:
    for q in load_questions(DEV):
        for hit in answer(real_store, q["q"]).answers:
            item = next(i for i in real_store.load_meeting(hit.meeting.id).items if i.number == hit.item.number)
            whole = "\n\n".join(s.text for s in item.sections)
            for quote in hit.quotes:
                assert quote.text in whole


@needs_shared
@pytest.mark.corpus
def test_status_question_prefers_the_newest_treatment(real_store: Store) -> None:
    a = answer(real_store, "Hvad er status på lokalplan 1221?")
    assert (a.answers[0].meeting.forum, a.answers[0].meeting.date) == ("Teknisk Udvalg", "2025-10-01")
    history = [(c.forum, c.date, bool(c.url)) for c in a.answers[0].case_history]
    # the stored Byråd item (linked) and the Sagsforløb's other treatments (unlinked), oldest first
    assert ("Aarhus Byråd", "2025-08-27", True) in history
    assert ("Magistraten", "2025-08-19", False) in history
    assert [d for _, d, _ in history] == sorted(d for _, d, _ in history)


def test_demo_questions(tmp_path: Path) -> None:
    store = Store(tmp_path / "demo.db")
    assert not ingest_paths(store, [Path(__file__).resolve().parents[1] / "demo" / "minutes"]).failed
    m = evaluate(store, load_questions(Path(__file__).resolve().parents[1] / "demo" / "questions.jsonl")).metrics()
    assert m["hit@1"] >= 0.8 and m["abstention_accuracy"] == 1.0
