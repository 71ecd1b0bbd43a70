"""A case's history: the other meetings' items with the same case number, and the earlier treatments an
item's own "Sagsforløb" lists (First Agenda's record of the bodies a case passed through, often bodies whose
minutes are not in the store, such as Magistraten)."""

from __future__ import annotations

from collections.abc import Iterable

from index.access import Access
from index.cases import same_subject
from index.config import Config
from index.links import item_url
from index.model import DECISION, HISTORY, CaseRef, Section
from index.passages import passages
from index.sagsforloeb import body_key, entries
from index.store import Store

MAX_HISTORY = 8


def case_history(
    store: Store, cfg: Config, row: dict, access: Access | None, sections: list[Section] | None = None
) -> list[CaseRef]:
    """Earlier and later treatments of the item's case, oldest first: items of the same municipality with the
    same case number in other meetings (linked), then the treatments its Sagsforløb names that the store has
    no minutes of (unlinked). Only bodies the caller may see (`access`, None = all) appear. `sections`: the
    item's, when already read."""
    out = _same_case(store, cfg, row, access) if row["case_number"] else []
    seen = [(c.forum, c.date) for c in out] + [(row["forum"], row["date"])]
    out += unseen(sagsforloeb(store, row, sections), seen, access)
    out.sort(key=lambda c: (c.date, c.forum))
    return out[-MAX_HISTORY:]


def unseen(refs: Iterable[CaseRef], seen: Iterable[tuple[str, str]], access: Access | None) -> list[CaseRef]:
    """The Sagsforløb treatments `refs` of a body the caller may see (`access`; None = all) and not yet among
    `seen` ((forum, ISO date) pairs), each once: "Byråd" of a Sagsforløb is the stored "Byråd 2022-2025"."""
    known = {(body_key(forum), date) for forum, date in seen}
    out = []
    for ref in refs:
        key = (body_key(ref.forum), ref.date)
        if key in known or (access is not None and not access.allows(ref.municipality, ref.forum, key=body_key)):
            continue
        known.add(key)
        out.append(ref)
    return out


def sagsforloeb(store: Store, row: dict, sections: list[Section] | None = None) -> list[CaseRef]:
    """The treatments listed in the item's Sagsforløb section, with the first sentence of what each body
    did, verbatim. Closed items keep no Sagsforløb, so nothing of theirs can appear here."""
    out = []
    for section in store._sections(row["rowid"]) if sections is None else sections:
        if section.kind != HISTORY:
            continue
        for entry in entries(section.text):
            out.append(
                CaseRef(
                    meeting_id="",
                    date=entry.date.isoformat(),
                    forum=entry.forum,
                    item_number=entry.number,
                    title=row["title"],
                    url="",
                    decision=_first_sentence(section.text[entry.start : entry.end]),
                    municipality=row.get("municipality") or "",
                )  # fmt: skip
            )
    return out


def _same_case(store: Store, cfg: Config, row: dict, access: Access | None) -> list[CaseRef]:
    rows = store.conn.execute(
        "SELECT i.*, m.external_id AS meeting_external_id, m.portal_url FROM items i JOIN meetings m"
        " ON m.id = i.meeting_id WHERE i.case_number = ? AND i.meeting_id != ? AND i.municipality = ?"
        " ORDER BY i.date, i.number",
        (row["case_number"], row["meeting_id"], row.get("municipality") or ""),
    ).fetchall()
    out = []
    for r in rows:
        if access is not None and not access.allows(r["municipality"], r["forum"]):
            continue
        if not same_subject(store.analyzer, row["title"], r["title"]):
            continue
        out.append(
            CaseRef(
                meeting_id=r["meeting_id"],
                date=r["date"],
                forum=r["forum"],
                item_number=r["number"],
                title=r["title"],
                url=item_url(
                    cfg,
                    r["meeting_id"],
                    r["forum"],
                    r["date"],
                    r["number"],
                    item_external_id=r["external_id"],
                    meeting_external_id=r["meeting_external_id"],
                    portal_url=r["portal_url"],
                    municipality=r["municipality"],
                ),
                decision=_first_decision_sentence(store, r["rowid"]),
                municipality=r["municipality"],
            )  # fmt: skip
        )
    return out


def _first_decision_sentence(store: Store, rowid: int) -> str:
    for section in store._sections(rowid):
        if section.kind == DECISION and (first := _first_sentence(section.text)):
            return first
    return ""


def _first_sentence(text: str) -> str:
    """The first passage of `text`, verbatim ("" when it holds none)."""
    spans = passages(text)
    return text[spans[0][0] : spans[0][1]] if spans else ""
