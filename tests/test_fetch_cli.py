"""`referent fetch` end to end: config [[sources]], the fake portal on loopback, the report and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from index.store import Store
from tests.fake_portal import FakePortal
from tests.firstagenda_fixtures import FIRSTAGENDA, corpus_files

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not FIRSTAGENDA.is_dir(), reason="../shared/corpus/firstagenda not present"),
]


@pytest.fixture
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The client's pauses between requests are recorded instead of slept."""
    import index.sources.firstagenda as fa

    waits: list[float] = []
    monkeypatch.setattr(fa.time, "sleep", waits.append)
    return waits


def _config(tmp_path: Path, url: str, extra: str = "") -> Path:
    path = tmp_path / "referent.toml"
    path.write_text(
        f'[database]\npath = "{tmp_path / "r.db"}"\n\n[[sources]]\nname = "greve"\ntype = "firstagenda"\n'
        f'url = "{url}"\nmunicipality = "Greve"\n{extra}',
        encoding="utf-8",
    )
    return path


def test_fetch_stores_the_finished_meetings_as_minutes_and_the_open_one_as_agenda(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_waiting: list[float]
) -> None:
    files = [*corpus_files("plan-og-tryghedsudvalget"), *corpus_files("greve-other-bodies")]
    with FakePortal(files) as fake:
        monkeypatch.setenv("REFERENT_CONFIG", str(_config(tmp_path, fake.url)))
        runner = CliRunner()
        result = runner.invoke(main, ["fetch"])
        assert result.exit_code == 0, result.output
        assert "29 meetings listed, 29 fetched: 29 added" in " ".join(result.output.split())
        again = runner.invoke(main, ["fetch", "greve", "--json"])
        assert again.exit_code == 0
        [summary] = json.loads(again.stdout)
        assert (summary["source"], summary["listed"], summary["fetched"], summary["error"]) == ("greve", 29, 0, None)
        fake.faults[f"/api/agenda/dagsorden/{next(iter(fake.bodies))}"] = [(500, {}, b"")] * 5
        fake.listing_override[next(iter(fake.bodies))]["ReleasedDate"] = "2026-01-01T08:00:00+01:00"
        failing = runner.invoke(main, ["fetch"])
        assert failing.exit_code == 1 and "HTTP 500 after 5 tries" in " ".join(failing.output.split())
    store = Store(tmp_path / "r.db")
    kinds = dict(store.conn.execute("SELECT kind, count(*) FROM meetings GROUP BY kind").fetchall())
    minutes_items = store.conn.execute(
        "SELECT count(*) FROM items WHERE meeting_id IN (SELECT id FROM meetings WHERE kind = 'referat')"
    ).fetchone()[0]
    assert kinds == {"referat": 28, "dagsorden": 1} and minutes_items == 521
    assert store.public_bodies().pairs >= {("Greve", "Plan- og Tryghedsudvalget"), ("Greve", "Byråd 2022-2025")}
    store.close()
    assert no_waiting and max(w for w in no_waiting if w < 1) <= 0.5  # the pauses between requests


def test_fetch_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.setenv("REFERENT_CONFIG", str(tmp_path / "none.toml"))
    assert runner.invoke(main, ["fetch"]).exit_code == 2
    monkeypatch.setenv("REFERENT_CONFIG", str(_config(tmp_path, "https://dagsordener.example.dk")))
    unknown = runner.invoke(main, ["fetch", "aarhus"])
    assert unknown.exit_code == 2 and "greve" in unknown.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[[sources]]\ntype = "firstagenda"\nurl = "dagsordener.greve.dk"\n', encoding="utf-8")
    monkeypatch.setenv("REFERENT_CONFIG", str(bad))
    wrong = runner.invoke(main, ["fetch"])
    assert wrong.exit_code == 2 and "write the portal's address" in " ".join(wrong.output.split())


def test_scheduled_sync_fetches_the_portals(tmp_path: Path, no_waiting: list[float]) -> None:
    from bot.schedule import SYNC_JOB_ID, scheduled_run, start_scheduler
    from index.config import load_config

    files = corpus_files("greve-other-bodies")[:2]
    with FakePortal(files) as fake:
        cfg = load_config(_config(tmp_path, fake.url))
        assert scheduled_run(cfg, str(tmp_path / "r.db"), digest=False) == []
        scheduler = start_scheduler(cfg, str(tmp_path / "r.db"))
        try:
            assert scheduler is not None and scheduler.get_job(SYNC_JOB_ID) is not None
        finally:
            assert scheduler is not None
            scheduler.shutdown(wait=False)
    store = Store(tmp_path / "r.db")
    assert store.conn.execute("SELECT count(*) FROM meetings WHERE visibility = 'public'").fetchone()[0] == 2
    store.close()
