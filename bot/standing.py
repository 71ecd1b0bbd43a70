"""Standing agenda items: the ones nearly every meeting has, whatever was on the agenda.

Approval of the agenda (and of the last minutes), "Eventuelt", "Meddelelser" and the orientations from the
chair or the administration, the signature sheet, the meeting calendar, and orientations the body only
took note of. They are real items, but no one asks "what was decided about
Evt.?" and a digest that lists them buries the decisions; so the digest counts them in one line and the
example questions (web chat, Slack's suggested prompts) never use them.
"""

from __future__ import annotations

import re

# By title: what the item is, whatever its decision says. Forum prefixes ("CF - ") are gone already.
_WHO = r"(formand\w*|næstformand\w*|borgmester\w*|direktion\w*|direktør\w*|kommunaldirektør\w*|forvaltning\w*|administration\w*|udvalg\w*)"
_TITLES = [
    ("agenda", re.compile(r"^(godkendelse\s+af\s+)?dagsorden(en)?\b", re.I)),
    ("minutes", re.compile(r"^(godkendelse\s+af\s+)?(referat(et)?|protokol(len)?)(\s+(fra|af)\b.*)?$", re.I)),
    ("misc", re.compile(r"^(evt|eventuelt)\.?$", re.I)),
    (
        "announcements",
        re.compile(
            # "Orientering" alone or from the chair or the administration; "Orientering om X" is a topic.
            rf"^(meddelelser?|gensidig\s+orientering|huskeliste|spørgetid)\b|^orientering(er)?\.?$"
            rf"|^(orientering(er)?\s+fra|henvendelser\s+til)\s+{_WHO}"
            rf"|^(borgmesteren|formanden|direktionen|\w*direktøren)\s+orienterer\b",
            re.I,
        ),
    ),
    ("signatures", re.compile(r"^underskrift(sark|sblad|er)?\b", re.I)),
    ("calendar", re.compile(r"\bmøde(kalender|plan)\w*\b", re.I)),
]
KINDS = ("agenda", "minutes", "misc", "announcements", "signatures", "calendar", "noted")
# A decision that only takes note, and says nothing else: "Taget til efterretning.", "Chefforum tog
# orienteringen til efterretning.", "Orienteringen blev taget til efterretning."
_NOTED = re.compile(r"^(?!.*[.!?]\s+[A-ZÆØÅ]).{0,120}\b(?i:til\s+efterretning)\s*\.?$", re.S)


def kind(title: str, decision: str = "") -> str | None:
    """One of KINDS for a standing item; None otherwise.

    `decision` is the item's whole decision text: an item counts as a noted orientation only when taking
    note is all that was decided ("Taget til efterretning." and nothing after it).
    """
    clean = " ".join(title.split()).strip(" -–:")
    for name, pattern in _TITLES:
        if pattern.search(clean):
            return name
    text = " ".join(decision.split())
    if text and _NOTED.match(text):
        return "noted"
    return None
