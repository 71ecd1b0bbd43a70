"""[[sources]] in config, folder municipalities, visibility of portal minutes, and portal links."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.access import Access
from index.config import Config, ConfigError, load_config, parse_sources
from index.links import item_url, meeting_url
from index.readers import read_bytes
from index.store import Store
from tests.conftest import ADGANG, minutes
from tests.firstagenda_fixtures import PUBLIC_HTML, dump, item, meeting


def test_sources_are_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "referent.toml"
    path.write_text(
        '[[sources]]\ntype = "firstagenda"\nurl = "https://dagsordener.greve.dk/"\nmunicipality = "Greve"\n'
        'committees = ["Byråd 2022-2025"]\nsince = 2024-01-01\n\n'
        '[[sources]]\ntype = "folder"\npath = "referater/albertslund"\nmunicipality = "Albertslund"\n',
        encoding="utf-8",
    )
    cfg = load_config(path)
    greve, folder = cfg.feeds
    assert (greve.name, greve.url, greve.committees, str(greve.since), greve.public) == (
        "greve", "https://dagsordener.greve.dk", ["Byråd 2022-2025"], "2024-01-01", True
    )  # fmt: skip
    assert (folder.name, folder.public) == ("albertslund", False)
    assert cfg.municipality_for(tmp_path / "referater/albertslund/2024/x.pdf", base=tmp_path) == "Albertslund"
    assert cfg.municipality_for(tmp_path / "referater/andet/x.pdf", base=tmp_path) is None
    with pytest.raises(ConfigError, match="no source named 'aarhus'"):
        cfg.source("aarhus")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([{"type": "ftp", "url": "x"}], "use one of firstagenda, folder"),
        ([{"type": "firstagenda", "url": "dagsordener.greve.dk"}], "write the portal's address"),
        ([{"type": "folder"}], "needs path"),
        ([{"type": "firstagenda", "url": "https://a.dk", "since": "sidste år"}], "YYYY-MM-DD"),
        ([{"type": "firstagenda", "url": "https://a.dk", "interval": 0}], "unknown setting"),
        ([{"type": "folder", "path": "a", "name": "x"}, {"type": "folder", "path": "b", "name": "x"}], "second source"),
    ],
)
def test_bad_sources_get_a_clear_error(raw: list, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_sources(raw)


def _portal_and_folder(store: Store) -> None:
    portal = meeting([item(1, "Cykelsti", PUBLIC_HTML)], forum="Byråd")
    store.ingest(read_bytes(dump(portal), "p.json"), public=True)
    shared = meeting([item(1, "Budget", PUBLIC_HTML)], forum="Økonomiudvalget", meeting_id="m-2")
    store.ingest(read_bytes(dump(shared), "q.json"), public=True)
    folder = read_bytes(minutes("Økonomiudvalget", "15-11-2017", [ADGANG]).encode(), "f.txt")
    folder.municipality = "Albertslund"
    store.ingest(folder)
    internal = read_bytes(minutes("Chefforum", "15-11-2017", [ADGANG]).encode(), "c.txt")
    store.ingest(internal)


def test_portal_minutes_are_public_where_access_is_restricted(store: Store) -> None:
    _portal_and_folder(store)
    # a forum name a folder uses too stays under [access]: the folder's minutes must not open with it
    byraad = Access.of(pairs={("Example", "Byråd"), ("Example", "Økonomiudvalget")})
    assert store.public_bodies() == byraad
    assert not byraad.allows("Albertslund", "Økonomiudvalget")
    cfg = Config(public_fora=["Chefforum"], channel_fora={"slack": {"C1": ["Teknisk Udvalg"]}})
    assert cfg.access_for("slack", "C9") == Access.of({"Chefforum"})  # nothing known yet: less, never more
    cfg.see_public_sources(store.public_bodies)
    assert cfg.access_for("slack", "C9") == Access.of({"Chefforum"}) | byraad
    assert cfg.access_for("slack", "C1") == Access.of({"Teknisk Udvalg"}) | byraad
    assert Config(public_fora=["*"]).access_for("web") is None


def test_a_folder_copy_of_portal_minutes_restricts_them(store: Store) -> None:
    portal = meeting([item(1, "Cykelsti", PUBLIC_HTML)], forum="Byråd")
    store.ingest(read_bytes(dump(portal), "p.json"), public=True)
    assert store.public_bodies() == Access.of(pairs={("Example", "Byråd")})
    changed = dump(portal).replace(b"Godkendt.", b"Godkendt igen.")
    store.ingest(read_bytes(changed, "folder/p.json"))
    store.check_changes()
    assert store.public_bodies() == Access()


def test_portal_links_without_fragment() -> None:
    cfg = Config(public_url="https://referent.example.dk")
    url = item_url(cfg, "greve-byraad-2025-01-29", "Byråd", "2025-01-29", 4, meeting_external_id="m-1",
                   item_external_id="i-4", portal_url="https://dagsordener.greve.dk")  # fmt: skip
    assert url == "https://dagsordener.greve.dk/vis?id=m-1&punktid=i-4" and "#" not in url
    assert meeting_url(cfg, "x", "Byråd", "2025-01-29", "m-1", portal_url="https://dagsordener.greve.dk") == (
        "https://dagsordener.greve.dk/vis?id=m-1"
    )
    # without the portal's ids: our own page; a forum pattern still wins over the portal, the "*" one does not
    assert item_url(cfg, "x", "Byråd", "2025-01-29", 4, portal_url="https://dagsordener.greve.dk").endswith(
        "/m/x#punkt-4-beslutning"
    )
    cfg.links = {"Byråd": "https://greve.dk/byraad/{date}", "*": "https://other.example/{item_external_id}"}
    assert item_url(cfg, "x", "Byråd", "2025-01-29", 4, meeting_external_id="m", item_external_id="i",
                    portal_url="https://p.dk") == "https://greve.dk/byraad/2025-01-29"  # fmt: skip
    assert item_url(cfg, "x", "Plan", "2025-01-29", 4, meeting_external_id="m", item_external_id="i",
                    portal_url="https://p.dk") == "https://p.dk/vis?id=m&punktid=i"  # fmt: skip
