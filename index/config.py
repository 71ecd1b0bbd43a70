"""Settings from config/referent.toml, the environment and explicit options (in rising precedence).

Secrets never live here: adapters read tokens from the environment themselves.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CONFIG_DIR = Path(os.environ.get("REFERENT_CONFIG_DIR", PROJECT_ROOT / "config"))
ALL = "*"


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

    def fora_for(self, platform: str, channel: str | None = None, *, direct: bool = False) -> frozenset[str] | None:
        """The fora a place may see; None means every forum. Unknown channels get the public fora."""
        if channel and channel in self.channel_fora.get(platform, {}):
            fora = self.channel_fora[platform][channel]
        elif platform == "web":
            fora = self.web_fora if self.web_fora is not None else self.public_fora
        elif direct:
            fora = self.dm_fora if self.dm_fora is not None else self.public_fora
        else:
            fora = self.public_fora
        return None if ALL in fora else frozenset(fora)


def load_config(path: str | Path | None = None) -> Config:
    """Read referent.toml (REFERENT_CONFIG or config/referent.toml); missing file means defaults."""
    path = Path(path or os.environ.get("REFERENT_CONFIG") or CONFIG_DIR / "referent.toml")
    raw: dict = {}
    if path.exists():
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    db, web, ingest, access = (raw.get(k, {}) for k in ("database", "web", "ingest", "access"))
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
    )
    if os.environ.get("REFERENT_PUBLIC_URL"):
        cfg.public_url = os.environ["REFERENT_PUBLIC_URL"].rstrip("/")
    return cfg


def db_path(option: str | None = None, cfg: Config | None = None) -> str:
    """--db option, else REFERENT_DB, else config, else referent.db."""
    return option or os.environ.get("REFERENT_DB") or (cfg or load_config()).db_path
