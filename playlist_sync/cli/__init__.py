"""The `starter.py` command line."""
