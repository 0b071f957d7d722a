"""The sync's domain steps (backup, create, add, delete) and the job's Postgres mirror."""
