"""Keeping YouTube in sync unattended: the Temporal Schedule, its runs and their guard."""
