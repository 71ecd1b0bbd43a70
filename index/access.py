"""What a place may see: the one access rule, read from `[access]` and applied by every stage.

A grant is written as text in config:

- `"*"`: everything (held in code as `None`, "no limit");
- `"Byrådet"`: that forum, in every municipality stored;
- `"Greve/Byrådet"`: that forum of one municipality only;
- `"Greve/*"`: every forum of one municipality.

Municipality and forum are matched as the source and the minutes name them (`Greve`, `Byrådet`).
A meeting of no named municipality is seen through bare forum grants only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

ALL = "*"
SEP = "/"


class AccessError(ValueError):
    """A grant that cannot be read, with what to write instead."""


@dataclass(frozen=True)
class Access:
    """A set of grants; the empty Access sees nothing. Everything is `None` where an Access is expected."""

    fora: frozenset[str] = frozenset()  # a forum in every municipality
    pairs: frozenset[tuple[str, str]] = frozenset()  # (municipality, forum)
    towns: frozenset[str] = frozenset()  # every forum of these municipalities

    @classmethod
    def of(cls, fora: Iterable[str] = (), pairs: Iterable[tuple[str, str]] = ()) -> Access:
        """Bare fora and (municipality, forum) pairs."""
        return cls(frozenset(fora), frozenset(pairs))

    def allows(self, municipality: str, forum: str, *, key: Callable[[str], str] | None = None) -> bool:
        """May a meeting of `forum` in `municipality` be seen? `key` compares forum names in one spelling
        (a Sagsforløb writes "Byråd" for the stored "Byråd 2022-2025")."""
        if municipality in self.towns:
            return True
        if key is None:
            return forum in self.fora or (municipality, forum) in self.pairs
        k = key(forum)
        return any(key(f) == k for f in self.fora) or any(m == municipality and key(f) == k for m, f in self.pairs)

    def sql(self, alias: str = "") -> tuple[str, list[str]]:
        """A WHERE clause (and its arguments) over a table with `forum` and `municipality` columns."""
        p = f"{alias}." if alias else ""
        parts: list[str] = []
        args: list[str] = []
        if self.fora:
            parts.append(f"{p}forum IN ({','.join('?' * len(self.fora))})")
            args += sorted(self.fora)
        for town, forum in sorted(self.pairs):
            parts.append(f"({p}municipality = ? AND {p}forum = ?)")
            args += [town, forum]
        if self.towns:
            parts.append(f"{p}municipality IN ({','.join('?' * len(self.towns))})")
            args += sorted(self.towns)
        return ("(" + " OR ".join(parts) + ")" if parts else "0"), args

    def __or__(self, other: Access) -> Access:
        return Access(self.fora | other.fora, self.pairs | other.pairs, self.towns | other.towns)

    def grants(self) -> list[str]:
        """The grants as config writes them, sorted."""
        return sorted([*self.fora, *(f"{m}{SEP}{f}" for m, f in self.pairs), *(f"{m}{SEP}{ALL}" for m in self.towns)])

    def key(self) -> str:
        """One text per Access, for caches."""
        return "\x1f".join(self.grants())

    def to_data(self) -> dict[str, list]:
        """Plain data that from_data() reads back exactly (a follow stores the scope it was made in); a
        municipality may be '' (minutes no source named), which no grant text can write."""
        return {"fora": sorted(self.fora), "pairs": sorted([m, f] for m, f in self.pairs), "towns": sorted(self.towns)}

    @classmethod
    def from_data(cls, data: dict | list) -> Access | None:
        """The Access of to_data(); a list is the forum names follows stored before scopes were per
        municipality (read as bare fora, whatever they hold: never an error)."""
        if isinstance(data, list):
            return cls(frozenset(str(f) for f in data))
        pairs = frozenset((str(m), str(f)) for m, f in data.get("pairs", []))
        return cls(frozenset(data.get("fora", [])), pairs, frozenset(data.get("towns", [])))


def parse(grants: Iterable[str], where: str = "[access]") -> Access | None:
    """The Access that config grants write; None when one of them is "*" (everything)."""
    fora: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    towns: set[str] = set()
    for grant in grants:
        if not isinstance(grant, str) or not grant.strip():
            raise AccessError(f'{where}: {grant!r} is not a forum; write "Byrådet", "Greve/Byrådet" or "Greve/*"')
        text = grant.strip()
        if text == ALL:
            return None
        if SEP not in text:
            if ALL in text:
                raise AccessError(f'{where}: {grant!r}: "*" stands alone (everything) or after a municipality')
            fora.add(text)
            continue
        town, _, forum = (s.strip() for s in text.partition(SEP))
        if not town or not forum:
            raise AccessError(f'{where}: {grant!r} names no municipality or no forum; write "Greve/Byrådet"')
        if ALL in town or (ALL in forum and forum != ALL):
            raise AccessError(f'{where}: {grant!r}: write "Greve/*" for every forum of a municipality')
        if forum == ALL:
            towns.add(town)
        else:
            pairs.add((town, forum))
    return Access(frozenset(fora), frozenset(pairs), frozenset(towns))
