"""playlist-sync's command line: `python starter.py --help`."""

import sys

from playlist_sync.cli.app import main

if __name__ == "__main__":
    sys.exit(main())
