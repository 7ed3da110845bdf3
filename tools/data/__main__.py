"""``python -m tools.data DERIVED_DIR [DATASET ...]``: rebuild the shipped data files."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

import tools.data
from tools.data import write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.data", description=__doc__)
    parser.add_argument("derived", type=Path, help="folder of the normalised source JSON files")
    parser.add_argument("datasets", nargs="*", help="module names (default: every dataset)")
    args = parser.parse_args(argv)
    names = args.datasets or [
        module.name for module in pkgutil.iter_modules(tools.data.__path__) if module.name[0] != "_"
    ]
    for name in names:
        module = importlib.import_module(f"tools.data.{name}")
        records = module.records(args.derived)
        path = write(module.OUTPUT, records)
        print(f"{name}: {len(records)} records -> {path.name} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
