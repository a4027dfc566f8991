"""Benchmark of placement, in one run (issue 3): node packing on the openb cluster (pods/s per
policy against a plain Python loop over nodes), then the global optimizer on the china
reference network (solve time, gap, greedy/optimal cost for 1,000 and 5,000 jobs).

    python bench/placement.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import optimizer
import packing


def run() -> None:
    print("== node packing on openb ==")
    packing.run([])
    print("\n== global optimizer on the china reference network ==")
    optimizer.run([])


if __name__ == "__main__":
    run()
