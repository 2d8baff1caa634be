"""Benchmarks: the chat against a raw python-socketio room broadcast, in one run."""
