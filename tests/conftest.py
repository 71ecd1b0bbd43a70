"""Tiny minutes built in code, tmp_path databases, and the optional tier over ../shared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index.store import Store
from tests.slack_fake import FakeSlack

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
REAL = SHARED / "corpus" / "real"
DEV = SHARED / "eval" / "dev.jsonl"

needs_shared = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared corpus not present")


@pytest.fixture(autouse=True)
def _fresh_logging():
    """A `referent` command run in a test installs bot.logs' handler; the next test starts without it."""
    import logging

    from bot import logs

    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_referent", False)]:
        root.removeHandler(handler)
    for name in logs.QUIET:
        logging.getLogger(name).setLevel(logging.NOTSET)
    logging.captureWarnings(False)


def agenda_item(n: int, title: str, *sections: tuple[str, str], case: str = "") -> str:
    """One item of text minutes: "Punkt N: title", its case number, then each (heading, text) section."""
    body = [f"Punkt {n}: {title}", ""]
    if case:
        body += [case, ""]
    for heading, text in sections:
        body += [heading, "", text, ""]
    return "\n".join(body).rstrip()


def minutes(forum: str, date: str, items: list[str], *, header: str = "", toc: bool = True) -> str:
    """First Agenda text minutes: `date` as DD-MM-YYYY, each item a block starting 'Punkt N: ...'."""
    d, m, y = date.split("-")
    months = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
              "november", "december"]  # fmt: skip
    lines = ["", "", f"REFERAT {forum} d. {date}", "", f"Mødedato Mandag d. {int(d)}. {months[int(m) - 1]} {y} kl. 09:00",
             "", "Mødested Mødelokale 1", ""]  # fmt: skip
    if header:
        lines += [header, ""]
    if toc:
        lines += ["Indholdsfortegnelse", ""]
        for i, block in enumerate(items):
            title = block.splitlines()[0].split(":", 1)[1].strip()
            lines.append(f"{title}.....\t{i + 3}")
        lines.append("")
    return "\n".join(lines + ["\n\n".join(items)]) + "\n"


ADGANG = """Punkt 1: CF - Ny adgangskontrol på Rådhuset v. Jens (9:30-9:50)

00.01.00-A00-41-17

Anledning

Den nuværende adgangskontrol er forældet.

Sagsfremstilling

Adgangskontrol på Rådhuset

Det nye system koster 300.000 kr. og giver højere sikkerhed. Medarbejderne kan vælge brik eller ID-kort.

Indstilling

Kommunaldirektøren indstiller,

1. at chefforum beslutter om der skal benyttes brik eller ID-kort.

Beslutning

Chefforum besluttede at der benyttes ID-kort i forbindelse med implementering af ny adgangskontrol.

Bilag

Notat om adgangskontrol"""

VAGT = """Punkt 2: CF - Vagtplan for sommeren

00.01.00-A21-2-20

Sagsfremstilling

Der mangler en bagvagt i uge 29.

Beslutning

Marie Guldborg tager bagvagten i uge 29.

Chefforum tog orienteringen om vagtplanen til efterretning."""

LUKKET = """Punkt 3: Lukket: Personalesag

00.30.08-000-1-21

Sagsfremstilling

Fortroligt: medarbejderen X har en sag om advarsel.

Beslutning

Indstillingen blev godkendt."""

EVT = """Punkt 4: CF - Evt.

Beslutning i Tværgående chefgruppe den 15-11-2017

Elisabeth Wolstrup er ansat som ny direktør for By og Kultur."""


@pytest.fixture
def tiny_minutes() -> str:
    return minutes("Chefforum", "15-11-2017", [ADGANG, VAGT, LUKKET, EVT],
                   header="Mødedeltagere Anne Holm, Bo Berg (Fravær)")  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "referent.db")
    yield s
    s.close()


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    """The Slack Web API fake on loopback, with the bot token and API URL the app reads set."""
    fake = FakeSlack().start()
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    yield fake
    fake.close()
