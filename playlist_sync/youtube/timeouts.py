"""How long one YouTube call may take, and so how long an activity may stay silent.

Temporal starts a second attempt of an activity whose heartbeat has been silent for the
heartbeat timeout. A call blocks the attempt (and its heartbeats) for up to the HTTP timeout, so
a heartbeat timeout shorter than that starts a second attempt while the first still writes.
Both derive from this one number.
"""

from __future__ import annotations

from datetime import timedelta

CALL_TIMEOUT = timedelta(seconds=30)
# Room above the call for the ledger's bookkeeping around it and the heartbeat's own trip.
HEARTBEAT_TIMEOUT = CALL_TIMEOUT * 1.5
