"""The imported library: what the user's YouTube account holds, mirrored in Postgres."""
