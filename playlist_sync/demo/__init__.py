"""The demo: a built-in sample library and the whole journey on the embedded stack."""
