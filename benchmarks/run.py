"""Run the st-tui benchmarks and print one table of figures, ratios and goals.

    python benchmarks/run.py --quick         # `make bench`: under 10 min on 2 cores
    python benchmarks/run.py                 # the full suite behind BENCHMARKS.md
    python benchmarks/run.py --only startup  # one suite: startup, data or training
    python benchmarks/run.py --gpu           # training throughput on CUDA in bf16

Each suite writes benchmarks/results/SUITE.json; the table printed last is the one
BENCHMARKS.md shows. The exit code is 1 when a goal is not met.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time

from common import Figure, machine_summary, markdown_table, save_results

SUITES = ("startup", "data", "training")


def main(argv: list[str] | None = None) -> int:
    """Run the chosen suites, print their table and return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="Smaller files, a smaller model and fewer runs (under 10 min on 2 cores).",
    )
    parser.add_argument(
        "--only",
        choices=SUITES,
        action="append",
        help="Run only this suite; repeat the option for several.",
    )
    parser.add_argument(
        "--gpu",
        action="store_true",
        help="Run only the training throughput comparison on CUDA in bf16.",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="Runs per figure (default: 3 with --quick, 5 otherwise).",
    )
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 5)

    suites = ["training"] if args.gpu else list(args.only or SUITES)

    figures: list[Figure] = []
    started = time.perf_counter()
    for name in suites:
        module = importlib.import_module(f"bench_{name}")
        print(f"== {name} ==", flush=True)
        suite_started = time.perf_counter()
        suite_figures = module.run(quick=args.quick, repeats=repeats, gpu=args.gpu)
        seconds = time.perf_counter() - suite_started
        path = save_results(
            f"{name}-gpu" if args.gpu else name,
            suite_figures,
            {"quick": args.quick, "repeats": repeats, "seconds": seconds},
        )
        print(f"   {len(suite_figures)} figures in {seconds:.0f} s, saved to {path}")
        figures.extend(suite_figures)

    print()
    for key, value in machine_summary().items():
        print(f"- {key}: {value}")
    print()
    print(markdown_table(figures))
    print(f"\nAll suites took {time.perf_counter() - started:.0f} s.")
    missed = [figure for figure in figures if figure.met is False]
    for figure in missed:
        print(f"Goal not met: {figure.group} / {figure.name} ({figure.goal})")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
