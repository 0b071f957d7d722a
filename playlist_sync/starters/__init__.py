"""Starting the workflows: a job's row, then its workflow through the typed `run` method.

Above the workflows in the layering (as samples-python's `starter.py` is): `sync` and `restore`
never import this package, and only one job writes to YouTube at a time, checked here.
"""
