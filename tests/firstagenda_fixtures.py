"""First Agenda Publication meeting JSON built in code, shaped like the portal's `dagsorden/{id}` response."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SHARED

FIRSTAGENDA = SHARED / "corpus" / "firstagenda"

PUBLIC_HTML = (
    "<div><div id='sagsfremstillingContainer'>\r\n\r\n<div><h3>Beslutning</h3>\r\n"
    "<span>Godkendt.<br>\n<br><br></span>\r\n</div>\r\n<h3>Fremstilling</h3>\r\n"
    "<span class='ukendt'><h4>Sagsprocedure</h4>\n<p>Plan- og Tryghedsudvalget.</p>\n"
    "<h4>Resume</h4>\n<p>Skolevejen f&aring;r ny cykelsti &amp; belysning.</p>\n"
    "<h4>Indstilling</h4>\n<p><em>Administrationen indstiller,</em></p><ol><li>at cykelstien anl&aelig;gges</li>"
    "<li>at der afs&aelig;ttes 2,1 mio. kr.</li></ol>\n<h4>Sagsbeskrivelse</h4>\n<p>Strækningen er 800 m."
    "<br>Den er farlig\nom vinteren.</p><h4>Lovgrundlag</h4><p>Vejloven.</p>"
    "<table><tr><td>År</td><td>Beløb</td></tr><tr><td>2025</td><td>2,1 mio. kr.</td><td>&nbsp;</td></tr></table>"
    "</span>\r\n\r\n<h3>Sagens forløb</h3>\r\n<span class='sagsforloeb'><u>12-05-2025 Plan- og Tryghedsudvalget</u>"
    '<br>\r\n<p class="xsltFirstParagraph">Anbefales.</p><br>\r\n</span>\r\n\r\n</div></div>'
)
CLOSED_HTML = (
    '<div><p class="xsltFirstParagraph">1.-2. anbefales.</p>\n<p>&nbsp;</p>\n'
    "<p>Køber er Hansen ApS, prisen 4,2 mio. kr.</p></div>"
)


def item(number: int, title: str, html: str, *, case: str = "25-000123", bilag: int = 0, item_id: str = "") -> dict:
    return {
        "Felter": [{"Navn": "", "Html": html, "Tekst": None, "Id": "00000000-0000-0000-0000-000000000000",
                    "Link": "https://dagsordener.example.dk/Vis/Pdf/bilag/7a616fac-dec7-43b2-84ac-e22d6640de08",
                    "DocumentId": "7a616fac-dec7-43b2-84ac-e22d6640de08"}],
        "SagsNummer": case, "Navn": title, "Punktnummer": str(number),
        "Bilag": [{"HarPdfVersion": "true", "Order": 0, "Navn": f"Bilag {n}. Notat", "Id": f"bilag-{number}-{n}"}
                  for n in range(1, bilag + 1)],
        "Id": item_id or f"item-{number:04d}-0000-0000-0000-000000000000", "Number": str(number),
        "Sorting": number, "IsOpen": False, "CaseNumber": case, "Caption": title,
    }  # fmt: skip


def meeting(
    items: list[dict],
    *,
    forum: str = "Plan- og Tryghedsudvalget",
    when: str = "2025-06-03T16:00:00+02:00",
    finished: bool = True,
    meeting_id: str = "11111111-2222-3333-4444-555555555555",
) -> dict:
    return {
        "Dagsordenpunkter": items,
        "Udvalg": {"Id": "4177b34e-2db6-4652-a0e0-075bb7a88efa", "Navn": forum, "Historisk": False},
        "Moede": {"Id": "00000000-0000-0000-0000-000000000000", "MeetingBeginUtc": when, "MeetingEndUtc": None,
                  "ReleasedDate": None, "Dato": when, "Sted": "Mødelokale 1", "Afsluttet": finished,
                  "Moededeltagere": [{"Name": "Anna Andersen", "Absent": False, "ParticipationCancelled": False,
                                      "AttendanceType": 0},
                                     {"Name": "Bo Berg", "Absent": True, "ParticipationCancelled": False,
                                      "AttendanceType": 0}],
                  "Navn": "Dagsorden", "Description": "", "ElasticSearchResults": None,
                  "IsSupplementaryAgenda": False},
        "TillaegsDagsorden": False, "Id": meeting_id, "Lydfiler": None,
    }  # fmt: skip


def sample() -> dict:
    return meeting(
        [
            item(1, "Cykelsti på Skolevejen", PUBLIC_HTML, bilag=2),
            item(2, "Lukket: Salg af grund", CLOSED_HTML, case="25-000999"),
        ]
    )


def dump(obj: dict) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def corpus_files(folder: str) -> list[Path]:
    return sorted((FIRSTAGENDA / folder).glob("*.json"))
