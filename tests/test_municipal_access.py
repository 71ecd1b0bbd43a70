"""Access, links and the digest set per municipality: two municipalities' Økonomiudvalget on one day, each
seen only where `[access]` grants that municipality (index.access)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.asker import Asker, Place
from bot.decisions import select
from bot.render.digest import text as digest_text
from index.access import Access, AccessError, parse
from index.answer import answer
from index.config import Config, ConfigError, load_config
from index.digest import collect
from index.readers import read_bytes
from index.store import Store
from index.vocabulary import Vocabulary
from tests.conftest import ADGANG, minutes

# Køge's item: the same case number and subject words, its own decision and one word Greve never wrote
KOEGE = ADGANG.replace("ID-kort i forbindelse", "nøglebrikker fra Salto i forbindelse").replace(
    "Rådhuset v. Jens", "Køge Rådhus"
)
CFG = Config(
    public_url="http://referent.test",
    public_fora=["Greve/*"],
    channel_fora={"slack": {"CK": ["Køge/Økonomiudvalget"], "CALL": ["Økonomiudvalget"]}},
    links={"Greve/*": "https://greve.example/{item_number}", "Økonomiudvalget": "https://any.example/{item_number}"},
)


@pytest.fixture
def two(store: Store) -> Store:
    for town, body in (("Greve", ADGANG), ("Køge", KOEGE)):
        doc = read_bytes(minutes("Økonomiudvalget", "15-11-2017", [body]).encode(), f"{town}.txt")
        doc.municipality = town
        store.ingest(doc)
    store.check_changes()
    return store


def _towns(ans) -> set[str]:
    return {h.meeting.municipality for h in ans.answers + ans.suggestions} | {
        c.municipality for h in ans.answers for c in h.case_history
    }


def test_grants_are_read_as_config_writes_them() -> None:
    access = parse(["Byrådet", "Greve/Økonomiudvalget", "Køge/*"])
    assert access is not None
    assert access.allows("Roskilde", "Byrådet") and access.allows("", "Byrådet")
    assert access.allows("Greve", "Økonomiudvalget") and not access.allows("Roskilde", "Økonomiudvalget")
    assert access.allows("Køge", "Chefforum") and not access.allows("", "Chefforum")
    assert parse(access.grants()) == access  # a follow stores its scope as grants and reads it back
    assert parse(["Greve/*", "*"]) is None
    assert not Access().allows("Greve", "Byrådet")
    for bad in ("Greve/", "/Byrådet", " "):
        with pytest.raises(AccessError):
            parse([bad])


def test_a_grant_that_cannot_be_read_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / "referent.toml"
    path.write_text('[access]\npublic = ["Greve/"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="Greve/Byrådet"):
        load_config(path)
    path.write_text('[access.slack]\nC1 = "Byrådet"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="a list of fora"):
        load_config(path)


def test_each_place_sees_only_the_municipality_it_is_granted(two: Store) -> None:
    question = "Hvad blev besluttet om adgangskontrol?"
    greve = answer(two, question, access=CFG.access_for("web"), cfg=CFG)
    koege = answer(two, question, access=CFG.access_for("slack", "CK"), cfg=CFG)
    both = answer(two, question, access=CFG.access_for("slack", "CALL"), cfg=CFG)
    assert _towns(greve) == {"Greve"} and _towns(koege) == {"Køge"}
    assert {h.meeting.municipality for h in both.answers} == {"Greve", "Køge"}
    # the same case number in another municipality is another case: no history across the border
    everything = answer(two, question, access=None, cfg=CFG)
    assert everything.answers and all(c.municipality == h.meeting.municipality
                                      for h in everything.answers for c in h.case_history)  # fmt: skip


def test_another_municipalitys_words_are_no_oracle(two: Store) -> None:
    greve = CFG.access_for("web")
    assert Vocabulary(two, None).known("salto") and not Vocabulary(two, greve).known("salto")
    hidden = answer(two, "nøglebrikker fra Salto", access=greve, cfg=CFG)
    nowhere = answer(two, "nøglebrikker fra Sulto", access=greve, cfg=CFG)
    assert hidden.no_answer == nowhere.no_answer
    assert [h.item.title for h in hidden.answers + hidden.suggestions] == [
        h.item.title for h in nowhere.answers + nowhere.suggestions
    ]
    shown = hidden.to_dict()
    shown.pop("question")
    assert "Salto" not in str(shown)


def test_the_asker_locks_a_leaky_core_to_the_municipality(two: Store) -> None:
    def leaky(question: str, access: Access | None):
        return answer(two, question, access=None, cfg=CFG)  # ignores the place's access

    reply = Asker(leaky, CFG).ask("Hvad blev besluttet om adgangskontrol?", Place("slack", "CK"))
    assert reply.answer is not None and {h.meeting.municipality for h in reply.answer.answers} == {"Køge"}


def test_links_follow_the_municipality(two: Store) -> None:
    everything = answer(two, "Hvad blev besluttet om adgangskontrol?", access=None, cfg=CFG)
    urls = {h.meeting.municipality: h.item.url for h in everything.answers}
    assert urls == {"Greve": "https://greve.example/1", "Køge": "https://any.example/1"}
    assert {h.meeting.body for h in everything.answers} == {"Økonomiudvalget (Greve)", "Økonomiudvalget (Køge)"}


def test_the_digest_of_a_channel_holds_its_municipality_only(two: Store) -> None:
    since = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    for channel, town in (("CK", "Køge"), ("CWEB", "Greve")):
        got = collect(two, CFG, "slack", channel, access=CFG.access_for("slack", channel), since=since, period="w")
        assert len(got.meetings) == 1
        shown = digest_text(select(two, got))
        other = "Greve" if town == "Køge" else "Køge"
        assert other not in shown and (("Salto" in shown) == (town == "Køge"))
        assert "Økonomiudvalget" in shown and "(" not in shown.split("Økonomiudvalget", 1)[1][:2]  # one is seen
    both = collect(two, CFG, "slack", "CALL", access=CFG.access_for("slack", "CALL"), since=since, period="w")
    shown = digest_text(select(two, both))
    assert "Økonomiudvalget (Greve)" in shown and "Økonomiudvalget (Køge)" in shown


def test_a_municipality_no_meeting_belongs_to_is_reported(two: Store) -> None:
    cfg = Config(public_fora=["Greeve/*"], channel_fora={"slack": {"C1": ["Køge/Økonomiudvalget", "*"]}})
    assert cfg.unknown_municipalities(two.municipalities()) == ["Greeve"]


def test_a_scope_with_unnamed_minutes_is_stored_and_read_back() -> None:
    access = Access.of({"Chefforum"}, {("", "Byrådet"), ("Greve", "Økonomiudvalget")}) | parse(["Køge/*"])
    assert Access.from_data(access.to_data()) == access
    # follows stored before held forum names: read as such, even one with a "/" in it
    assert Access.from_data(["Chefforum", "Spørgsmål / Svar"]) == Access.of({"Chefforum", "Spørgsmål / Svar"})


@pytest.mark.parametrize(
    ("toml", "message"),
    [('[access]\npublic = "Byrådet"\n', "a list of fora"), ('[access]\nwebb = ["*"]\n', "unknown setting"),
     ('[access]\npublic = ["Økonomiudvalget*"]\n', "stands alone"), ('[access]\nslack = ["C1"]\n', "a table"),
     ('[access]\npublic = ["Greve/Byrådet*"]\n', "Greve/\\*")],
)  # fmt: skip
def test_an_access_typo_never_opens_everything(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "referent.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_unnamed_minutes_are_never_merged_into_a_named_municipalitys_meeting(two: Store) -> None:
    other = read_bytes(minutes("Økonomiudvalget", "15-11-2017", [KOEGE.replace("Salto", "Assa")]).encode(), "x.txt")
    result = two.ingest(other)
    assert result.status == "added" and result.meeting_id not in {
        "greve-oekonomiudvalget-2017-11-15",
        "koege-oekonomiudvalget-2017-11-15",
    }


def test_a_followed_case_is_one_municipalitys(two: Store) -> None:
    from index import treatments

    rows = treatments.with_case_number(two, "00.01.00-A00-41-17")
    assert {r["municipality"] for r in rows} == {"Greve", "Køge"}
    title = rows[0]["title"]
    assert {r["municipality"] for r in rows if treatments.belongs(two, r, ["00.01.00-A00-41-17"], title, "Greve")} == {
        "Greve"
    }
