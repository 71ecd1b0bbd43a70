"""What a question writes short is written out before it is read: abbreviations, the bodies' acronyms and
dates in figures; the minutes themselves are never rewritten."""

from __future__ import annotations

import datetime as dt

import pytest

from index.abbreviations import acronyms, expand
from index.analyze import get_analyzer

TODAY = dt.date(2026, 12, 1)
FORA = ["Plan- og Tryghedsudvalget", "Klima-, Teknik- og Miljøudvalget", "Social- og Handicapudvalget",
        "Direktørforum", "Byråd 2022-2025"]  # fmt: skip


def written_out(question: str, known_words: frozenset[str] = frozenset()) -> str:
    return expand(question, get_analyzer().abbreviations, FORA, lambda w: w in known_words, TODAY)


@pytest.mark.parametrize(
    ("forum", "expected"),
    [("Plan- og Tryghedsudvalget", {"PTU"}), ("Klima-, Teknik- og Miljøudvalget", {"KTMU", "KTM"}),
     ("Chefforum", {"CF"}), ("Økonomiudvalget", {"ØU"}), ("Byråd 2022-2025", {"BR"}), ("Teknisk Udvalg", {"TU"}),
     ("Kommunalbestyrelsen", {"KB"}), ("Skole-, Børne- og Ungeudvalget", {"SBUU", "SBU"})],
)  # fmt: skip
def test_a_bodys_acronyms_come_from_its_name(forum: str, expected: set[str]) -> None:
    assert acronyms(forum) == expected


def test_abbreviations_and_acronyms_are_written_out() -> None:
    assert written_out("hvad sagde PTU om tryghedsvagter") == "hvad sagde Plan- og Tryghedsudvalget om tryghedsvagter"
    assert written_out("hvad gjorde BR med forslaget") == "hvad gjorde byrådet med forslaget"
    assert written_out("blev det vedtaget el. hvad skete der") == "blev det vedtaget eller hvad skete der"
    assert written_out("grænsen for udbud ifm. præsentationslag").split() == [
        "grænsen",
        "for",
        "udbud",
        "præsentationslag",
    ]


def test_a_day_without_a_year_after_a_body_or_d_is_a_day_and_a_fraction_is_not() -> None:
    assert written_out("hvad skete der i BR 1/10") == "hvad skete der i byrådet den 1. oktober"
    assert written_out("mødet d. 4/6 om vejen") == "mødet den 4. juni om vejen"
    assert written_out("vedtaget med 2/3 flertal") == "vedtaget med 2/3 flertal"
    assert written_out("PTU 31/2") == "Plan- og Tryghedsudvalget 31/2"  # no such day


def test_an_acronyms_genitive_is_the_acronym() -> None:
    assert written_out("hvor ligger greve i DIs måling") == "hvor ligger greve i DI måling"
    assert written_out("BRs beslutning om KL's udspil") == "byrådet beslutning om KL udspil"
    assert written_out("Dis og DIS") == "Dis og DIS"  # not an acronym with an s: a capital word, all capitals


def test_an_abbreviation_the_minutes_write_a_few_times_is_still_written_out() -> None:
    # "adm." a few times in the minutes is the same abbreviation: only a word used often is their own
    a = get_analyzer().abbreviations
    text = "kan adm selv give påbud"
    assert expand(text, a, FORA, lambda w: w == "adm", TODAY) == text
    assert expand(text, a, FORA, lambda w: w == "adm", TODAY, used=lambda w: False) == (
        "kan administrationen selv give påbud"
    )


def test_what_the_minutes_use_as_a_word_is_kept() -> None:
    # minutes that write "kv." keep matching "kv"; "el" without a dot is electricity
    assert written_out("sygefravær 1. kv 2017", frozenset({"kv"})) == "sygefravær 1. kv 2017"
    assert written_out("sygefravær 1. kvt 2017") == "sygefravær 1. kvartal 2017"
    assert written_out("prisen på el til gadelys") == "prisen på el til gadelys"
    # a short acronym the minutes use is left alone ("DF" is also a party); one in capitals of 3+ letters is the body
    assert written_out("forslag fra DF", frozenset({"df"})) == "forslag fra DF"
    assert written_out("hvad mente DF om sagen", frozenset({"df"})) == "hvad mente Direktørforum om sagen"
    assert (
        written_out("har vi snakket om det i DF før", frozenset({"df"})) == "har vi snakket om det i Direktørforum før"
    )
    assert written_out("hvad besluttede SHU", frozenset({"shu"})) == "hvad besluttede Social- og Handicapudvalget"


