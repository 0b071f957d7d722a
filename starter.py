"""playlist-sync's command line: `python starter.py --help`."""

import os
import sys

from playlist_sync.cli.app import main

if __name__ == "__main__":
    code = main()
    # temporalio's native threads can crash CPython's teardown (temporalio/sdk-python#300:
    # "PyGILState_Release ... finalizing", SIGABRT or SIGSEGV), turning a command that
    # succeeded into exit 134 or 139. Everything is done by now: flush and leave without it.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
