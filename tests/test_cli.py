"""The command line as a newcomer meets it: a mistyped database, an empty one, bad limits and dates,
and a meeting list whose ids are never cut."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import _since, main
from index.store import Store
from tests.conftest import ADGANG, VAGT, minutes
from tests.web_helpers import ingest_texts

LONG_FORUM = "Klima-, Teknik- og Miljøudvalget for Den Nordlige Del Af Kommunen"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    store = Store(path)
    ingest_texts(store, minutes("Chefforum", "15-11-2017", [ADGANG, VAGT]), minutes(LONG_FORUM, "01-02-2025", [ADGANG]))
    store.close()
    return path


@pytest.mark.parametrize(
    "args",
    [["ask", "skatepark"], ["meetings"], ["show", "chefforum-2017-11-15"], ["digest", "--dry-run"], ["reindex"]],
)
def test_read_commands_refuse_a_database_that_does_not_exist(tmp_path: Path, args: list[str]) -> None:
    typo = tmp_path / "refernt.db"
    result = CliRunner().invoke(main, [*args, "--db", str(typo)])
    assert result.exit_code == 1
    assert f"no such database {typo} (run `referent ingest PATH --db {typo}` first)" in result.output
    assert not typo.exists()  # nothing was created under the mistyped name


def test_read_commands_warn_on_an_empty_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    Store(empty).close()
    result = CliRunner().invoke(main, ["ask", "skatepark", "--db", str(empty)])
    assert result.exit_code == 0
    assert f"warning: database {empty} holds no minutes yet" in result.stderr
    assert "warning" not in result.stdout


@pytest.mark.parametrize("limit", ["0", "-3"])
def test_limit_below_one_is_a_usage_error(db: Path, limit: str) -> None:
    result = CliRunner().invoke(main, ["ask", "adgangskontrol", "--limit", limit, "--db", str(db)])
    assert result.exit_code == 2 and "--limit" in result.output


def test_meetings_never_cuts_an_id(db: Path) -> None:
    result = CliRunner().invoke(main, ["meetings", "--db", str(db)], terminal_width=40, env={"COLUMNS": "40"})
    assert result.exit_code == 0
    long_id = "klima-teknik-og-miljoeudvalget-for-den-nordlige-del-af-kommunen-2025-02-01"
    rows = {line.split()[0]: line for line in result.output.splitlines()[1:]}
    assert set(rows) == {"chefforum-2017-11-15", long_id}
    assert LONG_FORUM in rows[long_id]  # whole, on one line


def test_an_empty_question_is_a_danish_notice_not_an_answer(db: Path) -> None:
    result = CliRunner().invoke(main, ["ask", "  ", "--db", str(db)])
    assert result.exit_code == 0 and "Skriv et spørgsmål" in result.output


NOW = dt.datetime(2025, 1, 20, 7, 0, tzinfo=dt.UTC)  # 08:00 in Copenhagen


@pytest.mark.parametrize(
    ("value", "local_day"),
    [("i dag", "2025-01-20"), ("i går", "2025-01-19"), ("I  GÅR", "2025-01-19"), ("7d", "2025-01-13"),
     ("2w", "2025-01-06"), ("2025-01-01", "2025-01-01")],
)  # fmt: skip
def test_since_accepts_spoken_and_relative_days(value: str, local_day: str) -> None:
    moment = _since(value, "Europe/Copenhagen", NOW)
    assert moment.isoformat().startswith(local_day + "T00:00:00")


def test_since_says_what_it_accepts(db: Path) -> None:
    result = CliRunner().invoke(main, ["digest", "--since", "forleden", "--dry-run", "--db", str(db)])
    assert result.exit_code == 2
    assert "'forleden' is not a date: use 2025-01-13, 2025-01-13T08:00, 'i dag', 'i går', 7d" in result.output
    ok = CliRunner().invoke(main, ["digest", "--since", "i går", "--dry-run", "--post", "stdout", "--db", str(db)])
    assert ok.exit_code == 0, ok.output
