"""`python -m bench.profile [--run haystack-100000] [--top K]`: cProfile of answer() over the benchmark's questions,
on the database the last run of that kind left in bench/out, to show which functions a missed latency target
goes to."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import time
from pathlib import Path

from bench.run import Options


def profile(work: Path, top: int, sort: str) -> str:
    from index.answer import answer
    from index.config import load_config
    from index.store import Store

    data = json.loads((work / "questions.json").read_text(encoding="utf-8"))
    cfg = load_config()
    store = Store(work / "referent.db")
    for q in data["warmup"]:
        answer(store, q, cfg=cfg)
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    for q in data["questions"]:
        answer(store, q, cfg=cfg)
    prof.disable()
    wall = time.perf_counter() - t
    out = io.StringIO()
    print(f"{len(data['questions'])} questions, {wall:.2f} s under the profiler "
          f"({1000 * wall / len(data['questions']):.1f} ms a question)\n", file=out)  # fmt: skip
    pstats.Stats(prof, stream=out).strip_dirs().sort_stats(sort).print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.profile")
    p.add_argument("--run", default="haystack-100000", help="the run's folder in --out (haystack-N[-own-keys], greve)")
    p.add_argument("--out", type=Path, default=Options.out)
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    a = p.parse_args(argv)
    print(profile(a.out / a.run, a.top, a.sort))


if __name__ == "__main__":
    main()
