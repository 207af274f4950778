"""Run a benchmark's cases each in processes of their own, on the gradviz of a chosen checkout.

A window's memory or a seek's stall measured after other cases ran in the same process would carry their
imports, caches and heap: each run of a case starts a fresh interpreter (``SCRIPT --child CASE``), which
imports gradviz from ``--root`` (the commit before a change, from ``git archive``, measured in the same run)
and prints its figures as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

Figures = dict[str, float]


def main(
    script: str, cases: Iterable[str], child: Callable[[str], Figures], report: Callable[[str, list[Figures]], None]
) -> int:
    """The benchmark ``script``'s command line: ``--child CASE`` measures one case here (``child``); otherwise
    each case runs ``--runs`` times in fresh processes and ``report`` prints what they measured."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose gradviz is measured")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(args.root))
        print(json.dumps(child(args.child)))
        return 0
    print(f"gradviz of {args.root}")
    for case in cases:
        runs = []
        for _ in range(args.runs):
            done = subprocess.run(
                [sys.executable, script, "--root", str(args.root), "--child", case],
                capture_output=True,
                text=True,
                check=True,
                cwd=args.root,
            )
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        report(case, runs)
    return 0
