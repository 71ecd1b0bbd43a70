"""Markup written into the minutes stays text in Teams cards and Slack messages: a title
`[Klik her](https://…)` never becomes a link, and only Referent's own links are clickable."""

from __future__ import annotations

import json
from collections.abc import Iterator

from bot.decisions import Selection, Shown
from bot.render import digest as digest_render
from bot.render import slack as slack_render
from bot.render.teams import answer_card, no_answer_card
from index.digest import Digest, DigestItem, DigestMeeting
from index.model import Answer, CaseRef, Hit, ItemRef, MeetingRef, Quote

EVIL = "https://evil.example/login"
OURS = "https://referent.example.dk/m/cf-2024-03-01#punkt-2"
HOSTILE_TITLE = f"[Klik her]({EVIL}) **Personalesag** <{EVIL}|Klik her> <!channel>"
HOSTILE_QUOTE = f"Godkendt. Se [bilaget]({EVIL}) og _kursiv_ * punkt\n- liste\n# overskrift"
MARKUP = ("[Klik her]", "**", "](", "<!channel>", "_kursiv_")


def hostile_answer() -> Answer:
    meeting = MeetingRef("cf-2024-03-01", "Chefforum [x](https://evil.example)", "2024-03-01", "Chefforum", OURS)
    history = [CaseRef("cf-2023", "2023-01-01", "Chefforum", 3, HOSTILE_TITLE, OURS, HOSTILE_QUOTE)]
    top = Hit(meeting, ItemRef(2, HOSTILE_TITLE, "[00.01](https://evil.example)", OURS),
              [Quote(f"Beslutning [x]({EVIL})", HOSTILE_QUOTE)], case_history=history)  # fmt: skip
    more = Hit(meeting, ItemRef(3, HOSTILE_TITLE, None, ""), [Quote("Beslutning", HOSTILE_QUOTE)])
    return Answer(f"spørgsmål [Klik her]({EVIL})", False, f"Svar om [Klik her]({EVIL})", [top, more])


def elements(node: object) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from elements(value)
    elif isinstance(node, list):
        for value in node:
            yield from elements(value)


def assert_markup_is_inert(card: dict) -> None:
    """Teams reads TextBlocks as Markdown: none may carry text from the minutes; every link is ours."""
    for element in elements(card):
        if element.get("type") == "TextBlock":
            assert not any(mark in element["text"] for mark in MARKUP), element
            assert "evil" not in element["text"], element
        if element.get("type") == "Action.OpenUrl":
            assert element["url"] == OURS
    shown = [run["text"] for run in elements(card) if run.get("type") == "TextRun"]
    assert any(HOSTILE_TITLE in text for text in shown)  # shown, as the characters it is
    assert "evil.example" not in json.dumps([e.get("url", "") for e in elements(card)])


def test_teams_answer_card_shows_markdown_from_the_minutes_as_text() -> None:
    card = answer_card(hostile_answer(), question="q")
    assert_markup_is_inert(card)
    quote_runs = [r["text"] for r in elements(card) if r.get("type") == "TextRun" and "bilaget" in r["text"]]
    assert HOSTILE_QUOTE in quote_runs  # verbatim, not escaped with backslashes


def test_teams_no_answer_card_and_suggestions_show_markup_as_text() -> None:
    answer = hostile_answer()
    answer.no_answer, answer.suggestions, answer.answers = True, answer.answers, []
    assert_markup_is_inert(no_answer_card(answer))


def test_teams_digest_card_shows_markup_as_text() -> None:
    item = DigestItem("cf-2024-03-01#2", 2, HOSTILE_TITLE, None, False, HOSTILE_QUOTE, OURS)
    meeting = DigestMeeting("cf-2024-03-01", "Chefforum", "2024-03-01", OURS, items=[item])
    digest = Digest("teams", "19:x", "2024-W10", "2024-03-04T07:00:00+00:00", "2024-03-04", meetings=[meeting])
    selection = Selection(digest, digest.meetings, {item.id: Shown([HOSTILE_QUOTE])}, {})
    [(card, ids)] = digest_render.teams_cards(selection)
    assert ids == ["cf-2024-03-01#2"]
    assert_markup_is_inert(card)


def test_slack_mrkdwn_escapes_the_only_link_syntax_it_has() -> None:
    fallback, blocks = slack_render.answer_blocks(hostile_answer(), question="q")
    text = json.dumps(blocks, ensure_ascii=False) + fallback
    # Slack links and mentions are <…>: every < from the minutes arrives as &lt;, so no link or
    # @channel can be forged; [text](url) is not Slack markup and shows as typed.
    assert f"<{EVIL}" not in text and "<!channel>" not in text
    assert f"&lt;{EVIL}|Klik her&gt;" in text and "&lt;!channel&gt;" in text
    links = [part.split("|")[0] for part in text.split("<")[1:]]
    assert links and all(link == OURS for link in links)
