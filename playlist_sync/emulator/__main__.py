"""`python -m playlist_sync.emulator --port P ...`: the emulator without the rest of the app."""

from __future__ import annotations

import argparse
import sys

from playlist_sync.emulator.seed import SeedError, load_seed_file
from playlist_sync.emulator.server import run_emulator
from playlist_sync.emulator.state import EmulatorOptions
from playlist_sync.quota_windows import QuotaReset


def parse_options(argv: list[str] | None = None) -> tuple[int, EmulatorOptions]:
    parser = argparse.ArgumentParser(prog="python -m playlist_sync.emulator")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--daily-quota", type=int, default=10000)
    parser.add_argument("--quota-reset", default="pacific-midnight")
    parser.add_argument("--token-ttl", type=int, default=3600)
    parser.add_argument("--any-token", action="store_true")
    parser.add_argument("--seed", metavar="FILE")
    args = parser.parse_args(argv)
    if args.daily_quota <= 0 or args.token_ttl <= 0:
        parser.error("--daily-quota and --token-ttl must be positive")
    try:
        reset = QuotaReset.parse(args.quota_reset)
    except ValueError as error:
        parser.error(str(error))
    try:
        seed = load_seed_file(args.seed).model_dump() if args.seed else None
    except SeedError as error:
        parser.error(str(error))
    options = EmulatorOptions(args.daily_quota, reset, args.token_ttl, args.any_token, seed)
    return args.port, options


def main(argv: list[str] | None = None) -> int:
    port, options = parse_options(argv)
    try:
        run_emulator(port, options)
    except OSError as error:
        print(f"cannot serve on 127.0.0.1:{port}: {error.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
