"""Settings from config/referent.toml, the environment and explicit options (in rising precedence).

Secrets never live here: adapters read tokens from the environment themselves.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.access import ALL, Access, AccessError, parse

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CONFIG_DIR = Path(os.environ.get("REFERENT_CONFIG_DIR", PROJECT_ROOT / "config"))


SOURCE_TYPES = ("firstagenda", "folder")


class ConfigError(ValueError):
    """A setting that cannot be used, with the place in the file and what to write instead."""


@dataclass
class Source:
    """One `[[sources]]` entry: a First Agenda Publication portal, or a folder of minutes files.

    Visibility follows the source: what a public portal publishes is public (every place may see it,
    whatever `[access]` says); minutes from a folder are seen only where `[access]` grants their forum."""

    name: str
    type: str
    url: str = ""  # firstagenda: https://dagsordener.<kommune>.dk
    path: str = ""  # folder
    municipality: str = ""
    committees: list[str] = field(default_factory=list)  # firstagenda: names or ids; empty = all
    since: dt.date | None = None  # firstagenda: meetings on or after this day

    @property
    def public(self) -> bool:
        return self.type == "firstagenda"


@dataclass
class Config:
    db_path: str = "referent.db"
    public_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    max_file_mb: int = 100
    sources: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    public_fora: list[str] = field(default_factory=lambda: [ALL])
    dm_fora: list[str] | None = None
    web_fora: list[str] | None = None
    channel_fora: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # platform -> channel -> fora
    digest: dict = field(default_factory=dict)
    config_dir: Path = CONFIG_DIR
    feeds: list[Source] = field(default_factory=list)  # [[sources]]
    sync: dict = field(default_factory=dict)  # [sync]: schedule of the fetch from [[sources]]
    # The bodies public portals published (Store.public_bodies), set by whoever opens the database
    # (see_public_sources): every place may see them. Unset, nothing is added: less is shown, never more.
    public_source: Callable[[], Access] | None = None

    def see_public_sources(self, public_bodies: Callable[[], Access]) -> None:
        """Let every place see what public portals published, e.g. `cfg.see_public_sources(store.public_bodies)`."""
        self.public_source = public_bodies

    def source(self, name: str) -> Source:
        for feed in self.feeds:
            if feed.name == name:
                return feed
        known = ", ".join(f.name for f in self.feeds) or "none configured"
        raise ConfigError(f"no source named {name!r} in [[sources]] ({known})")

    def municipality_for(self, path: str | Path, base: Path | None = None) -> str | None:
        """The municipality a folder source names for a file inside it (the longest matching folder);
        relative folder paths are taken from `base` (default: the working directory)."""
        target = Path(path).resolve()
        best: tuple[int, str] | None = None
        for feed in self.feeds:
            if feed.type != "folder" or not feed.municipality:
                continue
            folder = (Path(feed.path) if Path(feed.path).is_absolute() else (base or Path.cwd()) / feed.path).resolve()
            if target == folder or folder in target.parents:
                if best is None or len(folder.parts) > best[0]:
                    best = (len(folder.parts), feed.municipality)
        return best[1] if best else None

    def unknown_municipalities(self, stored: list[str]) -> list[str]:
        """Municipalities `[access]` grants name that no stored meeting belongs to (a misspelt name grants
        nothing, so the start says so)."""
        named: set[str] = set()
        for grants in self._access_lists().values():
            access = parse(grants) if grants is not None else None
            if access is not None:
                named |= access.towns | {m for m, _ in access.pairs}
        return sorted(named - set(stored))

    def _access_lists(self) -> dict[str, list[str] | None]:
        lists: dict[str, list[str] | None] = {"public": self.public_fora, "dm": self.dm_fora, "web": self.web_fora}
        lists |= {f"{p}.{c}": g for p, chans in self.channel_fora.items() for c, g in chans.items()}
        return lists

    def access_for(self, platform: str, channel: str | None = None, *, direct: bool = False) -> Access | None:
        """What a place may see (index.access); None means everything. Unknown channels get the public grants."""
        if channel and channel in self.channel_fora.get(platform, {}):
            fora = self.channel_fora[platform][channel]
        elif platform == "web":
            fora = self.web_fora if self.web_fora is not None else self.public_fora
        elif direct:
            fora = self.dm_fora if self.dm_fora is not None else self.public_fora
        else:
            fora = self.public_fora
        access = parse(fora)
        if access is None:
            return None
        return access | (self.public_source() if self.public_source is not None else Access())


def load_config(path: str | Path | None = None) -> Config:
    """Read referent.toml (REFERENT_CONFIG or config/referent.toml); missing file means defaults."""
    path = Path(path or os.environ.get("REFERENT_CONFIG") or CONFIG_DIR / "referent.toml")
    raw: dict = {}
    if path.exists():
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    db, web, ingest, access = (raw.get(k, {}) for k in ("database", "web", "ingest", "access"))
    _check_access_table(access)
    cfg = Config(
        db_path=db.get("path", "referent.db"),
        public_url=str(web.get("public_url", "http://127.0.0.1:8000")).rstrip("/"),
        host=web.get("host", "127.0.0.1"),
        port=int(web.get("port", 8000)),
        max_file_mb=int(ingest.get("max_file_mb", 100)),
        sources=list(ingest.get("sources", [])),
        links=dict(raw.get("links", {})),
        public_fora=list(access.get("public", [ALL])),
        dm_fora=access.get("dm"),
        web_fora=access.get("web"),
        channel_fora={p: dict(access.get(p, {})) for p in ("slack", "teams")},
        digest=dict(raw.get("digest", {})),
        config_dir=path.parent,
        feeds=parse_sources(raw.get("sources", [])),
        sync=dict(raw.get("sync", {})),
    )
    _check_access(cfg)
    if os.environ.get("REFERENT_PUBLIC_URL"):
        cfg.public_url = os.environ["REFERENT_PUBLIC_URL"].rstrip("/")
    return cfg


_ACCESS_KEYS = {"public", "dm", "web", "slack", "teams"}


def _check_access_table(access: object) -> None:
    """`[access]` as written: known keys only, lists where lists belong, tables of lists per channel. A typo
    must never fall back to `public` (whose default is everything)."""
    if not isinstance(access, dict):
        raise ConfigError("[access] must be a table")
    unknown = sorted(set(access) - _ACCESS_KEYS)
    if unknown:
        raise ConfigError(f"[access]: unknown setting(s) {', '.join(unknown)}; use {', '.join(sorted(_ACCESS_KEYS))}")
    for key in ("public", "dm", "web"):
        if key in access and not isinstance(access[key], list):
            raise ConfigError(f'[access] {key}: a list of fora, e.g. {key} = ["Byrådet", "Greve/*"]')
    for key in ("slack", "teams"):
        table = access.get(key, {})
        if not isinstance(table, dict):
            raise ConfigError(f'[access.{key}]: a table of channels, e.g. "C0123456789" = ["Chefforum"]')
        for channel, grants in table.items():
            if not isinstance(grants, list):
                raise ConfigError(f'[access.{key}] {channel!r}: a list of fora, e.g. ["Chefforum"]')


def _check_access(cfg: Config) -> None:
    """Every `[access]` grant readable at start, not at the first question."""
    for name, grants in cfg._access_lists().items():
        if grants is None:
            continue
        if not isinstance(grants, list):
            raise ConfigError(f'[access] {name}: a list of fora, e.g. ["Byrådet", "Greve/*"]')
        try:
            parse(grants, f"[access] {name}")
        except AccessError as e:
            raise ConfigError(str(e)) from None


def db_path(option: str | None = None, cfg: Config | None = None) -> str:
    """--db option, else REFERENT_DB, else config, else referent.db."""
    return option or os.environ.get("REFERENT_DB") or (cfg or load_config()).db_path


def parse_sources(raw: object) -> list[Source]:
    """The `[[sources]]` tables, checked: a clear ConfigError for anything that cannot work."""
    if not isinstance(raw, list):
        raise ConfigError("[[sources]] must be a list of tables: write [[sources]] above each source")
    out: list[Source] = []
    for n, entry in enumerate(raw, start=1):
        where = f"[[sources]] #{n}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: expected a table with type = ...")
        kind = str(entry.get("type", "")).strip()
        if kind not in SOURCE_TYPES:
            raise ConfigError(f"{where}: type = {kind!r}; use one of {', '.join(SOURCE_TYPES)}")
        unknown = set(entry) - {"name", "type", "url", "path", "municipality", "committees", "since"}
        if unknown:
            raise ConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
        url = str(entry.get("url", "")).strip().rstrip("/")
        folder = str(entry.get("path", "")).strip()
        if kind == "firstagenda" and not re.match(r"^https?://[^/\s]+$", url):
            raise ConfigError(f"{where}: url = {url!r}; write the portal's address, e.g. https://dagsordener.greve.dk")
        if kind == "folder" and not folder:
            raise ConfigError(f'{where}: a folder source needs path = "..."')
        since = entry.get("since")
        if isinstance(since, str):
            try:
                since = dt.date.fromisoformat(since)
            except ValueError:
                raise ConfigError(f"{where}: since = {since!r}; write a date as YYYY-MM-DD") from None
        if since is not None and not isinstance(since, dt.date):
            raise ConfigError(f"{where}: since must be a date (YYYY-MM-DD)")
        committees = entry.get("committees", [])
        if isinstance(committees, str):
            committees = [committees]
        municipality = str(entry.get("municipality", "")).strip()
        default = re.sub(r"[^a-z0-9]+", "-", (municipality or urlhost(url) or folder).lower()).strip("-")
        name = str(entry.get("name") or default or kind)
        if any(s.name == name for s in out):
            raise ConfigError(f'{where}: a second source named {name!r}; give each a name = "..."')
        out.append(Source(name, kind, url, folder, municipality, [str(c) for c in committees], since))
    return out


def urlhost(url: str) -> str:
    return re.sub(r"^https?://", "", url).split("/")[0]
