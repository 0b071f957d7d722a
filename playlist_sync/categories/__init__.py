"""The user's categories: a YAML file, validated against the library, stored in Postgres."""
