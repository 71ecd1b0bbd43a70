"""The treatments of a case: the stored items of one case across bodies, and the items that arrived since a
moment, each with what a reader must see of it (its decision, verbatim; a link).

A case is a case number together with a subject (index/cases.py): municipalities reuse numbers, so the items
holding one number are grouped into cases by their titles before anything is shown or followed. Closed items
are stored without a case number and with their public decision line only, so nothing more of them can
appear here.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.access import Access
from index.cases import same_case
from index.config import Config
from index.digest import decision_excerpt, fingerprint
from index.history import sagsforloeb, unseen
from index.links import item_url, meeting_url
from index.model import CaseRef
from index.store import Store

_ROWS = (
    "SELECT i.*, m.revision, m.changed_at, m.kind, m.external_id AS meeting_external_id, m.portal_url"
    " FROM items i JOIN meetings m ON m.id = i.meeting_id"
)


@dataclass(frozen=True)
class Treatment:
    """One item as a notice, a feed entry or a step of a case's timeline shows it."""

    item_id: str
    meeting_id: str
    number: int
    title: str
    case_number: str | None
    forum: str
    date: str  # ISO
    closed: bool
    kind: str  # referat or dagsorden
    revision: int
    decision: str  # the first sentence(s) of the decision, verbatim; a closed item's public line only
    fingerprint: str  # title, closedness and decision text (index.digest.fingerprint)
    url: str
    meeting_url: str
    changed_at: str = ""


def item_row(store: Store, item_id: str) -> dict | None:
    """An item's row ('meeting id#number') with its meeting's revision, clock, kind and link fields."""
    row = store.conn.execute(_ROWS + " WHERE i.id = ?", (item_id,)).fetchone()
    return dict(row) if row else None


def arrived_since(store: Store, since: str) -> list[dict]:
    """Items of minutes (not agendas) stored or corrected at or after `since` (UTC ISO, the store's clock)."""
    rows = store.conn.execute(
        _ROWS + " WHERE m.kind = 'referat' AND m.changed_at >= ? ORDER BY m.changed_at, i.date, i.meeting_id, i.number",
        (since,),
    )
    return [dict(r) for r in rows]


def with_case_number(store: Store, case_number: str, access: Access | None = None) -> list[dict]:
    """Every item holding `case_number` that `access` sees (None = all), oldest first; one number may be
    several cases (group_cases), of one municipality or several."""
    rows = store.conn.execute(_ROWS + " WHERE i.case_number = ? ORDER BY i.date, i.forum, i.number", (case_number,))
    return [dict(r) for r in rows if access is None or access.allows(r["municipality"], r["forum"])]


def group_cases(store: Store, rows: list[dict]) -> list[list[dict]]:
    """`rows` (oldest first) grouped into cases: an item joins the first case one of whose items it is the same
    case as (same number and subject), else starts its own."""
    groups: list[list[dict]] = []
    for row in rows:
        for group in groups:
            if any(same_case(store.analyzer, other, row) for other in group):
                group.append(row)
                break
        else:
            groups.append([row])
    return groups


def belongs(store: Store, row: dict, case_numbers: list[str], title: str, municipality: str = "") -> bool:
    """Is `row` a treatment of the case followed as `case_numbers` and `title` (of `municipality`, when the
    followed item named one)? The number and the subject must match, and a case is one municipality's: an
    unrelated item under a reused number, or another municipality's, is another case."""
    if not case_numbers:
        return same_case(store.analyzer, {"case_number": None, "title": title, "municipality": municipality}, row)
    return any(
        same_case(store.analyzer, {"case_number": n, "title": title, "municipality": municipality}, row)
        for n in case_numbers
    )


def municipality_of(store: Store, item_id: str | None) -> str:
    """The municipality of a stored item ('' when unknown or gone)."""
    row = item_row(store, item_id) if item_id else None
    return (row["municipality"] or "") if row else ""


def treatment(store: Store, cfg: Config, row: dict) -> Treatment:
    """What a reader sees of `row` (an item_row/arrived_since/with_case_number row)."""
    sections = store._sections(row["rowid"])
    closed = bool(row["closed"])
    return Treatment(
        item_id=row["id"], meeting_id=row["meeting_id"], number=row["number"], title=row["title"],
        case_number=row["case_number"], forum=row["forum"], date=row["date"], closed=closed, kind=row["kind"],
        revision=row["revision"], decision=decision_excerpt(sections, closed),
        fingerprint=fingerprint(row["title"], closed, sections),
        url=item_url(
            cfg, row["meeting_id"], row["forum"], row["date"], row["number"],
            meeting_external_id=row["meeting_external_id"], item_external_id=row["external_id"],
            portal_url=row["portal_url"], municipality=row["municipality"],
        ),
        meeting_url=meeting_url(
            cfg, row["meeting_id"], row["forum"], row["date"], row["meeting_external_id"], portal_url=row["portal_url"],
            municipality=row["municipality"],
        ),
        changed_at=row["changed_at"],
    )  # fmt: skip


def earlier_bodies(store: Store, rows: list[dict], access: Access | None) -> list[CaseRef]:
    """Treatments the case's own Sagsforløb lists (bodies whose minutes are not stored, such as Magistraten),
    that `access` sees, not already among `rows`; unlinked."""
    listed = (ref for row in rows for ref in sagsforloeb(store, row))
    out = unseen(listed, [(r["forum"], r["date"]) for r in rows], access)
    return sorted(out, key=lambda c: (c.date, c.forum))
