"""`python -m bench --items N [--quick] [--out DIR] [--skip-peers]`: see bench/README.md."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.peers import PEERS
from bench.report import markdown, print_table
from bench.run import QUICK_ITEMS, Options, run


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench", description="Referent benchmark against three peers.")
    p.add_argument("--items", type=int, default=100_000, help="synthetic agenda items in the haystack")
    p.add_argument("--quick", action="store_true", help=f"{QUICK_ITEMS:,} items: catches breakage, never judges time")
    p.add_argument("--out", type=Path, default=Options.out, help="work folder (haystack, databases); git-ignored")
    p.add_argument("--skip-peers", action="store_true", help="measure Referent only")
    p.add_argument("--peers", default=",".join(PEERS), help="comma-separated subset of " + ", ".join(PEERS))
    p.add_argument("--questions", type=int, default=Options.questions, help="size of the fixed latency set")
    p.add_argument("--shared", type=Path, help="the shared folder with real minutes (default: ../shared)")
    p.add_argument("--no-shared", action="store_true", help="leave the real minutes out even when present")
    p.add_argument("--results", type=Path, default=Options.results, help="results.json to update")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args(argv)
    opts = Options(
        items=QUICK_ITEMS if a.quick else a.items, out=a.out, quick=a.quick,
        peers=() if a.skip_peers else tuple(x for x in a.peers.split(",") if x), questions=a.questions,
        shared=False if a.no_shared else (a.shared or True), results=a.results, seed=a.seed,
    )  # fmt: skip
    result = run(opts)
    print_table(result)
    table = opts.out / f"items-{opts.items}" / "table.md"
    table.write_text(markdown(result), encoding="utf-8")
    print(f"\nMarkdown table: {table}; results: {opts.results}")


if __name__ == "__main__":
    main()
