"""Follow-ups: how a fragment is recognised and merged with the conversation's previous question."""

from __future__ import annotations

import pytest

from bot.followup import kind_of, looks_like_question, merge, topic

SKATE = "Hvad blev besluttet om skateparken?"


@pytest.mark.parametrize(
    ("previous", "text", "expected", "kind"),
    [
        # narrow: the fragment adds to the previous question; a new date replaces the old one
        (SKATE, "og i 2024?", "Hvad blev besluttet om skateparken i 2024?", "narrow"),
        (SKATE, "i 2024?", "Hvad blev besluttet om skateparken i 2024?", "narrow"),
        (SKATE, "og sidste år?", "Hvad blev besluttet om skateparken sidste år?", "narrow"),
        (SKATE, "og i Økonomiudvalget?", "Hvad blev besluttet om skateparken i Økonomiudvalget?", "narrow"),
        ("Hvad blev besluttet om skateparken i 2023?", "og i 2024?", "Hvad blev besluttet om skateparken i 2024?",
         "narrow"),
        ("Hvem tager bagvagten i uge 30?", "og i uge 31?", "Hvem tager bagvagten i uge 31?", "narrow"),
        (SKATE, "hvad med 2023?", "Hvad blev besluttet om skateparken i 2023?", "narrow"),
        # swap: "hvad med X" asks the same about X, within the same dates
        (SKATE, "hvad med vagtplanen?", "Hvad blev besluttet om vagtplanen?", "swap"),
        ("Hvad blev besluttet om skateparken i 2024?", "og hvad med affaldssortering?",
         "Hvad blev besluttet om affaldssortering i 2024?", "swap"),
        # frame: the fragment's own question about the previous topic (and its dates)
        (SKATE, "hvem foreslog det?", "hvem foreslog det om skateparken?", "frame"),
        ("Hvad blev besluttet om skateparken i 2024?", "hvem foreslog det?",
         "hvem foreslog det om skateparken i 2024?", "frame"),
        (SKATE, "hvornår blev det besluttet?", "hvornår blev det besluttet om skateparken?", "frame"),
        (SKATE, "hvad blev besluttet om det?", "hvad blev besluttet om skateparken?", "frame"),
        (SKATE, "og hvor meget kostede den?", "hvor meget kostede den om skateparken?", "frame"),
        ("Hvem tager bagvagten i uge 30?", "og hvornår?", "hvornår tager bagvagten i uge 30?", "frame"),
        # before: every earlier treatment
        (SKATE, "og før det?", "Hvad blev besluttet om skateparken tidligere?", "before"),
        ("Hvad blev besluttet om skateparken i 2024?", "tidligere?", "Hvad blev besluttet om skateparken tidligere?",
         "before"),
    ],
)  # fmt: skip
def test_follow_ups_are_merged_with_the_previous_question(previous: str, text: str, expected: str, kind: str) -> None:
    reading = merge(previous, text)
    assert (reading.question, reading.kind) == (expected, kind)


@pytest.mark.parametrize(
    "text",
    [
        "Hvad blev besluttet om adgangskontrol?",
        "hvad blev besluttet om det nye rådhus?",  # "det" is an article here, not a pointer back
        "Hvem tager bagvagten i uge 30?",
        "adgangskontrol",
        "hvad blev besluttet om 77.02.00-A00-9-21",  # a case number is a topic of its own
        "Hvad har Økonomiudvalget besluttet om budgettet for skateparken ved Egelund Station i 2024?",  # long
    ],
)
def test_a_question_with_a_topic_of_its_own_starts_fresh(text: str) -> None:
    assert kind_of(text) is None
    assert merge(SKATE, text).question == text


def test_a_chain_of_follow_ups_builds_on_the_last_question_asked() -> None:
    asked = None
    for text in ("Hvad blev besluttet om skateparken?", "og i 2024?", "hvem foreslog det?", "og i 2023?"):
        asked = merge(asked, text).question
    assert asked == "hvem foreslog det om skateparken i 2023?"


def test_without_a_previous_question_or_topic_a_fragment_stands_alone() -> None:
    assert merge(None, "og i 2024?").question == "og i 2024?"
    assert merge("hvad så?", "og i 2024?").question == "og i 2024?"  # nothing to carry over


def test_topic_is_what_the_question_is_about() -> None:
    assert topic("Hvad blev besluttet om skateparken i 2024?") == ("skateparken", True)
    assert topic("Hvem tager bagvagten i uge 30?") == ("tager bagvagten", False)
    assert topic("og i 2024?") == ("", False)


@pytest.mark.parametrize(
    ("text", "asks"),
    [("og i 2024?", True), ("hvem foreslog det", True), ("Hvad med budgettet", True), ("super, tak", False),
     ("ja, det passer", False), ("", False)],
)  # fmt: skip
def test_looks_like_question(text: str, asks: bool) -> None:
    assert looks_like_question(text) is asks
