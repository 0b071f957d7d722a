"""`python -m playlist_sync.emulator --port P ...`: the emulator without the rest of the app.

`starter.py emulator` takes the same options: both build their parser with `add_arguments`.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from playlist_sync.quota_windows import QuotaReset

if TYPE_CHECKING:
    from playlist_sync.emulator.state import EmulatorOptions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, required=True, help="serve on 127.0.0.1:PORT")
    parser.add_argument(
        "--daily-quota",
        type=int,
        default=10000,
        metavar="N",
        help="units the project may spend per quota window (default: 10000, YouTube's)",
    )
    parser.add_argument(
        "--quota-reset",
        default="pacific-midnight",
        metavar="R",
        help="when a window starts: pacific-midnight (default) or every:<N>s",
    )
    parser.add_argument(
        "--token-ttl",
        type=int,
        default=3600,
        metavar="S",
        help="seconds an issued access token stays valid (default: 3600)",
    )
    parser.add_argument(
        "--refresh-token-ttl",
        type=int,
        default=None,
        metavar="SECONDS",
        help="refresh tokens expire after SECONDS, as for apps in Google's testing status "
        "(default: never)",
    )
    parser.add_argument(
        "--any-token",
        action="store_true",
        help="accept any bearer token, not only the ones this emulator issued",
    )
    parser.add_argument(
        "--seed", metavar="FILE", help="a library JSON file to start with (default: empty)"
    )


def options_from(args: argparse.Namespace) -> tuple[int, EmulatorOptions]:
    """The port and options; raises ValueError (one line) for a bad value or seed file."""
    # Imported when the emulator is wanted, not when a parser is built (see __init__).
    from playlist_sync.emulator.seed import load_seed_file
    from playlist_sync.emulator.state import EmulatorOptions

    if args.daily_quota <= 0 or args.token_ttl <= 0:
        raise ValueError("--daily-quota and --token-ttl must be positive")
    if args.refresh_token_ttl is not None and args.refresh_token_ttl <= 0:
        raise ValueError("--refresh-token-ttl must be positive")
    try:
        reset = QuotaReset.parse(args.quota_reset)
    except ValueError as error:
        raise ValueError(f"--quota-reset: {error}") from None
    # A SeedError is a ValueError whose message names the file and the problem.
    seed = load_seed_file(args.seed).model_dump() if args.seed else None
    options = EmulatorOptions(
        args.daily_quota, reset, args.token_ttl, args.any_token, seed, args.refresh_token_ttl
    )
    return args.port, options


def parse_options(argv: list[str] | None = None) -> tuple[int, EmulatorOptions]:
    parser = argparse.ArgumentParser(prog="python -m playlist_sync.emulator")
    add_arguments(parser)
    try:
        return options_from(parser.parse_args(argv))
    except ValueError as error:
        parser.error(str(error))


def main(argv: list[str] | None = None) -> int:
    from playlist_sync.emulator.server import run_emulator

    port, options = parse_options(argv)
    try:
        run_emulator(port, options)
    except OSError as error:
        print(f"cannot serve on 127.0.0.1:{port}: {error.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
