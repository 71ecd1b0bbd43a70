"""First Agenda Publication meeting JSON: the `GET /api/agenda/dagsorden/{meetingId}` response the portal's
pages are built from (`dagsordener.<kommune>.dk`).

Shape (see ../shared/corpus/firstagenda/README.md): `Udvalg.Navn` is the body, `Moede.Dato` the meeting (local
time with offset), `Moede.Afsluttet` true once it is finished (`Moede.Navn` stays "Dagsorden" even then), the
top-level `Id` the portal's meeting id. Each of `Dagsordenpunkter[]` has `Punktnummer`, `Navn`, `SagsNummer`,
`Id`, `Bilag[]` and `Felter[].Html`; in that HTML an `<h3>` outside inline markup is a section (Beslutning,
Fremstilling, Sagens forløb) and the headings inside a section's `<span>` are sub-headings (Sagsprocedure,
Resume, Indstilling, Sagsbeskrivelse, Økonomiske konsekvenser …, as `<h2>`, `<h3>` or `<h4>`).

A sub-heading that index.readers.headings knows (Resume, Indstilling, Sagsbeskrivelse, Økonomiske
konsekvenser …) starts a section of its own, as the same heading does in the text and PDF readers, so the
proposal is a PROPOSAL section; any other sub-heading (Sagsprocedure, Lovgrundlag, Tidsplan, a bold line
written as a heading) stays a line of text inside its section.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import urlsplit

from index.model import ATTACHMENTS, DECISION, HISTORY, INTRO, OTHER, Attachment, Item, Meeting, Section
from index.readers.closed import FIRST_LINES, judge_item, redact, warning
from index.readers.errors import NotMinutes, ReaderError
from index.readers.headings import heading_kind
from index.readers.htmltext import Block, html_blocks

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
# A sub-heading never starts one of these: a decision or a list of attachments inside the case text is
# part of that text ("Beslutning" in a recounted earlier treatment), not the item's own.
_NO_SPLIT = {DECISION, ATTACHMENTS}


class ShapeError(ReaderError):
    """The JSON is not (or no longer) shaped like a First Agenda Publication meeting."""


def looks_like_json(data: bytes) -> bool:
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"{", b"["))


def parse_json(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReaderError("not UTF-8 JSON") from None
    if not text.strip():
        raise ReaderError("empty file")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReaderError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise ReaderError("JSON structure too deeply nested") from None


def _need(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise ShapeError(f"not a First Agenda meeting: {where} has no '{key}'")
    value = obj[key]
    if not isinstance(value, kind):
        raise ShapeError(f"not a First Agenda meeting: {where}.{key} is {type(value).__name__}")
    return value


def check_shape(obj: Any) -> None:
    """Raise ShapeError naming the first field the meeting JSON lacks or holds in an unexpected type."""
    if not isinstance(obj, dict):
        raise NotMinutes(f"not a First Agenda meeting: the JSON is a {type(obj).__name__}, not an object")
    if "Dagsordenpunkter" not in obj and "Moede" not in obj:
        raise NotMinutes("not a First Agenda meeting: the JSON has no 'Dagsordenpunkter'")
    items = _need(obj, "Dagsordenpunkter", list, "the response")
    _need(_need(obj, "Udvalg", dict, "the response"), "Navn", str, "Udvalg")
    moede = _need(obj, "Moede", dict, "the response")
    if not isinstance(moede.get("Dato") or moede.get("MeetingBeginUtc"), str):
        raise ShapeError("not a First Agenda meeting: Moede has no 'Dato'")
    _need(obj, "Id", str, "the response")
    for n, item in enumerate(items, start=1):
        where = f"item {n}"
        if not isinstance(item, dict):
            raise ShapeError(f"not a First Agenda meeting: {where} is {type(item).__name__}")
        if not isinstance(item.get("Navn", item.get("Caption")), str):
            raise ShapeError(f"not a First Agenda meeting: {where} has no 'Navn'")
        felter = item.get("Felter") or []
        if not isinstance(felter, list) or not all(isinstance(f, dict) for f in felter):
            raise ShapeError(f"not a First Agenda meeting: {where}.Felter is not a list of fields")
        if not isinstance(item.get("Bilag") or [], list):
            raise ShapeError(f"not a First Agenda meeting: {where}.Bilag is not a list")


def _when(moede: dict) -> tuple[dt.date, str | None]:
    raw = moede.get("Dato") or moede.get("MeetingBeginUtc") or ""
    try:
        stamp = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ShapeError(f"not a First Agenda meeting: Moede.Dato {raw[:40]!r} is not a date") from None
    has_time = "T" in raw and stamp.time() != dt.time(0, 0)
    return stamp.date(), f"{stamp:%H:%M}" if has_time else None


def portal_base(obj: dict) -> str | None:
    """https://<host> of the portal the response came from, as its own links name it."""
    for item in obj.get("Dagsordenpunkter") or []:
        for field in item.get("Felter") or []:
            link = field.get("Link") if isinstance(field, dict) else None
            if isinstance(link, str) and link.startswith(("https://", "http://")):
                parts = urlsplit(link)
                if parts.netloc:
                    return f"{parts.scheme}://{parts.netloc}"
    return None


