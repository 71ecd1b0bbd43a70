"""Which decisions a digest lists, and what it shows of each.

- Standing items (bot.standing: approval of the agenda, Evt., Meddelelser, the signature sheet, an
  orientation only taken note of, …) are counted in one line at the end, not listed.
- A decision that only adopts the proposal ("Godkendt.", Aarhus's "… har vedtaget Magistratens foranstående
  indstilling af 19. august 2025.") is shown by what it adopted: the proposal's points, verbatim, under a
  label; the decision's further sentences (a dissent, a remark) follow. A decision adopting another body's
  recommendation ("Byrådet godkendte Økonomiudvalgets indstilling.") is shown by that recommendation, from
  the Sagsforløb, with its date and body. The rules are the answering core's own (index.quotes), so an answer
  and a digest agree on what a decision by reference adopted.
- A line without a word ("." left in Aarhus's minutes) is never shown.
- A closed item is shown by its public decision line only, whatever it says.

Every item stays in the digest's ledger keys, listed or not, so a standing item is not weighed again.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field

from bot import standing
from index.digest import Digest, DigestItem, DigestMeeting
from index.model import PROPOSAL, Item
from index.passages import passages
from index.quotes import adopted_recommendation, approves_by_reference, took_part
from index.store import Store

MAX_ADOPTED = 400  # characters of the proposal's points; whole points only, at least one


@dataclass(frozen=True)
class Shown:
    lines: list[str]  # the decision's sentences to show, verbatim, none without a word
    adopted: list[str] = field(default_factory=list)  # the proposal's points a decision adopted by reference


@dataclass
class Selection:
    digest: Digest
    meetings: list[DigestMeeting]  # the meetings with something to list, each with only those items
    shown: dict[str, Shown]  # item id -> what to show
    standing: dict[str, int]  # standing kind -> items counted instead of listed

    @property
    def items(self) -> list[DigestItem]:
        return [item for m in self.meetings for item in m.items]

    @property
    def empty(self) -> bool:
        return not self.meetings and not any(self.standing.values())


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if _has_words(line)]


def proposal_points(item: Item) -> list[str]:
    """The proposal's points, verbatim: the lines after its lead-in ("Det indstilles:", "Direktøren
    indstiller,"), as many whole lines as fit MAX_ADOPTED characters."""
    for section in item.sections:
        if section.kind != PROPOSAL or not section.text.strip():
            continue
        lines = _lines(section.text)
        if len(lines) > 1 and lines[0].rstrip().endswith((":", ",")):
            lines = lines[1:]
        kept: list[str] = []
        for line in lines:
            if kept and sum(map(len, kept)) + len(line) > MAX_ADOPTED:
                break
            kept.append(line)
        return kept
    return []


def _first_sentence(text: str) -> str:
    spans = passages(text)
    return text[spans[0][0] : spans[0][1]] if spans else text.strip()


def shown(digest_item: DigestItem, item: Item | None) -> Shown:
    lines = _lines(digest_item.decision)
    if digest_item.closed or item is None or not lines:
        return Shown(lines)
    # "Dorthe Bøgh Madsen deltog som stedfortræder." before the approval records who took part; it stays shown
    lead = next((i for i, line in enumerate(lines) if not took_part(line)), 0)
    first = _first_sentence(lines[lead])
    if not approves_by_reference(first):
        return Shown(lines)
    # "Byrådet godkendte Økonomiudvalgets indstilling.": the recommendation that body made, from the Sagsforløb
    recommendation = adopted_recommendation(item.sections)
    points = _lines(recommendation.text) if recommendation else proposal_points(item)
    if not points:
        return Shown(lines)
    rest = lines[lead][len(first) :].strip()
    return Shown([*lines[:lead], *([rest] if _has_words(rest) else []), *lines[lead + 1 :]], points)


def select(store: Store, digest: Digest) -> Selection:
    """The digest as shown: standing items counted, the rest with what each decision decided."""
    counts: Counter[str] = Counter()
    meetings: list[DigestMeeting] = []
    shows: dict[str, Shown] = {}
    for meeting in digest.meetings:
        loaded = store.load_meeting(meeting.id)
        by_number = {i.number: i for i in loaded.items} if loaded else {}
        kept = []
        for item in meeting.items:
            full = by_number.get(item.number)
            kind = standing.kind(item.title, full.decision if full else item.decision)
            if kind:
                counts[kind] += 1
                continue
            show = shown(item, full)
            if not show.lines and not show.adopted:
                counts["blank"] += 1  # a decision of punctuation only: counted, so nothing vanishes unsaid
                continue
            shows[item.id] = show
            kept.append(item)
        if kept:
            meetings.append(dataclasses.replace(meeting, items=kept))
    ordered = {kind: counts[kind] for kind in (*standing.KINDS, "blank") if counts[kind]}
    return Selection(digest, meetings, shows, ordered)
