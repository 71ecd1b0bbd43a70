"""How questions are read when their wording is loose: bare-letter spellings, case numbers with extra
words, dates that are not meeting dates, guessed filters, numbers that must match, and decisions that
approve the proposal by reference."""

import datetime as dt
from pathlib import Path

import pytest

from index.answer import answer
from index.config import Config
from index.ingest import ingest_paths
from index.patterns import AMOUNT, NAME
from index.question import parse
from index.store import Store
from index.vocabulary import Vocabulary
from tests.conftest import ADGANG, VAGT, minutes

CFG = Config(public_url="http://referent.test")
TODAY = dt.date(2026, 11, 29)

APPS = """Punkt 3: Mine Apps - kørsel og fravær

00.01.00-A00-7-21

Sagsfremstilling

HR har vurderet, at medarbejdere ikke kan pålægges at bruge private enheder til appen, derfor gøres det frivilligt.

Beslutning

Chefforum tog orienteringen til efterretning."""

KLIMA = """Punkt 1: Klimaregnskab 2024

EMN-2025-008528

Resume

Hvis klimaplanen gennemføres fuldt ud, forventes nettoudledningen i 2030 at blive 120.000 tons.

Beslutningspunkter

Det indstilles:

At 1) byrådet tager klimaregnskabet til efterretning.

Beslutninger

Tilbagesendes Borgmesterens Afdeling med bemærkning, at byrådet i sit møde den 27. august 2025 har vedtaget Magistratens foranstående indstilling af 19. august 2025."""

HAVN = """Punkt 2: Udviklingsplan for havnen

EMN-2025-008892

Beslutningspunkter

Det indstilles:

At 1) byrådet godkender udviklingsplanen for havnen, som skal være færdig senest den 1. marts 2025.

Beslutninger

Et flertal i udvalget kunne tiltræde indstillingen. Anne Holm kunne ikke tiltræde indstillingen."""

ORIENT = """Punkt 3: Forvaltningen orienterer

EMN-2025-000001

Sagsfremstilling

Forvaltningen orienterede om status for vejarbejdet på Ringvejen.

Beslutninger

Orienteringen blev taget til efterretning."""


IT = """Punkt 4: Orienteringer fra IT

00.01.00-A00-9-21

Sagsfremstilling

Porteføljen rummer nu otte projekter. To afdelinger mangler stadig i værktøjet.

Servicedesken har fået ny telefonløsning. Ventetiden er faldet til under et minut.

Sikker print og scanning

Løsningen rulles ud på rådhuset i maj og i institutionerne efter sommerferien.

Nyt intranet

Intranettet flyttes til ny platform i efteråret. Redaktørerne får kursus i september.

Beslutning

Orienteringerne blev taget til efterretning."""


OPRYD = """Punkt 2: Oprydning i SBSYS

00.01.00-A00-11-19

Sagsfremstilling

Der holdes store oprydningsdag i SBSYS to fredage i december. Den fælles ledelse af Nordby Skole og Sydby Skole ophører.

Beslutning

Chefforum tog orienteringen til efterretning."""


NETVAERK = """Punkt 3: Status på netværk om sygedagpenge

00.01.00-A00-12-19

Anledning

Den 19. august 2019 behandlede Chefforum opstarten af netværket om sygedagpenge.

Sagsfremstilling

Seks afdelinger har nu drøftet netværkets anbefalinger, og de sidste to følger i januar.

Beslutning

Chefforum tog orienteringen til efterretning."""


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "r.db")
    docs = {
        "cf.txt": minutes("Chefforum", "27-05-2021", [ADGANG, VAGT, APPS]),
        "cf2.txt": minutes("Chefforum", "24-06-2021", [IT.replace("Punkt 4", "Punkt 1"), OPRYD, NETVAERK]),
        "br.txt": minutes("Byrådet", "27-08-2025", [KLIMA, HAVN]),
        "tu.txt": minutes("Teknisk Udvalg", "01-10-2025", [ORIENT.replace("Punkt 3", "Punkt 1")]),
    }
    for name, text in docs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert not ingest_paths(s, [tmp_path / n for n in docs]).failed
    return s


def ask(store: Store, q: str):
    return answer(store, q, cfg=CFG, today=TODAY)


def top(store: Store, q: str) -> tuple[str, int] | None:
    a = ask(store, q)
    return (a.answers[0].meeting.forum, a.answers[0].item.number) if a.answers else None


def test_bare_letter_spelling_finds_the_danish_word(store: Store) -> None:
    # "korsel" for "kørsel", "fravar" for "fravær": keyboards without æ/ø/å
    q = parse("mine apps korsel og fravar", store.analyzer, Vocabulary(store), today=TODAY)
    assert {"kørsel", "fravær"} <= {c.stem for c in q.concepts}
    assert all(c.known for c in q.concepts)
    assert top(store, "mine apps korsel og fravar") == ("Chefforum", 3)


def test_a_compound_typed_without_the_danish_letters_splits_into_the_minutes_words(store: Store) -> None:
    # "appkorsel" is no word of the minutes; its parts are, once "korsel" is read as "kørsel"
    assert store.analyzer.split("appkorsel", store.known_term) == ["app", "kørsel"]
    assert store.analyzer.split("appkørsel", store.known_term) == ["app", "kørsel"]


def test_case_number_with_extra_words_answers_its_item(store: Store) -> None:
    a = ask(store, "Hvad handler sag EMN-2025-008892 om?")
    assert not a.no_answer
    assert a.answers[0].item.case_number == "EMN-2025-008892"