def municipality_from_host(url: str | None) -> str:
    """A guess at the municipality from a portal address (dagsordener.greve.dk -> "Greve",
    dagsordener.egedalkommune.dk -> "Egedal"); "" when the address says nothing. Config overrides it: the
    host is spelt in ASCII (dagsordener.koege.dk is Køge)."""
    host = urlsplit(url or "").hostname or ""
    labels = [x for x in host.split(".") if x and x not in ("www", "dk")]
    while labels and labels[0].startswith(("dagsorden", "dagsordner", "udvalg", "politik", "referat")):
        labels.pop(0)
    if len(labels) != 1:
        return ""
    stem = labels[0].removesuffix("kommune").removesuffix("-") or ""
    return "-".join(part.capitalize() for part in stem.split("-")) if stem.replace("-", "").isalpha() else ""


def _item_blocks(item: dict) -> list[Block]:
    blocks: list[Block] = []
    for field in item.get("Felter") or []:
        name = (field.get("Navn") or "").strip()
        if name:  # a portal that sends each section as a field of its own names it here
            blocks.append(Block(name, heading=3))
        html = field.get("Html") or ""
        if html.strip():
            blocks.extend(html_blocks(html))
        elif isinstance(field.get("Tekst"), str) and field["Tekst"].strip():
            blocks.extend(Block(p.strip()) for p in re.split(r"\n\s*\n", field["Tekst"]) if p.strip())
    return blocks


def _sections(blocks: list[Block], title: str) -> list[Section]:
    tops: list[tuple[str, list[Block]]] = [("", [])]
    for block in blocks:
        if block.heading == 3 and not block.nested:
            tops.append((block.text, []))
        else:
            tops[-1][1].append(block)
    if len(tops) == 1:
        _lead_decision(tops, title)
    out: list[Section] = []
    for heading, body in tops:
        kind = heading_kind(heading) or (INTRO if not heading else OTHER)
        if kind == ATTACHMENTS:
            kind = OTHER  # the attachments come from Bilag[]; a printed list of them is text
        current = Section(heading=heading, kind=kind, text="")
        paras: list[str] = []
        for block in body:
            sub = heading_kind(block.text) if block.heading else None
            if sub is not None and sub not in _NO_SPLIT and kind not in (DECISION, HISTORY):
                _finish(out, current, paras)
                current, paras = Section(heading=block.text, kind=sub, text=""), []
            elif block.text:
                paras.append(block.text)
        _finish(out, current, paras)
    return out


def _lead_decision(tops: list[tuple[str, list[Block]]], title: str) -> None:
    """An older export prints no section headings: the item title again, then the decision, then the case
    under its sub-headings. The paragraphs between the repeated title and the first heading are the decision."""
    body = tops[0][1]
    if len(body) < 2 or body[0].heading or " ".join(body[0].text.split()) != " ".join(title.split()):
        return
    first_heading = next((i for i, b in enumerate(body) if b.heading), len(body))
    if first_heading < 2 or first_heading == len(body):
        return
    tops[:] = [("Beslutning", body[1:first_heading]), ("", body[first_heading:])]


def _finish(out: list[Section], section: Section, paras: list[str]) -> None:
    section.text = "\n\n".join(paras)
    if section.text:
        out.append(section)


def _under_title(blocks: list[Block]) -> list[str]:
    """The lines under the title before the first heading: where a marker line ("Lukket punkt") would stand.
    Section text is not looked at: a decision such as "punkt 9 behandles som lukket punkt" is public."""
    lines: list[str] = []
    for block in blocks:
        if block.heading or len(lines) >= FIRST_LINES:
            break
        lines.extend(block.text.splitlines())
    return lines


