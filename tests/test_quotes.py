"""What is quoted first: the decision when it says what was decided, the passage that holds the question when
the decision only notes, postpones or refers the item on, and the recommendation a decision adopts by
naming the body that made it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from index.answer import answer
from index.config import Config
from index.ingest import ingest_paths
from index.model import DECISION, HISTORY, PROPOSAL
from index.sagsforloeb import body_key, entries
from index.store import Store
from tests.conftest import agenda_item as item
from tests.conftest import minutes

CFG = Config()
TODAY = dt.date(2026, 1, 15)


ROBOT = """Udvalget anbefaler model 3.

Afbud: Lone Mortensen

16-06-2025 Økonomiudvalget 2022

Økonomiudvalget anbefaler overfor Byrådet at, Sundheds- og Omsorgsudvalgets indstilling godkendes."""


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "q.db")
    docs = {
        "cf.txt": minutes(
            "Chefforum",
            "10-06-2021",
            [
                item(
                    1,
                    "Porteføljeoverblik for IT-projekter",
                    (
                        "Sagsfremstilling",
                        "Porteføljeoverblikket viser 14 projekter.\n\n"
                        "Implementeringen af Kommunernes Ydelsessystem i Albertslund sker i bølge 5.\n\n"
                        "Kommunernes Ydelsessystem afløser de gamle ydelsessystemer, og Kommunernes Ydelsessystem "
                        "giver borgerne bedre overblik.",
                    ),
                    (
                        "Beslutning",
                        "Orienteringen blev taget til efterretning.\n\n"
                        "Chefforum ønsker fremover en skabelon for drøftelserne af porteføljeoverblikket.",
                    ),
                ),
                item(
                    2,
                    "Oprydning i ESDH forud for arkivering",
                    ("Sagsfremstilling", "Oprydningen omfatter alle afdelinger."),
                    (
                        "Beslutning",
                        "Chefforum tog orienteringen til efterretning med følgende bemærkninger:\n\n"
                        "- Opgaven er tung, de estimerede 10 timer pr. medarbejder er mange.\n"
                        "- Økonomi & Stab fastlægger 2 fredage, hvor kommunen lukkes og der ryddes op.",
                    ),
                ),
                item(
                    3,
                    "Administration og service på tværs af centrene",
                    (
                        "Baggrund",
                        "Centrene ønsker en enklere hverdag for borgerne:\n\n"
                        "- en fælles webindgang til alle blanketter\n- færre telefonnumre",
                    ),
                    ("Beslutning", "Chefforum drøftede sagen og bakkede op om retningen."),
                ),
            ],
        ),  # fmt: skip
        "tu.txt": minutes(
            "Teknisk Udvalg",
            "01-10-2025",
            [
                item(
                    3,
                    "Lokalplan 12 - erhvervsområde ved Kattrup",
                    ("Resume", "Lokalplantillægget fjerner kravet om besporing for to delområder."),
                    ("Sagsfremstilling", "Kravet om besporing blev stillet i 2010, da der var planer om et godsspor."),
                    ("Beslutning", "Der var foretræde til sagen. Udvalget besluttede at udsætte sagens behandling."),
                ),
                item(
                    7,
                    "Reduktion af energi til vejbelysning",
                    (
                        "Sagsfremstilling",
                        "Den største besparelse på strømmen opnås ved helt at slukke for vejbelysningen om natten.",
                    ),
                    (
                        "Beslutning",
                        "1. Orienteringen blev taget til efterretning.\n\n2. Udvalget ønsker ikke at "
                        "slukke for vejbelysningen på nuværende tidspunkt.",
                    ),
                ),
                item(
                    8,
                    "Orientering om 10. klasse",
                    (
                        "Sagsfremstilling",
                        "Orienteringen om 10. klasse viser, at 20 elever i maj 2022 valgte 10. klasse, og at 39 "
                        "elever var tilmeldt 10. klasse i januar 2023.",
                    ),
                    (
                        "Beslutning",
                        "Orienteringen blev taget til efterretning, idet udvalget ønsker en sag der "
                        "belyser andelen af tosprogede elever i 10. klasse.",
                    ),
                ),
                item(
                    4,
                    "Måltal for busfremkommelighed",
                    ("Resume", "A-bussernes fremkommelighed skal forbedres med 5,5 timer i myldretiden."),
                    ("Beslutning", "Sagen blev udsat uden behandling."),
                ),
            ],
        ),  # fmt: skip
        "br.txt": minutes(
            "Byråd 2022-2025",
            "25-06-2025",
            [
                item(
                    5,
                    "Robotstøvsugere i hjemmeplejen",
                    (
                        "Indstilling",
                        "Administrationen indstiller,\n\n1. at model 1 om egen indkøb godkendes, eller\n"
                        "2. at model 3 om udlån af robotstøvsugere godkendes.",
                    ),
                    ("Beslutning", "Byrådet godkendte Økonomiudvalgets indstilling.\n\nUndlod: Ø"),
                    ("Sagens forløb", "02/06/2025 Sundheds- og Omsorgsudvalget\n\n" + ROBOT),
                ),
                item(
                    9,
                    "Strandparken - ønske om øget driftstilskud",
                    (
                        "Indstilling",
                        "Administrationen indstiller, at det besluttes, om driftstilskuddet øges med 25 %.",
                    ),
                    (
                        "Beslutning",
                        "Med stemmerne 16 for og 4 imod godkendte Byrådet Økonomiudvalgets indstilling."
                        "\n\nFor stemte: (V) og (A).\n\nImod stemte: (C) og (F).",
                    ),
                    (
                        "Sagens forløb",
                        "01-06-2022 Kultur- og Fritidsudvalget\n\nUdvalget kan ikke anbefale et "
                        "udvidelsesforslag.\n\n13-06-2022 Økonomiudvalget\n\nØkonomiudvalget anbefaler overfor "
                        "Byrådet, at Kultur- og Fritidsudvalgets indstilling godkendes.",
                    ),
                ),
                item(
                    21,
                    "Midlertidig lukning af selvbetjent åbningstid på biblioteket",
                    (
                        "Indstilling",
                        "Administrationen indstiller, at den selvbetjente åbningstid reduceres om aftenen.",
                    ),
                    (
                        "Beslutning",
                        "Med stemmerne 20 for og 1 imod godkendte Byrådet Økonomiudvalgets indstilling."
                        "\n\nImod stemte: (Ø).",
                    ),
                    ("Sagens forløb", "15-11-2023 Kultur- og Fritidsudvalget\n\nAnbefales."),
                ),
                item(
                    22,
                    "Betalingsfri pendlerparkering ved stationen",
                    (
                        "Indstilling",
                        "1. at administrationen undersøger a. placering b. skiltning c. pris d. kontrol, og at 200 "
                        "p-pladser ved stationen stilles vederlagsfrit til rådighed.\n\n2. at ordningen evalueres.",
                    ),
                    ("Beslutning", "1. a.-d. Godkendt.\n\n2. Godkendt."),
                ),
                item(
                    6,
                    "Kodeks for kommentarer på sociale medier",
                    ("Indstilling", "Administrationen indstiller, at det opdaterede kodeks for kommentarer godkendes."),
                    ("Beslutning", "Byrådet godkendte Økonomiudvalgets indstilling."),
                    (
                        "Sagens forløb",
                        "14-05-2025 Økonomiudvalget\n\n"
                        "Økonomiudvalget anbefaler overfor Byrådet, at administrationens indstilling godkendes.",
                    ),
                ),
            ],
        ),  # fmt: skip
        "ku.txt": minutes(
            "Kultur- og Fritidsudvalget",
            "12-03-2024",
            [
                item(
                    1,
                    "Tune Bymidte, midler fra statslig pulje",
                    (
                        "Indstilling",
                        "Administrationen indstiller,\n\n1. at kommunen ikke tager imod de tildelte midler.\n"
                        "2. at kommunen tilbyder de tildelte midler til Roskilde Kommune.",
                    ),
                    ("Beslutning", "1.-2. Godkendt."),
                ),
                item(
                    2,
                    "Orientering vedrørende Skovgården",
                    (
                        "Resume",
                        "I sagen orienteres om kommunens ejendom Skovgården, som Skovgård Fonden lejer til lejrskole.",
                    ),
                    (
                        "Indstilling",
                        "Administrationen indstiller, at orienteringen om Skovgården tages til efterretning.",
                    ),
                    ("Sagsfremstilling", "Lejrskolen på Skovgården har 40 sovepladser og en stor have."),
                    ("Beslutning", "Godkendt."),
                ),
                item(
                    3,
                    "Politiske repræsentanter til folkeoplysningsudvalget",
                    ("Resume", "To repræsentanter til folkeoplysningsudvalget vælges af udvalgets medlemmer."),
                    ("Beslutning", "Godkendt\n\nValggruppe 1 indstiller Anne Marie Lyduch (V), som blev valgt."),
                ),
                item(
                    5,
                    "Byens Awards: evaluering og beslutning om 2026",
                    (
                        "Indstilling",
                        "Administrationen indstiller,\n\n1. at evalueringen tages til efterretning,\n"
                        "2. at Byens Awards 2026 afholdes i Portalen,\n3. at arrangementet finansieres af puljerne.",
                    ),
                    (
                        "Beslutning",
                        "1.-2. Godkendt.\n\n3. Godkendt med bemærkning om, at billetprisen øges til 100 kr.",
                    ),
                ),
                item(
                    6,
                    "Genbehandling af lokaletilskud",
                    (
                        "Resume",
                        "Sydkystens Gymnastikforening har bedt om, at ansøgningen om lokaletilskud genbehandles.",
                    ),
                    (
                        "Indstilling",
                        "Administrationen indstiller,\n\n1. at udvalget genbehandler ansøgningen om lokaletilskud, og"
                        "\n2. at udvalget anviser hjemmel, såfremt der gives afslag.",
                    ),
                    ("Beslutning", "1. Godkendt.\n\n2. Udvalget fastholdt afslaget med henvisning til § 25."),
                ),
                item(
                    7,
                    "Valdemarsdag 2024 på plejecentrene, tilmelding",
                    (
                        "Resume",
                        "Udvalget orienteres om traditionen med Valdemarsdag på plejecentrene og skal beslutte, hvem "
                        "fra udvalget der deltager i Valdemarsdag den 15. juni 2024.",
                    ),
                    ("Beslutning", "Ad 1) Liselott Blixt og Tina Rottbøll.\n\nAd 2) Godkendt."),
                ),
                item(
                    8,
                    "Udpegning af bestyrelsesmedlem til Varmeværket",
                    ("Indstilling", "Administrationen indstiller, at der udpeges et medlem til bestyrelsen."),
                    (
                        "Beslutning",
                        "Udvalget godkendte administrationens indstilling. Marc Genning (V) blev valgt til "
                        "bestyrelsen for de næste fire år.",
                    ),
                ),
                item(
                    9,
                    "Nye åbningstider i svømmehallen",
                    ("Indstilling", "Administrationen indstiller, at svømmehallen åbner kl. 6 på hverdage."),
                    ("Beslutning", "Godkendt.\n\n(A) og (C) stemmer imod."),
                ),
                item(
                    10,
                    "Afvikling af parkeringsselskabet",
                    ("Indstilling", "Administrationen indstiller, at orienteringen tages til efterretning."),
                    (
                        "Beslutning",
                        "Med stemmerne 19 for godkendte udvalget administrationens indstilling.\n\n"
                        "Endvidere besluttede udvalget med stemmerne 12 for og 7 imod, at provenuet fra afviklingen "
                        "bruges til en ny cykelsti langs Centervej.\n\nImod stemte (A) og (C).",
                    ),
                ),
                item(
                    11,
                    "Sagsbehandlingsfrist for ansøgninger om støtte til forældre",
                    ("Resume", "Der skal fastsættes en frist for de 120 årlige ansøgninger om støtte til forældre."),
                    ("Indstilling", "Administrationen indstiller, at ansøgninger om støtte afgøres inden for 10 uger."),
                    ("Beslutning", "1.-2. Godkendes."),
                ),
                item(
                    12,
                    "Orientering om cykelregnskabet",
                    ("Sagsfremstilling", "Cykelregnskabet viser, at der cykles 12 % mere end i 2020."),
                    ("Beslutning", "Taget til efterretning."),
                ),
                item(
                    13,
                    "Forlængelse af aftalen om testcenteret i hallen",
                    ("Indstilling", "Administrationen indstiller, at aftalen om testcenteret forlænges til 2023."),
                    (
                        "Beslutning",
                        "Udvalget godkendte nyt indstillingspunkt om, at det tages til efterretning, at regionen "
                        "har valgt at lukke testcenteret ned.",
                    ),
                ),
                item(
                    14,
                    "Udpegning til bestyrelsen for Fjernvarmen",
                    ("Indstilling", "Administrationen indstiller, at der udpeges et medlem til bestyrelsen."),
                    (
                        "Beslutning",
                        "Udvalget godkendte administrationens indstilling. Mette Holm (V) blev valgt.\n\n"
                        "Ikke til stede: Jens Hansen",
                    ),
                ),
                item(
                    15,
                    "Driftstilskudsaftale med Pigegarden 2023-2026",
                    (
                        "Sagsfremstilling",
                        "I budgettet udgør tilskuddet 241.558 kr. årligt. Driftstilskuddet til Pigegarden er "
                        "dermed reduceret med 50.000 kr. i forhold til tidligere år.",
                    ),
                    ("Beslutning", "Godkendt."),
                ),
                item(
                    16,
                    "Ejendomsstrategi - status 2025 på handleplanen",
                    (
                        "Sagsfremstilling",
                        "Status for handleplanen for ejendomsstrategien viser, at efterslæbet på ejendommene "
                        "er mindsket.\n\nEn ny plan ventes fremlagt i slutningen af 2026.",
                    ),
                    ("Beslutning", "Status for handleplanen blev taget til efterretning."),
                ),
                item(
                    4,
                    "Valg af ny formand for udvalget",
                    ("Resume", "Formand Heidi Serny Jacobsen har søgt orlov, og udvalget skal pege på en ny formand."),
                    ("Beslutning", "Udvalget pegede på John T. Olsen som formand for udvalget."),
                ),
            ],
        ),  # fmt: skip
    }
    for name, text in docs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert not ingest_paths(s, [tmp_path / n for n in docs]).failed
    return s


def one_document(tmp_path: Path, text: str) -> Store:
    """A store of one minutes document."""
    s = Store(tmp_path / "one.db")
    (tmp_path / "one.txt").write_text(text, encoding="utf-8")
    assert not ingest_paths(s, [tmp_path / "one.txt"]).failed
    return s


def first_quote(store: Store, question: str):
    a = answer(store, question, cfg=CFG, today=TODAY)
    assert not a.no_answer, question
    return a.answers[0]


def test_a_note_followed_by_what_was_said_is_the_decision(store: Store) -> None:
    hit = first_quote(store, "Hvad besluttede Chefforum om porteføljeoverblikket?")
    assert hit.quotes[0].kind == DECISION and "skabelon for drøftelserne" in hit.quotes[0].text


def test_a_note_about_other_things_quotes_the_passage_the_question_is_about(store: Store) -> None:
    hit = first_quote(store, "Hvad er status på Kommunernes Ydelsessystem?")
    assert "bølge 5" in hit.quotes[0].text and hit.quotes[0].kind != DECISION
    assert hit.quotes[1].kind == DECISION  # the decision is shown after it


def test_a_postponement_is_what_was_decided(store: Store) -> None:
    hit = first_quote(store, "Hvad blev besluttet om måltallet for busfremkommelighed?")
    assert hit.quotes[0].kind == DECISION and hit.quotes[0].text == "Sagen blev udsat uden behandling."


def test_search_words_the_decision_does_not_hold_quote_where_they_stand(store: Store) -> None:
    hit = first_quote(store, "krav om besporing Kattrup")
    assert "besporing" in hit.quotes[0].text and hit.quotes[1].kind == DECISION
    # put as a question, it asks what was decided
    asked = first_quote(store, "Hvad blev besluttet om besporing ved Kattrup?")
    assert asked.quotes[0].kind == DECISION


def test_a_count_stands_before_the_asked_word(store: Store) -> None:
    hit = first_quote(store, "oprydning i ESDH hvor mange fredage")
    assert "2 fredage" in hit.quotes[0].text


def test_a_decision_adopting_a_bodys_recommendation_quotes_it_from_the_sagsforloeb(store: Store) -> None:
    hit = first_quote(store, "Hvad blev besluttet om robotstøvsugere i hjemmeplejen?")
    adopted = hit.quotes[0]
    # Byrådet adopted Økonomiudvalget's, which adopted Sundheds- og Omsorgsudvalget's: model 3, with the
    # entry's date and body, verbatim and without who was absent
    assert adopted.kind == HISTORY
    assert adopted.text == "02/06/2025 Sundheds- og Omsorgsudvalget\n\nUdvalget anbefaler model 3."
    assert hit.quotes[1].kind == DECISION


def test_a_vote_on_an_adopted_recommendation_quotes_the_vote_then_the_recommendation(store: Store) -> None:
    hit = first_quote(store, "Hvad blev besluttet om driftstilskuddet til Strandparken?")
    assert hit.quotes[0].kind == DECISION and "16 for og 4 imod" in hit.quotes[0].text
    assert hit.quotes[1].kind == HISTORY and "kan ikke anbefale et udvidelsesforslag" in hit.quotes[1].text


def test_an_adoption_by_vote_of_a_recommendation_not_in_the_sagsforloeb_quotes_the_proposal_after_it(
    store: Store,
) -> None:
    hit = first_quote(store, "Hvad blev besluttet om den selvbetjente åbningstid på biblioteket?")
    assert hit.quotes[0].kind == DECISION and "20 for og 1 imod" in hit.quotes[0].text
    assert hit.quotes[1].kind == PROPOSAL and "åbningstid reduceres om aftenen" in hit.quotes[1].text


def test_lettered_points_approved_adopt_the_proposal(store: Store) -> None:
    from index.quotes import BARE_APPROVAL

    assert BARE_APPROVAL.match("1. a.-d. Godkendt.") and BARE_APPROVAL.match("2 b. Godkendt")
    assert not BARE_APPROVAL.match("1. Godkendt med bemærkning.")
    hit = first_quote(store, "Hvad blev besluttet om gratis pendlerparkering ved stationen?")
    assert hit.quotes[0].kind == PROPOSAL and "200 p-pladser" in hit.quotes[0].text


def test_a_chain_ending_in_the_administrations_proposal_quotes_the_proposal(store: Store) -> None:
    hit = first_quote(store, "Hvad blev besluttet om kodeks for kommentarer på sociale medier?")
    assert hit.quotes[0].kind == PROPOSAL and "opdaterede kodeks" in hit.quotes[0].text


def test_numbered_decision_points_are_each_a_decision(store: Store) -> None:
    # "1. Orienteringen … til efterretning. 2. Udvalget ønsker ikke at slukke …": point 2 is the answer
    hit = first_quote(store, "Skal vejbelysningen slukkes for at spare på strømmen?")
    assert hit.quotes[0].kind == DECISION and "ikke at slukke" in hit.quotes[0].text


def test_a_question_of_what_a_body_wanted_quotes_the_decision_not_a_figure(store: Store) -> None:
    hit = first_quote(store, "Hvad ville udvalget have belyst efter orienteringen om 10. klasse?")
    assert hit.quotes[0].kind == DECISION and "tosprogede elever" in hit.quotes[0].text


def test_search_words_standing_together_in_one_passage_answer(store: Store) -> None:
    # mentioned once, in a list under Baggrund, but every word of the question stands there together
    hit = first_quote(store, "fælles webindgang til blanketter")
    assert hit.item.number == 3 and "fælles webindgang til alle blanketter" in hit.quotes[0].text


def test_sagsforloeb_entries_in_both_first_agenda_forms() -> None:
    aarhus = "Udvalg: Magistraten\n\nDato: 19-08-2025\n\nPunktnummer: 7\n\nFremsendes til Byrådet."
    [e] = entries(aarhus)
    assert (e.forum, e.date.isoformat(), e.number, aarhus[e.start : e.end].strip()) == (
        "Magistraten", "2025-08-19", 7, "Fremsendes til Byrådet."
    )  # fmt: skip
    greve = "02/06/2025 Sundheds- og Omsorgsudvalget\n\n" + ROBOT
    found = entries(greve)
    assert [(e.forum, e.date.isoformat(), e.number) for e in found] == [
        ("Sundheds- og Omsorgsudvalget", "2025-06-02", None),
        ("Økonomiudvalget 2022", "2025-06-16", None),
    ]
    assert greve[found[0].start : found[0].end].strip().startswith("Udvalget anbefaler model 3.")
    # a line that opens with a date but is a sentence is not an entry
    assert entries("12-05-2025 Byrådet vedtog planen. Den gælder fra i dag.") == []
    assert entries("31-02-2025 Byrådet") == []  # no such day


def test_one_body_has_one_key_whatever_its_term_or_form() -> None:
    assert body_key("Byråd 2022-2025") == body_key("Byrådet") == body_key("byråd")
    assert body_key("Kultur- og Fritidsudvalget 2022") == body_key("Kultur- og Fritidsudvalget")
    assert body_key("Økonomiudvalget (slettet 10-01-2022)") == body_key("Økonomiudvalget")
    assert body_key("Teknisk Udvalg") != body_key("Byrådet")


def test_a_bare_approval_of_numbered_points_quotes_the_whole_proposal(store: Store) -> None:
    hit = first_quote(store, "Hvad blev besluttet om midlerne fra den statslige pulje til Tune Bymidte?")
    assert hit.quotes[0].kind == PROPOSAL and "tilbyder de tildelte midler til Roskilde" in hit.quotes[0].text


def test_approving_a_proposal_that_only_notes_quotes_the_summary(store: Store) -> None:
    hit = first_quote(store, "skovgården lejrskole")
    assert hit.quotes[0].section == "Resume" and "Skovgård Fonden" in hit.quotes[0].text


def test_an_approval_followed_by_what_was_chosen_quotes_the_decision(store: Store) -> None:
    hit = first_quote(store, "Hvem blev valgt som repræsentant til folkeoplysningsudvalget?")
    assert hit.quotes[0].kind == DECISION and "Anne Marie Lyduch" in hit.quotes[0].text


def test_a_name_with_a_middle_initial_answers_who(store: Store) -> None:
    hit = first_quote(store, "Hvem pegede udvalget på som ny formand?")
    assert hit.quotes[0].kind == DECISION and "John T. Olsen" in hit.quotes[0].text


def test_approved_points_followed_by_a_point_with_its_own_content_quote_the_decision(store: Store) -> None:
    hit = first_quote(store, "billetpris byens awards 2026")
    assert hit.quotes[0].kind == DECISION and "billetprisen øges til 100 kr." in hit.quotes[0].text


def test_a_later_point_with_content_of_its_own_is_the_decision(store: Store) -> None:
    # "1. Godkendt. 2. Udvalget fastholdt afslaget …": point 2 says what came of it, in other words than the
    # question's
    hit = first_quote(store, "endte sydkystens gymnastikforening med at få lokaletilskud?")
    assert hit.quotes[0].kind == DECISION and "fastholdt afslaget" in hit.quotes[0].text


def test_a_short_decision_naming_who_answers_who_without_the_questions_words(store: Store) -> None:
    hit = first_quote(store, "hvem fra udvalget deltog i valdemarsdag paa plejecentrene 2024")
    assert hit.quotes[0].kind == DECISION and "Liselott Blixt og Tina Rottbøll" in hit.quotes[0].text


def test_an_approval_that_goes_on_quotes_what_it_says_then_what_was_adopted(store: Store) -> None:
    hit = first_quote(store, "bestyrelsesmedlem til varmeværket")
    assert hit.quotes[0].kind == DECISION and "Marc Genning (V) blev valgt" in hit.quotes[0].text
    assert hit.quotes[1].kind == PROPOSAL and "udpeges et medlem" in hit.quotes[1].text
    # an approval followed only by the vote says nothing of its own: what was adopted comes first
    voted = first_quote(store, "åbningstider i svømmehallen")
    assert voted.quotes[0].kind == PROPOSAL and "kl. 6 på hverdage" in voted.quotes[0].text


def test_a_decision_voted_on_after_an_approval_is_what_it_says() -> None:
    # "Endvidere besluttede … med stemmerne 12 for og 7 imod, at …" is a decision that was voted on, not a
    # record of the vote like "Imod stemte (A) og (C)."
    from index.quotes import _vote_record

    assert _vote_record("Imod stemte (A) og (C) med bemærkning om, at de ønsker en anden model.")
    assert _vote_record("Med stemmerne 19 for godkendte Byrådet Økonomiudvalgets indstilling.")
    assert not _vote_record("Endvidere besluttede Byrådet med stemmerne 12 for og 7 imod, at der anlægges en sti.")


def test_an_approval_that_goes_on_with_a_voted_decision_quotes_that_decision(store: Store) -> None:
    hit = first_quote(store, "hvad skal provenuet fra afviklingen af parkeringsselskabet bruges til")
    assert hit.quotes[0].kind == DECISION and "ny cykelsti langs Centervej" in hit.quotes[0].text


def test_plural_approval_and_a_note_without_subject_say_nothing_of_their_own(store: Store) -> None:
    # "1.-2. Godkendes." adopts the proposal; "Taget til efterretning." only notes the item
    hit = first_quote(store, "sagsbehandlingsfrist for ansøgninger om støtte til forældre")
    assert hit.quotes[0].kind == PROPOSAL and "10 uger" in hit.quotes[0].text
    hit = first_quote(store, "hvad viser cykelregnskabet")
    assert hit.quotes[0].kind != DECISION and "12 % mere" in hit.quotes[0].text


def test_an_approval_that_goes_on_to_say_what_was_adopted_is_no_approval_by_reference() -> None:
    from index.quotes import approves_by_reference

    assert approves_by_reference("Byrådet godkendte Økonomiudvalgets indstilling.")
    assert not approves_by_reference("Byrådet godkendte nyt indstillingspunkt om, at regionen har valgt at lukke.")
    assert not approves_by_reference(
        "Udvalget anbefaler, at administrationens indstilling godkendes, det præciseres, at der ikke skal laves en politik."
    )


def test_an_approval_followed_by_what_the_question_asks_for_quotes_the_decision(store: Store) -> None:
    hit = first_quote(store, "blev aftalen om testcenteret i hallen forlænget?")
    assert hit.quotes[0].kind == DECISION and "lukke testcenteret ned" in hit.quotes[0].text
    # a name after the approval answers who; a name of who was absent does not
    hit = first_quote(store, "hvem blev valgt til bestyrelsen for fjernvarmen?")
    assert hit.quotes[0].kind == DECISION and "Mette Holm (V) blev valgt" in hit.quotes[0].text
    from index.quotes import _decision_body

    assert "Jens Hansen" not in _decision_body("Godkendt.\n\nIkke til stede: Jens Hansen")


def test_a_bare_approval_answers_how_long_from_the_adopted_proposal(store: Store) -> None:
    # "1.-2. Godkendes.": the proposal's "frist på 10 uger" is what was decided, not the summary's words
    hit = first_quote(store, "hvor lang tid gives der til ansøgninger om støtte til forældre?")
    assert hit.quotes[0].kind == PROPOSAL and "10 uger" in hit.quotes[0].text


def test_what_a_body_said_or_found_asks_for_what_the_item_says_not_a_figure() -> None:
    from index.question import FACT_KINDS

    open_kind = dict(FACT_KINDS)["fact-open"]
    for q in ("hvad har socialtilsyn øst sagt om vangeleddet?", "hvad vurderede styrelsen ved tilsynet?"):
        assert re.search(open_kind, q), q
    assert not re.search(open_kind, "hvad er huslejen i lejlighederne?")


def test_how_often_asks_for_a_frequency_not_a_figure() -> None:
    from index.patterns import FREQUENCY
    from index.question import FACT_KINDS

    often = dict(FACT_KINDS)["often"]
    assert re.search(often, "hvor tit skal udvalget have orientering om aktiveringen fremover?")
    assert re.search(often, "hvor ofte revideres beredskabsplanen?")
    said = ["sagen forelægges én gang årligt", "to gange om året", "hvert andet år", "kvartalsvis", "hver 14. dag"]
    assert all(FREQUENCY.search(t) for t in said)
    assert not FREQUENCY.search("udgiften er 2,4 mio. kr. i 2025")


def test_a_sentence_that_follows_from_the_one_before_is_quoted_with_it(store: Store) -> None:
    hit = first_quote(store, "hvor meget får pigegarden i driftstilskud?")
    assert "241.558 kr. årligt" in hit.quotes[0].text and "dermed reduceret" in hit.quotes[0].text


def test_a_period_is_a_time_to_quote_but_not_to_rank_by() -> None:
    from index.patterns import ANSWER_PATTERNS, PERIOD

    assert PERIOD.search("en ny handleplan i slutningen af 2026") and PERIOD.search("i løbet af maj")
    assert PERIOD.search("den 1. juli 2025")
    assert not ANSWER_PATTERNS["when"].search("en ny handleplan i slutningen af 2026")


def test_a_status_question_asking_when_quotes_the_passage_with_the_date(store: Store) -> None:
    hit = first_quote(store, "hvordan går det med handleplanen for ejendomsstrategien – hvornår kommer der en ny?")
    assert "slutningen af 2026" in hit.quotes[0].text


def test_a_question_of_price_quotes_the_passage_with_an_amount_of_money(tmp_path: Path) -> None:
    # the passage that holds most of the question ("… forlænges med fire år …") has no price in it
    text = minutes("Beskæftigelsesudvalget", "03-06-2024", [item(
        4, "Samarbejdsaftale med Jobnet Partner 2025-2028",
        ("Indstilling", "Administrationen indstiller,\n\n1. at samarbejdsaftalen med Jobnet Partner forlænges med "
                        "fire år, fra 1. januar 2025 til 31. december 2028\n\n2. at medfinansieringen på op til "
                        "150.000 kr. dækkes via budgettet for 2025-2028"),
        ("Beslutning", "1.-2. Godkendt."),
    )])  # fmt: skip
    s = one_document(tmp_path, text)
    hit = first_quote(s, "jobnet partner 2025-2028 pris")
    assert "150.000 kr." in hit.quotes[0].text
    from index.patterns import MONEY

    assert MONEY.search("op til 150.000 kr.") and MONEY.search("1,2 mio. kr.") and not MONEY.search("fire år")


def test_a_count_in_words_or_of_a_compound_with_the_asked_head_is_a_count() -> None:
    from index.analyze import get_analyzer
    from index.quotes import _counts_asked

    a = get_analyzer()
    members, boxes = set(a.terms("medlemmer")), set(a.terms("bokse"))
    assert _counts_asked("Bevillingsnævnet består af syv medlemmer.", members)
    assert _counts_asked("Hestestalden indeholder fire stk. hestebokse med plads til foder.", boxes)
    assert not _counts_asked("Nævnet består af medlemmer fra byrådet.", members)


def test_verdicts_on_the_proposals_points_quote_the_points(tmp_path: Path) -> None:
    text = minutes("Kultur- og Fritidsudvalget", "09-10-2024", [item(
        5, "Ansøgninger om lokaletilskud",
        ("Indstilling", "Administrationen indstiller,\n\n1. at ansøgningen fra Tune Tennisklub imødekommes\n"
                        "2. at ansøgningen fra Greve Golfklub ikke imødekommes"),
        ("Beslutning", "1. Ikke godkendt\n\n2. Godkendt"),
    )])  # fmt: skip
    s = one_document(tmp_path, text)
    hit = first_quote(s, "status på lokaletilskud til golfklubben")
    assert hit.quotes[0].kind == PROPOSAL and "ikke imødekommes" in hit.quotes[0].text
    assert hit.quotes[1].kind == DECISION and hit.quotes[1].text == "1. Ikke godkendt\n\n2. Godkendt"


def test_who_took_part_before_a_bare_approval_is_not_what_was_decided(tmp_path: Path) -> None:
    text = minutes("Byrådet", "11-12-2024", [item(
        17, "Beslutning om CO2-fangst hos forbrændingsanlægget",
        ("Indstilling", "Administrationen indstiller, at der tilkendegives en principiel opbakning til "
                        "forberedelse af projektet om CO2-fangst."),
        ("Beslutning", "Dorthe Bøgh Madsen deltog som stedfortræder.\n\nGodkendt."),
    )])  # fmt: skip
    s = one_document(tmp_path, text)
    hit = first_quote(s, "hvad blev besluttet om CO2-fangst?")
    assert hit.quotes[0].kind == PROPOSAL and "principiel opbakning" in hit.quotes[0].text
    assert hit.quotes[1].kind == DECISION
