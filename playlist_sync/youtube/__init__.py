"""Everything the app does to YouTube: the client, its errors, quota ledger and credentials."""
