"""Command line: `python -m data_sources build-snapshot ../shared/data`."""

from __future__ import annotations

import argparse
import logging
import re
import signal
import sys
import time
from pathlib import Path

from data_sources.model.registries import SNAPSHOT_DIR, SOURCES
from data_sources.settings import Settings
from data_sources.snapshot_build.build import write_snapshot
from data_sources.store.files import StoreUnavailable, cannot_write

LIVE_SOURCES = [s.id for s in SOURCES if s.live]
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration(text: str) -> float:
    """'90s', '10m', '1h', '2d' → seconds."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd])", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a duration like 30s, 10m or 1h"
        )
    seconds = float(match.group(1)) * UNITS[match.group(2)]
    if seconds < 10:
        raise argparse.ArgumentTypeError("refresh at most every 10 seconds")
    return seconds


def store_is_readable() -> bool:
    """At least one series can be read (snapshot or live)."""
    from data_sources import get_store

    return any(get_store(Settings.from_env()).series())


def stop_on_signals() -> None:
    """Ctrl-C (SIGINT) and `kill`, systemd or `docker stop` (SIGTERM) end a refresher,
    exit 130 and 143. Said explicitly: a process started in the background by a shell
    (`… refresh --every 10m &`) inherits SIGINT ignored, and would run on through it.
    Stopping mid-round is safe: every write is atomic and kill -9 proof."""

    def terminate(signum: int, _frame) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, terminate)


def run_refresh(args: argparse.Namespace) -> int:
    from data_sources.adapters.refresh import (  # imports the HTTP stack only when needed
        refresh,
        summary,
    )

    while True:
        try:
            outcomes = refresh(args.source or None, progress=not args.no_progress)
        except (OSError, StoreUnavailable) as error:  # before any source: no store
            fault = (
                error if isinstance(error, StoreUnavailable) else cannot_write(error)
            )
            print(f"refresh: {fault}", file=sys.stderr, flush=True)
            outcomes = None
        else:
            print(summary(outcomes), flush=True)
        if args.every is None:
            break
        time.sleep(args.every)
    # Usable even if sources failed (they are reported); 1 only if nothing can be read,
    # 3 if the store could not be written (the message names the path and the cause).
    if not store_is_readable():
        return 1
    if outcomes is None or any(o.storage_fault for o in outcomes):
        return 3
    return 0


def run_import(args: argparse.Namespace) -> int:
    """2: the file cannot be read or a row is bad (each named by its line; nothing
    written); 3: the store cannot be written; 0: imported (or nothing new)."""
    from data_sources import get_store
    from data_sources.store.history import HistoryError, import_frame, parse_history

    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"import-history: cannot read {args.file}: {error}", file=sys.stderr)
        return 2
    try:
        frame = parse_history(text, args.source)
    except HistoryError as error:
        print(
            f"import-history: {args.file}: nothing imported\n{error}", file=sys.stderr
        )
        return 2
    try:
        done = import_frame(get_store(Settings.from_env()), frame, args.file.name)
    except (OSError, StoreUnavailable) as error:
        fault = error if isinstance(error, StoreUnavailable) else cannot_write(error)
        print(f"import-history: {fault}", file=sys.stderr)
        return 3
    for item in done:
        lost = (
            f"; {item.unreadable} rows of a damaged version could not be read "
            "(its file is kept aside, named *.damaged-<time>)"
            if item.unreadable
            else ""
        )
        print(
            f"{item.series}: {item.added} new rows ({item.before} → {item.after}){lost}",
            flush=True,
        )
    return 0


def make_parser() -> argparse.ArgumentParser:
    """The commands and their arguments."""
    parser = argparse.ArgumentParser(prog="python -m data_sources")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build-snapshot", help="rebuild data_sources/snapshot/ from the real data files"
    )
    build.add_argument("data_dir", type=Path, help="folder of ../shared/data")
    build.add_argument("--out", type=Path, default=SNAPSHOT_DIR)
    refresh = commands.add_parser(
        "refresh", help="fetch the live sources into the store (last good data kept)"
    )
    refresh.add_argument(
        "--source",
        action="append",
        choices=LIVE_SOURCES,
        help="only this source (repeatable); default: all",
    )
    refresh.add_argument(
        "--every",
        type=duration,
        default=None,
        help="keep refreshing at this interval, e.g. 10m (a refresher process)",
    )
    refresh.add_argument("--no-progress", action="store_true", help="no progress bar")
    backfill = commands.add_parser(
        "import-history",
        help="import a tidy CSV (city,indicator,time,value[,source]) into the store",
    )
    backfill.add_argument("file", type=Path, help="the CSV file")
    backfill.add_argument(
        "--source", help="the source id of rows without a source column value"
    )
    histories = commands.add_parser(
        "gbfs-history",
        help="write the real GBFS histories of ../shared/data as an import-history file",
    )
    histories.add_argument("data_dir", type=Path, help="folder of ../shared/data")
    histories.add_argument(
        "-o", "--out", type=Path, default=None, help="file to write (default: stdout)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )

    if args.command == "refresh":
        stop_on_signals()
        try:
            return run_refresh(args)
        except KeyboardInterrupt:
            return 130

    if args.command == "import-history":
        return run_import(args)

    if not (args.data_dir / "SOURCES.md").is_file():
        parser.error(f"{args.data_dir} does not look like the shared data folder")
    if args.command == "gbfs-history":
        from data_sources.store.history import gbfs_history

        text = gbfs_history(args.data_dir)
        if args.out is None:
            sys.stdout.write(text)
        else:
            args.out.write_text(text, encoding="utf-8")
            print(f"wrote {text.count(chr(10)) - 1} rows to {args.out}")
        return 0
    written = write_snapshot(args.data_dir, args.out)
    print(f"wrote {len(written)} series to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