def _closed_sections(blocks: list[Block]) -> list[Section]:
    """A closed item keeps its public decision line only: the first line of its decision, where the HTML
    holds nothing but the decision or heads one "Beslutning"."""
    tops = [b for b in blocks if b.heading == 3 and not b.nested]
    if tops:
        sections = [s for s in _sections(blocks, "") if s.kind == DECISION]
        text = sections[0].text if sections else ""
    else:
        text = next((b.text for b in blocks if b.text and not b.heading), "")
    line = next((x.strip() for x in text.splitlines() if x.strip()), "")
    return [Section(heading="Beslutning", kind=DECISION, text=line)] if line else []


def _number(item: dict, position: int, taken: set[int], warnings: list[str]) -> int:
    raw = str(item.get("Punktnummer") or item.get("Number") or "").strip()
    if raw.isdigit() and int(raw) not in taken:
        return int(raw)
    number = max(taken, default=0) + 1
    warnings.append(f"punkt {position}: nummer {raw!r} er ikke et ledigt heltal; gemt som punkt {number}")
    return number


def meeting_from_json(obj: Any) -> Meeting:
    """Build a Meeting from a parsed dagsorden response; ShapeError when its shape is not the expected one."""
    check_shape(obj)
    moede = obj["Moede"]
    date, start = _when(moede)
    raw_items = obj["Dagsordenpunkter"]
    # Greve sends IsOpen=false on every item, public ones included; the flag marks closed items only where
    # the portal also uses true.
    flag_means_closed = any(item.get("IsOpen") is True for item in raw_items)
    warnings: list[str] = []
    taken: set[int] = set()
    items: list[Item] = []
    for position, raw in enumerate(sorted(raw_items, key=lambda i: _sort_key(i)), start=1):
        printed = " ".join(str(raw.get("Navn") or raw.get("Caption") or "").split()) or f"Punkt {position}"
        number = _number(raw, position, taken, warnings)
        taken.add(number)
        blocks = _item_blocks(raw)
        flagged = flag_means_closed and raw.get("IsOpen") is False
        verdict = judge_item(printed, _under_title(blocks), labels=["lukket"] if flagged else [])
        if (note := warning(number, verdict)) is not None:
            warnings.append(note)
        case = str(raw.get("SagsNummer") or raw.get("CaseNumber") or "").strip() or None
        bilag = sorted(
            (b for b in raw.get("Bilag") or [] if isinstance(b, dict) and str(b.get("Navn") or "").strip()),
            key=_order,
        )
        entry = Item(
            number=number,
            title=printed,
            title_raw=printed,
            case_number=case,
            sections=_closed_sections(blocks) if verdict.closed else _sections(blocks, printed),
            attachments=[Attachment(str(b["Navn"]).strip(), b.get("Id") or None) for b in bilag],
            external_id=_id(raw.get("Id")),
        )
        items.append(redact(entry, verdict.title) if verdict.closed else entry)
    decided = any(s.kind == DECISION and s.text for it in items if not it.closed for s in it.sections)
    portal = portal_base(obj)
    participants = [p for p in moede.get("Moededeltagere") or [] if isinstance(p, dict) and p.get("Name")]
    return Meeting(
        forum=obj["Udvalg"]["Navn"].strip().lstrip(".").strip() or "Udvalg",
        date=date,
        items=items,
        start_time=start,
        place=(moede.get("Sted") or "").strip() or None,
        participants=[str(p["Name"]).strip() for p in participants],
        absentees=[str(p["Name"]).strip() for p in participants if p.get("Absent") or p.get("ParticipationCancelled")],
        kind="referat" if moede.get("Afsluttet") is True or decided else "dagsorden",
        source_format="firstagenda",
        external_id=_id(obj.get("Id")),
        municipality=municipality_from_host(portal),
        portal_url=portal,
        warnings=warnings,
    )


def _order(bilag: dict) -> int:
    order = bilag.get("Order")
    return order if isinstance(order, int) else 0


def _sort_key(item: dict) -> tuple[int, int]:
    sorting = item.get("Sorting")
    raw = str(item.get("Punktnummer") or "")
    return (sorting if isinstance(sorting, int) else 10**6, int(raw) if raw.isdigit() else 10**6)


def _id(value: Any) -> str | None:
    text = str(value or "").strip()
    return text if text and text != ZERO_GUID else None


def read_firstagenda(data: bytes) -> Meeting:
    return meeting_from_json(parse_json(data))
