"""The indicators as pure functions: frames in, frames out, no I/O (one module per family)."""
