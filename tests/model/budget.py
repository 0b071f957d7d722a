"""How much of the model runs: a seeded set in `make test` (derandomized, a few examples, no
shrinking: an example costs seconds of real services), and `make model-test` for the long run
(PLAYLIST_SYNC_MODEL=long: more examples and steps, a random seed it prints, shrinking on
request with PLAYLIST_SYNC_MODEL_SHRINK=1)."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, seed, settings
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

LONG = os.environ.get("PLAYLIST_SYNC_MODEL") == "long"
# The seeded set's seed: the same examples on every run of `make test`.
SEED = 20
# Ambiguous answers (a write that landed, answered 500/503) and lists trailing the writes,
# at the strength of the fault suite (tests/faults/untrustworthy.py), with the lag allowance
# the tests' syncs use above the lag.
AMBIGUOUS_RATE = 0.1
LIST_LAG_MS = 1000
LAG_ALLOWANCE_SECONDS = 1.5
HEARTBEAT_SECONDS = 5.0
# A job ends within this once resumed for the last time, whatever happened before.
END_WITHIN = 90.0
# pytest's bound on one test of the model (the long run's examples add up).
TIMEOUT = 4 * 3600 if LONG else 600


VERBOSE = os.environ.get("PLAYLIST_SYNC_MODEL_VERBOSE") == "1"


def say(line: str) -> None:
    """With PLAYLIST_SYNC_MODEL_VERBOSE=1 (and pytest -s): what each example does, as it runs."""
    if VERBOSE:
        print(line, flush=True)


def model_settings(seeded_examples: int, seeded_steps: int) -> settings:
    phases = [Phase.explicit, Phase.generate]
    if os.environ.get("PLAYLIST_SYNC_MODEL_SHRINK") == "1":
        phases.append(Phase.shrink)
    return settings(
        max_examples=int(os.environ.get("PLAYLIST_SYNC_MODEL_EXAMPLES", "25"))
        if LONG
        else seeded_examples,
        stateful_step_count=12 if LONG else seeded_steps,
        derandomize=False,
        deadline=None,
        database=None,
        phases=phases,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
        # Keep going after a failure, and report each distinct one (a seeded run of main
        # should say everything it found, not only the first).
        report_multiple_bugs=True,
        # PLAYLIST_SYNC_MODEL_VERBOSE=1 (with pytest -s): every example's steps as they run.
        verbosity=Verbosity.verbose if VERBOSE else Verbosity.normal,
    )


def run_model(machine: type[RuleBasedStateMachine], chosen: settings, min_steps: int = 0) -> None:
    """Runs the machine; in the long run with a seed printed first and named on failure."""
    number = int(
        os.environ.get("PLAYLIST_SYNC_MODEL_SEED") or (random.randrange(2**32) if LONG else SEED)
    )
    print(f"{machine.__name__}: seed {number}", flush=True)
    seeded: Callable[..., Any] = seed(number)(machine)
    try:
        # `_min_steps`: Hypothesis's own knob for runs that are not over before they begin.
        run_state_machine_as_test(seeded, settings=chosen, _min_steps=min_steps)
    except BaseException as failure:
        failure.add_note(
            f"Reproduce: PLAYLIST_SYNC_MODEL_SEED={number}"
            f" {'make model-test' if LONG else 'pytest -p no:xdist tests/model'}"
            f" (the steps above are the failing example)"
        )
        raise
