"""The one rule for closed items (index.readers.closed): every form minutes use, and the Danish that is not one."""

from __future__ import annotations

import pytest

from index.model import DECISION, INTRO, Attachment, Item, Section
from index.readers.closed import (
    Verdict,
    is_marker_line,
    judge_item,
    judge_title,
    public_sections,
    redact,
    warning,
)


@pytest.mark.parametrize(
    ("printed", "title"),
    [
        ("Lukket", "Lukket"),
        ("Lukket:", "Lukket"),
        ("LUKKET.", "Lukket"),
        ("Lukket: Salg af grund", "Salg af grund"),
        ("Lukket punkt: Personalesag", "Personalesag"),
        ("Lukket punkt Personalesag", "Personalesag"),
        ("Lukket - Personalesag", "Personalesag"),
        ("CF - Lukket: Personalesag", "Personalesag"),
        ("CF - TCG - Lukket: Personalesag", "Personalesag"),
        ("Personalesag (Lukket)", "Personalesag"),
        ("Ejendomshandel (lukket punkt)", "Ejendomshandel"),
        ("Ejendomshandel [Lukket]", "Ejendomshandel"),
        ("Personalesag - Lukket", "Personalesag"),
        ("**Lukket**", "Lukket"),
        ("Lukket sag", "Lukket"),
        # Greve: the prefix and a bracketed legal reference on one title
        ("Lukket: Temamøde (lukket punkt jfr styrelseslovens §9a, stk 2) om borgersag", "Temamøde om borgersag"),
    ],
)
def test_closed_title_forms(printed: str, title: str) -> None:
    verdict = judge_title(printed)
    assert verdict == Verdict(True, title, unsure=False, reason=verdict.reason)
    assert verdict.reason and warning(3, verdict) is None


@pytest.mark.parametrize(
    "printed",
    [
        "Lukket afdeling på Egely Plejecenter",
        "Lukket for tilmelding",
        "Lukkedage på rådhuset i julen 2024",
        "Nationale aktiviteter i Greve Svømmehal og lukkedage",
        "Udtalelse fra Ankestyrelsen, medlemmer af Byrådet skal have adgang til lukkede punkter under orlov",
        "Status - Lukket afdeling på Egely",
        "Vejen er lukket for trafik",
        "CF - Godkendelse af dagsorden",
    ],
)
def test_ordinary_danish_is_not_a_marker(printed: str) -> None:
    assert judge_title(printed) == Verdict(False, printed)
    assert not judge_item(printed, ["Afdelingen er lukket for nye beboere i 2025.", "Sagsfremstilling"]).closed


@pytest.mark.parametrize(
    ("printed", "title"),
    [
        ("Lukket Personalesag", "Personalesag"),  # a capital after the word reads as a label
        ("Lukket sag om medarbejder", "Lukket sag om medarbejder"),
        ("Orientering om lukket punkt", "Orientering om lukket punkt"),
        ("Budget 2025 Lukket: tillæg", "Budget 2025 Lukket: tillæg"),
    ],
)
def test_doubtful_titles_are_closed_and_say_so(printed: str, title: str) -> None:
    verdict = judge_title(printed)
    assert (verdict.closed, verdict.unsure, verdict.title) == (True, True, title)
    line = warning(7, verdict)
    assert line is not None and line.startswith("item 7 treated as closed: ")


def test_marker_line_under_the_title_is_sure() -> None:
    for marker in ("Lukket punkt", "(Lukket)", "**Lukket punkt**", "LUKKET", "Punktet er lukket."):
        assert is_marker_line(marker)
        verdict = judge_item("Personalesag", ["00.01.00-A00-1-21", "", marker, "Sagsfremstilling"])
        assert (verdict.closed, verdict.unsure, verdict.title) == (True, False, "Personalesag"), marker
    assert not is_marker_line("Lukket afdeling")


def test_marker_in_the_first_lines_is_closed_on_doubt() -> None:
    verdict = judge_item("Personalesag", ["12/14237", "Sagen behandles som lukket punkt, jf. styrelseslovens § 10."])
    assert verdict.closed and verdict.unsure and "first lines" in verdict.reason
    # a wrapped title whose second line carries the suffix
    assert judge_item("Personalesag vedrørende medarbejder i Center for By og", ["Kultur (Lukket)"]).closed


def test_a_marker_far_down_the_item_is_not_looked_for() -> None:
    body = [f"Linje {n} om sagen." for n in range(10)] + ["Sagen var tidligere et lukket punkt."]
    assert not judge_item("Budget", body).closed


def test_labels_and_classes() -> None:
    assert judge_item("Salg af grund", labels=["Lukket punkt"]).closed
    assert judge_item("Salg af grund", labels=["lukket"]).closed
    assert not judge_item("Salg af grund", labels=["Lukket afdeling på Egely Plejecenter", "PDF"]).closed
    assert judge_item("Salg af grund", classes=["label", "fa-lock"]).closed
    assert judge_item("Salg af grund", classes=["punkt-lukket"]).closed
    # "block" holds the letters of "lock"; whole words only
    assert not judge_item("Salg af grund", classes=["d-block", "unlock", "clockwise"]).closed


def test_public_sections_keep_the_first_line_under_the_decision_heading_only() -> None:
    sections = [
        Section("", INTRO, "Medarbejderen X har klaget."),
        Section("Sagsfremstilling", "sagsfremstilling", "Fortroligt."),
        Section("Beslutning", DECISION, "Godkendt.\nMedarbejderen får en påtale."),
    ]
    assert public_sections(sections) == [Section("Beslutning", DECISION, "Godkendt.")]
    # text before the first heading is never the decision line, even when a reader called it a decision
    assert public_sections([Section("", DECISION, "Medarbejderen X har klaget.")]) == []
    assert public_sections([Section("Beslutning", DECISION, "")]) == []


def test_redact_keeps_title_decision_line_and_identity_only() -> None:
    item = Item(
        number=4,
        title="Personalesag",
        title_raw="CF - Lukket: Personalesag v. Jette",
        case_number="00.30.08-000-1-21",
        sections=[
            Section("Sagsfremstilling", "sagsfremstilling", "Fortroligt."),
            Section("Beslutning", DECISION, "Ok."),
        ],
        attachments=[Attachment("Notat om medarbejderen")],
        external_id="uuid-4",
    )
    out = redact(item)
    assert (out.number, out.title, out.title_raw, out.case_number, out.closed) == (
        4,
        "Personalesag",
        "Personalesag",
        None,
        True,
    )
    assert out.sections == [Section("Beslutning", DECISION, "Ok.")] and out.attachments == []
    assert out.external_id == "uuid-4" and item.case_number  # the original is not changed
