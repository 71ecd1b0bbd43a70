"""`python -m bench [--items 10000,100000] [--keys shared|own|both] [--quick] [--skip-peers] …`: see bench/README.md."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.peers import PEERS
from bench.report import markdown, print_table
from bench.run import KEYS, QUICK_ITEMS, Options, run


def _items(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(x.replace("_", "")) for x in text.split(",") if x.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of item counts: {text!r} (e.g. 10000,100000)") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"item counts must be positive: {text!r}")
    return values


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(
        prog="python -m bench", description="Referent against three peers in the shared hard haystack and in Greve."
    )
    p.add_argument(
        "--items",
        type=_items,
        default=Options.items,
        help="haystack sizes in items, comma-separated (default 10000,100000; ~10 items a meeting)",
    )
    p.add_argument("--quick", action="store_true", help=f"only {QUICK_ITEMS:,} items (and Greve): catches breakage")
    p.add_argument(
        "--keys",
        choices=(*KEYS, "both"),
        default="shared",
        help="haystack leaves out the key phrases of ../shared/eval only (shared, the tool as it is), "
        "of our own sets too (own), or run both",
    )
    p.add_argument("--no-greve", action="store_true", help="leave out the run inside the real Greve archive")
    p.add_argument("--greve-only", action="store_true", help="only the run inside the real Greve archive")
    p.add_argument("--skip-peers", action="store_true", help="measure Referent only")
    p.add_argument("--peers", default=",".join(PEERS), help="comma-separated subset of " + ", ".join(PEERS))
    p.add_argument("--max-per-set", type=int, help="only the first N questions of each set (a quick look)")
    p.add_argument("--out", type=Path, default=Options.out, help="work folder (haystacks, databases); git-ignored")
    p.add_argument("--shared", type=Path, help="the shared folder (default: ../shared or REFERENT_SHARED)")
    p.add_argument("--results", type=Path, default=Options.results, help="results.json to update (and .md beside)")
    p.add_argument("--seed", type=int, default=Options.seed, help="the haystack tool's seed")
    a = p.parse_args(argv)
    peers = () if a.skip_peers else tuple(x for x in a.peers.split(",") if x)
    if unknown := [x for x in peers if x not in PEERS]:
        p.error(f"unknown peer(s) {', '.join(unknown)}; choose from {', '.join(PEERS)}")
    opts = Options(
        items=(QUICK_ITEMS,) if a.quick else a.items,
        keys=KEYS if a.keys == "both" else (a.keys,),
        greve=not a.no_greve, haystack=not a.greve_only, out=a.out,
        peers=peers,
        shared=a.shared, results=a.results, seed=a.seed, max_per_set=a.max_per_set,
    )  # fmt: skip
    result = run(opts)
    print_table(result["runs"], result["notes"])
    opts.out.mkdir(parents=True, exist_ok=True)
    table = opts.out / "table.md"
    table.write_text(markdown(result["runs"], result["notes"]), encoding="utf-8")
    saved = f"; all latest runs: {a.results} and {a.results.with_suffix('.md')}" if a.results else ""
    print(f"\nThis run's tables: {table}{saved}")


if __name__ == "__main__":
    main()
