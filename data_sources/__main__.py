"""Command line: `python -m data_sources build-snapshot ../shared/data`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .snapshot import write_snapshot
from .store import SNAPSHOT_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data_sources")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build-snapshot", help="rebuild data_sources/snapshot/ from the real data files"
    )
    build.add_argument("data_dir", type=Path, help="folder of ../shared/data")
    build.add_argument("--out", type=Path, default=SNAPSHOT_DIR)
    args = parser.parse_args(argv)

    if not (args.data_dir / "SOURCES.md").is_file():
        parser.error(f"{args.data_dir} does not look like the shared data folder")
    written = write_snapshot(args.data_dir, args.out)
    print(f"wrote {len(written)} series to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
