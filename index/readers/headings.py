"""Which lines are section headings in First Agenda minutes, and what kind each one is.

Only the names First Agenda prints are headings; any other short line (a free-text sub-heading
such as "Adgangskontrol på Rådhuset" or "Beslutning om at udpege medlemmer ...") stays inside
the section it appears in.
"""

from __future__ import annotations

import re

from index.model import ATTACHMENTS, DECISION, HISTORY, OTHER, PROPOSAL

# printed name (lower-case, without trailing colon) -> kind
_NAMES: dict[str, str] = {
    "anledning": "anledning",
    "baggrund": "baggrund",
    "resume": "resume",
    "resumé": "resume",
    "sagsfremstilling": "sagsfremstilling",
    "supplerende sagsfremstilling": "sagsfremstilling",
    "fremstilling": "sagsfremstilling",  # First Agenda Publication's item HTML (Greve)
    "sagsbeskrivelse": "sagsfremstilling",
    "supplerende sagsbeskrivelse": "sagsfremstilling",
    "økonomi": "oekonomi",
    "økonomiske konsekvenser": "oekonomi",
    "indstilling": PROPOSAL,
    "beslutningspunkter": PROPOSAL,
    "supplerende indstilling": PROPOSAL,
    "historik": HISTORY,
    "sagsforløb": HISTORY,
    "sagens forløb": HISTORY,
    "beslutning": DECISION,
    "beslutninger": DECISION,
    "bilag": ATTACHMENTS,
    "borgmesterens afdelings påtegning": "paategning",
    "begrundelse": "begrundelse",
}

_DATE = r"\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{1,2}\.\s*\w+\s+\d{4}"
# "Beslutning i Tværgående chefgruppe den 17-09-2012", "Beslutning Økonomiudvalget den 3. maj 2021"
_DECISION_IN = re.compile(rf"^beslutning(?:er)?\s+(?:i\s+)?\S.*\s+den\s+(?:{_DATE})\s*:?$", re.IGNORECASE)


def heading_kind(line: str) -> str | None:
    """The section kind if `line` (stripped of Markdown) is a section heading, else None."""
    text = line.strip().strip("*_").strip()  # emphasis a reader left: "*Beslutning*"
    if not text or len(text) > 120:
        return None
    key = text.rstrip(":").strip().lower()
    if key in _NAMES:
        return _NAMES[key]
    if _DECISION_IN.match(text):
        return DECISION
    return None


def is_caps_heading(line: str) -> bool:
    """First Agenda prints embedded documents under an all-caps line ("BESLUTNINGSFORSLAG FRA DD",
    "INDSTILLING FRA MAGISTRATSAFDELINGEN FOR TEKNIK OG MILJØ"); such a line ends the section before it."""
    text = line.strip()
    if len(text) < 9 or text.upper() != text:  # cheap exits first: most lines have lower-case letters
        return False
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and len(text.split()) >= 2


__all__ = ["heading_kind", "is_caps_heading", "OTHER"]
