"""The hard haystack: `../shared/tools/haystack.py OUT N [SEED]`, run as it is, with a manifest so a run can
reuse a haystack of the same tool, size, seed and key set.

The tool builds distractor meetings from real sentences of the seed minutes, leaving out every sentence that
holds a key phrase of the question sets in its own `../eval/` folder (only `../shared/eval/*.jsonl`). With
`own_keys` the tool runs from a temporary folder laid out like ../shared (`tools/haystack.py` copied,
`eval/` holding dev.jsonl and our own sets, `corpus` a symlink to ../shared/corpus), so the keys of our sets
are left out too: the same logic, never a reimplementation of it, and no data copied into the project.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from index.evaluate import load_questions

TOOL = Path("tools") / "haystack.py"
ITEMS_PER_MEETING = 10  # the tool writes 6-14 items a meeting: 1,000 meetings ~ 10k items
DEFAULT_SEED = 7  # the tool's own default


class HaystackError(Exception):
    pass


def meetings_for(items: int) -> int:
    return max(1, round(items / ITEMS_PER_MEETING))


def tool_path(shared: Path) -> Path:
    path = shared / TOOL
    if not path.is_file():
        raise HaystackError(f"the haystack tool {path} is missing: the benchmark needs ../shared")
    return path


def _keys_digest(sets: list[Path]) -> str:
    keys = sorted({str(q.get("key") or "").lower() for p in sets for q in load_questions(p)} - {""})
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]


def generate(
    shared: Path, out: Path, meetings: int, *, seed: int = DEFAULT_SEED, own_keys: list[Path] | None = None
) -> dict:
    """Write `meetings` synthetic meetings into `out` (unless the same haystack is there) and return its
    manifest. `own_keys`: further question files whose key phrases the haystack must not contain."""
    tool = tool_path(shared)
    shared_sets = sorted((shared / "eval").glob("*.jsonl"))
    sets = shared_sets + list(own_keys or [])
    want = {
        "tool_sha256": hashlib.sha256(tool.read_bytes()).hexdigest()[:16],
        "meetings": meetings,
        "seed": seed,
        "keys": "own" if own_keys else "shared",
        "key_sets": [p.name for p in sets],
        "keys_digest": _keys_digest(sets),
    }
    manifest_path = out / "manifest.json"
    if manifest_path.exists():
        have = json.loads(manifest_path.read_text(encoding="utf-8"))
        if all(have.get(k) == v for k, v in want.items()):
            return have
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="referent-haystack-") as tmp:
        if own_keys:
            root = Path(tmp)
            (root / "tools").mkdir()
            shutil.copy2(tool, root / TOOL)
            (root / "eval").mkdir()
            for path in sets:
                # The tool reads q["key"] on every line; an unanswerable question may have none.
                lines = [json.dumps({**q, "key": q.get("key") or ""}, ensure_ascii=False) for q in load_questions(path)]
                (root / "eval" / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
            (root / "corpus").symlink_to((shared / "corpus").resolve(), target_is_directory=True)
            tool = root / TOOL
        done = subprocess.run(
            [sys.executable, str(tool), str(out / "meetings"), str(meetings), str(seed)], capture_output=True, text=True
        )
    if done.returncode != 0:
        raise HaystackError(f"{tool} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    files = sorted((out / "meetings").glob("*.txt"))
    items = raw = 0
    for f in files:
        data = f.read_bytes()
        raw += len(data)
        items += data.count(b"\nPunkt ")
    manifest = {**want, "files": len(files), "items": items, "bytes": raw, "generate_s": time.perf_counter() - started}
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest
