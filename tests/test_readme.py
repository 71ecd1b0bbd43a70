"""The README's session runs verbatim after `make demo` (in the manner of sqlite-utils' test_docs.py).

Every `$ ` line of the session's code block is run as written, in a folder laid out as a checkout after
`make demo` (`.venv/bin` and `demo/` in place, `referent-demo.db` ingested as the Makefile's demo target
does), and the lines shown under it must appear in its output in that order. A line ending in "…" needs
only its beginning to match; a line that is just "…" stands for any number of lines.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def session() -> list[tuple[str, list[str]]]:
    """(command, expected lines) for each `$ ` line of the README's "A session" block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## A session") :]
    block = re.search(r"```text\n(.*?)```", section, re.S)
    assert block, "README: no ```text block under ## A session"
    steps: list[tuple[str, list[str]]] = []
    for line in block.group(1).splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps and line.strip():
            steps[-1][1].append(line.rstrip())
    return steps


def matches(expected: list[str], output: str) -> str | None:
    """None when `expected` appears in `output` in order, else the first line that did not."""
    lines = [line.rstrip() for line in output.splitlines()]
    at = 0
    for want in expected:
        if want == "…":
            continue
        prefix = want.endswith("…")
        want = want.removesuffix("…").rstrip() if prefix else want
        while at < len(lines) and not (lines[at].startswith(want) if prefix else lines[at] == want):
            at += 1
        if at == len(lines):
            return want
        at += 1
    return None


def demo_target() -> tuple[str, str]:
    """The database and the ingest command `make demo` runs, read from the Makefile."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    db = re.search(r"^DB \?= (\S+)$", makefile, re.M)
    ingest = re.search(r"^demo:.*\n\t\$\(BIN\)/referent (ingest .*)$", makefile, re.M)
    assert db and ingest, "Makefile: no DB default or demo target"
    return db.group(1), ingest.group(1).replace("$(DB)", db.group(1))


def test_the_readme_names_what_make_demo_makes() -> None:
    db, _ = demo_target()
    commands = [command for command, _ in session()]
    assert commands and all(c.startswith(".venv/bin/referent ") for c in commands)
    assert all(f"--db {db}" in c for c in commands)


@pytest.mark.skipif(not (ROOT / "demo" / "minutes").is_dir(), reason="demo minutes not present")
def test_the_readme_session_runs_verbatim(tmp_path: Path) -> None:
    pytest.importorskip("index.answer")
    db, ingest = demo_target()
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "bin").symlink_to(Path(sys.executable).parent, target_is_directory=True)
    (tmp_path / "demo").symlink_to(ROOT / "demo", target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFERENT_")}
    env["COLUMNS"] = "80"  # a narrow terminal must not cut what the README shows

    def run(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(shlex.split(command), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    made = run(f".venv/bin/referent {ingest}")
    assert made.returncode == 0 and (tmp_path / db).exists(), made.stderr
    for command, expected in session():
        result = run(command)
        assert result.returncode == 0, (command, result.stderr)
        missing = matches(expected, result.stdout)
        assert missing is None, f"{command}\nmissing: {missing!r}\n--- output ---\n{result.stdout}"


def test_matching_rules() -> None:
    out = "a\nbb cc\nd\ne"
    assert matches(["a", "…", "d"], out) is None and matches(["bb …", "e"], out) is None
    assert matches(["d", "a"], out) == "a" and matches(["b"], out) == "b"
