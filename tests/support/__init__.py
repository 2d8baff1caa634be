"""Test-only helpers: accounts, PostgreSQL, databases, captured logs, threads.

The protocol client and the server starters, which bench uses too, are in harness.
"""