def test_a_future_year_is_a_topic_not_a_meeting_date(store: Store) -> None:
    q = parse("nettoudledningen i 2030", store.analyzer, Vocabulary(store), today=TODAY)
    assert q.date_from is None and q.date_to is None
    assert any(c.stem == "2030" for c in q.concepts)
    assert top(store, "Hvad forventes nettoudledningen i 2030 at blive?") == ("Byrådet", 1)


def test_past_year_stays_a_filter(store: Store) -> None:
    a = ask(store, "Hvad blev besluttet om adgangskontrol i 2019?")
    assert a.no_answer  # the only treatment is from 2021


def test_meeting_day_and_forum_as_subject_filter(store: Store) -> None:
    q = parse("Hvad blev Teknisk Udvalg orienteret om den 1. oktober 2025?", store.analyzer, Vocabulary(store),
              fora=store.fora(), today=TODAY)  # fmt: skip
    assert q.fora == frozenset({"Teknisk Udvalg"})
    assert q.date_from == q.date_to == dt.date(2025, 10, 1)
    assert top(store, "Hvad blev Teknisk Udvalg orienteret om den 1. oktober 2025?") == ("Teknisk Udvalg", 1)


def test_a_day_that_is_no_meeting_date_is_read_as_topic(store: Store) -> None:
    # no meeting was held on 1 March 2025, so "senest den 1. marts 2025" is what the item says
    assert top(store, "Hvad skal være færdigt senest den 1. marts 2025 på havnen?") == ("Byrådet", 2)


def test_a_forum_named_as_subject_stays_a_filter(store: Store) -> None:
    # Chefforum never treated the climate accounts; Byrådet's item is not an answer to this question
    assert ask(store, "Hvad har Chefforum besluttet om klimaregnskabet?").no_answer
    assert top(store, "Hvad har byrådet besluttet om klimaregnskabet?") == ("Byrådet", 1)


def test_a_number_in_the_question_must_be_in_the_item(store: Store) -> None:
    assert top(store, "Hvem tager bagvagten i uge 29?") == ("Chefforum", 2)
    assert ask(store, "Hvem tager bagvagten i uge 40?").no_answer


def test_decision_by_reference_quotes_the_proposal_first(store: Store) -> None:
    a = ask(store, "Hvad blev besluttet om klimaregnskabet?")
    hit = a.answers[0]
    assert hit.item.number == 1
    assert hit.quotes[0].kind == "indstilling"
    assert "tager klimaregnskabet til efterretning" in hit.quotes[0].text
    assert any("vedtaget Magistratens foranstående indstilling" in q.text for q in hit.quotes)


def test_a_split_vote_keeps_the_decision_first(store: Store) -> None:
    hit = ask(store, "Hvad blev besluttet om udviklingsplanen for havnen?").answers[0]
    assert hit.quotes[0].kind == "beslutning"
    assert hit.quotes[0].text.startswith("Et flertal i udvalget")


def test_evidence_patterns() -> None:
    assert NAME.search("Kim Jakobsen fra HBR deltog")
    assert not NAME.search("Albertslund Kommune opretholder én plan")
    assert not NAME.search("sendt til Teknisk Udvalg i dag")
    assert AMOUNT.search("en besparelse på 300.000 i 2017")
    assert AMOUNT.search("der er indkommet 1149 høringssvar")
    assert not AMOUNT.search("i 2025 flytter skolen")


def test_a_subheading_inside_a_section_makes_the_item_about_it(store: Store) -> None:
    # "Sikker print og scanning" is one line among many in the item; it names what follows
    a = ask(store, "Hvad blev besluttet om sikker print og scanning?")
    assert not a.no_answer
    assert (a.answers[0].meeting.date, a.answers[0].item.number) == ("2021-06-24", 1)


def test_an_unknown_compound_written_as_two_words_is_found(store: Store) -> None:
    # "storeoprydningsdag" is not in the minutes; "store oprydningsdag" is, in that order
    assert top(store, "storeoprydningsdag i sbsys hvor mange fredage") == ("Chefforum", 2)


def test_parts_of_an_unknown_compound_merely_near_each_other_do_not_answer(store: Store) -> None:
    # "ledelse af Nordby Skole" is no "skoleleder"
    assert ask(store, "Hvem er ny skoleleder på Nordby Skole?").no_answer


def test_status_wording_is_not_the_topic(store: Store) -> None:
    q = parse("Hvor langt er man med vagtplanen?", store.analyzer, Vocabulary(store), today=TODAY)
    assert q.intent == "status"
    assert [c.stem for c in q.concepts] == ["vagtplan"]


def test_a_title_that_says_all_that_was_asked_answers(store: Store) -> None:
    # "oprydning" and "sbsys" are common here; the title holds both, so the item is the answer
    assert top(store, "Hvad blev besluttet om oprydning i SBSYS?") == ("Chefforum", 2)


def test_a_decision_that_only_takes_note_is_quoted_after_the_matching_passage(store: Store) -> None:
    hit = ask(store, "Hvad er status på netværket om sygedagpenge?").answers[0]
    assert hit.quotes[0].kind in ("anledning", "sagsfremstilling")
    assert "sygedagpenge" in hit.quotes[0].text
    assert hit.quotes[1].text == "Chefforum tog orienteringen til efterretning."


def test_when_was_it_treated_before_quotes_the_earlier_date(store: Store) -> None:
    hit = ask(store, "Hvornår har Chefforum tidligere behandlet netværket om sygedagpenge?").answers[0]
    assert "19. august 2019" in hit.quotes[0].text