def test_dates_in_figures_become_dates_and_case_numbers_stay() -> None:
    assert written_out("hvad blev besluttet d. 21/11-19?") == "hvad blev besluttet d. den 21. november 2019?"
    assert written_out("mødet 3.4.2024") == "mødet den 3. april 2024"
    assert written_out("sygefraværet i 1. kvt 21") == "sygefraværet i 1. kvartal 2021"
    assert written_out("sag 05.01.00-G01-2-25 og 24/12345") == "sag 05.01.00-G01-2-25 og 24/12345"
    assert written_out("31/02-2024") == "31/02-2024"  # no such day: left as written


def test_a_month_written_short_and_a_committee_cut_after_udv() -> None:
    assert written_out("hvad besluttede skoleudv. i sept 2025", frozenset({"sept"})) == (
        "hvad besluttede skoleudvalget i september 2025"
    )
    assert written_out("mødet d. 5. okt. om budget") == "mødet d. 5. oktober om budget"
    assert written_out("mar 24 og jan") == "marts 2024 og jan"  # "jan" alone may be a name
    assert written_out("septemberplanen") == "septemberplanen"


def _read(store, question: str):
    from index.question import parse
    from index.vocabulary import Vocabulary

    return parse(question, store.analyzer, Vocabulary(store), fora=store.fora(), today=TODAY)


@pytest.fixture
def two_committees(store):
    from index.readers import read_bytes
    from tests.conftest import agenda_item, minutes

    for forum, title, text in (
        ("Klima-, Teknik- og Miljøudvalget", "Offentlige toiletter", "Toiletterne lukkes om vinteren."),
        ("Kultur- og Fritidsudvalget", "Socialkompas", "Socialkompas er en digital platform. Årsberetningen er sendt."),
        ("Skole-, Børne- og Ungeudvalget", "Skolestrategi", "Skoleudvalget får en ny strategi."),
    ):
        item = agenda_item(1, title, ("Sagsfremstilling", text), ("Beslutning", "Godkendt."))
        store.ingest(read_bytes(minutes(forum, "10-01-2025", [item]).encode(), "x.txt"))
    store.check_changes()
    return store


def test_a_committee_called_by_one_of_its_fields_filters(two_committees) -> None:
    from index.question import colloquial_names

    assert "teknikudvalget" in colloquial_names("Klima-, Teknik- og Miljøudvalget")
    assert "skoleudvalget" in colloquial_names("Skole-, Børne- og Ungeudvalget")
    assert "miljøudvalget" in colloquial_names("Klima-, Teknik- og Miljøudvalget")  # its last field too
    assert colloquial_names("Økonomiudvalget") == frozenset() and colloquial_names("Chefforum") == frozenset()
    assert "udvalget" not in colloquial_names("Teknisk Udvalg")  # the bare word names no committee
    q = _read(two_committees, "Har teknikudvalget tidligere behandlet toiletterne?")
    assert q.intent == "precedent" and q.fora == frozenset({"Klima-, Teknik- og Miljøudvalget"})
    assert _read(two_committees, "skoleudvalget strategi").fora is None  # the topic, not the body asked


def test_a_case_that_was_up_before_asks_for_precedent(two_committees) -> None:
    q = _read(two_committees, "socialkompas været oppe før i KFU?")
    assert q.intent == "precedent" and [c.surface for c in q.concepts] == ["socialkompas"]
    assert q.fora == frozenset({"Kultur- og Fritidsudvalget"})


def test_light_verbs_and_the_newest_are_read(two_committees) -> None:
    status = _read(two_committees, "hvor langt er vi med at lave offentlige toiletter?")
    assert status.intent == "status" and [c.surface for c in status.concepts] == ["offentlige", "toiletter"]
    assert _read(two_committees, "hvad er det seneste om socialkompas").intent == "status"


def test_what_an_amount_is_called_is_not_its_topic(two_committees) -> None:
    q = _read(two_committees, "hvor mange penge måtte de offentlige toiletter koste?")
    assert q.intent == "amount" and [c.surface for c in q.concepts] == ["offentlige", "toiletter"]


def test_an_acronym_after_a_finite_verb_and_a_typo_in_an_ending(two_committees) -> None:
    assert written_out("har BR fået beretningen", frozenset({"br"})) == "har Byråd 2022-2025 fået beretningen"
    q = _read(two_committees, "rydder kommunen stadig årsberetnig")
    assert "årsberetning" in next(c.terms for c in q.concepts if c.surface == "årsberetnig")
    assert "stadig" not in [c.surface for c in q.concepts]


def test_a_period_of_years_written_short() -> None:
    assert written_out("ny partnerskabsaftale 25-27 med solrød") == "ny partnerskabsaftale 2025-2027 med solrød"
    assert written_out("budget 24-27") == "budget 2024-2027"
    assert written_out("møde kl 10-12 om aftalen") == "møde kl 10-12 om aftalen"  # a time is no period
